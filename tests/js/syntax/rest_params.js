function f(a, ...rest) { return a + ':' + rest.length + ':' + rest; }
println('rest', f(1, 2, 3, 4));
println('rest empty', f(1));
println('rest is array', (function (...r) { return Array.isArray(r); })());
const sum = (...nums) => nums.reduce((s, n) => s + n, 0);
println('arrow rest', sum(1, 2, 3, 4, 5));
println('length ignores rest', f.length, sum.length);
function g(...[x, y]) { return x + y; }
println('destructured rest', g(10, 20, 30));
function h(first, ...others) { return others.map((o) => first + o); }
println('rest map', h(1, 2, 3));
