// objprop: allocate 1M small {method, path, status} objects and read/write their
// properties -- object allocation plus named property get/set.
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

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];
const PATHS = ['/', '/api', '/api/users', '/static/app.js', '/health'];

function work() {
  let check = 0;
  for (let i = 0; i < 1000000; i++) {
    const o = { method: METHODS[i & 3], path: PATHS[i % 5], status: 200 };
    if (o.method === 'POST') o.status = 201;
    else if (o.path === '/health') o.status = 204;
    o.status += (i & 1);
    check += o.status + o.path.length + o.method.length;
  }
  return check;
}

bench('objprop', work);
