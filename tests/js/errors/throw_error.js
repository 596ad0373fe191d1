// expect: uncaught
println('before throw');
const values = [1, 2, 3].map((x) => x * 2);
println('values', values);
println('about to throw an Error');
throw new Error('explicit failure');
