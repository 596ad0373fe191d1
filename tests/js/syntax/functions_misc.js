function named() {}
const anon = function () {};
const arrow = () => {};
const obj = { method() {}, prop: function () {}, arr: () => {} };
println('names', named.name, anon.name, arrow.name);
println('method names', obj.method.name, obj.prop.name, obj.arr.name);
println('lengths', ((a, b, c) => 0).length, (function (a, ...r) {}).length);
const fe = function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); };
println('named fn expr recursion', fe(5), typeof fact);
function implicit() {}
println('implicit return', implicit());
const arrowObj = () => ({ a: 1 });
println('arrow returns object', JSON.stringify(arrowObj()));
function props() {}
props.custom = 'fn props';
println(props.custom);
println('fn is object', props instanceof Object, typeof props);
println('immediately', (function () { return 'called'; })());
const fns = { double: (x) => x * 2, square(x) { return x * x; } };
println('table', Object.keys(fns).map((k) => fns[k](3)));
function shadowParam(x) { { let x = 'inner'; } return x; }
println('param shadow', shadowParam('param'));
println('arity extra args', ((a) => a)(1, 2, 3));
println('missing args', ((a, b) => typeof b)(1));
