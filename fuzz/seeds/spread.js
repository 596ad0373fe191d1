function f(...a) { return a.length; }
const arr = [1, ...[2, 3], ...'ab']; f(...arr, 4); const o = { ...{ a: 1 }, b: 2, ...null };
new Array(...arr); Math.max(...arr);
