function Person(name) { this.name = name; }
Person.prototype.greet = function () { return 'Hi ' + this.name; };
const p = new Person('Ann');
println('prototype method', p.greet());
println('instanceof', p instanceof Person, p instanceof Object);
println('proto link', Object.getPrototypeOf(p) === Person.prototype);
println('constructor', p.constructor === Person);
function ReturnsObj() { this.a = 1; return { b: 2 }; }
const r = new ReturnsObj();
println('returned object', r.a, r.b, r instanceof ReturnsObj);
function ReturnsPrim() { this.a = 1; return 42; }
println('primitive ignored', new ReturnsPrim().a);
function NoArgs() { this.x = 'x'; }
println('new without parens', new NoArgs().x);
function Animal(s) { this.sound = s; }
Animal.prototype.speak = function () { return this.sound; };
function Dog() { Animal.call(this, 'woof'); }
Dog.prototype = Object.create(Animal.prototype);
Dog.prototype.constructor = Dog;
const d = new Dog();
println('inheritance', d.speak(), d instanceof Animal, d instanceof Dog);
println('own props', Object.keys(d));
println('hasOwn', d.hasOwnProperty('sound'), d.hasOwnProperty('speak'));
try { new (() => {})(); } catch (e) { println('arrow not ctor', e.name); }
const arr = new Array(3);
println('new Array(3)', arr.length);
println('new.target', (function T() { return new.target === T; }).call({}), new (function T2() { this.t = new.target === T2; })().t);
