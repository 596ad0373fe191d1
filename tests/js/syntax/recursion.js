function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
println('fib', [0, 1, 2, 10, 20].map(fib));
function ack(m, n) {
  if (m === 0) return n + 1;
  if (n === 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}
println('ackermann', ack(1, 2), ack(2, 3), ack(3, 3));
function isEven(n) { return n === 0 ? true : isOdd(n - 1); }
function isOdd(n) { return n === 0 ? false : isEven(n - 1); }
println('mutual', isEven(10), isOdd(7), isEven(7));
function fact(n) { return n <= 1 ? 1 : n * fact(n - 1); }
println('factorial', fact(10), fact(20), fact(25));
function hanoi(n, from, to, via, moves) {
  if (n === 0) return moves;
  hanoi(n - 1, from, via, to, moves);
  moves.push(from + to);
  return hanoi(n - 1, via, to, from, moves);
}
println('hanoi 3', hanoi(3, 'A', 'C', 'B', []).join(' '));
function flatten(a) { return a.reduce((acc, x) => acc.concat(Array.isArray(x) ? flatten(x) : x), []); }
println('flatten', flatten([1, [2, [3, [4, [5]]]], 6]));
const memo = {};
function fibm(n) { return n < 2 ? n : memo[n] || (memo[n] = fibm(n - 1) + fibm(n - 2)); }
println('memo fib 70', fibm(70));
function perms(s) { return s.length <= 1 ? [s] : [...s].flatMap((c, i) => perms(s.slice(0, i) + s.slice(i + 1)).map((p) => c + p)); }
println('perms', perms('abc'));
const gcd = (a, b) => (b === 0 ? a : gcd(b, a % b));
println('gcd', gcd(1071, 462), gcd(17, 5));
