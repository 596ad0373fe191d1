function level(n) {
  if (n === 0) throw new Error('bottom reached');
  return level(n - 1) + 1;
}
try { level(50); } catch (e) { println('deep throw', e.message); }
const cleanup = [];
function withFinally(n) {
  try {
    if (n === 0) throw new Error('at zero');
    return withFinally(n - 1);
  } finally {
    cleanup.push(n);
  }
}
try { withFinally(4); } catch (e) { println(e.message, cleanup); }
function a() { b(); }
function b() { c(); }
function c() { null.prop; }
try { a(); } catch (e) { println('engine error from depth', e.name, e instanceof TypeError); }
function rethrowChain(n) {
  try { if (n === 0) throw 'base'; rethrowChain(n - 1); }
  catch (e) { throw e + '<' + n; }
}
try { rethrowChain(3); } catch (e) { println('chain', e); }
const results = [1, 2, 3, 4].map((n) => {
  try { if (n % 2) throw new Error('odd ' + n); return 'even ' + n; }
  catch (e) { return e.message; }
});
println(results.join(', '));
