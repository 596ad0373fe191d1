println('from string', Array.from('héllo'));
println('from astral', Array.from('a😀b').length);
println('from set', Array.from(new Set([1, 2, 2, 3])));
println('from map', JSON.stringify(Array.from(new Map([['a', 1]]))));
println('from length', JSON.stringify(Array.from({ length: 3 })));
println('from length map', Array.from({ length: 5 }, (_, i) => i * i));
println('from array-like', Array.from({ length: 2, 0: 'x', 1: 'y', 2: 'ignored' }));
println('map fn with index', Array.from('abc', (c, i) => c + i));
println('map thisArg', Array.from([1, 2], function (x) { return x * this.m; }, { m: 10 }));
println('from array copy', (() => { const a = [1]; return Array.from(a) !== a; })());
println('from number', Array.from(5).length, Array.from(true).length);
try { Array.from(null); } catch (e) { println('from null', e instanceof TypeError); }
println('of', Array.of(7), Array.of(1, 2, 3), Array.of().length, Array.of(undefined).length);
println('of vs ctor', Array.of(3).length, new Array(3).length);
println('isArray', Array.isArray([]), Array.isArray({ length: 0 }), Array.isArray('ab'), Array.isArray(new Array()));
println('holes from', Array.from([1, , 3]).length, 1 in Array.from([1, , 3]));
