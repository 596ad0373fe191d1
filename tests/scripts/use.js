// use(): pipelines of other modules. With an array of files, a plugin chain: each module's
// 'request' pipeline in turn until turnDown() says stop, then the 'response' pipelines of the
// modules passed, in reverse order. chain(): module chains through entry pipelines.
pipy()
.export('main', { __turnDown: false, __trace: '' })

var plugins = ['use-modules/auth.js', 'use-modules/router.js', 'use-modules/default.js']

var request = pipeline($=>$
  .use(plugins, 'request', 'response', () => __turnDown)
  .handleMessage(msg => println(msg.head.status, msg.body.toString(), '|', __trace))
)
request.process(new Message({ path: '/api/users' }))
request.process(new Message({ path: '/deny' }))
request.process(new Message({ path: '/other' }))
request.process(new Message({ path: '/api/again' }))

// Modules without the named pipeline are skipped; the output goes straight on.
pipeline($=>$
  .use(plugins, 'session')
  .handleStreamEnd(() => println('session |', __trace))
).process(new Data('x'))

// One file: a named pipeline, or the entry pipeline by default.
pipeline($=>$
  .use('use-modules/router.js', 'request')
  .handleMessage(msg => println('single:', msg.head.status, msg.body.toString(), '|', __trace))
).process(new Message({ path: '/api/single' }))
pipeline($=>$
  .use('use-modules/default.js')
  .handleData(d => println('entry:', d.toString()))
).process(new Data('hello'))

// chain(): through each module's entry pipeline; chain() inside one goes on with the next.
pipeline($=>$
  .chain(['use-modules/chain-a.js', 'use-modules/chain-b.js', 'use-modules/chain-c.js'])
  .handleMessage(msg => println('chain:', msg.body.toString(), '|', __trace))
).process(new Message('m'))
