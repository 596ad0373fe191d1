const s = 'foo bar foo baz';
println('string first only', s.replace('foo', 'X'));
println('replaceAll string', s.replaceAll('foo', 'X'));
println('regex global', s.replace(/ba./g, 'B'));
println('regex first', s.replace(/ba./, 'B'));
println('$& match', 'abc'.replace('b', '[$&]'));
println('$` and $\'', 'abc'.replace('b', "<$`|$'>"));
println('$$', 'cost'.replace('cost', '$$5'));
println('$1 $2', 'John Smith'.replace(/(\w+) (\w+)/, '$2, $1'));
println('$<name>', '2024-01-15'.replace(/(?<y>\d+)-(?<m>\d+)-(?<d>\d+)/, '$<d>/$<m>/$<y>'));
println('unmatched group $n', 'ab'.replace(/(a)(x)?/, '[$1|$2]'));
println('invalid $ refs literal', 'ab'.replace(/a/, '$3$<n>$'));
println('string pattern no $1', 'a(b)'.replace('(b)', '$1'));
println('empty pattern', 'abc'.replace('', '-'), 'abc'.replaceAll('', '-'));
try { 'a'.replaceAll(/a/, 'b'); } catch (e) { println('replaceAll non-global regex', e instanceof TypeError); }
println('replaceAll global regex', 'a.a.a'.replaceAll(/\./g, '!'));
println('special chars in string pattern', 'a.b.c'.replaceAll('.', '*'));
println('case insensitive', 'Hello HELLO hello'.replace(/hello/gi, 'hi'));
