const s = 'héllo😀';
println('length', s.length);
println('charAt', s.charAt(0), s.charAt(1), JSON.stringify(s.charAt(99)));
println('charCodeAt', s.charCodeAt(0), s.charCodeAt(1), s.charCodeAt(5), s.charCodeAt(6), s.charCodeAt(99));
println('codePointAt', s.codePointAt(5), s.codePointAt(6), s.codePointAt(99));
println('at', s.at(0), s.at(-3), s.at(99));
println('index', s[1], s[99]);
println('charAt float', 'abc'.charAt(1.9), 'abc'.charAt(-1) === '');
println('hex code point', s.codePointAt(5).toString(16));
println('fromCharCode', String.fromCharCode(72, 105), String.fromCharCode(0xd83d, 0xde00) === '😀');
println('fromCharCode wraps', String.fromCharCode(65 + 65536));
println('fromCodePoint', String.fromCodePoint(128512) === '😀', String.fromCodePoint(65, 66, 233));
try { String.fromCodePoint(-1); } catch (e) { println('bad code point', e instanceof RangeError); }
try { String.fromCodePoint(0x110000); } catch (e) { println('too big', e.name); }
println('concat', 'a'.concat('b', 1, null), ''.concat());
