// expect: uncaught
println('line 1');
println('line 2');
function fail(reason) { throw reason; }
println('calling fail');
fail('a plain string');
println('never printed');
