let s = '';
for (let i = 0; i < 5; i++) s += String.fromCharCode(97 + i);
println('build', s);
println('index', s[0], s[4], s[10], s.length);
println('concat types', 'a' + 1 + true + null + undefined);
const immut = 'abc';
println('immutable', immut);
println('compare', 'apple' < 'banana', 'apple' < 'Apple', 'a' < 'aa', '' < 'a');
println('multiline concat', 'a' +
  'b' +
  'c');
println('string methods on literal', 'Hello'.toUpperCase(), 'x'.repeat(3));
println('length of emoji', '👍'.length, [...'👍'].length);
println('equality', 'abc' == new String('abc'), 'ab' + 'c' === 'abc');
println('char arithmetic', 'b'.charCodeAt(0) - 'a'.charCodeAt(0));
let big = [];
for (let i = 0; i < 1000; i++) big.push('x');
println('join big', big.join('').length);
println('string to array', 'a,b,,c'.split(','), 'a,b,,c'.split(',').length);
