let i = 0, s = '';
do {
  i++;
  if (i % 2 === 0) continue;
  s += i;
} while (i < 7);
println('continue goes to condition', s, i);
let j = 0;
outer: do {
  j++;
  let k = 0;
  do {
    k++;
    if (k === 2) continue outer;
  } while (k < 5);
} while (j < 3);
println('labeled continue in do-while', j);
let n = 100, steps = 0;
do { n = Math.floor(n / 3); steps++; } while (n);
println('until zero', steps);
let once = 0;
do once++; while (false);
println('body runs once', once);
let x = 0;
do { if (++x > 3) break; } while (true);
println('break', x);
