// Plugin 1: names the service a request is for, in the shared variable __route.
(config =>

pipy({
  _router: new algo.URLRouter(config.routes),
})
  .import({ __route: 'main' })

  .pipeline()
  .handleMessageStart(
    msg => __route = _router.find(msg.head.headers.host, msg.head.path)
  )
  .chain()

)(JSON.decode(pipy.load('plugins/router.json')))
