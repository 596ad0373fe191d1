const m = new Map([['a', 1], ['b', 2], ['c', 3]]);
const seen = [];
for (const [k, v] of m) { seen.push(k + v); if (k === 'a') m.delete('b'); if (k === 'c') m.set('d', 4); }
println('map mutate during iteration', seen);
const s = new Set([1, 2, 3]);
const out = [];
for (const v of s) { out.push(v); if (v < 3) s.add(v + 10); }
println('set add during iteration', out);
const s2 = new Set(['x', 'y', 'z']);
const out2 = [];
for (const v of s2) { out2.push(v); s2.delete('z'); }
println('set delete ahead', out2);
let total = 0;
for (const v of new Map([[1, 10], [2, 20]]).values()) total += v;
println('map values sum', total);
const entries = [];
for (const e of new Set(['p']).entries()) entries.push(e.join('='));
println('set entries', entries);
const m2 = new Map();
m2.set('k', 1);
let passes = 0;
for (const [k] of m2) { passes++; if (passes > 3) break; m2.delete(k); m2.set(k, passes); }
println('re-added key visited again', passes, m2.get('k'));
const keysLoop = [];
for (const k of new Map([[{ id: 1 }, 'o'], [NaN, 'n']]).keys()) keysLoop.push(typeof k);
println('key types', keysLoop);
