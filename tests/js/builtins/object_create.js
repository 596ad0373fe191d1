const proto = { greet() { return 'hi from ' + this.name; } };
const o = Object.create(proto);
o.name = 'o';
println('inherits', o.greet(), Object.getPrototypeOf(o) === proto);
println('own keys', Object.keys(o));
const bare = Object.create(null);
println('null proto', Object.getPrototypeOf(bare), typeof bare.toString, 'toString' in bare);
bare.x = 1;
println('null proto keys', Object.keys(bare), JSON.stringify(bare));
println('null proto String fails', (() => { try { return String(bare); } catch (e) { return e.name; } })());
const withProps = Object.create(proto, {
  name: { value: 'described', enumerable: true },
  hidden: { value: 'secret' },
  computed: { get() { return this.name.length; }, enumerable: false },
});
println('property descriptors', withProps.greet(), withProps.hidden, withProps.computed);
println('keys with descriptors', Object.keys(withProps));
const d = Object.getOwnPropertyDescriptor(withProps, 'hidden');
println('defaults false', d.writable, d.enumerable, d.configurable);
try { Object.create(42); } catch (e) { println('bad proto', e instanceof TypeError); }
const chain = Object.create(Object.create(Object.create({ deep: 'bottom' })));
println('deep chain', chain.deep);
println('isPrototypeOf', proto.isPrototypeOf(o), Object.prototype.isPrototypeOf(o), Object.prototype.isPrototypeOf(bare));
