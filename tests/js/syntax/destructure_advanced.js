let calls = 0;
const def = () => (++calls, 'def');
const { a = def(), b = def() } = { a: 'given' };
println('default lazily evaluated', a, b, calls);
const { x: { y: [, second] = [] } = {} } = { x: { y: [1, 2] } };
println('deep mixed', second);
const [{ p = 'P' } = {}, [q = 'Q'] = []] = [];
println('defaults of defaults', p, q);
const o = {};
[o.first, o['second']] = ['f', 's'];
println('member targets', o.first, o.second);
const arr = [];
({ a: arr[0], b: arr[1] } = { a: 'A', b: 'B' });
println('element targets', arr);
const { ...copy } = { m: 1, n: 2 };
println('rest copy', JSON.stringify(copy));
const [...all] = 'hey';
println('rest all', all);
let r1, r2;
const res = ([r1, r2] = [9, 8]);
println('assignment expression value', res, r1, r2);
for (const { id, tags: [firstTag = 'none'] = [] } of [{ id: 1, tags: ['t'] }, { id: 2 }]) println('loop', id, firstTag);
const fn = ({ a, b } = {}, ...[c, d]) => [a, b, c, d].join('|');
println('params mix', fn({ a: 1, b: 2 }, 3, 4), fn(undefined, 5));
try { const { z } = null; } catch (e) { println('null source', e instanceof TypeError); }
try { const [z] = {}; } catch (e) { println('non-iterable', e instanceof TypeError); }
