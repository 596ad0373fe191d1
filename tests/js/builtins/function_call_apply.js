function show(a, b) { return this.p + ':' + a + ':' + b; }
const ctx = { p: 'ctx' };
println('call', show.call(ctx, 1, 2));
println('apply', show.apply(ctx, [3, 4]));
println('apply short array', show.apply(ctx, [5]));
println('apply array-like', show.apply(ctx, { length: 2, 0: 'x', 1: 'y' }));
println('apply null args', show.apply(ctx, null), show.apply(ctx));
println('Math.max apply', Math.max.apply(null, [3, 9, 4]));
println('borrow slice', Array.prototype.slice.call('abc').join('-'));
println('borrow join', Array.prototype.join.call({ length: 3, 0: 'a', 2: 'c' }, '+'));
println('borrow map', Array.prototype.map.call('xyz', (c) => c.toUpperCase()).join(''));
const arrow = () => 'arrow ignores this';
println('arrow call', arrow.call({ p: 1 }));
function strictThis() { 'use strict'; return this; }
println('strict primitive this', strictThis.call(5), typeof strictThis.call('s'), strictThis.call(null));
println('call.call', Function.prototype.call.call(show, ctx, 'cc', 'dd'));
println('Function.prototype.apply is function', typeof Function.prototype.apply);
