// Property caches must see changes to prototypes made after a site has run.
const up = (s) => s.toUpperCase();
const seen = [];
for (let i = 0; i < 3; i++) seen.push(up('a' + i));
String.prototype.toUpperCase = function () { return 'patched:' + this; };
seen.push(up('b'));
println('string method', seen.join(' '));

class Animal { speak() { return 'generic'; } }
class Dog extends Animal {}
const d = new Dog();
const speak = (x) => x.speak();
const before = speak(d);
Dog.prototype.speak = function () { return 'woof'; };
const after = speak(d);
delete Dog.prototype.speak;
println('class method', before, after, speak(d));

const o = { a: 1 };
const readB = (x) => x.b;
println('missing before', readB(o));
Object.prototype.b = 'from proto';
println('added to Object.prototype', readB(o));
delete Object.prototype.b;
println('deleted again', readB(o));

const setX = (x, v) => { x.x = v; return x.x; };
const p = {};
Object.defineProperty(p, 'x', { set(v) { this._x = v * 2; }, get() { return this._x; }, configurable: true });
const plain = setX({}, 1);
const child = Object.create(p);
println('setter on prototype', plain, setX(child, 5), Object.keys(child).join());

const n = (v) => v.toFixed(1);
const n1 = n(1.25);
Number.prototype.toFixed = function () { return 'fixed'; };
println('number method', n1, n(2));
