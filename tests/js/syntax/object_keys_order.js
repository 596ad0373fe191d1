const o = {};
o.z = 1; o[5] = 1; o.a = 1; o['2'] = 1; o['01'] = 1; o[4294967294] = 1; o[4294967295] = 1; o.m = 1;
println('key order', Object.keys(o).join(' '));
delete o.z;
o.z = 2;
println('reinsert goes last', Object.keys(o).join(' '));
println('JSON follows order', JSON.stringify({ b: 1, 1: 2, a: 3, 0: 4 }));
const arrLike = { 2: 'c', 0: 'a', 1: 'b', length: 3 };
println('array-like', Array.from(arrLike).join(''));
println('entries order', Object.entries({ y: 1, x: 2, 10: 3, 9: 4 }).map(([k]) => k).join(' '));
const spread = { ...{ b: 1, a: 2 }, 3: 'n' };
println('spread order', Object.keys(spread).join(' '));
const assigned = Object.assign({ first: 1 }, { 7: 'seven', last: 2 });
println('assign order', Object.keys(assigned).join(' '));
const numeric = { '1e3': 1, 1000: 2, '-0': 3, 0: 4 };
println('canonical numerics', Object.keys(numeric).join(' '));
class C { constructor() { this.b = 1; this.a = 2; } }
println('instance order', Object.keys(new C()).join(' '));
