// expect: uncaught
println('start');
let defined = 'ok';
println('defined', defined);
println('typeof undeclared is safe', typeof missingVariable);
println('reading it is not');
println(missingVariable);
