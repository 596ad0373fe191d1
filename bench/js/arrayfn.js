// arrayfn: map/filter/reduce with closures (capturing an outer variable) over a
// 1000-element array, 1000 times -- callbacks into builtins plus array allocation.
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
  const a = [];
  for (let i = 0; i < 1000; i++) a.push(i);
  let total = 0;
  for (let k = 0; k < 1000; k++) {
    const m = k % 7 + 1;
    total += a.map(x => x * m)
      .filter(x => x % 3 === 0)
      .reduce((acc, x) => acc + x, 0);
  }
  return total;
}

bench('arrayfn', work);
