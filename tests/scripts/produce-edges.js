// produce() and linkAsync() where the original cannot go: an array holding Messages (the
// original crashes on it) and the 1.x pipeline() API (the original's has neither filter), so
// this script is checked against this runtime only.
var show = name => e => println(name, e.type, e.type === 'Data' ? e.toString() : (e.type === 'StreamEnd' && e.error ? String(e.error) : ''))

pipeline($=>$
  .produce([new Message({ n: 1 }, 'one'), new Message({ n: 2 }, 'two'), new StreamEnd])
  .handleMessage(m => println('messages', JSON.stringify(m.head), m.body.toString()))
  .handleStreamEnd(show('messages'))
).process(new Data('ignored'))

// linkAsync from a pipeline() template to a named pipeline: its input comes after this turn's work.
var sub = 'upper'
pipy().pipeline('upper').replaceData(d => new Data(d.toString().toUpperCase()))
pipeline($=>$
  .linkAsync(() => sub)
  .handle(show('linked'))
).process([new Data('later'), new StreamEnd])
println('this turn is over')
