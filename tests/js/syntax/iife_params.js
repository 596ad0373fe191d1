((a, b, c) => (
  a = 1,
  b = 2,
  c = a + b,
  println('arrow iife locals', a, b, c)
))();
(function (x, y) {
  x = 'hello';
  y = x.length;
  println('function iife locals', x, y);
})();
const result = ((n, acc) => {
  acc = 1;
  for (n = 5; n > 0; n--) acc *= n;
  return acc;
})();
println('factorial via iife', result);
((p, q = p * 2) => println('default from earlier param', p, q))(4);
println('iife returns', ((s) => (s = 'abc', s.toUpperCase()))());
let counter = (function (count) {
  count = 0;
  return { inc: () => ++count, get: () => count };
})();
counter.inc(); counter.inc();
println('closure over iife param', counter.get());
((u) => println('param undefined', u, typeof u))();
