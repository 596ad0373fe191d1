class Point {
  constructor(x, y) { this.x = x; this.y = y; }
  add(o) { return new Point(this.x + o.x, this.y + o.y); }
  toString() { return `(${this.x}, ${this.y})`; }
  get len2() { return this.x * this.x + this.y * this.y; }
  set coords([x, y]) { this.x = x; this.y = y; }
  static origin() { return new Point(0, 0); }
}
const p = new Point(1, 2).add(new Point(3, 4));
println('method', String(p));
println('getter', p.len2);
p.coords = [6, 8];
println('setter', `${p}`, p.len2);
println('static', String(Point.origin()));
println('typeof class', typeof Point);
println('instanceof', p instanceof Point);
println('methods non-enumerable', Object.keys(p));
try { Point(1, 2); } catch (e) { println('call without new', e.name); }
const Anon = class { who() { return 'anon'; } };
println('class expr', new Anon().who());
const Named = class Inner { self() { return Inner === Named; } };
println('named class expr', new Named().self());
class Empty {}
println('empty class', typeof new Empty());
class Computed { ['dyn' + 1]() { return 'computed method'; } }
println(new Computed().dyn1());
println('class name', Point.name, Anon.name);
