const a = { a: 1 };
const b = { b: 2 };
println('default proto', Object.getPrototypeOf(a) === Object.prototype);
Object.setPrototypeOf(b, a);
println('after set', b.a, Object.getPrototypeOf(b) === a);
println('array proto', Object.getPrototypeOf([]) === Array.prototype);
println('fn proto', Object.getPrototypeOf(function () {}) === Function.prototype);
println('Object.prototype proto', Object.getPrototypeOf(Object.prototype));
println('primitive proto', Object.getPrototypeOf('s') === String.prototype, Object.getPrototypeOf(1) === Number.prototype);
const r = Object.setPrototypeOf({ c: 3 }, null);
println('set null', Object.getPrototypeOf(r), typeof r.hasOwnProperty);
try { Object.setPrototypeOf(a, b); } catch (e) { println('cycle', e instanceof TypeError); }
try { Object.setPrototypeOf({}, 5); } catch (e) { println('bad proto', e instanceof TypeError); }
class A { hello() { return 'A'; } }
const plain = Object.setPrototypeOf({}, A.prototype);
println('becomes instance', plain instanceof A, plain.hello());
const ext = Object.preventExtensions({});
try { Object.setPrototypeOf(ext, {}); } catch (e) { println('non-extensible', e instanceof TypeError); }
println('same proto allowed', Object.setPrototypeOf(ext, Object.prototype) === ext);
println('returns obj', Object.setPrototypeOf(a, null) === a);
