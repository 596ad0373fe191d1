const r = /abc/gimsuy;
println('flags string', r.flags, r.global, r.ignoreCase, r.multiline, r.dotAll, r.unicode, r.sticky);
println('flags order', new RegExp('x', 'yusmig').flags);
println('source', /a\/b[c]/.source, new RegExp('a/b').source, new RegExp('').source);
println('toString', String(/x+/gi), String(new RegExp('\\d', 'g')));
println('i', /HeLLo/i.test('hello'), /[a-z]/i.test('Q'));
println('m', 'a\nb\nc'.match(/^\w$/gm), /^b/.test('a\nb'), /^b/m.test('a\nb'));
println('s', /a.c/.test('a\nc'), /a.c/s.test('a\nc'));
println('u astral', /^.$/u.test('😀'), /^.$/.test('😀'), '😀'.match(/./gu).length, '😀'.match(/./g).length);
println('u escapes', /\u{1F600}/u.test('😀'), /\u{61}/.test('a'), /\u{61}/.test('u'.repeat(61)));
println('u class', /^[😀-😂]$/u.test('😁'));
try { new RegExp('a', 'gg'); } catch (e) { println('dup flag', e instanceof SyntaxError); }
try { new RegExp('a', 'x'); } catch (e) { println('bad flag', e.name); }
try { new RegExp('('); } catch (e) { println('bad pattern', e instanceof SyntaxError); }
const copy = new RegExp(/abc/g, 'i');
println('copy with new flags', copy.flags, copy.source);
println('RegExp(re) identity', RegExp(r) === r, new RegExp(r) === r);
