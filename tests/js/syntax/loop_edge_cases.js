let out = [];
for (let i = 0; i < 3; i++) { if (i === 1) continue; out.push(() => i); }
println('continue keeps per-iteration binding', out.map((f) => f()));
let count = 0;
for (const x of []) count++;
for (const k in {}) count++;
for (let i = 0; i < 0; i++) count++;
println('empty loops', count);
const arr = [1, 2, 3];
for (const x of arr) { if (x === 1) arr.length = 2; }
println('shrink during for-of', arr);
let j = 0;
for (; j < 3;) j++;
println('for without init/update', j);
const nested = [];
for (let i = 0; i < 3; i++) { for (let i = 10; i < 12; i++) nested.push(i); }
println('shadowed loop var', nested.length, nested[0]);
let w = 5;
while (w --> 0);
println('while --> idiom', w);
const keys = [];
const proto = { inherited: 1 };
const obj = Object.create(proto);
obj.own = 1;
for (const k in obj) if (Object.hasOwn(obj, k)) keys.push(k);
println('for-in own filter', keys);
let big = 0;
for (let i = 0; i < 100000; i++) big += i & 1;
println('many iterations', big);
const strs = [];
for (const ch of '') strs.push(ch);
println('empty string for-of', strs.length);
