function greet(greeting, punct) { return greeting + ', ' + this.name + punct; }
const bob = { name: 'Bob' };
const hi = greet.bind(bob, 'Hi');
println('partial', hi('!'), hi('?'));
println('name', hi.name, greet.bind(null).name);
println('length', greet.length, hi.length, greet.bind(null, 1, 2, 3).length);
const rebound = hi.bind({ name: 'Other' }, '.');
println('rebind ignores this', rebound());
function Point(x, y) { this.x = x; this.y = y; }
const BoundPoint = Point.bind(null, 10);
const p = new BoundPoint(20);
println('new on bound', p.x, p.y, p instanceof Point);
const add = (a, b, c) => a + b + c;
println('bound arrow', add.bind(null, 1, 2)(3));
const obj = { v: 42, get() { return this.v; } };
const detached = obj.get;
const fixed = obj.get.bind(obj);
println('bound method', fixed(), (() => { try { return detached(); } catch (e) { return 'threw'; } })() === 42);
println('bound has no prototype', hi.prototype === undefined);
const anon = (function () {}).bind(null);
println('anon bound name', JSON.stringify(anon.name));
println('bound typeof', typeof hi);
const counted = function (...args) { return args.length; }.bind(null, 'a', 'b');
println('rest with bind', counted('c'), counted.length);
