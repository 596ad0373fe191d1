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
