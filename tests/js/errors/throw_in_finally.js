// expect: uncaught
function work() {
  try {
    println('working');
    return 'would return';
  } finally {
    println('cleanup fails');
    throw new Error('finally threw');
  }
}
println('start');
println(work());
