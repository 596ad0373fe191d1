// A small gateway on port 8080: /hello answers from here, /api/… goes to an upstream on port
// 8081, anything else is 404. Port 8082 answers health checks. `pipy check main.js` finds
// nothing to complain about.

pipy({
  _router: new algo.URLRouter({
    '/hello': 'hello',
    '/api/*': 'api',
  }),
  _route: undefined,
})

  .listen(8080)
  .demuxHTTP().to($=>$
    .handleMessageStart(msg => _route = _router.find(msg.head.headers.host, msg.head.path))
    .link('hello', () => _route === 'hello', 'api', () => _route === 'api', 'not-found')
  )

.pipeline('hello')
  .replaceMessage(msg => new Message(`Hello, ${msg.head.path}!\n`))

.pipeline('api')
  .muxHTTP().to($=>$.connect('localhost:8081', { connectTimeout: '2s' }))

.pipeline('not-found')
  .replaceMessage(new Message({ status: 404 }, 'Not here\n'))

  .listen(8082)
  .serveHTTP(msg => {
    if (msg.head.path === '/health') return new Message('ok\n')
    return new Message({ status: 404 }, 'Try /health\n')
  })
