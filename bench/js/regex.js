// regex: match an API-path regex with capture groups against 100k strings and
// use the captures (exec + parseInt).
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

const RE = /^\/api\/v(\d+)\/(users|orders|items)\/(\d+)(?:\/([a-z]+))?$/;
const PATHS = [];
const KINDS = ['users', 'orders', 'items', 'things'];
for (let i = 0; i < 1000; i++) {
  let p = '/api/v' + (i % 3 + 1) + '/' + KINDS[i % 4] + '/' + (i * 37);
  if (i % 5 === 0) p += '/details';
  if (i % 11 === 0) p += '/Bad';
  PATHS.push(p);
}

function work() {
  let matched = 0, check = 0;
  for (let i = 0; i < 100000; i++) {
    const m = RE.exec(PATHS[i % 1000]);
    if (m === null) continue;
    matched++;
    check += parseInt(m[1], 10) + parseInt(m[3], 10) + m[2].length + (m[4] ? m[4].length : 0);
  }
  return matched + ':' + check;
}

bench('regex', work);
