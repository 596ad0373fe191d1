println('equal', 'a'.localeCompare('a'));
println('less', 'a'.localeCompare('b') < 0, 'greater', 'b'.localeCompare('a') > 0);
println('prefix', 'ab'.localeCompare('abc') < 0);
println('digits', '1'.localeCompare('2') < 0, '10'.localeCompare('9') < 0);
const words = ['delta', 'alpha', 'charlie', 'bravo'];
println('sort', words.sort((x, y) => x.localeCompare(y)));
println('empty', ''.localeCompare('a') < 0, 'a'.localeCompare('') > 0);
println('sign only', Math.sign('apple'.localeCompare('apricot')), Math.sign('zoo'.localeCompare('ant')));
