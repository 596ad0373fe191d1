const a = [];
a[100] = 1;
println('sparse length', a.length, Object.keys(a).length);
const b = [1, 2, 3];
b.length = 5;
println('grow length', b.length, JSON.stringify(b));
b.length = 2;
println('shrink length', b, b[2]);
try { b.length = -1; } catch (e) { println('negative length', e instanceof RangeError); }
try { new Array(-1); } catch (e) { println('new Array(-1)', e.name); }
try { new Array(1.5); } catch (e) { println('new Array(1.5)', e.name); }
const big = new Array(10000).fill(1);
println('big fill sum', big.reduce((s, x) => s + x, 0));
const pushed = [];
for (let i = 0; i < 5000; i++) pushed.push(i);
println('many pushes', pushed.length, pushed[4999]);
println('max index', (() => { const x = []; x[4294967294] = 'last'; return x.length; })());
const nonIndex = [];
nonIndex[4294967295] = 'not index';
println('non-index key', nonIndex.length, Object.keys(nonIndex).length);
