// Plugin 2: forwards requests for a known service to one of its targets; passes the rest on.
(config =>

pipy({
  _services: Object.fromEntries(
    Object.entries(config.services).map(
      ([name, targets]) => [name, new algo.RoundRobinLoadBalancer(targets)]
    )
  ),
  _target: null,
})
  .import({ __route: 'main' })

  .pipeline()
  .branch(
    () => Boolean(_target = _services[__route]?.next?.()), $=>$
      .muxHTTP(() => _target).to($=>$
        .connect(() => _target.id)
      ),
    $=>$.chain()
  )

)(JSON.decode(pipy.load('plugins/balancer.json')))
