// branch* pick a sub-pipeline by conditions; the sub-pipeline shares the context.
var $route
var $seen = ''

var show = tag => e => println(tag, e.type, e.type === 'Data' ? e.toString() : '')

var dispatch = pipeline($=>$
  .branch(
    () => $route === 'a', ($=>$.handle(show('a')).handleStreamEnd(() => $seen = 'sub a')),
    () => $route === 'b', ($=>$.handle(show('b'))),
    ($=>$.handle(show('default')))
  )
  .handleStreamEnd(() => println('after branch, $seen =', $seen))
)

pipeline($=>$.onStart(() => { $route = 'a'; return new Data('one') }).pipe(dispatch)).process([])
pipeline($=>$.onStart(() => { $route = 'b'; return new Data('two') }).pipe(dispatch)).process([])
pipeline($=>$.onStart(() => { $route = 'z'; return new Data('three') }).pipe(dispatch)).process([])

// No match and no default: events are held and the conditions asked again on each event.
var $n = 0
pipeline($=>$
  .branch(() => ++$n >= 3, ($=>$.handle(show('late'))))
).process([new Data('x'), new Data('y'), new Data('z')])

// Static branch: constant conditions are decided at configuration time.
pipeline($=>$
  .branch(false, ($=>$.handle(show('static-false'))), true, ($=>$.handle(show('static-true'))))
).process(new Data('s'))

// branchMessageStart: decided by the first MessageStart (earlier events wait for it).
pipeline($=>$
  .branchMessageStart(
    evt => evt.head.path === '/x', ($=>$.handle(show('x'))),
    ($=>$.handle(show('other')))
  )
).process([new Data('before'), new Message({ path: '/x' }, 'first'), new Message({ path: '/y' }, 'second')])

// branchMessage: decided once the first whole message is in.
pipeline($=>$
  .branchMessage(
    msg => msg.body.toString() === 'big', ($=>$.handle(show('big'))),
    ($=>$.handle(show('small')))
  )
).process([new Message('small'), new Message('big')])
