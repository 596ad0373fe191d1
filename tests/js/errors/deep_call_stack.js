// expect: uncaught
function a(n) { println('enter a', n); return b(n + 1); }
function b(n) { println('enter b', n); return c(n + 1); }
function c(n) {
  println('enter c', n);
  if (n >= 2) throw new RangeError('too deep at ' + n);
  return n;
}
println('result', a(0));
