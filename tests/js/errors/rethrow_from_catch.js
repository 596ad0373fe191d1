// expect: uncaught
try {
  println('in try');
  throw new Error('first');
} catch (e) {
  println('caught', e.message);
  println('rethrowing wrapped');
  throw new Error('wrapped: ' + e.message, { cause: e });
} finally {
  println('finally still runs');
}
println('never printed');
