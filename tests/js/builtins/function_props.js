function f(a, b, c) {}
println('name/length', f.name, f.length);
println('default param length', (function (a, b = 1, c) {}).length);
println('rest length', ((...r) => r).length);
println('destructured length', (function ({ a }, [b]) {}).length);
const o = { m() {}, get g() { return 1; }, ['comp' + 'uted']() {} };
println('method names', o.m.name, o.computed.name, Object.getOwnPropertyDescriptor(o, 'g').get.name);
const assigned = function () {};
const arrowed = () => {};
println('inferred names', assigned.name, arrowed.name);
class C { static s() {} m() {} }
println('class names', C.name, C.s.name, new C().m.name);
println('builtin names', Math.max.name, Array.prototype.map.name, Object.keys.name);
println('builtin lengths', Math.max.length, Array.prototype.reduce.length, parseInt.length);
println('Function.prototype', typeof Function.prototype, Function.prototype.name === '');
let desc = Object.getOwnPropertyDescriptor(f, 'name');
println('name descriptor', desc.writable, desc.enumerable, desc.configurable);
println('instanceof Function', f instanceof Function, C instanceof Function, Math.max instanceof Function);
