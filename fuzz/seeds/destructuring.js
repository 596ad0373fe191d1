const { a, b: [c, , d = 5, ...e], ...rest } = { a: 1, b: [2, 3], f: 6 };
let [x, { y = x } = {}] = [1];
function f({ p, q } = {}, [r] = [0], ...s) { return p + q + r + s.length; }
[x, y] = [y, x];
