function f(a, b = 2, c = a + b) { return [a, b, c]; }
println('all default', f(1));
println('some given', f(1, 5));
println('all given', f(1, 5, 10));
println('undefined triggers default', f(1, undefined, 3));
println('null does not', f(1, null, 3));
let calls = 0;
function g(x = ++calls) { return x; }
g(); g(); g(7);
println('default evaluated per call', calls);
function h(a, b = 1, c) { return 0; }
println('length stops at default', h.length);
const arrow = (s = 'def') => s + '!';
println('arrow default', arrow(), arrow('x'));
function withObj({ x = 1, y = 2 } = {}) { return x + y; }
println('destructure default', withObj(), withObj({ x: 10 }), withObj({ y: 0 }));
function outer(v = 'outer') { const inner = () => v; return inner(); }
println('default seen by closure', outer(), outer('given'));
function arr(list = []) { list.push(1); return list.length; }
println('fresh default each call', arr(), arr());
