// algo.ResourcePool, checked against the original (see the notes at the top of
// stdlib/src/algo/resource_pool.rs). The original has only allocate(tag) and free(resource):
// no per-tag free and no size limit, so "its limits" here are the edge cases: freeing what was
// not handed out, double frees, an allocator that repeats a value or throws, odd tags.
var n = 0
var calls = []
var pool = new algo.ResourcePool(tag => { calls.push(String(tag)); return 'r' + (n++) + ':' + tag })
var err = f => { try { f(); println('no error') } catch (e) { println('Error:', e.message) } }

println('-- allocation calls the allocator once per resource, per tag')
var a = pool.allocate('x'), b = pool.allocate('x'), c = pool.allocate('y')
println(a, b, c, calls.join(','))

println('-- a freed resource is reused, only for its own tag')
pool.free(a)
println(pool.allocate('y'), pool.allocate('x'), pool.allocate('x'))

println('-- freeing twice, or what was never handed out, does nothing')
pool.free(b); pool.free(b); pool.free('nope'); pool.free(undefined); pool.free(null)
println(pool.allocate('x'), pool.allocate('x'))
err(() => pool.free())

println('-- no tag, undefined and null are all the tag undefined')
var u = pool.allocate()
println(u, calls.join(','))
pool.free(u)
println(pool.allocate(undefined), pool.allocate(null))
var pn = new algo.ResourcePool(t => ({ t }))
var rn = pn.allocate(null); pn.free(rn); println(pn.allocate() === rn, rn.t)
var ru = pn.allocate(); pn.free(ru); println(pn.allocate(null) === ru)
var p0 = new algo.ResourcePool(t => typeof t + ':' + t)
println(p0.allocate(false), p0.allocate(0), p0.allocate(''))

println('-- freed resources come back oldest first')
var p2 = new algo.ResourcePool(t => ({ id: n++ }))
var o1 = p2.allocate(1), o2 = p2.allocate(1), o3 = p2.allocate(1)
p2.free(o2); p2.free(o1); p2.free(o3)
println(p2.allocate(1).id, p2.allocate(1).id, p2.allocate(1).id, p2.allocate(1).id)

println('-- tags: numbers by value (-0 is 0), strings by content, objects by identity')
var p3 = new algo.ResourcePool(t => 'n' + t)
var z = p3.allocate(0); p3.free(z); println(p3.allocate(-0), p3.allocate(0))
var p6 = new algo.ResourcePool(t => ({ t }))
var k = p6.allocate('ab'); p6.free(k); println(p6.allocate('a' + 'b') === k)
var tagObj = {}; var k2 = p6.allocate(tagObj); p6.free(k2); println(p6.allocate({}) === k2, p6.allocate(tagObj) === k2)
var k3 = p6.allocate(1); p6.free(k3); println(p6.allocate('1') === k3, p6.allocate(1) === k3)

println('-- an allocator that returns the same value twice: one entry, re-tagged')
var p4 = new algo.ResourcePool(t => 'same')
var s1 = p4.allocate('a'), s2 = p4.allocate('b')
p4.free(s1); println(p4.allocate('a'), p4.allocate('b'))
p4.free('same'); p4.free('same')
println(p4.allocate('a'), p4.allocate('b'))

println('-- an allocator that returns undefined')
var p7 = new algo.ResourcePool(t => undefined)
println(p7.allocate('a')); p7.free(undefined); println(p7.allocate('a'))

println('-- an allocator that throws')
var p5 = new algo.ResourcePool(t => { if (t === 'bad') throw new Error('no ' + t); return t + '!' })
err(() => p5.allocate('bad'))
println(p5.allocate('ok'), p5.allocate('bad!'))

println('-- many resources')
var p8 = new algo.ResourcePool(t => t * 1000 + (n++))
n = 0
var held = []
for (var i = 0; i < 1000; i++) held.push(p8.allocate(i % 3))
held.forEach(r => p8.free(r))
var again = []
for (var i = 0; i < 1000; i++) again.push(p8.allocate(i % 3))
println(n, again.every((r, i) => r === held[i]), p8.allocate(2))

println('-- the constructor')
err(() => new algo.ResourcePool())
err(() => new algo.ResourcePool(1))
err(() => new algo.ResourcePool({}))
println(typeof algo.ResourcePool, pool instanceof algo.ResourcePool, typeof pool.allocate, typeof pool.free, typeof pool.freeTag)
