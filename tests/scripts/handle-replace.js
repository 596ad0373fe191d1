// handle* callbacks see events before they move on; replace* swap them.
var $count = 0

var show = e => println(e.type, e.type === 'Data' ? JSON.stringify(e.toString()) : '')

pipeline($=>$
  .handleMessageStart(() => $count++)
  .replaceData(d => new Data(d.toString().toUpperCase()))
  .replaceMessageEnd(() => [new MessageEnd, new Message('extra')])
  .handle(show)
  .handleStreamEnd(() => println('messages seen:', $count))
).process([new Message('hello'), new Message({ a: 1 }, 'world')])

pipeline($=>$
  .replaceMessage(msg => new Message(msg.head, `body was ${msg.body.size} bytes`))
  .handleMessage(msg => println('message', JSON.stringify(msg.head), msg.body.toString()))
).process(new Message({ status: 200 }, 'abcdef'))

var d = new Data('aGVsbG8=', 'base64')
println(d.toString(), d.size, new Data('hi').toString('hex'), new Data([104, 105]).toString())
var e = new Data('a,b,c')
println(e.shiftTo(b => b === 44).toString(), e.toString(), e.shiftWhile(b => b !== 44).toString(), e.toString())

// The rest of the family: MessageEnd callbacks, the head of a MessageStart, the first event.
pipeline($=>$
  .handleMessageEnd(e => println('end of message, tail', JSON.stringify(e.tail)))
  .replaceMessageStart(e => new MessageStart({ ...e.head, replaced: true }))
  .replaceStreamStart(e => [new Message({ first: true }, ''), e])
  .handleMessageStart(e => println('start', JSON.stringify(e.head)))
).process(new Message({ path: '/a' }, 'x'))

// muxQueue is mux by another name: messages of one stream share one session.
pipeline($=>$
  .muxQueue(() => 'q').to($=>$.replaceMessage(m => new Message('queued ' + m.body.toString())))
  .handleMessage(m => println(m.body.toString()))
).process([new Message('one'), new Message('two')])

// A message's body is one Data object: what is pushed into it stays in the message.
var m = new Message('abc')
m.body.push('def')
println(m.body.toString(), m.body === m.body)
var body = new Data('x')
m.body = body
body.push('y')
println(m.body.toString(), m.body === body)
pipeline($=>$
  .replaceMessage(msg => { msg.body.push('!'); return msg })
  .handleMessage(msg => println('changed in place:', msg.body.toString()))
).process(new Message('hi'))

// A message the stream ends inside (no MessageEnd) still has its body replaced, before the
// StreamEnd.
pipeline($=>$
  .replaceStreamStart(e => [new MessageStart, e])
  .replaceMessageBody(b => new Data('[' + b.toString() + ']'))
  .handle(show)
).process([new Data('ab'), new Data('cd'), new StreamEnd])
