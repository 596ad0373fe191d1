println('padStart', '5'.padStart(3, '0'), 'abc'.padStart(6, '12'), '|' + 'x'.padStart(3) + '|');
println('padEnd', '5'.padEnd(3, '0'), 'abc'.padEnd(6, '12'), '|' + 'x'.padEnd(3) + '|');
println('no pad needed', 'abcdef'.padStart(3, '*'), 'abc'.padEnd(3, '*'));
println('empty filler', 'a'.padStart(5, ''));
println('long filler truncated', 'a'.padEnd(4, 'xyz123'));
println('table', ['id', 'name'].map((h) => h.padEnd(6, '.')).join('|'));
println('repeat', 'ab'.repeat(3), JSON.stringify('x'.repeat(0)), ''.repeat(5) === '');
println('repeat float', 'z'.repeat(2.9));
try { 'a'.repeat(-1); } catch (e) { println('negative', e instanceof RangeError); }
try { 'a'.repeat(Infinity); } catch (e) { println('infinity', e.name); }
println('hex pad', (255).toString(16).padStart(4, '0'), (5).toString(2).padStart(8, '0'));
