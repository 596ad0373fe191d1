const describe = (v) => branch(
  v === null, 'null',
  Array.isArray(v), () => 'array(' + v.length + ')',
  () => typeof v === 'object', () => 'object{' + Object.keys(v).join(',') + '}',
  () => select(typeof v,
    'number', () => branch(Number.isInteger(v), 'int', Number.isNaN(v), 'nan', 'float'),
    'string', () => select(v.length, 0, 'empty string', 'string'),
    'boolean', () => (v ? 'yes' : 'no'),
    'unknown')
);
const samples = [null, [1, 2], { a: 1, b: 2 }, 3, 2.5, NaN, '', 'x', true, false, undefined];
repeat(samples, (s, i) => println(i, describe(s)));
const traffic = (light, emergency) => branch(emergency, 'stop all', () => select(light, 'green', 'go', 'yellow', 'slow', 'red', 'stop', 'blinking'));
println([['green', false], ['red', false], ['purple', false], ['green', true]].map(([l, e]) => traffic(l, e)).join(' / '));
