const v = { a: 1, b: [1, { c: 2 }], d: {}, e: [] };
println(JSON.stringify(v, null, 2));
println(JSON.stringify([1, [2]], null, '--'));
println('clamped 10', JSON.stringify({ a: 1 }, null, 20).split('\n')[1].length);
println('string clamped', JSON.stringify({ a: 1 }, null, 'abcdefghijklmnop').split('\n')[1]);
println('zero/negative', JSON.stringify({ a: [1] }, null, 0), JSON.stringify({ a: [1] }, null, -1));
println('empty string indent', JSON.stringify({ a: 1 }, null, ''));
println('float indent', JSON.stringify([1], null, 1.9));
println(JSON.stringify({ x: { y: { z: null } } }, null, '\t'));
