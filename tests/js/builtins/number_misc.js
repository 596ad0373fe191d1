println('Number type', typeof Number(1), typeof new Number(1), Number.name, Number.length);
println('valueOf', new Number(5).valueOf(), new Number(5) + 1);
println('wrapper identity', new Number(1) === new Number(1), new Number(1) == 1);
println('prototype methods', Number.prototype.toFixed.call(1.234, 1));
try { Number.prototype.toFixed.call('x', 1); } catch (e) { println('non-number this', e instanceof TypeError); }
println('Number() no args', Number());
println('unary vs Number', +'3' === Number('3'));
println('integer check via %', 5 % 1 === 0, 5.5 % 1);
println('max/min compare', Number.MAX_SAFE_INTEGER + 2, Number.MIN_SAFE_INTEGER - 2);
println('rounding money', Math.round(1.005 * 100) / 100, Math.round(2.675 * 100) / 100);
println('clamp', Math.min(Math.max(15, 0), 10), Math.min(Math.max(-5, 0), 10));
println('is even', [0, 1, 2, -3, -4].map((n) => n % 2 === 0));
println('digit sum', String(98765).split('').reduce((s, d) => s + Number(d), 0));
