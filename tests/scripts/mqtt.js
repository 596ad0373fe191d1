// MQTT: Messages encoded into packets and decoded back, for 3.1.1 and 5.0; round trips of the
// bytes; a packet split across reads; garbage.
var show = m => println(JSON.stringify(m.head), JSON.stringify(m.body.toString()), JSON.stringify(m.payload === undefined ? null : m.payload, (k, v) => v instanceof Data ? 'Data:' + v.toString() : v))

var session = level => [
  new Message({ type: 'CONNECT', protocolLevel: level, keepAlive: 60, properties: level === 5 ? { sessionExpiryInterval: 30, userProperties: { region: 'eu' } } : undefined }, null),
  new Message({ type: 'CONNACK', sessionPresent: false, reasonCode: 0 }),
  new Message({ type: 'SUBSCRIBE', packetIdentifier: 1 }),
  new Message({ type: 'SUBACK', packetIdentifier: 1 }),
  new Message({ type: 'PUBLISH', qos: 1, retain: true, topicName: 'a/b', packetIdentifier: 2, properties: level === 5 ? { contentType: 'text/plain' } : undefined }, 'hello'),
  new Message({ type: 'PUBACK', packetIdentifier: 2, reasonCode: 0 }),
  new Message({ type: 'UNSUBSCRIBE', packetIdentifier: 3 }),
  new Message({ type: 'PINGREQ' }),
  new Message({ type: 'DISCONNECT', reasonCode: 0 }),
]
// Payloads after the header go in the MessageEnd.
var payloads = [
  { clientID: 'c1', cleanStart: true, username: 'u', password: new Data('p'), will: { qos: 1, retain: false, topic: 'w', payload: new Data('bye') } },
  undefined, { topicFilters: [{ filter: 'a/#', qos: 1 }, { filter: 'b', qos: 0 }] }, [1, 0], undefined, undefined, ['a/#'], undefined, undefined,
]
var events = level => session(level).flatMap((m, i) => [new MessageStart(m.head), ...(m.body.size ? [m.body] : []), new MessageEnd(null, payloads[i])])

;[4, 5].forEach(level => {
  println('-- level', level)
  var bytes = new Data
  pipeline($=>$.encodeMQTT().handleData(d => bytes.push(d))).process(events(level))
  println('bytes', bytes.size)
  pipeline($=>$.decodeMQTT().handleMessage(show)).process(bytes)
  var again = new Data
  pipeline($=>$.decodeMQTT().encodeMQTT().handleData(d => again.push(d))).process(bytes)
  println('round trip', again.toString('hex') === bytes.toString('hex'))
  var pieces = []
  for (var i = 0; i < bytes.size; i += 3) pieces.push(new Data(bytes.toArray().slice(i, i + 3)))
  var n = 0
  pipeline($=>$.decodeMQTT().handleMessageStart(() => n++)).process(pieces)
  println('3-byte reads give', n, 'messages')
})

println('-- the broker side at level 5 (told by option)')
var connack = new Data
pipeline($=>$.encodeMQTT({ protocolLevel: 5 }).handleData(d => connack.push(d)))
  .process(new Message({ type: 'CONNACK', sessionPresent: true, reasonCode: 0, properties: { receiveMaximum: 10 } }))
pipeline($=>$.decodeMQTT({ protocolLevel: () => 5 }).handleMessage(show)).process(connack)

println('-- level 5 properties keep their order, user properties where they were')
var props = new Data
pipeline($=>$.encodeMQTT({ protocolLevel: 5 }).handleData(d => props.push(d))).process(new Message({
  type: 'CONNACK', sessionPresent: false, reasonCode: 0,
  properties: { maximumPacketSize: 1048576, userProperties: { k: 'v' }, retainAvailable: 1, topicAliasMaximum: 65535 },
}))
println(props.toString('hex'))
var again = new Data
pipeline($=>$.decodeMQTT({ protocolLevel: 5 }).handleMessage(show).encodeMQTT({ protocolLevel: 5 }).handleData(d => again.push(d))).process(props)
println('round trip', again.toString('hex') === props.toString('hex'))

println('-- garbage')
pipeline($=>$.decodeMQTT().handle(e => println(e.type, e.type === 'StreamEnd' ? e.error : ''))).process(new Data([0xf0, 0xff, 0xff, 0xff, 0xff, 0x7f]))
