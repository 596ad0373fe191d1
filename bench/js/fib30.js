// fib30: recursive fib(30) -- function-call overhead and small-int arithmetic.
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

function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

bench('fib30', () => fib(30));
