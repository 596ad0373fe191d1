const big = Array.from({ length: 1000 }, (_, i) => i);
println('Math.max spread 1000', Math.max(...big), Math.min(...big));
function count(...args) { return args.length; }
println('rest receives all', count(...big), count(...big, ...big));
println('push spread', (() => { const a = []; a.push(...big); return a.length; })());
const obj = Object.fromEntries(big.slice(0, 50).map((i) => ['k' + i, i]));
const copy = { ...obj, extra: true };
println('object spread many keys', Object.keys(copy).length, copy.k49);
println('nested spreads', [...[...[...'abc']]].join(''));
println('spread in new', new Date(...[2020, 0, 2]).getDate());
const args = [1, 2, 3];
println('spread with other args', count(0, ...args, 4, ...args), Math.max(-1, ...[], 0));
println('String.fromCharCode spread', String.fromCharCode(...[72, 101, 108, 108, 111]));
