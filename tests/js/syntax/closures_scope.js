let x = 'global';
function outer() {
  let x = 'outer';
  function inner() { return x; }
  return inner;
}
println('lexical', outer()());
function makeAcc() {
  let total = 0;
  return function add(n) { total += n; return total; };
}
const acc = makeAcc();
acc(5); acc(10);
println('accumulator', acc(0));
const mod = (function () {
  let priv = 'hidden';
  return { get: () => priv, set: (v) => { priv = v; } };
})();
mod.set('changed');
println('module pattern', mod.get(), typeof priv);
function chain() {
  const a = 1;
  return function () {
    const b = 2;
    return function () { return a + b + (typeof c === 'undefined' ? 0 : 1); };
  };
}
println('scope chain', chain()()());
let late = 'before';
const readLate = () => late;
late = 'after';
println('live binding', readLate());
function counterFactory() {
  const counters = [];
  for (let i = 0; i < 3; i++) counters.push({ get: () => i * 100 });
  return counters;
}
println('objects with closures', counterFactory().map((c) => c.get()));
const shadow = (x) => ((x) => x * 2)(x + 1);
println('shadowing param', shadow(1), x);
