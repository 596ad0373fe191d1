const o = Object.freeze({ a: 1, nested: { b: 2 } });
println('isFrozen', Object.isFrozen(o), Object.isSealed(o), Object.isExtensible(o));
try { o.a = 99; } catch (e) { }
try { o.c = 3; } catch (e) { }
try { delete o.a; } catch (e) { }
println('unchanged', JSON.stringify(o));
o.nested.b = 20;
println('shallow', o.nested.b, Object.isFrozen(o.nested));
try { Object.defineProperty(o, 'a', { value: 5 }); } catch (e) { println('defineProperty on frozen', e instanceof TypeError); }
const d = Object.getOwnPropertyDescriptor(o, 'a');
println('descriptor', d.writable, d.configurable);
const s = Object.seal({ x: 1 });
try { s.x = 2; } catch (e) { }
try { s.y = 3; } catch (e) { }
println('sealed', JSON.stringify(s), Object.isSealed(s), Object.isFrozen(s));
const p = Object.preventExtensions({ z: 1 });
try { p.w = 1; } catch (e) { }
println('preventExtensions', Object.isExtensible(p), 'w' in p, delete p.z, 'z' in p);
println('primitives frozen', Object.isFrozen(1), Object.isFrozen('s'), Object.freeze(5));
println('empty non-extensible is frozen', Object.isFrozen(Object.preventExtensions({})));
const arr = Object.freeze([1, 2]);
try { arr.push(3); } catch (e) { println('frozen array push', e instanceof TypeError); }
println('frozen array', arr, Object.isFrozen(arr));
println('freeze returns same', Object.freeze(o) === o);
