const o = { a: { b: { c: 42 } }, arr: [1, 2], fn() { return 'called'; }, n: null };
println('deep', o?.a?.b?.c);
println('missing', o.x?.y.z);
println('null base', o.n?.foo);
println('element', o.arr?.[1], o.nope?.[0]);
println('call', o.fn?.(), o.nofn?.());
let u;
println('undefined var', u?.prop, u?.[0], u?.());
println('short circuit', u?.a.b.c.d);
let count = 0;
u?.[count++];
println('no evaluation', count);
const m = { f: null };
println('call null method', m.f?.());
println('method this', o.a?.b ? 'has b' : 'no b');
const obj2 = { v: 7, get() { return this.v; } };
println('this preserved', obj2.get?.());
println('with ??', o.x?.y ?? 'default');
try {
  o.x.y;
} catch (e) {
  println('without ?.', e.name);
}
println('delete optional', delete u?.a);
