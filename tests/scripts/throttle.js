// throttle*: events are held while a script quota object grants too little, and retried.
// A quota of 2 that gets 1 back on every third consume() call.
var quota = (tokens) => {
  var calls = 0
  return {
    consume(n) { if (++calls % 3 === 0) tokens += 1; var k = Math.min(n, tokens); tokens -= k; return k },
    produce(n) { tokens += n; println('produce', n) },
  }
}
var show = name => e => println(name, e.type, e.type === 'Data' ? JSON.stringify(e.toString()) : '')
var cases = [
  () => pipeline($=>$.throttleMessageRate(quota(2)).handle(show('msgs')))
    .process(['a', 'b', 'c', 'd'].map(s => new Message(s))),
  () => pipeline($=>$.throttleDataRate(() => quota(4), { blockInput: true }).handle(show('data')))
    .process([new Data('abcdef'), new Data('gh')]),
  () => {
    var q = { n: 1, consume(k) { if (this.n >= k) { this.n -= k; return k } return 0 }, produce(k) { this.n += k; println('given back', k) } }
    var t = pipeline($=>$.throttleConcurrency(q).handle(e => println('conc', e.type)))
    // The second stream waits until the first one ends.
    t.process([new Message({}, 'x'), new StreamEnd])
    return t.process([new Message({}, 'y'), new StreamEnd])
  },
]
var next = () => { var c = cases.shift(); c && c().then(next) }
pipy().task().onStart(() => { next(); return new StreamEnd })
