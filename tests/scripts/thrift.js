// Thrift: messages encoded from Messages (binary and compact), decoded back across any split,
// the payload struct kept as raw bytes, bad input.
var show = m => println(JSON.stringify(m.head), m.body.toString('hex'))
// A binary-protocol struct {1: i32 7, 2: string "hi"} and a compact one {1: i32 7, 2: true}.
var binaryStruct = new Data('080001000000070b0002000000026869' + '00', 'hex')
var compactStruct = new Data('150e1100', 'hex')
var bytes = new Data
pipeline($=>$.encodeThrift().handleData(d => bytes.push(d))).process([
  new Message({ seqID: 1, type: 'call', name: 'getUser', protocol: 'binary' }, binaryStruct),
  new Message({ seqID: 1, type: 'reply', name: 'getUser', protocol: 'binary' }, new Data('00', 'hex')),
  new Message({ seqID: 300, type: 'oneway', name: 'ping', protocol: 'compact' }, compactStruct),
])
println('bytes', bytes.size)
pipeline($=>$.decodeThrift().handleMessage(show)).process(bytes)
var all = bytes.toArray(), pieces = []
for (var i = 0; i < all.length; i += 3) pieces.push(new Data(all.slice(i, i + 3)))
var n = 0
pipeline($=>$.decodeThrift().handleMessageStart(() => n++)).process(pieces)
println('3-byte reads give', n, 'messages')
var again = new Data
pipeline($=>$.decodeThrift().encodeThrift().handleData(d => again.push(d))).process(bytes)
println('round trip', again.toString('hex') === bytes.toString('hex'))
pipeline($=>$.decodeThrift().handle(e => println(e.type, e.type === 'StreamEnd' ? e.error : ''))).process(new Data('GET / HTTP/1.1\r\n\r\n'))
try { pipeline($=>$.decodeThrift({ payloads: true })) } catch (e) { println(e.message) }
// The old (non-strict) binary protocol: the name's length first; written back the same way.
var old = new Data('0000000470696e67010000000108000100000005' + '00', 'hex')
var oldAgain = new Data
pipeline($=>$.decodeThrift().handleMessageStart(e => println(JSON.stringify(e.head))).encodeThrift().handleData(d => oldAgain.push(d))).process(old)
println('old round trip', oldAgain.toString('hex') === old.toString('hex'))
