class Stack {
  #items = [];
  push(...xs) { this.#items.push(...xs); return this; }
  pop() { return this.#items.pop(); }
  peek() { return this.#items.at(-1); }
  get size() { return this.#items.length; }
  toString() { return 'Stack(' + this.#items.join(',') + ')'; }
  static of(...xs) { return new Stack().push(...xs); }
}
const s = Stack.of(1, 2, 3);
println('stack', String(s), s.size, s.peek(), s.pop(), s.size);
class Shape { area() { return 0; } describe() { return `${this.constructor.name} area ${this.area()}`; } }
class Rect extends Shape { constructor(w, h) { super(); this.w = w; this.h = h; } area() { return this.w * this.h; } }
class Square extends Rect { constructor(s) { super(s, s); } }
println([new Shape(), new Rect(2, 3), new Square(4)].map((x) => x.describe()).join('; '));
println('class methods shared', new Rect(1, 1).area === new Rect(2, 2).area);
class Mixin {}
const Serializable = (B) => class extends B { ser() { return JSON.stringify(this); } };
class Pt extends Serializable(Mixin) { constructor() { super(); this.x = 1; } }
println('mixin', new Pt().ser());
class WithToString { toString() { return 'custom str'; } valueOf() { return 7; } }
println('coercions', `${new WithToString()}`, new WithToString() + 1, String(new WithToString()));
class Chainable { constructor() { this.ops = []; } a() { this.ops.push('a'); return this; } b() { this.ops.push('b'); return this; } }
println('chaining', new Chainable().a().b().a().ops.join(''));
println('class is strict', (() => { class S { m() { return (function () { return this; })(); } } return new S().m(); })());
