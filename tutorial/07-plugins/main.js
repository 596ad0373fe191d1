// The proxy as a chain of plugins: each module of config.plugins handles the request in turn.
(config =>

pipy()
  .export('main', { __route: undefined })

  .listen(config.listen)
  .demuxHTTP().to($=>$
    .chain(config.plugins)
  )

)(JSON.decode(pipy.load('config.json')))
