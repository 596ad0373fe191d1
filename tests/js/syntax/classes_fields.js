class Counter {
  count = 0;
  step = 1;
  static instances = 0;
  static label = 'Counter';
  constructor() { Counter.instances++; }
  inc() { this.count += this.step; return this; }
}
const a = new Counter(), b = new Counter();
a.inc().inc();
println('public fields', a.count, b.count);
println('static fields', Counter.instances, Counter.label);
println('field own enumerable', Object.keys(a));
class Derived extends Counter { step = 5; extra = this.step * 2; }
const d = new Derived();
d.inc();
println('override field', d.count, d.extra);
class Arrow { v = 'bound'; get = () => this.v; }
const g = new Arrow().get;
println('arrow field keeps this', g());
class WithStatic {
  static x = 1;
  static y = WithStatic.x + 1;
  static { WithStatic.z = WithStatic.y * 10; }
  static double(n) { return n * 2; }
}
println('static order + block', WithStatic.x, WithStatic.y, WithStatic.z, WithStatic.double(4));
class Computed { ['f' + 1] = 'one'; static ['s' + 2] = 'two'; }
println('computed field', new Computed().f1, Computed.s2);
class Init { a = 1; b = this.a + 1; constructor() { this.c = this.b + 1; } }
println('init order', JSON.stringify(new Init()));
class Undef { x; }
println('field no init', 'x' in new Undef(), new Undef().x);
