let attempts = 0;
const flaky = () => { attempts++; if (attempts < 4) throw new Error('attempt ' + attempts + ' failed'); return 'success on ' + attempts; };
const errors = [];
const result = repeat((i) => branch(
  i >= 10, 'gave up',
  () => invoke(flaky, (msg) => (errors.push(msg), undefined))
));
println('result', result);
println('errors', errors.join('; '));
const backoff = [];
repeat(5, (i) => backoff.push(Math.min(2 ** i * 100, 1000)));
println('backoff', backoff);
const always = () => { throw new Error('nope'); };
println('max attempts', repeat((i) => branch(i >= 3, 'stopped after ' + i, () => invoke(always, undefined))));
