function quicksort(a) {
  if (a.length <= 1) return a;
  const [p, ...rest] = a;
  return [...quicksort(rest.filter((x) => x < p)), p, ...quicksort(rest.filter((x) => x >= p))];
}
println('quicksort', quicksort([5, 3, 8, 1, 9, 2, 7, 3]));
function bsearch(a, t) {
  let lo = 0, hi = a.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid] === t) return mid;
    if (a[mid] < t) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}
const sorted = [1, 3, 5, 7, 9, 11];
println('binary search', bsearch(sorted, 7), bsearch(sorted, 4), bsearch(sorted, 1));
function sieve(n) {
  const is = new Array(n + 1).fill(true);
  is[0] = is[1] = false;
  for (let i = 2; i * i <= n; i++) if (is[i]) for (let j = i * i; j <= n; j += i) is[j] = false;
  return is.reduce((acc, v, i) => (v ? [...acc, i] : acc), []);
}
println('primes', sieve(50));
function mergeSort(a) {
  if (a.length < 2) return a;
  const m = a.length >> 1, l = mergeSort(a.slice(0, m)), r = mergeSort(a.slice(m)), out = [];
  while (l.length && r.length) out.push(l[0] <= r[0] ? l.shift() : r.shift());
  return out.concat(l, r);
}
println('merge sort', mergeSort([38, 27, 43, 3, 9, 82, 10]));
const lcs = (a, b) => {
  const dp = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      dp[i][j] = a[i - 1] === b[j - 1] ? dp[i - 1][j - 1] + 1 : Math.max(dp[i - 1][j], dp[i][j - 1]);
  return dp[a.length][b.length];
};
println('lcs', lcs('ABCBDAB', 'BDCABA'));
const toBinary = (n) => (n < 2 ? String(n) : toBinary(n >> 1) + (n & 1));
println('to binary', toBinary(37), (37).toString(2));
