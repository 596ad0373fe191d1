// Calls by name read the function after the arguments: only for variables that never change.
function f(x) { return 'f' + x; }
function g(x) { return 'g' + x; }
var h = function (x) { return 'h' + x; };
function reassigned(x) { return 'r1' + x; }
function swap() { reassigned = function (x) { return 'r2' + x; }; return 1; }
println(reassigned(swap()));
const c = (x) => 'c' + x;
println(f(1), g(2), h(3), c(4));
function outer() {
  function inner(n) { return n <= 0 ? 0 : 1 + inner(n - 1); }
  return [1, 2, 3].map(x => inner(x) + f(x)).join(',');
}
println(outer());
const fact = function me(n) { return n <= 1 ? 1 : n * me(n - 1); };
println(fact(10));
function thrower() { throw new Error('boom'); }
try { thrower(); } catch (e) { println(e.name); }
let later;
try { later(); } catch (e) { println(e.constructor.name); }
function notFn() {}
try { var notFn2 = 1; notFn2(); } catch (e) { println(e.constructor.name); }
class K {}
try { K(); } catch (e) { println(e.name); }
function deep(n) { return deep(n + 1); }
try { deep(0); } catch (e) { println(e.name); }
// A function declaration written by a `var` or a `for-in` head is read where the call is evaluated.
function later2() { return 'first'; }
var later2 = function () { return 'second'; };
println(later2());
function looped() { return 'fn'; }
for (looped in { key: 1 }) {}
try { looped(); } catch (e) { println(e.name, looped); }
function counter() { return 0; }
function bump() { counter = () => 1; return 'arg'; }
println(counter(bump()), counter());
