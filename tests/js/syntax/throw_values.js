const values = [42, 'str', null, undefined, true, { a: 1 }, [1, 2]];
for (const v of values) {
  try {
    throw v;
  } catch (e) {
    println('caught', typeof e, e === v, JSON.stringify(e));
  }
}
function thrower(x) { throw x; }
try { thrower('deep string'); } catch (e) { println('from fn', e); }
try {
  try { throw 1; } catch (e) { throw e + 1; }
} catch (e) { println('rethrow plus', e); }
try { throw new RangeError('custom range'); } catch (e) { println(e.name, e.message, e instanceof Error); }
let caught = 'none';
try { [1, 2, 3].forEach((n) => { if (n === 2) throw 'stop at ' + n; }); } catch (e) { caught = e; }
println('from callback', caught);
