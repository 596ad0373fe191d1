let a = (1, 2, 3);
println('comma value', a);
let x = 0, y = 0;
let r = (x = 5, y = x * 2, x + y);
println('comma assigns', x, y, r);
let log = [];
let z = (log.push('a'), log.push('b'), log.length);
println('comma side effects', log, z);
for (let i = 0, j = 10; i < j; i += 3, j -= 3) println('for comma', i, j);
function f() { return println('in f'), 'ret'; }
println('return comma', f());
let k = 0;
while ((k++, k < 3)) println('while comma', k);
println('comma in arg', Math.max((1, 9), 2));
