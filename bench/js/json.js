// json: JSON.stringify + JSON.parse round trip of a ~2 KB API-style object, 5k times.
function bench(name, fn) {
  let best = Infinity, sum;
  for (let r = 0; r < 5; r++) {
    const t0 = Date.now();
    const c = fn();
    const dt = Date.now() - t0;
    if (dt < best) best = dt;
    if (r === 0) sum = c; else if (c !== sum) sum = 'INCONSISTENT';
  }
  println('RESULT', name, best, sum);
}

function makeDoc() {
  const items = [];
  for (let i = 0; i < 12; i++) {
    items.push({
      id: 1000 + i,
      sku: 'SKU-' + (7000 + i * 13),
      name: 'Item number ' + i,
      price: 1999 + i * 250,
      inStock: i % 3 !== 0,
      tags: ['tag' + i, 'sale', i % 2 ? 'odd' : 'even'],
      dims: { w: i + 1, h: i * 2 + 1, d: 3 },
    });
  }
  return {
    request: {
      method: 'POST',
      path: '/api/v2/orders',
      headers: { host: 'shop.example.com', 'content-type': 'application/json', 'x-request-id': 'a1b2c3d4e5' },
    },
    customer: { id: 42, name: 'Ada Lovelace', email: 'ada@example.com', vip: true, address: null },
    items: items,
    total: 45000,
    note: 'Leave at the door, \"fragile\"\nThanks!',
  };
}

function work() {
  const doc = makeDoc();
  let check = 0;
  for (let i = 0; i < 5000; i++) {
    doc.total = i;
    const s = JSON.stringify(doc);
    const o = JSON.parse(s);
    check = (check + s.length + o.items.length + o.items[i % 12].price + o.total) % 1000000007;
  }
  return check + ':' + JSON.stringify(doc).length;
}

bench('json', work);
