const proto = { inherited: 1 };
const o = Object.create(proto);
o.own = 2;
o.undef = undefined;
println('hasOwn', Object.hasOwn(o, 'own'), Object.hasOwn(o, 'inherited'), Object.hasOwn(o, 'undef'));
println('hasOwnProperty', o.hasOwnProperty('own'), o.hasOwnProperty('inherited'), o.hasOwnProperty('missing'));
println('in vs hasOwn', 'inherited' in o, Object.hasOwn(o, 'inherited'));
const bare = Object.create(null);
bare.k = 1;
println('null proto hasOwn', Object.hasOwn(bare, 'k'), Object.prototype.hasOwnProperty.call(bare, 'k'));
println('arrays', Object.hasOwn([1, 2], 0), Object.hasOwn([1, 2], 'length'), Object.hasOwn([1, , 3], 1));
println('strings', Object.hasOwn('abc', 1), Object.hasOwn('abc', 'length'), Object.hasOwn('abc', 5));
println('number keys', Object.hasOwn({ 1: 'x' }, 1), Object.hasOwn({ 1: 'x' }, '1'));
const shadowed = { hasOwnProperty() { return 'shadowed'; }, real: 1 };
println('shadowed method', shadowed.hasOwnProperty('real'), Object.prototype.hasOwnProperty.call(shadowed, 'real'));
try { Object.hasOwn(null, 'x'); } catch (e) { println('null', e instanceof TypeError); }
class C { #p = 1; field = 2; method() {} }
println('class', Object.hasOwn(new C(), 'field'), Object.hasOwn(new C(), 'method'), Object.hasOwn(C.prototype, 'method'));
const hidden = Object.defineProperty({}, 'h', { value: 1 });
println('non-enumerable own', Object.hasOwn(hidden, 'h'));
