// pipe(): a template, a chain of templates with pipeNext(), a selector function with a target
// map, and onStart arguments; the sub-pipelines share the context.
var $who = 'nobody'

var show = tag => e => println(tag, e.type, e.type === 'Data' ? e.toString() : '')

var upper = pipeline($=>$
  .replaceData(d => new Data(d.toString().toUpperCase()))
  .handleStreamEnd(() => $who = 'upper')
)

pipeline($=>$
  .pipe(upper)
  .handle(show('fixed'))
  .handleStreamEnd(() => println('shared context:', $who))
).process(new Data('abc'))

// A builder function is a target too.
pipeline($=>$
  .pipe($=>$.replaceData(d => new Data(d.toString() + '!')))
  .handleData(show('builder'))
).process(new Data('hey'))

// A chain: each step adds a mark and continues with pipeNext(); the last pipeNext() passes through.
var step = mark => pipeline($=>$
  .onStart(args => void println('start', mark, 'with', JSON.stringify(args)))
  .replaceData(d => new Data(d.toString() + mark))
  .pipeNext()
)
pipeline($=>$
  .pipe([step('1'), step('2'), step('3')], () => ['go'])
  .handleData(show('chain'))
).process(new Data('x'))

// A selector of the first event, with a target map.
var route = pipeline($=>$
  .pipe(
    evt => evt.head.path,
    {
      '/a': $=>$.replaceMessage(new Message('route a')),
      '/b': pipeline($=>$.replaceMessage(new Message('route b'))),
    }
  )
  .handleMessage(msg => println('routed:', msg.body.toString()))
)
route.process(new Message({ path: '/a' }))
route.process(new Message({ path: '/b' }))

// The selector may return nothing at first: events wait and it is asked again.
var $tries = 0
pipeline($=>$
  .pipe(() => ++$tries < 2 ? null : upper)
  .handleData(show('late'))
  .handleStreamEnd(() => println('tries:', $tries))
).process([new Data('p'), new Data('q')])

// onStart arguments from a function of the first event.
pipeline($=>$
  .pipe(
    pipeline($=>$.onStart((a, b) => void println('onStart', a, b)).handleData(show('args'))),
    evt => ['first was', evt.type]
  )
).process(new Data('z'))
