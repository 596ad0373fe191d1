const sticky = /\w+/y;
const str = 'abc def';
println('sticky first', sticky.exec(str)[0], sticky.lastIndex);
println('sticky at space fails', sticky.exec(str), sticky.lastIndex);
sticky.lastIndex = 4;
println('sticky after reposition', sticky.exec(str)[0]);
println('sticky with ^ in replace', 'aaa'.replace(/a/y, 'b'), 'baa'.replace(/a/y, 'b'));
println('sticky match', 'ab12'.match(/\d/y), 'ab12'.match(/[a-z]/gy));
println('sticky split ignored', 'a,b,c'.split(/,/y));
const u = /\u{1F600}+/u;
println('unicode quantifier', u.exec('😀😀x')[0].length);
println('non-unicode quantifier on surrogate', /\ud83d\ude00+/.exec('😀\ude00\ude00')[0].length);
println('unicode dot count', 'a😀b'.replace(/./gu, '.'), 'a😀b'.replace(/./g, '.'));
println('unicode case fold', /\u212a/iu.test('k'), /\u212a/i.test('k'));
println('unicode class negation', '😀'.match(/[^a]/gu).length, '😀'.match(/[^a]/g).length);
try { new RegExp('\\u{110000}', 'u'); } catch (e) { println('bad code point', e.name); }
println('unicode flag lastIndex', (() => { const r = /x/gu; r.exec('😀x'); return r.lastIndex; })());
