class Animal {
  constructor(name) { this.name = name; }
  speak() { return `${this.name} makes a sound`; }
  static create(n) { return new this(n); }
  get kind() { return 'animal'; }
}
class Dog extends Animal {
  constructor(name, breed) { super(name); this.breed = breed; }
  speak() { return super.speak() + ' (woof)'; }
  get kind() { return 'dog < ' + super.kind; }
}
const d = new Dog('Rex', 'lab');
println('super method', d.speak());
println('fields', d.name, d.breed);
println('super getter', d.kind);
println('instanceof', d instanceof Dog, d instanceof Animal);
println('static inherited', Dog.create('Pup') instanceof Dog, Dog.create('Pup').speak());
println('proto chain', Object.getPrototypeOf(Dog) === Animal, Object.getPrototypeOf(Dog.prototype) === Animal.prototype);
class Puppy extends Dog {}
const pp = new Puppy('Bit', 'mix');
println('default ctor', pp.name, pp.breed, pp.speak());
class NoSuper extends Animal { constructor() { } }
try { new NoSuper(); } catch (e) { println('missing super', e instanceof ReferenceError); }
class ThisBeforeSuper extends Animal { constructor() { this.x = 1; super('x'); } }
try { new ThisBeforeSuper(); } catch (e) { println('this before super', e instanceof ReferenceError); }
function OldStyle(v) { this.v = v; }
OldStyle.prototype.get = function () { return this.v; };
class Modern extends OldStyle { get() { return 'modern ' + super.get(); } }
println('extends function', new Modern(5).get());
class MyArr extends Array { sum() { return this.reduce((a, b) => a + b, 0); } }
const ma = MyArr.from([1, 2, 3]);
println('extends Array', ma.sum(), ma.length, ma instanceof Array);
const obj = { greet() { return 'obj ' + super.toString.call(this).length; } };
println('super in object literal', obj.greet());
