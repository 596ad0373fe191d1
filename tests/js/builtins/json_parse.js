const o = JSON.parse('{"a":1,"b":[true,false,null],"c":{"d":"e"},"n":-1.5e2}');
println('parsed', o.a, o.b, o.c.d, o.n);
println('primitives', JSON.parse('1'), JSON.parse('"s"'), JSON.parse('null'), JSON.parse('true'));
println('whitespace', JSON.parse(' \n\t[ 1 , 2 ] '));
println('numbers', JSON.parse('[0, -0, 1e3, 1E-2, 0.5]').join(' '), Object.is(JSON.parse('-0'), -0));
println('big number', JSON.parse('12345678901234567890'));
println('duplicate keys', JSON.parse('{"k":1,"k":2}').k);
println('key order', Object.keys(JSON.parse('{"b":1,"2":1,"a":1,"1":1}')));
const bad = ["{'a':1}", '[1,]', '{"a":1,}', '01', 'undefined', 'NaN', '"\t"', '', '{"a" 1}', '.5', '+1', '[1] x', '"\\x41"'];
for (const s of bad) {
  try { JSON.parse(s); println('accepted?!', s); } catch (e) { println('rejects', JSON.stringify(s), e.name); }
}
println('deep', JSON.parse('[[[[[[1]]]]]]').flat(Infinity)[0]);
println('nested empty', JSON.stringify(JSON.parse('{"a":{},"b":[]}')));
