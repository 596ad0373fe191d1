println('basic', JSON.stringify(Object.fromEntries([['a', 1], ['b', 2]])));
println('from map', JSON.stringify(Object.fromEntries(new Map([['x', 'y'], [1, 2]]))));
const o = { a: 1, b: 2, c: 3 };
const doubled = Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v * 2]));
println('roundtrip transform', JSON.stringify(doubled));
const filtered = Object.fromEntries(Object.entries(o).filter(([, v]) => v % 2));
println('filter', JSON.stringify(filtered));
println('duplicate keys last wins', JSON.stringify(Object.fromEntries([['k', 1], ['k', 2]])));
println('non-string keys', JSON.stringify(Object.fromEntries([[1, 'one'], [true, 't'], [null, 'n']])));
println('empty', JSON.stringify(Object.fromEntries([])));
try { Object.fromEntries([1]); } catch (e) { println('bad entry', e instanceof TypeError); }
try { Object.fromEntries(null); } catch (e) { println('null', e instanceof TypeError); }
println('extra elements ignored', JSON.stringify(Object.fromEntries([['a', 1, 'extra']])));
println('missing value', JSON.stringify(Object.fromEntries([['a']])), Object.fromEntries([['a']]).a);
