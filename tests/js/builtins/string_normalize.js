const composed = '\u00e9';
const decomposed = 'e\u0301';
println('lengths', composed.length, decomposed.length);
println('equal raw', composed === decomposed);
println('NFC', decomposed.normalize('NFC') === composed, decomposed.normalize('NFC').length);
println('NFD', composed.normalize('NFD') === decomposed, composed.normalize('NFD').length);
println('default is NFC', decomposed.normalize() === composed);
println('NFKC ligature', '\ufb01'.normalize('NFKC'), '\ufb01'.normalize('NFC') === '\ufb01');
println('NFKD superscript', '\u00b2'.normalize('NFKD'));
try { 'a'.normalize('bad'); } catch (e) { println('bad form', e instanceof RangeError); }
println('ascii unchanged', 'abc'.normalize('NFD') === 'abc');
println('word', 'Cafe\u0301'.normalize().length, 'Café'.normalize('NFD').length);
println('code units NFD', [...composed.normalize('NFD')].map((c) => c.charCodeAt(0).toString(16)).join(' '));
