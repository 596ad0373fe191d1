// The same proxy as 05, its routes and targets read from config.json.
(config =>

pipy({
  _router: new algo.URLRouter(
    Object.fromEntries(
      Object.entries(config.routes).map(
        ([path, targets]) => [path, new algo.RoundRobinLoadBalancer(targets)]
      )
    )
  ),
  _target: null,
})

  .listen(config.listen)
  .demuxHTTP().to($=>$
    .handleMessageStart(
      msg => _target = _router.find(msg.head.headers.host, msg.head.path)?.next?.()
    )
    .branch(
      () => Boolean(_target), $=>$
        .muxHTTP(() => _target).to($=>$
          .connect(() => _target.id)
        ),
      $=>$.replaceMessage(new Message({ status: 404 }, 'No route\n'))
    )
  )

)(JSON.decode(pipy.load('config.json')))
