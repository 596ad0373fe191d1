// Property and element sites that compiled code serves inline once their cache is warm: every
// case here runs each site many times, then changes what the site sees.

function get(o) { return o.x; }
function set(o, v) { o.x = v; }
function elem(a, i) { return a[i]; }

// A warm load site, then other shapes, a getter, a prototype property, primitives.
const a = { x: 1, y: 2 };
let sum = 0;
for (let i = 0; i < 100; i++) sum += get(a);
println('warm', sum);
println('other shape', get({ y: 0, x: 'second' }));
println('getter', get({ get x() { return 'from getter'; } }));
println('inherited', get(Object.create({ x: 'proto' })));
println('missing', get({ z: 1 }));
println('string', get('abc'), 'number', get(5));
try { get(null); } catch (e) { println('null receiver', e instanceof TypeError); }

// The cached slot follows writes made by the runtime (Object.assign, defineProperty, delete).
const b = { x: 0 };
for (let i = 0; i < 50; i++) set(b, i);
println('stored', b.x);
Object.assign(b, { x: 'assigned' });
println('after assign', get(b));
Object.defineProperty(b, 'x', { value: 'fixed', writable: false });
set(b, 'ignored');
println('non-writable', b.x);
const c = { x: 1, w: 2 };
for (let i = 0; i < 50; i++) set(c, i);
delete c.w;
set(c, 'after delete');
println('after delete', c.x, Object.keys(c).join());
'use strict';
const frozen = Object.freeze({ x: 'frozen' });
set(frozen, 'nope');
println('frozen', get(frozen));

// Setters and non-writable inherited properties on a warm store site.
let seen = [];
const withSetter = { set x(v) { seen.push(v); } };
for (let i = 0; i < 3; i++) set(withSetter, i);
println('setter saw', seen.join());
const child = Object.create(Object.defineProperty({}, 'x', { value: 'ro', writable: false }));
set(child, 'shadow?');
println('inherited read-only', child.x, Object.keys(child).length);

// Counted values: strings and objects moving in and out of slots; `o = o.next` walks a list.
let head = null;
for (let i = 0; i < 100; i++) head = { value: 'n' + i, next: head };
let n = 0, o = head, last;
while (o) { last = o.value; o = o.next; n++; }
println('list', n, last, head.value);
const box = { x: { deep: 1 } };
for (let i = 0; i < 100; i++) set(box, { deep: i });
println('replaced', box.x.deep);
for (let i = 0; i < 10; i++) set(box, 'str' + i);
println('to string', box.x);
for (let i = 0; i < 10; i++) set(box, i);
println('to number', box.x);

// Element loads: in bounds, holes, out of bounds, negative, fractional, string keys, objects.
const arr = [10, 'ten', { t: 10 }, , 14];
let parts = [];
for (let r = 0; r < 30; r++) {
  parts = [];
  for (let i = -1; i <= 5; i++) parts.push(String(elem(arr, i)));
}
println('elements', parts.join('|'));
Array.prototype[3] = 'from prototype';
println('hole through prototype', elem(arr, 3));
delete Array.prototype[3];
println('fractional', elem(arr, 1.5), 'string key', elem(arr, '1'), 'NaN', elem(arr, NaN));
println('not an array', elem({ 0: 'zero' }, 0), elem('str', 1), elem(arguments0(), 0));
function arguments0() { return (function () { return arguments; })('arg'); }
const grow = [];
for (let i = 0; i < 100; i++) { grow.push(i * 2); }
let g = 0;
for (let i = 0; i < 100; i++) g += elem(grow, i);
grow.length = 10;
println('grow', g, elem(grow, 50), elem(grow, 9));

// Arithmetic into a temporary that held a string.
let t = 0;
for (let i = 0; i < 20; i++) {
  const s = 'k' + i;
  t += s.length + box.x;
}
println('mixed', t);

// Loads that find the key on a prototype: the site stays right while prototypes change.
function m(o) { return o.m; }
const base = { m: 'base' };
const mid = Object.create(base);
const recv = Object.create(mid);
let r = '';
for (let i = 0; i < 50; i++) r = m(recv);
println('proto', r);
base.m = 'base changed';
println('holder value changed', m(recv));
mid.m = 'mid';
println('key added in between', m(recv));
delete mid.m;
println('and removed', m(recv));
Object.setPrototypeOf(recv, { m: 'other proto' });
println('receiver relinked', m(recv));
Object.setPrototypeOf(recv, mid);
println('back', m(recv));
Object.defineProperty(base, 'm', { get() { return 'getter on proto'; }, configurable: true });
println('holder now a getter', m(recv));
delete base.m;
println('holder lost it', m(recv));
recv.m = 'own';
println('own shadows', m(recv));
class Animal { speak() { return 'generic'; } }
class Dog extends Animal { speak() { return 'woof'; } }
const pets = [new Animal(), new Dog(), new Animal(), new Dog()];
let said = [];
for (let i = 0; i < 40; i++) said.push(pets[i & 3].speak());
println('methods', said.slice(0, 4).join(), said.length);
Animal.prototype.speak = function () { return 'changed'; };
println('method replaced', pets[0].speak(), pets[1].speak());
let strs = 0;
for (let i = 0; i < 30; i++) strs += m('x') === undefined ? 1 : 0;
String.prototype.m = 'string proto';
println('primitives', strs, m('x'));
delete String.prototype.m;

// One load site alternating between two and then three shapes.
function area(s) { return s.w * s.h; }
const shapes = [{ w: 2, h: 3 }, { h: 5, w: 7 }, { w: 1, h: 1, d: 9 }];
let total = 0;
for (let i = 0; i < 60; i++) total += area(shapes[i % 2]);
println('two shapes', total);
for (let i = 0; i < 60; i++) total += area(shapes[i % 3]);
println('three shapes', total);
shapes[1].w = 'w';
println('after a write', area(shapes[1]));
