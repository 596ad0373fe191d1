const people = [
  { name: 'Ann', age: 30 }, { name: 'Bob', age: 25 }, { name: 'Cid', age: 30 },
  { name: 'Dee', age: 25 }, { name: 'Eve', age: 35 },
];
const byAge = [...people].sort((a, b) => a.age - b.age);
println('stable by age', byAge.map((p) => p.name).join(' '));
const byKeys = (...keys) => (a, b) => {
  for (const k of keys) { if (a[k] < b[k]) return -1; if (a[k] > b[k]) return 1; }
  return 0;
};
println('multi key', [...people].sort(byKeys('age', 'name')).map((p) => p.name).join(' '));
const desc = (f) => (a, b) => f(b, a);
println('descending', [...people].sort(desc(byKeys('age'))).map((p) => p.name).join(' '));
const nums = [10, 9, 1, 100, 25];
println('default sort', [...nums].sort());
println('numeric sort', [...nums].sort((a, b) => a - b));
let comparisons = 0;
[5, 4, 3, 2, 1].sort((a, b) => (comparisons++, a - b));
println('comparator called', comparisons > 0);
println('sort returns same array', nums.sort() === nums);
