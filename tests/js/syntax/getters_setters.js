const temp = {
  _c: 25,
  get f() { return this._c * 9 / 5 + 32; },
  set f(v) { this._c = (v - 32) * 5 / 9; },
};
println('getter', temp.f);
temp.f = 212;
println('setter', temp._c, temp.f);
class Base {
  #v = 1;
  get v() { return this.#v; }
  set v(x) { this.#v = x * 10; }
}
class Sub extends Base {
  get v() { return 'sub:' + super.v; }
  set v(x) { super.v = x + 1; }
}
const s = new Sub();
s.v = 2;
println('inherited accessors', s.v);
const desc = Object.getOwnPropertyDescriptor(temp, 'f');
println('descriptor', typeof desc.get, typeof desc.set, desc.enumerable, 'value' in desc);
const proto = { get who() { return this.name; } };
const child = Object.create(proto);
child.name = 'child';
println('getter via proto this', child.who);
const log = [];
const tracked = { set x(v) { log.push(v); } };
tracked.x = 1; tracked.x = 2;
println('setter log', log, tracked.x);
const counter = { n: 0, get next() { return ++this.n; } };
println('getter side effect', counter.next, counter.next, counter.n);
class St { static get info() { return 'static getter'; } }
println(St.info);
const withThrow = { get bad() { throw new Error('getter threw'); } };
try { withThrow.bad; } catch (e) { println(e.message); }
