function parseAge(s) {
  const n = Number(s);
  if (Number.isNaN(n)) throw new TypeError(`not a number: ${s}`);
  if (n < 0) throw new RangeError(`negative: ${n}`);
  return n;
}
for (const input of ['42', 'abc', '-5']) {
  try {
    println('ok', parseAge(input));
  } catch (e) {
    if (e instanceof TypeError) println('type error', e.message);
    else if (e instanceof RangeError) println('range error', e.message);
    else throw e;
  } finally {
    println('checked', input);
  }
}
const results = ['1', 'x', '2'].map((s) => { try { return parseAge(s); } catch { return null; } });
println('map with recovery', JSON.stringify(results));
function retry(fn, n) {
  let last;
  for (let i = 0; i < n; i++) { try { return fn(i); } catch (e) { last = e; } }
  throw new Error(`failed after ${n}: ${last.message}`);
}
println('retry succeeds', retry((i) => { if (i < 2) throw new Error('try ' + i); return 'ok at ' + i; }, 5));
try { retry(() => { throw new Error('always'); }, 3); } catch (e) { println(e.message); }
const errors = [];
for (const f of [() => 1, () => { throw new Error('e1'); }, () => { throw 'plain'; }]) {
  try { f(); } catch (e) { errors.push(e instanceof Error ? 'Error:' + e.message : 'value:' + e); }
}
println('collected', errors.join(' | '));
