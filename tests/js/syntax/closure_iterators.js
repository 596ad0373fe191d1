function counter(limit) {
  let i = 0;
  return { next: () => (i < limit ? { value: i++, done: false } : { value: undefined, done: true }) };
}
const it = counter(3);
const vals = [];
for (let r = it.next(); !r.done; r = it.next()) vals.push(r.value);
println('manual iterator', vals);
function take(n, gen) { const out = []; for (let i = 0; i < n; i++) out.push(gen()); return out; }
const fib = (() => { let a = 0, b = 1; return () => { const r = a; [a, b] = [b, a + b]; return r; }; })();
println('fib generator', take(10, fib));
println('continues', take(3, fib));
const cycle = (arr) => { let i = 0; return () => arr[i++ % arr.length]; };
println('cycle', take(7, cycle(['r', 'g', 'b'])).join(''));
const lazyMap = (gen, f) => () => f(gen());
const squares = lazyMap((() => { let n = 0; return () => ++n; })(), (x) => x * x);
println('lazy map', take(5, squares));
const ids = ((prefix, n) => () => prefix + (++n))('id-', 0);
println('id gen', ids(), ids(), ids());
