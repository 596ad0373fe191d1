function point({ x, y = 0 }) { return x + ',' + y; }
println('object param', point({ x: 1 }), point({ x: 1, y: 2 }));
function first([a, b]) { return a * b; }
println('array param', first([3, 4]));
const nested = ({ a: { b: [c, d = 'D'] } }) => c + d;
println('nested param', nested({ a: { b: ['C'] } }));
function withRest({ id, ...others }) { return id + ':' + Object.keys(others).join('|'); }
println('rest in param', withRest({ id: 7, p: 1, q: 2 }));
function arrRest([head, ...tail], extra) { return head + '/' + tail.length + '/' + extra; }
println('array rest param', arrRest([1, 2, 3], 'x'));
const pairs = [[1, 'one'], [2, 'two']];
println('in map callback', pairs.map(([n, w]) => w + n).join(' '));
const entries = Object.entries({ k1: 'v1', k2: 'v2' });
for (const [k, v] of entries) println('for-of destructure', k, v);
function defaultWhole({ a = 1 } = { a: 5 }) { return a; }
println('whole default', defaultWhole(), defaultWhole({}));
try {
  point(undefined);
} catch (e) {
  println('destructure undefined', e.name);
}
