// WebSocket frames (the byte examples are RFC 6455's, section 5.7).
var hex = s => new Data(s, 'hex')
var show = e => println(
  e.type,
  e.type === 'MessageStart' ? JSON.stringify(e.head) : '',
  e.type === 'Data' ? JSON.stringify(e.toString()) : '',
  e.type === 'StreamEnd' ? e.error || '' : ''
)

println('-- an unmasked text frame')
pipeline($=>$.encodeWebSocket().handleData(d => println(d.toString('hex')))).process(new Message({ opcode: 1 }, 'Hello'))

println('-- a masked one, split across reads')
pipeline($=>$.decodeWebSocket().handle(show)).process([hex('8185'), hex('37fa213d7f9f'), hex('4d5158')])

println('-- a fragmented message with a ping in the middle')
pipeline($=>$.decodeWebSocket().handle(show)).process(hex('010348656c' + '890548656c6c6f' + '80026c6f'))

println('-- 256 bytes (16-bit length), encoded masked and decoded back')
var big = new Data(new Array(256).fill(97))
pipeline($=>$
  .encodeWebSocket()
  .handleData(d => println('frame bytes', d.size, 'header', d.toString('hex').substring(0, 8)))
  .decodeWebSocket()
  .handleMessage(m => println('decoded', m.head.opcode, m.head.masked, m.body.size, m.body.toString() === big.toString()))
).process(new Message({ opcode: 2, masked: true }, big))

println('-- a continuation frame with nothing to continue')
pipeline($=>$.decodeWebSocket().handle(show)).process(hex('80026c6f'))
