println('default string order', [10, 9, 1, 2, 100, 21].sort());
println('strings', ['banana', 'Apple', 'cherry', 'apple'].sort());
println('numeric comparator', [10, 9, 1, 2, 100, 21].sort((a, b) => a - b));
println('descending', [3, 1, 2].sort((a, b) => b - a));
println('undefined last', [3, undefined, 1, undefined, 2].sort());
println('holes last', JSON.stringify([3, , 1].sort()), [3, , 1].sort().length);
println('mixed types', [true, 'b', 10, 'a', 2, null].sort());
const items = [];
for (let i = 0; i < 12; i++) items.push({ k: i % 3, id: i });
items.sort((x, y) => x.k - y.k);
println('stable', items.map((o) => o.k + ':' + o.id).join(' '));
println('by string key', [{ n: 'b' }, { n: 'a' }, { n: 'c' }].sort((x, y) => (x.n < y.n ? -1 : x.n > y.n ? 1 : 0)).map((o) => o.n).join(''));
println('localeCompare ascii', ['b', 'a', 'c'].sort((x, y) => x.localeCompare(y)));
println('unicode code unit order', ['é', 'z', 'e', 'Z'].sort());
const arr = [3, 2, 1];
println('in place', arr.sort() === arr, arr);
println('negative numbers default', [-1, -2, 3, -10].sort());
println('comparator zero keeps order', [1, 2, 3].sort(() => 0));
try { [2, 1].sort('not fn'); } catch (e) { println('bad comparator', e instanceof TypeError); }
