const words = ['apple', 'avocado', 'banana', 'blueberry', 'cherry', 'apricot'];
const groups = new Map();
for (const w of words) {
  const k = w[0];
  if (!groups.has(k)) groups.set(k, []);
  groups.get(k).push(w);
}
println('group by', [...groups].map(([k, v]) => k + ':' + v.length).join(' '));
const freq = words.join('').split('').reduce((m, c) => m.set(c, (m.get(c) || 0) + 1), new Map());
const top = [...freq].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3);
println('top letters', top.map(([c, n]) => c + n).join(' '));
class LRU {
  constructor(n) { this.n = n; this.m = new Map(); }
  get(k) { if (!this.m.has(k)) return undefined; const v = this.m.get(k); this.m.delete(k); this.m.set(k, v); return v; }
  set(k, v) { this.m.delete(k); this.m.set(k, v); if (this.m.size > this.n) this.m.delete(this.m.keys().next().value); }
  keys() { return [...this.m.keys()]; }
}
const cache = new LRU(3);
cache.set('a', 1); cache.set('b', 2); cache.set('c', 3);
cache.get('a');
cache.set('d', 4);
println('lru', cache.keys(), cache.get('b'));
const objIndex = new Map();
const o1 = { name: 'o1' }, o2 = { name: 'o2' };
objIndex.set(o1, 'first').set(o2, 'second');
println('object keys', objIndex.get(o1), objIndex.get(o2), objIndex.get({ name: 'o1' }));
const inverted = new Map([...new Map([['x', 1], ['y', 2]])].map(([k, v]) => [v, k]));
println('invert', inverted.get(1), inverted.get(2));
println('map to JSON', JSON.stringify(Object.fromEntries(groups)));
