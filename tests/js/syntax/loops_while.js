let i = 0;
while (i < 5) i++;
println('while', i);
let s = '';
let j = 10;
while (j--) { if (j % 3) continue; s += j; }
println('while continue', s);
let d = 0;
do { d++; } while (d < 0);
println('do-while runs once', d);
let e = 0;
do e += 2; while (e < 9);
println('do-while no braces', e);
let collatz = 27, steps = 0;
while (collatz !== 1) { collatz = collatz % 2 ? 3 * collatz + 1 : collatz / 2; steps++; }
println('collatz 27 steps', steps);
let w = 0;
while (true) { w++; if (w === 7) break; }
println('while true break', w);
let digits = [], num = 9075;
do { digits.unshift(num % 10); num = Math.floor(num / 10); } while (num > 0);
println('digits', digits);
