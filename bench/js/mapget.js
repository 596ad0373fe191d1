// mapget: Map with 1000 string keys (route/header-table style), 1M get() calls
// with keys taken from a precomputed array, plus some has()/set().
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

const KEYS = [];
for (let i = 0; i < 1000; i++) KEYS.push('/service/' + i + '/endpoint');
const MISS = KEYS.map(k => k + '/x');

function work() {
  const m = new Map();
  for (let i = 0; i < KEYS.length; i++) m.set(KEYS[i], i);
  let check = 0;
  for (let i = 0; i < 1000000; i++) {
    const j = (i * 7) % 1000;
    if ((i & 15) === 0) { if (!m.has(MISS[j])) check += 1; }
    else check += m.get(KEYS[j]);
  }
  return check + m.size;
}

bench('mapget', work);
