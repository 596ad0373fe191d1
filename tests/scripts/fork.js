// fork/forkJoin/forkRace: events are copied into sub-pipelines; an array starts one per element
// with a cloned context, anything else one sub-pipeline (sharing the context for fork).
var $tag = 'main'

// One sub-pipeline sharing the context: what it sets is seen after it.
pipeline($=>$
  .fork('hello').to($=>$
    .onStart(v => { $tag = v })
    .handle(e => println('  sub', $tag, e.type))
    .replaceData(new Data('dropped'))
  )
  .handle(e => println('main', $tag, e.type, e.type === 'Data' ? e.toString() : ''))
).process(new Data('x'))

// One per element, each with its own (cloned) context.
pipeline($=>$
  .fork(() => ['a', 'b']).to($=>$
    .onStart((v, i) => { $tag = v + i })
    .handleStreamEnd(() => println('  sub', $tag))
  )
  .handleStreamEnd(() => println('main', $tag))
).process(new Data('y'))

// forkJoin holds the input until every branch has ended.
var p = pipeline($=>$
  .forkJoin([1, 2, 3]).to($=>$
    .onStart(n => { $tag = n; $left = n * 2 })
    .wait(() => --$left <= 0)
    .handleStreamEnd(() => println('  branch', $tag, 'ended'))
  )
  .handle(e => println('joined', e.type))
)
var $left = 0
p.process(new Data('z'))

// forkRace outputs the first branch's output only.
pipeline($=>$
  .forkRace(['slow', 'fast']).to($=>$
    .onStart(v => { $tag = v })
    .wait(() => $tag === 'fast' || ++$polls > 5)
    .replaceData(() => new Data($tag))
  )
  .handle(e => println('race', e.type, e.type === 'Data' ? e.toString() : ''))
).process(new Data('w'))
var $polls = 0
