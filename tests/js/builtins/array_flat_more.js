const deep = [1, [2, [3, [4, [5, [6]]]]]];
for (let d = 0; d <= 5; d++) println('depth', d, JSON.stringify(deep.flat(d)));
println('depth negative', JSON.stringify([[1]].flat(-1)));
println('depth string', JSON.stringify([[1, [2]]].flat('1')));
println('flatMap depth only 1', JSON.stringify([[1], [[2]]].flatMap((x) => x)));
println('flatMap strings', ['hello world', 'foo'].flatMap((s) => s.split(' ')).length);
println('flatMap to pairs', JSON.stringify(['a', 'b'].flatMap((x, i) => [[x, i]])));
println('flat array-likes not flattened', JSON.stringify([{ length: 1, 0: 'x' }].flat()));
