const primes = [];
repeat(50, (n) => {
  if (n < 2) return;
  const isPrime = repeat((d) => branch(d + 2 >= n || (d + 2) * (d + 2) > n, true, n % (d + 2) === 0, false));
  if (isPrime) primes.push(n);
});
println('primes < 50', primes.join(' '));
const tri = [];
repeat(5, (r) => { let line = ''; repeat(r + 1, (c) => { line += c === 0 || c === r ? '1' : '*'; }); tri.push(line); });
println(tri.join('\n'));
const firstDup = repeat((i) => {
  const xs = [3, 1, 4, 1, 5, 9, 2, 6];
  if (i >= xs.length) return null;
  return xs.indexOf(xs[i]) !== i ? 'dup ' + xs[i] + ' at ' + i : undefined;
});
println(firstDup);
let stack = [1, [2, [3, [4]]]], flat = [];
repeat(() => branch(stack.length === 0, flat, () => { const v = stack.pop(); Array.isArray(v) ? stack.push(...v) : flat.push(v); }));
println('flattened (stack order)', flat);
