class Strict {
  constructor(v) {
    if (typeof v !== 'number') throw new TypeError('need number, got ' + typeof v);
    this.v = v;
  }
}
println('ok', new Strict(1).v);
try { new Strict('x'); } catch (e) { println('ctor threw', e.name, e.message); }
let created = 0;
class Counted { constructor(fail) { created++; if (fail) throw new Error('fail after count'); } }
try { new Counted(true); } catch (e) { println(e.message, created); }
class Parent { constructor() { throw new Error('parent ctor failed'); } }
class Kid extends Parent { constructor() { try { super(); } catch (e) { println('caught super throw', e.message); } return {}; } }
println('returned object instead', JSON.stringify(new Kid()));
class FieldThrows { x = (() => { throw new RangeError('field init'); })(); }
try { new FieldThrows(); } catch (e) { println('field initializer throws', e.name, e.message); }
function OldCtor(v) { if (!v) throw new Error('old style needs v'); this.v = v; }
try { new OldCtor(); } catch (e) { println(e.message); }
const results = [1, 'a', 2].map((v) => { try { return new Strict(v).v; } catch { return 'err'; } });
println('mixed construction', results);
