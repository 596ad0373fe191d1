const orders = [
  { cust: 'ann', item: 'pen', qty: 2, price: 1.5 },
  { cust: 'bob', item: 'ink', qty: 1, price: 7 },
  { cust: 'ann', item: 'pad', qty: 3, price: 2 },
  { cust: 'cid', item: 'pen', qty: 10, price: 1.5 },
];
const total = orders.reduce((s, o) => s + o.qty * o.price, 0);
println('total', total);
const byCust = orders.reduce((m, o) => ({ ...m, [o.cust]: (m[o.cust] || 0) + o.qty * o.price }), {});
println('by customer', JSON.stringify(byCust));
const itemQty = orders.reduce((m, o) => m.set(o.item, (m.get(o.item) || 0) + o.qty), new Map());
println('item qty', JSON.stringify([...itemQty]));
const maxOrder = orders.reduce((a, b) => (b.qty * b.price > a.qty * a.price ? b : a));
println('max order', maxOrder.cust, maxOrder.item);
const indexBy = orders.reduce((m, o, i) => ((m[o.item] ??= []).push(i), m), {});
println('index by item', JSON.stringify(indexBy));
const pipeline = [(x) => x + 1, (x) => x * 2, (x) => x - 3].reduce((f, g) => (x) => g(f(x)));
println('compose via reduce', pipeline(5));
const avg = (a) => a.reduce((s, x, _, arr) => s + x / arr.length, 0);
println('average', avg([1, 2, 3, 4]));
const runningSum = [1, 2, 3, 4].reduce((acc, x) => [...acc, (acc.at(-1) ?? 0) + x], []);
println('running sum', runningSum);
