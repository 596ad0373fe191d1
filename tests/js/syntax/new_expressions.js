const ns = { Klass: class { constructor(v) { this.v = v; } } };
println('member new', new ns.Klass(1).v);
function getClass() { return ns.Klass; }
println('new call result', new (getClass())(2).v);
println('new then member', new ns.Klass(3).v + 1);
class Chain { constructor() { this.n = 0; } add() { this.n++; return this; } }
println('new then chain', new Chain().add().add().n);
println('new Date no parens type', typeof new Date);
const arrs = [new Array(), new Array(2), new Array(1, 2), new Array('3')];
println('Array ctor', arrs.map((a) => a.length));
println('new Object', JSON.stringify(new Object()), typeof new Object(1));
println('wrappers', new Number(5) + 1, new String('ab').length, new Boolean(false) ? 'truthy' : 'falsy');
println('new Error', new Error('m').message, new TypeError('t').name);
const Maker = function (x) { if (!new.target) return new Maker(x); this.x = x; };
println('new.target factory', Maker(7).x, new Maker(8).x);
