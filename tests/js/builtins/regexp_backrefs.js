println('repeat word', /\b(\w+) \1\b/.exec('this is is a test')[1]);
println('html tag', /<(\w+)>.*<\/\1>/.test('<b>bold</b>'), /<(\w+)>.*<\/\1>/.test('<b>bold</i>'));
println('named backref', /(?<q>['"]).*?\k<q>/.exec(`say "hi" 'there'`)[0]);
println('doubled letters', 'bookkeeper'.match(/(\w)\1/g));
println('forward ref empty', /\1(a)/.exec('a')[0]);
println('palindrome 5', /^(\w)(\w)\w\2\1$/.test('level'), /^(\w)(\w)\w\2\1$/.test('hello'));
println('case-insensitive backref', /(a)\1/i.test('aA'));
println('replace with backref', 'aabbcc'.replace(/(\w)\1/g, '$1'));
println('dedupe words', 'the the cat sat sat down'.replace(/\b(\w+)( \1\b)+/g, '$1'));
