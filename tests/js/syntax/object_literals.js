const x = 1, y = 2;
const short = { x, y };
println('shorthand', JSON.stringify(short));
const key = 'dyn';
const comp = { [key]: 1, [key + '2']: 2, [1 + 1]: 'two' };
println('computed', JSON.stringify(comp));
const m = { greet(name) { return 'hi ' + name; }, 'quoted key'() { return 'q'; } };
println('method shorthand', m.greet('bob'), m['quoted key']());
const acc = {
  _v: 1,
  get v() { return this._v * 10; },
  set v(n) { this._v = n; },
};
acc.v = 5;
println('getter/setter', acc.v, acc._v);
println('key order', Object.keys({ b: 1, 2: 1, a: 1, 1: 1 }));
const dup = { a: 1, a: 2 };
println('duplicate key', dup.a);
const numKeys = { 1.5: 'a', 0x10: 'hex', 1e3: 'exp' };
println('numeric keys', Object.keys(numKeys).join(' '));
const nested = { a: { b: { c: 'deep' } } };
println('nested', nested.a.b.c, nested['a']['b']['c']);
const compGet = { get [key]() { return 'computed getter'; } };
println(compGet.dyn);
println('trailing comma', Object.keys({ a: 1, b: 2, }).length);
