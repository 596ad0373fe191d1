const o = { toJSON() { return { replaced: true }; } };
println('toJSON', JSON.stringify(o));
println('nested toJSON', JSON.stringify({ inner: o, list: [o] }));
const keyed = { toJSON(key) { return 'key=' + key; } };
println('toJSON key', JSON.stringify({ alpha: keyed, arr: [keyed] }));
println('toJSON primitive', JSON.stringify({ v: { toJSON: () => 42 } }));
println('toJSON undefined', JSON.stringify({ v: { toJSON: () => undefined }, w: 1 }));
class Money { constructor(c) { this.cents = c; } toJSON() { return (this.cents / 100).toFixed(2); } }
println('class toJSON', JSON.stringify({ price: new Money(1999) }));
println('Date toJSON', new Date(Date.UTC(2020, 1, 29, 12)).toJSON());
println('Date invalid toJSON', new Date(NaN).toJSON());
const order = [];
JSON.stringify({ a: { toJSON() { order.push('toJSON'); return 1; } } }, (k, v) => { order.push('replacer:' + k + ':' + typeof v); return v; });
println('toJSON before replacer', order.join(' '));
println('toJSON not function ignored', JSON.stringify({ toJSON: 1 }));
