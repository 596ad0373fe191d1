const o = { a: 1, 2: 'two', b: 2 };
Object.defineProperty(o, 'hidden', { value: 1, enumerable: false });
println('names include non-enumerable', Object.getOwnPropertyNames(o));
println('keys excludes', Object.keys(o));
println('array', Object.getOwnPropertyNames(['x', 'y']));
println('string', Object.getOwnPropertyNames('ab'));
println('function has length/name', ['length', 'name'].every((k) => Object.getOwnPropertyNames(function f(a) {}).includes(k)));
class K { constructor() { this.x = 1; } m() {} get g() { return 1; } }
println('class prototype', Object.getOwnPropertyNames(K.prototype).sort());
println('instance', Object.getOwnPropertyNames(new K()));
println('Math has floor', Object.getOwnPropertyNames(Math).includes('floor'));
println('Object.prototype has toString', Object.getOwnPropertyNames(Object.prototype).includes('toString'));
println('empty', Object.getOwnPropertyNames({}).length);
