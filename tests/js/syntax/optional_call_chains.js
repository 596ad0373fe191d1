const api = {
  user: { name: 'ann', greet(p) { return p + ' ' + this.name; }, tags: ['a', 'b'] },
  list() { return [1, 2, 3]; },
  nothing: null,
};
println('method via ?.', api.user?.greet('hi'));
println('optional method name', api.user.greet?.('yo'), api.user.missing?.('x'));
println('call result chain', api.list?.().map((x) => x * 2).join('-'));
println('element then call', api.user?.tags?.[1]?.toUpperCase());
println('null in middle', api.nothing?.a.b.c(), api.nothing?.());
const fns = [() => 'zero', null];
println('array of fns', fns[0]?.(), fns[1]?.(), fns[2]?.());
let n = 0;
const side = () => ++n;
api.nothing?.[side()];
api.user?.[side() && 'name'];
println('side effects only when not short-circuited', n);
println('parenthesized chain', (api.nothing?.a)?.b);
const deep = { a: { b: { c: { d: () => 'deep call' } } } };
println('deep call', deep?.a?.b?.c?.d?.());
try { api.user.name?.(); } catch (e) { println('non-function with ?.() still throws', e instanceof TypeError); }
println('with nullish default', api.user?.age ?? 'no age');
println('optional on primitives', 'str'?.length, (5)?.toFixed(1));
