const wm = new WeakMap();
const k1 = {}, k2 = function () {}, k3 = [];
println('set returns', wm.set(k1, 'obj') === wm);
wm.set(k2, 'fn').set(k3, 'arr');
println('get', wm.get(k1), wm.get(k2), wm.get(k3), wm.get({}));
println('has', wm.has(k1), wm.has({}));
println('delete', wm.delete(k1), wm.delete(k1), wm.has(k1));
try { wm.set('str', 1); } catch (e) { println('primitive key', e instanceof TypeError); }
try { wm.set(1, 1); } catch (e) { println('number key', e.name); }
println('get primitive', wm.get('x'), wm.has(1), wm.delete(null));
println('no size', wm.size, typeof wm.forEach);
const init = new WeakMap([[k1, 'init']]);
println('from entries', init.get(k1));
const priv = new WeakMap();
class Person { constructor(n) { priv.set(this, { name: n }); } get name() { return priv.get(this).name; } }
println('private data pattern', new Person('Ada').name);
const ws = new WeakSet([k1]);
println('WeakSet', ws.has(k1), ws.has(k2), ws.add(k2) === ws, ws.has(k2), ws.delete(k2), ws.has(k2));
println('tags', Object.prototype.toString.call(wm), Object.prototype.toString.call(ws));
