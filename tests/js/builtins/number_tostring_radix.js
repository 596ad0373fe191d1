println('binary', (10).toString(2), (255).toString(2));
println('hex', (255).toString(16), (-255).toString(16), (4096).toString(16));
println('octal', (8).toString(8), (64).toString(8));
println('base 36', (35).toString(36), (123456789).toString(36));
println('fraction binary', (0.5).toString(2), (0.25).toString(2), (2.75).toString(2));
println('fraction hex', (0.5).toString(16), (255.5).toString(16));
println('default radix', (123.45).toString(), (1e21).toString(), (1e-7).toString());
try { (1).toString(1); } catch (e) { println('radix 1', e instanceof RangeError); }
try { (1).toString(37); } catch (e) { println('radix 37', e.name); }
println('special', NaN.toString(2), Infinity.toString(16), (-Infinity).toString(36));
println('negative zero', (-0).toString(), (-0).toString(2));
println('big', (2 ** 53).toString(16), (2 ** 60).toString(2).length);
println('parseInt roundtrip', parseInt((123456).toString(7), 7));
