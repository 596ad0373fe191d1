// expect: uncaught
const limit = 3;
let total = 0;
for (let i = 0; i < limit; i++) total += i;
println('total', total);
println('reassigning a const');
limit = 10;
println('never printed');
