// mux: streams with the same key share one session; replies go back to each requester in order.
var $who = 'nobody'
var show = name => e => println(name, e.type, e.type === 'Data' ? e.toString() : (e.type === 'StreamEnd' ? (e.error || '') : ''))

var shared = pipeline($=>$
  .handleStreamStart(e => { $who = e.head.who })
  .mux(() => 'k').to($=>$
    .onStart(k => { println('session start, key', k, 'context of', $who); return [] })
    .handleMessage(m => println('session got', m.body.toString(), 'in context of', $who))
    .handleMessageStart(() => Promise.resolve())
    .replaceMessage(m => new Message('echo:' + m.body.toString()))
  )
  .handle(e => println($who, e.type, e.type === 'Data' ? e.toString() : ''))
)

shared.process([new Message({ who: 'alice' }, 'a1'), new Message({ who: 'alice' }, 'a2'), new StreamEnd])
shared.process([new Message({ who: 'bob' }, 'b1'), new StreamEnd])
println('replies come later')

// Different keys: different sessions. Default key (no inbound here): one shared session.
var keyed = pipeline($=>$
  .replaceMessage(m => m)
  .mux(() => $key, { outputCount: 1 }).to($=>$
    .onStart(k => { println('keyed session', k); return [] })
    .replaceMessage(m => new Message('re:' + m.body.toString()))
  )
  .handle(show('keyed'))
)
var $key
$key = 'x'; keyed.process([new Message('1'), new StreamEnd])
$key = 'y'; keyed.process([new Message('2'), new StreamEnd])
$key = 'x'; keyed.process([new Message('3'), new StreamEnd])

// outputCount 0: nothing comes back; the StreamEnd passes at once.
pipeline($=>$
  .mux({ outputCount: 0 }).to($=>$.handleMessage(m => println('count0 session saw', m.body.toString())))
  .handle(show('count0'))
).process([new Message('q'), new StreamEnd])

// The session pipeline ending ends the requesters still waiting.
pipeline($=>$
  .mux().to($=>$.replaceMessage(() => new StreamEnd('ConnectionRefused')))
  .handle(show('ended'))
).process([new Message('m')])

// maxQueue: a session takes that many streams at once; maxMessages: that many over its life.
var resolvers = []
var released = false
var limited = (name, options) => pipeline($=>$
  .mux(() => 'k', options).to($=>$
    .onStart(() => { println(name, 'session start'); return [] })
    .handleMessageStart(() => released ? undefined : new Promise(r => resolvers.push(r)))
    .replaceMessage(m => new Message(name + ':' + m.body.toString()))
  )
  .handle(show(name))
)
var t1 = limited('queue1', { maxQueue: 1 })
t1.process(new Message('1'))
t1.process(new Message('2'))
var t2 = limited('unlimited', {})
t2.process(new Message('1'))
t2.process(new Message('2'))
var t3 = limited('messages1', { maxMessages: 1 })
t3.process(new Message('1'))
t3.process(new Message('2'))
println('sessions waiting', resolvers.length)
released = true
resolvers.forEach(r => r())

// A session ending as it starts ends the stream that opened it.
pipeline($=>$
  .mux().to($=>$.onStart(() => new StreamEnd('ConnectionRefused')))
  .handle(show('dead at start'))
).process(new Message('m'))
