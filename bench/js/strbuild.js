// strbuild: grow one string with += (200k appends of short mixed pieces), the way
// a script assembles a response body or log line.
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

function work() {
  let s = '';
  for (let i = 0; i < 200000; i++) {
    s += 'k' + i;
    s += (i % 3 === 0) ? '=x;' : ';';
  }
  // Sample the result so the string is really built, not just its length.
  let h = s.length;
  for (let i = 0; i < s.length; i += 997) h = (h * 31 + s.charCodeAt(i)) % 1000000007;
  return h;
}

bench('strbuild', work);
