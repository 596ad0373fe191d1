function f() { return arguments.length; }
println('length', f(), f(1), f(1, 2, 3));
function g(a) { return arguments[0] + '|' + arguments[1] + '|' + arguments[5]; }
println('indexing', g('x', 'y'));
function h() { return Array.prototype.slice.call(arguments, 1); }
println('slice', h(1, 2, 3));
function toArr() { return Array.from(arguments); }
println('Array.from', toArr('a', 'b'));
function spreadArgs() { return [...arguments].reverse(); }
println('spread', spreadArgs(1, 2, 3));
function sum() { let s = 0; for (let i = 0; i < arguments.length; i++) s += arguments[i]; return s; }
println('sum', sum(1, 2, 3, 4));
function isArr() { return Array.isArray(arguments) + ' ' + typeof arguments; }
println('not array', isArr());
function outer() { const inner = () => arguments[0]; return inner('ignored'); }
println('arrow sees outer', outer('outer arg'));
function lenWithDefaults(a, b = 2) { return arguments.length; }
println('with defaults', lenWithDefaults(1));
function forOf() { const r = []; for (const a of arguments) r.push(a * 2); return r; }
println('iterable', forOf(1, 2, 3));
