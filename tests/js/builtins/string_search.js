const s = 'The quick brown fox jumps over the lazy dog';
println('indexOf', s.indexOf('o'), s.indexOf('o', 13), s.indexOf('cat'));
println('lastIndexOf', s.lastIndexOf('o'), s.lastIndexOf('o', 40), s.lastIndexOf('The'));
println('empty search', s.indexOf(''), s.indexOf('', 100), s.lastIndexOf(''));
println('includes', s.includes('fox'), s.includes('Fox'), s.includes('fox', 20));
println('startsWith', s.startsWith('The'), s.startsWith('quick', 4), s.startsWith('the'));
println('endsWith', s.endsWith('dog'), s.endsWith('lazy', 38), s.endsWith(''));
try { s.startsWith(/The/); } catch (e) { println('regex arg', e instanceof TypeError); }
println('search', s.search(/[A-Z]/), s.search(/o/), s.search(/cat/), s.search('q'));
println('case sensitive', 'ABC'.indexOf('b'), 'ABC'.toLowerCase().indexOf('b'));
println('number arg coerced', '12345'.indexOf(3), '1e3'.includes(1));
println('astral', '😀ab'.indexOf('a'), '😀ab'.includes('😀'));
