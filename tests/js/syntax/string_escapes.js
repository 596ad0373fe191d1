println('newline len', 'a\nb'.length, 'tab', JSON.stringify('a\tb'));
println('hex escape', '\x41\x42', 'unicode', '\u0041', '\u{42}');
println('astral escape', '\u{1F600}'.length, '\uD83D\uDE00' === '\u{1F600}');
println('quotes', "it's", 'say "hi"', 'esc \'q\'', "esc \"d\"");
println('backslash', '\\'.length, JSON.stringify('\\n'));
println('null char', '\0'.length, '\0'.charCodeAt(0));
println('line continuation', 'ab\
cd');
println('vertical/formfeed', '\v'.charCodeAt(0), '\f'.charCodeAt(0), '\b'.charCodeAt(0), '\r'.charCodeAt(0));
println('unknown escape', '\q\w'.length, '\q');
println('template raw newline', `x
y`.length);
println('non-ascii literal', 'héllo'.length, 'ß'.charCodeAt(0), '中文'.length);
println('json escapes', JSON.stringify('\u0001\u001f'));
println('surrogate pair parts', '😀'.charCodeAt(0), '😀'.charCodeAt(1));
println('comparison', 'a' < 'b', 'Z' < 'a', 'é' > 'z', '10' < '9');
