const a = { name: 'a' };
a.self = a;
try { JSON.stringify(a); println('no error?!'); } catch (e) { println('circular', e.name, e instanceof TypeError); }
const arr = [1];
arr.push(arr);
try { JSON.stringify(arr); } catch (e) { println('circular array', e.name); }
const shared = { v: 1 };
println('shared not circular', JSON.stringify({ x: shared, y: shared }));
const deep = { l1: { l2: { l3: {} } } };
deep.l1.l2.l3.back = deep.l1;
try { JSON.stringify(deep); } catch (e) { println('deep circular', e instanceof TypeError); }
const seen = new WeakSet();
const safe = JSON.stringify(a, (k, v) => {
  if (typeof v === 'object' && v !== null) { if (seen.has(v)) return '[Circular]'; seen.add(v); }
  return v;
});
println('replacer breaks cycle', safe);
const viaToJSON = { toJSON() { return { ok: true }; } };
viaToJSON.me = viaToJSON;
println('toJSON avoids cycle', JSON.stringify(viaToJSON));
