const text = JSON.stringify({ a: [1, { b: 2 }], c: { d: { e: 3 } } });
const path = [];
JSON.parse(text, function (k, v) { path.push(k + (Array.isArray(this) ? '[arr]' : '')); return v; });
println('bottom-up order', path.join(' '));
const typed = JSON.parse('{"big":"123L","d":"2024-01-02T00:00:00.000Z","n":5}', (k, v) => {
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T/.test(v)) return new Date(v).getUTCDate();
  if (typeof v === 'string' && /^\d+L$/.test(v)) return 'long-like:' + v.slice(0, -1);
  return v;
});
println('typed revive', JSON.stringify(typed));
const mutated = JSON.parse('{"x":1,"y":2}', function (k, v) { if (k === 'x') this.y = 20; return v; });
println('mutating holder', JSON.stringify(mutated));
const wrapped = JSON.parse('[1,[2,[3]]]', (k, v) => (Array.isArray(v) ? { arr: v } : v));
println('wrap arrays', JSON.stringify(wrapped));
const cleaned = JSON.parse('{"a":null,"b":{"c":null,"d":1}}', (k, v) => (v === null ? undefined : v));
println('drop nulls', JSON.stringify(cleaned));
const keysSeen = [];
JSON.parse('{"1":"a","b":"c","0":"d"}', (k, v) => (keysSeen.push(k), v));
println('key visit order', keysSeen.join(','));
