const calls = [];
const v = (name) => () => (calls.push(name), name);
println('result', select('b', 'a', v('A'), 'b', v('B'), 'c', v('C'), v('D')));
println('called', calls.join(','));
calls.length = 0;
println('default', select('zzz', 'a', v('A'), v('DEF')), calls.join(','));
const statusText = (code) => select(Math.floor(code / 100),
  2, () => 'ok ' + code,
  3, () => 'redirect ' + code,
  4, () => select(code, 404, 'not found', 403, 'forbidden', 'client error'),
  'server error');
println([200, 301, 404, 403, 418, 500].map(statusText).join(' | '));
const dispatch = { add: (a, b) => a + b, mul: (a, b) => a * b };
const calc = (op, a, b) => select(op, 'add', () => dispatch.add(a, b), 'mul', () => dispatch.mul(a, b), () => NaN);
println('calc', calc('add', 2, 3), calc('mul', 2, 3), calc('pow', 2, 3));
