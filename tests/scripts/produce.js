// produce(producer): the filter makes its own stream when the first input event arrives; the
// input itself is dropped. A function is called again and again (after each Promise settles)
// until it gives a StreamEnd; a constant is output once. Runs on the original too (its
// pipeline() API has no produce(), so this uses pipy() tasks, one configuration, last).
var why = e => e.error instanceof Error ? 'Error: ' + e.error.message : String(e.error)
var notEvent = e => why(e).indexOf('production is not an event') >= 0 ? 'production is not an event' : why(e)
var calls = { fn: 0, arrend: 0, undef: 0, many: 0 }
var many = 0
var c = pipy()

// A function: called until it gives a StreamEnd; the input (three events) is not passed on.
c.task().onStart(() => [new Data('in1'), new Data('in2'), new StreamEnd])
  .produce(() => ++calls.fn <= 2 ? new Message({ n: calls.fn }, 'message ' + calls.fn) : new StreamEnd)
  .handleMessage(m => println('fn', JSON.stringify(m.head), m.body.toString()))
  .handleStreamEnd(e => println('fn end', e.error, 'after', calls.fn, 'calls'))

// A constant: output once, then nothing more (the stream is ended further down).
c.task().onStart(() => new Data('in'))
  .produce(new Message('constant'))
  .handleMessage(m => println('const', m.body.toString()))
  .replaceMessageEnd(e => [e, new StreamEnd])

// An array of events, a StreamEnd among them.
c.task().onStart(() => new Data('in'))
  .produce([new Data('a'), null, new Data('b'), new StreamEnd('ReadError')])
  .handleData(d => println('array', d.toString()))
  .handleStreamEnd(e => println('array end', e.error))

// Events after a StreamEnd in one production are dropped, and the function is not called again.
c.task().onStart(() => new Data('in'))
  .produce(() => (++calls.arrend, [new MessageStart({ k: 1 }), new Data('x'), new StreamEnd('ConnectionReset'), new Data('after')]))
  .handleMessageStart(e => println('arrend start', JSON.stringify(e.head)))
  .handleData(d => println('arrend data', d.toString()))
  .handleStreamEnd(e => println('arrend end', e.error, 'after', calls.arrend, 'call'))

// A constant StreamEnd.
c.task().onStart(() => new Data('in'))
  .produce(new StreamEnd('ReadError'))
  .handleStreamEnd(e => println('constant end', e.error))

// undefined produces nothing this time; the function is called again.
c.task().onStart(() => new Data('in'))
  .produce(() => ++calls.undef > 4 ? new StreamEnd : calls.undef % 2 ? undefined : new Data('u' + calls.undef))
  .handleData(d => println('undef data', d.toString()))
  .handleStreamEnd(e => println('undef end after', calls.undef, 'calls'))

// Something that is not an event ends the stream with an error.
c.task().onStart(() => new Data('in'))
  .produce(() => 42)
  .handleStreamEnd(e => println('number:', notEvent(e)))
c.task().onStart(() => new Data('in'))
  .produce('text')
  .handleStreamEnd(e => println('string:', notEvent(e)))

// An exception in the producer ends the stream with it.
c.task().onStart(() => new Data('in'))
  .produce(() => { throw new Error('thrown') })
  .handleStreamEnd(e => println('thrown: an Error?', e.error instanceof Error))

// Promises: each resolution is output, then the function is called again.
var p = 0
c.task().onStart(() => new Data('in'))
  .produce(() => ++p <= 2 ? Promise.resolve(new Data('promised ' + p)) : Promise.resolve(new StreamEnd))
  .handleData(d => println('promise data', d.toString()))
  .handleStreamEnd(e => println('promise end', e.error))
c.task().onStart(() => new Data('in'))
  .produce(() => Promise.resolve(7))
  .handleStreamEnd(e => println('promise of a number:', notEvent(e)))
c.task().onStart(() => new Data('in'))
  .produce(() => Promise.reject('no way'))
  .handleStreamEnd(e => println('rejected:', e.error))
c.task().onStart(() => new Data('in'))
  .produce(() => Promise.reject(new Error('bad')))
  .handleStreamEnd(e => println('rejected with an Error:', e.error.message))

// A timer between productions.
var t = 0
c.task().onStart(() => new Data('in'))
  .produce(() => ++t <= 3 ? new Timeout(0.02).wait().then(() => new Data('tick ' + t)) : new StreamEnd)
  .handleData(d => println('timer', d.toString()))
  .handleStreamEnd(() => println('timer end'))

// Many productions (the count is printed at the end: how they are spread over time differs).
c.task().onStart(() => new Data('in'))
  .produce(() => ++calls.many <= 3000 ? new Data('.') : new StreamEnd)
  .handleData(() => many++)

c.task().onStart(() => [new Data, new StreamEnd])
  .wait(() => new Timeout(0.3).wait())
  .handleStreamEnd(() => {
    println('many:', many, 'Data events from', calls.many, 'calls')
    pipy.exit(0)
  })

c
