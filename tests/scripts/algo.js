// algo balancers and helpers as scripts use them.
var rr = new algo.RoundRobinLoadBalancer({ a: 2, b: 1 })
println('rr', new Array(6).fill(0).map(() => rr.next().id).join(''))

var h = new algo.HashingLoadBalancer(['x', 'y', 'z'])
var k1 = h.select('client-1'), k2 = h.select('client-2')
println('hashing stable:', h.select('client-1') === k1 && h.select('client-2') === k2)

var lw = new algo.LeastWorkLoadBalancer(['p', 'q'])
var r1 = lw.next({}), r2 = lw.next({})
println('least work spreads:', r1.id !== r2.id)

var lb = new algo.LoadBalancer(['s1', 's2', 's3'], { capacity: () => 1 })
var a1 = lb.allocate(), a2 = lb.allocate(), a3 = lb.allocate(), a4 = lb.allocate()
println('allocate:', a1.target, a2.target, a3.target, a4)
a2.free()
var again = lb.allocate()
println('after free:', again.target)
a1.free(); a3.free(); again.free()
var tagged = lb.allocate('session-9')
println('tag sticks:', tagged.target, tagged === lb.allocate('session-9'))

var least = new algo.LoadBalancer(['m', 'n'], { algorithm: 'least-load' })
var l1 = least.allocate(), l2 = least.allocate()
l1.free()
println('least-load:', l1.target, l2.target, least.allocate().target)

var router = new algo.URLRouter({ '/api/*': 'api', '/': 'root', 'example.com/x': 'host-x', '*.example.com/y': 'wild-y' })
println('router:', router.find('h', '/api/v1'), router.find('h', '/'), router.find('example.com', '/x'), router.find('a.example.com', '/y'), router.find('h', '/nope'))

var q = new algo.Quota(3)
println('quota:', q.consume(2), q.consume(2), q.current)

var c = new algo.Cache(k => k.toUpperCase(), null, { size: 2 })
c.get('a'); c.get('b'); c.get('c')
println('cache (size 2, least recently used goes):', c.has('a'), c.has('b'), c.has('c'), c.get('c'))
println('hash and uuid:', typeof algo.hash('x'), algo.uuid().length)
