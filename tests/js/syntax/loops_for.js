let s = '';
for (let i = 0; i < 5; i++) s += i;
println('basic for', s);
let t = '';
for (let i = 10; i > 0; i -= 3) t += i + ' ';
println('decrement', t);
let n = 0;
for (;;) { if (++n >= 4) break; }
println('infinite with break', n);
let u = '';
for (let i = 0; i < 10; i++) { if (i % 2) continue; u += i; }
println('continue', u);
const nested = [];
for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) nested.push(i + '' + j);
println('nested', nested);
let k;
for (k = 0; k < 3; k++);
println('empty body', k);
let sum = 0;
for (let i = 0, j = 10; i < j; i++, j--) sum += j - i;
println('two vars', sum);
const fns = [];
for (let i = 0; i < 3; i++) fns.push(() => i);
println('let per iteration', fns.map((f) => f()));
const vfns = [];
for (var vi = 0; vi < 3; vi++) vfns.push(() => vi);
println('var shared', vfns.map((f) => f()));
