println('nested arrays', JSON.stringify([[1, 2], [3, [4, [5]]]]));
println('array of objects', JSON.stringify([{ a: 1 }, { b: [2] }]));
println(JSON.stringify([[1, 2], { k: [3] }], null, 2));
println('empty nested indent', JSON.stringify([[], {}, [[]]], null, 1));
println('array with undefined indent', JSON.stringify([undefined, 1], null, 1));
println('strings in array', JSON.stringify(['a', 'b"c', '']));
println('mixed', JSON.stringify([1, 'two', true, null, { three: 3 }]));
println('array replacer fn', JSON.stringify([1, 2, 3], (k, v) => (Array.isArray(v) ? v : v * 2)));
