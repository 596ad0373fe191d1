// The same gateway with the mistakes `pipy check` is for. Each one would show up only when a
// request reaches it, or not at all; the checker finds them all before the first run.

pipy({
  _router: new algo.URLRouter({
    '/hello': 'hello',
    '/api/*': 'api',
  }),
  _route: undefined,
  _started: 0,
})

  .listen(8080, { idleTimout: 60 })
  .demuxHTTP().to($=>$
    .handleMessageStart(msg => _route = _router.find(msg.head.headers.host, msg.head.path))
    .link('hello', () => _route === 'hello', 'api', () => _route === 'api', 'notfound')
  )

.pipeline('hello')
  .serveHTTP(msg => new Message(`Hello, ${msg.head.path}!\n`))

.pipeline('api')
  .handleStreamStart(() => _started = Date.now())
  .muxHTTP()
  .connect('localhost:8081', { connectTimeout: '2 seconds' })

.pipeline('not-found')
  .replaceMessage(new Mesage({ status: 404 }, 'Not here\n'))

  .listen(8080)
  .serveHTTP(msg => {
    if (msg.head.path === '/health') return new Message('ok\n')
  })
  .dumpp()
