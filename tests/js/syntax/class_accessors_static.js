class Temp {
  static #instances = [];
  static get count() { return Temp.#instances.length; }
  static reset() { Temp.#instances = []; }
  #c;
  constructor(c) { this.#c = c; Temp.#instances.push(this); }
  get c() { return this.#c; }
  set c(v) { if (typeof v !== 'number') throw new TypeError('not a number: ' + v); this.#c = v; }
  static from(f) { return new this((f - 32) * 5 / 9); }
}
const t = new Temp(10);
Temp.from(212);
println('static getter', Temp.count);
t.c = 30;
println('setter', t.c);
try { t.c = 'hot'; } catch (e) { println('validation', e.message); }
Temp.reset();
println('after reset', Temp.count);
class Sub extends Temp { static get count() { return 'sub sees ' + super.count; } }
new Sub(1);
println(Sub.count);
println('static on prototype?', typeof t.constructor.from, typeof t.from);
const desc = Object.getOwnPropertyDescriptor(Temp.prototype, 'c');
println('accessor descriptor', typeof desc.get, typeof desc.set, desc.enumerable);
println('method descriptor enumerable', Object.getOwnPropertyDescriptor(Temp, 'from').enumerable);
