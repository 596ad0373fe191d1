// Route by path: each request picks an upstream with a URL router, or gets a 404.
pipy({
  _router: new algo.URLRouter({
    '/hi/*': 'localhost:8080',
    '/echo': 'localhost:8081',
    '/ip/*': 'localhost:8082',
  }),
  _target: '',
})

  .listen(8000)
  .demuxHTTP().to($=>$
    .handleMessageStart(
      msg => _target = _router.find(msg.head.headers.host, msg.head.path)
    )
    .branch(
      () => Boolean(_target), $=>$
        .muxHTTP(() => _target).to($=>$
          .connect(() => _target)
        ),
      $=>$.replaceMessage(new Message({ status: 404 }, 'No route\n'))
    )
  )
