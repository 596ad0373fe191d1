const o = {};
Object.defineProperty(o, 'ro', { value: 1, writable: false, enumerable: true, configurable: false });
try { o.ro = 2; } catch (e) { /* strict mode throws; sloppy ignores */ }
println('non-writable unchanged', o.ro);
const d = Object.getOwnPropertyDescriptor(o, 'ro');
println('descriptor', d.value, d.writable, d.enumerable, d.configurable);
try { Object.defineProperty(o, 'ro', { value: 3 }); } catch (e) { println('redefine non-configurable', e instanceof TypeError); }
Object.defineProperty(o, 'hidden', { value: 'h', enumerable: false });
println('non-enumerable', Object.keys(o), o.hidden, JSON.stringify(o));
println('propertyIsEnumerable', o.propertyIsEnumerable('ro'), o.propertyIsEnumerable('hidden'));
let store = 5;
Object.defineProperty(o, 'acc', { get() { return store * 2; }, set(v) { store = v; }, enumerable: true, configurable: true });
o.acc = 21;
println('accessor', o.acc, store);
const ad = Object.getOwnPropertyDescriptor(o, 'acc');
println('accessor descriptor', typeof ad.get, typeof ad.set, 'value' in ad, 'writable' in ad);
try { Object.defineProperty({}, 'bad', { value: 1, get() { return 1; } }); } catch (e) { println('mixed descriptor', e instanceof TypeError); }
Object.defineProperties(o, { p1: { value: 'one', enumerable: true }, p2: { value: 'two' } });
println('defineProperties', o.p1, o.p2, Object.keys(o).join(','));
const arr = [1, 2, 3];
Object.defineProperty(arr, 'length', { value: 1 });
println('array length', arr, arr.length);
const conf = {};
Object.defineProperty(conf, 'c', { value: 1, configurable: true });
Object.defineProperty(conf, 'c', { value: 2 });
println('configurable redefine', conf.c);
println('delete configurable', delete conf.c, 'c' in conf);
println('descriptor of missing', Object.getOwnPropertyDescriptor(o, 'nope'));
const all = Object.getOwnPropertyDescriptors({ x: 1, get y() { return 2; } });
println('getOwnPropertyDescriptors', Object.keys(all).join(','), all.x.writable, typeof all.y.get);
