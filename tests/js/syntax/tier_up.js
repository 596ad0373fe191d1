// Functions start in baseline code and are compiled again, optimised, after enough calls; a
// function with a loop is optimised on its first call. These cases change tier while running.

// Recursion: fib tiers up while earlier calls of it are still on the stack in baseline code.
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2) }
println(fib(22))

// An exception from a function that has just tiered up reaches the caller's handler.
function check(i) { if (i === 1200) throw new RangeError('at ' + i); return i }
try { for (let i = 0; i < 2000; i++) check(i) } catch (e) { println(e.name, e.message) }

// Closures made before and after their maker tiers up keep their own state.
function counter(start) { let n = start; return () => ++n }
const counters = []
for (let i = 0; i < 1500; i++) { const c = counter(i); c(); counters.push(c) }
println(counters[0](), counters[499](), counters[500](), counters[1499]())

// A method whose receivers change shape while it tiers up.
class Point { constructor(x) { this.x = x } get() { return this.x } }
let sum = 0
for (let i = 0; i < 1000; i++) { const p = new Point(i); if (i % 3 === 0) p.y = i; sum += p.get() }
println(sum)

// Arguments, default parameters, rest and `this` across the switch.
function f(a, b = 10, ...rest) { return a + b + rest.length + (this === undefined ? 0 : 1) }
let t = 0
for (let i = 0; i < 1200; i++) t += i % 2 ? f(i) : f.call({}, i, 1, 2, 3)
println(t)

// A promise callback tiering up between microtasks.
let chain = Promise.resolve(0)
for (let i = 0; i < 800; i++) chain = chain.then(s => s + i * 2)
chain.then(s => println('promises', s))

// A function with a loop, called once, is optimised at once; its result is the same.
function loop() { let s = 0; for (let i = 0; i < 100000; i++) s = (s + i * 7) % 1000003; return s }
println(loop())
