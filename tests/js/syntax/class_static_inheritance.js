class Base {
  static count = 0;
  static registry = [];
  static register(name) { this.registry.push(name); this.count++; return this; }
  static describe() { return `${this.name}:${this.count}`; }
  static get kind() { return 'base-kind'; }
}
class Child extends Base {
  static get kind() { return 'child < ' + super.kind; }
  static describe() { return 'child says ' + super.describe(); }
}
Base.register('b1');
Child.register('c1');
println('shared registry', Base.registry === Child.registry, Base.registry);
println('own count on Child after ++', Object.hasOwn(Child, 'count'), Base.count, Child.count);
println('static this', Base.describe(), '|', Child.describe());
println('static getter super', Child.kind);
println('static inherited via proto', Object.getPrototypeOf(Child) === Base);
class Registry {
  static #items = new Map();
  static add(k, v) { Registry.#items.set(k, v); return Registry; }
  static get size() { return Registry.#items.size; }
}
Registry.add('x', 1).add('y', 2);
println('private static map', Registry.size);
class Factory { static create() { return new this(); } who() { return this.constructor.name; } }
class Product extends Factory {}
println('new this in static', Factory.create().who(), Product.create().who());
