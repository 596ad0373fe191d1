const nums = ['0', '-0', '1', '-1', '1.5', '1e3', '1E+3', '1e-3', '0.1', '123456789012345678', '1.7976931348623157e308', '1e400', '-1e400', '5e-324', '1e-400'];
for (const n of nums) println(n, '->', JSON.parse(n));
println('-0 preserved', Object.is(JSON.parse('-0'), -0));
println('stringify -0', JSON.stringify(JSON.parse('-0')));
for (const bad of ['00', '1.', '.1', '1e', '-', '0x10', 'Infinity', '+0', '1.e1']) {
  try { JSON.parse(bad); println('accepted', bad); } catch (e) { println('rejected', bad, e.name); }
}
