const n = 123.456;
println('toPrecision 1..6', [1, 2, 3, 4, 5, 6].map((p) => n.toPrecision(p)).join(' '));
println('toPrecision large', (123456789).toPrecision(3), (1e21).toPrecision(3), (1e21).toPrecision(22));
println('toPrecision small', (0.00001234).toPrecision(2), (0.000001).toPrecision(1), (0.0001).toPrecision(1));
println('toPrecision exactness', (0.1).toPrecision(21));
println('toExponential 0..4', [0, 1, 2, 3, 4].map((d) => n.toExponential(d)).join(' '));
println('toExponential small', (0.000123).toExponential(), (0.000123).toExponential(5));
println('toExponential large', (1e21).toExponential(), (9.9999e22).toExponential(2));
println('toExponential rounding', (1.25).toExponential(1), (1.35).toExponential(1), (2.5).toExponential(0));
println('negative', (-0.0015).toPrecision(1), (-98765).toExponential(1));
println('special', NaN.toPrecision(3), (-Infinity).toExponential(2), Infinity.toPrecision(2));
try { (1).toExponential(-1); } catch (e) { println('bad digits', e instanceof RangeError); }
println('zero', (0).toPrecision(3), (0).toExponential(3), (-0).toPrecision(2));
