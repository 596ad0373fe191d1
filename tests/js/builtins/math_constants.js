println('PI', Math.PI);
println('E', Math.E);
println('LN2 LN10', Math.LN2, Math.LN10);
println('LOG2E LOG10E', Math.LOG2E, Math.LOG10E);
println('SQRT2 SQRT1_2', Math.SQRT2, Math.SQRT1_2);
println('typeof Math', typeof Math, String(Math));
try { new Math.max(); } catch (e) { println('not constructor', e instanceof TypeError); }
const r = Math.random();
println('random range', typeof r, r >= 0 && r < 1);
let allInRange = true;
for (let i = 0; i < 100; i++) { const v = Math.floor(Math.random() * 6) + 1; if (v < 1 || v > 6) allInRange = false; }
println('dice in range', allInRange);
println('degrees', 180 / Math.PI * Math.PI);
println('circle area r=1', Math.PI * 1 ** 2 === Math.PI);
println('constants non-writable', Object.getOwnPropertyDescriptor(Math, 'PI').writable);
