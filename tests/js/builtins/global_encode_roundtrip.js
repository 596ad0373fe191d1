const samples = ['hello world', 'a+b=c&d', '100%', 'é ü ß', '中文', '😀👍', '~!@#$%^&*()_+`-=[]{}|;\':",./<>?', '\n\t'];
for (const s of samples) {
  const enc = encodeURIComponent(s);
  println(JSON.stringify(s), enc, decodeURIComponent(enc) === s);
}
println('encodeURI preserves url chars', encodeURI('https://ex.com/path?q=a b&r=é#h'));
println('decodeURI vs component', decodeURI('%26%3D%2B%41'), decodeURIComponent('%26%3D%2B%41'));
println('double encoding', encodeURIComponent(encodeURIComponent('a b')));
println('escape percent', decodeURIComponent('%2525'));
