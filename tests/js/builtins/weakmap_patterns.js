const cache = new WeakMap();
let computeCount = 0;
function area(shape) {
  if (cache.has(shape)) return cache.get(shape);
  computeCount++;
  const a = shape.w * shape.h;
  cache.set(shape, a);
  return a;
}
const s1 = { w: 2, h: 3 }, s2 = { w: 4, h: 5 };
println('cached compute', area(s1), area(s1), area(s2), area(s2), computeCount);
const meta = new WeakMap();
function tag(obj, t) { meta.set(obj, [...(meta.get(obj) || []), t]); return obj; }
const target = {};
tag(tag(target, 'a'), 'b');
println('metadata', meta.get(target), meta.has({}));
const visited = new WeakSet();
function walk(node, out = []) {
  if (visited.has(node)) return out;
  visited.add(node);
  out.push(node.name);
  for (const n of node.links) walk(n, out);
  return out;
}
const a = { name: 'a', links: [] }, b = { name: 'b', links: [a] }, c = { name: 'c', links: [a, b] };
a.links.push(c);
println('cycle-safe walk', walk(a));
const fnKey = function () {};
println('function key', new WeakMap([[fnKey, 'f']]).get(fnKey));
println('overwrite', new WeakMap().set(s1, 1).set(s1, 2).get(s1));
