// expect: uncaught
const items = ['a', 'b', 'c', 'd'];
items.forEach((item, i) => {
  println('processing', i, item);
  if (item === 'c') throw new TypeError('bad item ' + item);
});
println('never printed');
