const fs = [];
for (let i = 0; i < 3; i++) fs.push(() => i);
println('let for', fs.map((f) => f()));
const gs = [];
for (const x of ['a', 'b', 'c']) gs.push(() => x);
println('const for-of', gs.map((g) => g()));
const hs = [];
for (const k in { p: 1, q: 2 }) hs.push(() => k);
println('const for-in', hs.map((h) => h()));
const ms = [];
for (let i = 0; i < 3; i++) { ms.push(() => i); i++; }
println('mutated in body', ms.map((m) => m()));
function makeCounter() {
  let c = 0;
  return { inc() { return ++c; }, dec() { return --c; } };
}
const c1 = makeCounter(), c2 = makeCounter();
c1.inc(); c1.inc(); c2.dec();
println('independent counters', c1.inc(), c2.dec());
const adders = [1, 2, 3].map((n) => (x) => x + n);
println('adders', adders.map((f) => f(10)));
let shared = [];
var j = 0;
while (j < 3) { let copy = j; shared.push(() => copy); j++; }
println('let in while', shared.map((f) => f()));
const incs = [];
for (let i = 0; i < 2; i++) incs.push(() => ++i);
println('closure mutate own copy', incs[0](), incs[0](), incs[1]());
