// demux: one sub-pipeline per message (cloned context), replies in request order.
var $tag = 'main'
var resolvers = []
var show = name => e => println(name, e.type, e.type === 'Data' ? e.toString() : (e.type === 'StreamEnd' ? (e.error || '') : ''))

// Replies are released out of order; the output keeps the order of the requests.
pipeline($=>$
  .demux().to($=>$
    .handleMessageStart(() => { $tag = 'sub'; return new Promise(r => resolvers.push(r)) })
    .replaceMessage(m => new Message('re:' + m.body.toString()))
  )
  .handle(show('ordered'))
  .handleStreamEnd(() => println('context after demux:', $tag))
).process([new Message('a'), new Message('b'), new Message('c'), new StreamEnd])
println('pending', resolvers.length)
resolvers[2]()
resolvers[0]()
resolvers[1]()

// outputCount: two replies per request; 0 discards the sub-pipeline's output.
pipeline($=>$
  .demuxQueue({ outputCount: 2 }).to($=>$
    .replaceMessage(m => [new Message('one:' + m.body.toString()), new Message('two:' + m.body.toString())])
  )
  .handle(show('count2'))
).process([new Message('x'), new Message('y'), new StreamEnd])

pipeline($=>$
  .demux({ outputCount: 0 }).to($=>$.handleMessage(m => println('count0 sub saw', m.body.toString())))
  .handle(show('count0'))
).process([new Message('z'), new StreamEnd])

// outputCount as a function of the MessageStart.
pipeline($=>$
  .demux({ outputCount: ms => ms.head.n }).to($=>$
    .replaceMessage(m => m.head.n === 2 ? [new Message('p'), new Message('q')] : new Message('r'))
  )
  .handle(show('countfn'))
).process([new Message({ n: 2 }, ''), new Message({ n: 1 }, ''), new StreamEnd])

// A sub-pipeline ending without its reply ends the stream with its StreamEnd.
pipeline($=>$
  .demux().to($=>$.replaceMessage(() => new StreamEnd('ConnectionReset')))
  .handle(show('short'))
).process([new Message('m')])
