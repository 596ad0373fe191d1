const o = { b: 2, a: 1, 3: 'three', 1: 'one' };
println('keys', Object.keys(o));
println('values', Object.values(o));
println('entries', JSON.stringify(Object.entries(o)));
println('array keys', Object.keys(['x', 'y']), Object.values(['x', 'y']));
println('string keys', Object.keys('hi'), Object.values('hi'));
println('number/bool', Object.keys(5).length, Object.keys(true).length);
try { Object.keys(null); } catch (e) { println('null', e instanceof TypeError); }
try { Object.values(undefined); } catch (e) { println('undefined', e.name); }
const proto = { inherited: 1 };
const child = Object.create(proto);
child.own = 2;
println('own only', Object.keys(child), Object.entries(child).length);
const hidden = Object.defineProperty({ v: 1 }, 'h', { value: 2, enumerable: false });
println('enumerable only', Object.keys(hidden), Object.values(hidden));
println('sparse array keys', Object.keys([1, , 3]));
const withGetter = { get g() { return 'computed'; } };
println('getter value', Object.values(withGetter));
println('empty', Object.keys({}).length, JSON.stringify(Object.entries({})));
