println('toFixed', (1.005).toFixed(2), (1.5).toFixed(0), (2.5).toFixed(0), (0.125).toFixed(2));
println('toFixed pad', (1).toFixed(3), (0).toFixed(2), (123.456).toFixed(1));
println('toFixed negative', (-1.55).toFixed(1), (-0.0001).toFixed(2));
println('toFixed large', (1e21).toFixed(2), (1e20).toFixed(2));
println('toFixed default', (3.7).toFixed(), (0.5).toFixed(), (-0.5).toFixed());
println('toFixed 20', (0.1).toFixed(20));
try { (1).toFixed(101); } catch (e) { println('toFixed range', e instanceof RangeError); }
println('toFixed NaN', NaN.toFixed(2), Infinity.toFixed(1));
println('toPrecision', (123.456).toPrecision(4), (0.000123).toPrecision(2), (123456).toPrecision(2));
println('toPrecision pad', (1).toPrecision(5), (1.5).toPrecision(1), (99.99).toPrecision(3));
println('toPrecision undefined', (1.23).toPrecision());
try { (1).toPrecision(0); } catch (e) { println('toPrecision range', e instanceof RangeError); }
println('toExponential', (123456).toExponential(2), (0.00015).toExponential(1), (1).toExponential());
println('toExponential none', (123.456).toExponential(), (0).toExponential(2));
println('toExponential negative', (-1234.5).toExponential(3));
