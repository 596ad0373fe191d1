println('sum', [1, 2, 3, 4].reduce((a, b) => a + b));
println('with init', [1, 2, 3].reduce((a, b) => a + b, 10));
println('reduceRight', ['a', 'b', 'c'].reduce((a, b) => a + b), ['a', 'b', 'c'].reduceRight((a, b) => a + b));
println('single no init', [5].reduce(() => 'not called'));
println('empty with init', [].reduce(() => 1, 'init'));
try { [].reduce((a, b) => a + b); } catch (e) { println('empty no init', e instanceof TypeError); }
try { [].reduceRight((a, b) => a + b); } catch (e) { println('empty reduceRight', e.name); }
const idx = [];
['x', 'y', 'z'].reduce((acc, v, i) => (idx.push(i), acc), null);
println('indices with init', idx);
const idx2 = [];
['x', 'y', 'z'].reduce((acc, v, i) => (idx2.push(i), acc));
println('indices without init', idx2);
const idx3 = [];
[1, , 3, , 5].reduce((a, v, i) => (idx3.push(i), a + v), 0);
println('skips holes', idx3);
println('group', JSON.stringify(['apple', 'avocado', 'banana'].reduce((g, w) => ((g[w[0]] ||= []).push(w), g), {})));
println('max', [3, 9, 2].reduce((m, x) => (x > m ? x : m), -Infinity));
println('flatten right', JSON.stringify([[1, 2], [3], [4]].reduceRight((acc, x) => acc.concat(x), [])));
println('array arg', [1, 2].reduce((a, v, i, arr) => a + arr.length, 0));
