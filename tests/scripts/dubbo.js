// Dubbo frames: encoded from Messages, decoded back across any split, streamed bodies, bad magic.
var show = m => println(JSON.stringify(m.head), JSON.stringify(m.body.toString()))
var frames = new Data
pipeline($=>$.encodeDubbo().handleData(d => frames.push(d))).process([
  new Message({ requestID: 1, isRequest: true, isTwoWay: true, serializationType: 2 }, 'call sayHello("pipy")'),
  new Message({ requestID: 1, status: 20, serializationType: 2 }, 'reply "hello, pipy"'),
  new Message({ requestID: 2, isRequest: true, isEvent: true }),
])
println('bytes', frames.size, frames.toString('hex').substring(0, 32))
pipeline($=>$.decodeDubbo().handleMessage(show)).process(frames)
var bytes = frames.toArray(), pieces = []
for (var i = 0; i < bytes.length; i += 5) pieces.push(new Data(bytes.slice(i, i + 5)))
var parts = 0
pipeline($=>$.decodeDubbo().handleData(() => parts++).handleMessage(show)).process(pieces)
println('body arrived in', parts, 'pieces')
var again = new Data
pipeline($=>$.decodeDubbo().encodeDubbo().handleData(d => again.push(d))).process(frames)
println('round trip', again.toString('hex') === frames.toString('hex'))
pipeline($=>$.decodeDubbo().handle(e => println(e.type, e.type === 'StreamEnd' ? e.error : ''))).process(new Data('GET / HTTP/1.1\r\n\r\n'))
// A request id past 2^53 (here 0x8000000000000002) comes out as a u64 Int and goes back unchanged.
var big = new Data([0xda, 0xbb, 0xc2, 0, 0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1, 0x4e])
var out = new Data
pipeline($=>$
  .decodeDubbo()
  .handleMessageStart(e => println('big id', e.head.requestID.type, e.head.requestID.toString()))
  .encodeDubbo()
  .handleData(d => out.push(d))
).process(big)
println('big id round trip', out.toString('hex'))
