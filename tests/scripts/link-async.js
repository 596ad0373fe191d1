// linkAsync(target): streams through another pipeline sharing this context, like link(), but
// hands it the input on a later turn of the event loop. The sub-pipeline starts at the first
// event (its onStart runs then, at once); the events follow asynchronously, after everything
// that runs now. Runs on the original too (its pipeline() API has no linkAsync(), so this uses
// pipy() tasks, one configuration, last).
var log = name => e => println(name, e.type === 'Data' ? e.toString() : e.type + (e.error ? ' ' + e.error : ''))
var c = pipy({ _v: 'main', _calls: 0 })

c.pipeline('brackets')
  .onStart(() => (println('brackets starts; _v is', _v), new Data('hello')))
  .handleStreamStart(() => (_v = 'set by brackets'))
  .replaceData(d => new Data('[' + d.toString() + ']'))

c.pipeline('upper')
  .replaceData(d => new Data(d.toString().toUpperCase()))

// By name. The first output (from onStart) is at once; a and b come later.
c.task().onStart(() => [new Data('a'), new Data('b'), new StreamEnd])
  .handleStreamStart(() => println('named: before linkAsync'))
  .linkAsync('brackets')
  .handleStreamStart(() => println('named: first output; _v is', _v))
  .handleData(log('named'))
  .handleStreamEnd(log('named'))

// By a function giving the name.
c.task().onStart(() => [new Data('c'), new StreamEnd])
  .linkAsync(() => 'upper')
  .handleData(log('function'))
  .handleStreamEnd(log('function'))

// A function giving nothing drops that event; it is asked again at the next.
c.task().onStart(() => [new Data('dropped'), new Data('kept'), new StreamEnd])
  .linkAsync(() => ++_calls < 2 ? undefined : 'upper')
  .handleData(log('nullish'))
  .handleStreamEnd(e => println('nullish', e.type, 'after', _calls, 'calls'))

// Errors: an unknown name, a name that is not a string.
c.task().onStart(() => new Data('d'))
  .linkAsync(() => 'nowhere')
  .handleStreamEnd(e => println('unknown name ends the stream:', String(e.error).indexOf('unknown pipeline layout name: nowhere') >= 0))
c.task().onStart(() => new Data('e'))
  .linkAsync(() => 42)
  .handleStreamEnd(e => println('not a string ends the stream:', String(e.error).indexOf('callback did not return a string') >= 0))

// Synchronous work of this turn comes before any linked input.
c.task().onStart(() => [new Data, new StreamEnd])
  .handleStreamStart(() => println('last task started'))

c.task().onStart(() => [new Data, new StreamEnd])
  .wait(() => new Timeout(0.2).wait())
  .handleStreamEnd(() => pipy.exit(0))

c
