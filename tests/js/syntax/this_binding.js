const obj = {
  name: 'obj',
  regular() { return this.name; },
  nested() {
    const inner = () => this.name;
    return inner();
  },
  delayed() {
    return [1, 2].map(function () { return this && this.name; }, { name: 'thisArg' });
  },
};
println('method', obj.regular());
println('arrow in method', obj.nested());
println('map thisArg', obj.delayed());
const other = { name: 'other', regular: obj.regular };
println('borrowed method', other.regular());
println('call', obj.regular.call({ name: 'called' }));
const bound = obj.regular.bind({ name: 'bound' });
println('bind', bound(), bound.call({ name: 'nope' }));
function Ctor() { this.v = 'ctor'; }
println('new', new Ctor().v);
const chain = { a: { b: { who() { return this === chain.a.b; } } } };
println('deep receiver', chain.a.b.who());
const arrowFactory = {
  val: 5,
  make() { return () => this.val; },
};
const madeArrow = arrowFactory.make();
println('arrow keeps this', madeArrow.call({ val: 99 }));
class K { m() { return this instanceof K; } }
println('class method', new K().m());
println('computed call', obj['regular']());
