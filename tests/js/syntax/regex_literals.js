const re = /ab+c/i;
println('test', re.test('xxABBBCxx'), re.test('ac'));
println('source', re.source, 'flags', re.flags);
println('exec index', /\d+/.exec('abc123def').index);
println('match groups', 'John Smith'.replace(/(\w+)\s(\w+)/, '$2, $1'));
println('global', 'a1b2c3'.match(/\d/g));
println('escape slash', /\//.test('a/b'), /[/]/.source);
println('class', /[a-c]+/.exec('xxbcaz')[0]);
println('instanceof', re instanceof RegExp, typeof re);
const r1 = /x/g, r2 = /x/g;
println('distinct objects', r1 === r2);
function fresh() { return /y/g; }
println('fresh each eval', fresh() === fresh());
println('division vs regex', 10 / 2 / 5, 'a/b'.split(/\//).length);
println('unicode', /\u{1F600}/u.test('😀'), /^.$/u.test('😀'), /^.$/.test('😀'));
println('dotAll', /a.b/s.test('a\nb'), /a.b/.test('a\nb'));
println('String(re)', String(/a\/b/gi));
