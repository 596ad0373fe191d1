function f() {
  try { return 'try'; } finally { println('finally runs'); }
}
println('return from try', f());
function g() {
  try { return 'try'; } finally { return 'finally'; }
}
println('finally overrides', g());
function h() {
  try { throw new Error('boom'); } catch (e) { return 'caught ' + e.message; } finally { println('h finally'); }
}
println(h());
try {
  try { throw new Error('inner'); }
  finally { println('inner finally'); }
} catch (e) { println('outer caught', e.message); }
try {
  try { throw new Error('first'); }
  catch (e) { throw new Error('rethrown ' + e.message); }
} catch (e) { println(e.message); }
try { throw 1; } catch { println('catch without binding'); }
try { throw { code: 42, msg: 'obj' }; } catch ({ code, msg }) { println('destructured', code, msg); }
try { throw [1, 2]; } catch ([a, b]) { println('array destructure', a + b); }
function swallow() {
  try { throw new Error('x'); } finally { return 'swallowed'; }
}
println(swallow());
let order = [];
for (let i = 0; i < 3; i++) {
  try { if (i === 1) continue; order.push('t' + i); } finally { order.push('f' + i); }
}
println('continue in try', order);
const e2 = (() => { try { null.x; } catch (e) { return e; } })();
println('engine error', e2.name, e2 instanceof TypeError);
