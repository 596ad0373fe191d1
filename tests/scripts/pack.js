// pack: batches of messages merged into one.
var show = name => e => println(name, e.type, e.type === 'Data' ? JSON.stringify(e.toString()) : (e.type === 'MessageStart' ? JSON.stringify(e.head) : ''))
var msgs = ['a', 'b', 'c', 'd', 'e'].map((s, i) => new Message({ n: i }, s))
pipeline($=>$.pack(2, { interval: 0, timeout: 0 }).handle(show('two'))).process(msgs)
pipeline($=>$.pack(3, { interval: 0, prefix: '[', postfix: ']', separator: ',' }).handle(show('framed'))).process(msgs)
// With the default interval the first message goes out at once; the rest wait for the batch.
pipeline($=>$.pack(2).handle(show('interval'))).process(msgs)

// timeout: a partial batch goes out after that long without input (needs the event loop: a task).
pipy().task().onStart(() => [new Message('p'), new Message('q')])
  .pack(10, { timeout: 0.1, interval: 0 })
  .handle(show('timeout'))
  .replaceMessageEnd(() => [new MessageEnd, new StreamEnd])
