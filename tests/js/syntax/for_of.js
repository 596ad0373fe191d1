const out = [];
for (const x of [1, 2, 3]) out.push(x * 2);
println('array', out);
const chars = [];
for (const c of 'aé😀b') chars.push(c);
println('string astral', chars.length, chars.join('|'));
const m = new Map([['k1', 1], ['k2', 2]]);
for (const [k, v] of m) println('map', k, v);
for (const k of m.keys()) println('map key', k);
for (const v of new Set(['x', 'y', 'x'])) println('set', v);
for (const [i, v] of ['a', 'b'].entries()) println('entries', i, v);
let sum = 0;
for (const n of [1, 2, 3, 4, 5]) { if (n === 2) continue; if (n === 5) break; sum += n; }
println('break/continue', sum);
const arr = [1, 2];
let iters = 0;
for (const x of arr) { if (arr.length < 5) arr.push(x); iters++; }
println('growing array', iters, arr);
for (const h of [, 'b']) println('hole', h);
let target = {};
for (target.prop of ['p1', 'p2']);
println('member target', target.prop);
