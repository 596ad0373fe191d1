const o = { a: 1, b: 2 };
println('delete prop', delete o.a, JSON.stringify(o), 'a' in o);
println('delete missing', delete o.zzz);
const arr = [1, 2, 3];
println('delete element', delete arr[1], arr.length, 1 in arr, arr[1]);
println('in own', 'b' in o);
println('in proto', 'toString' in o, 'hasOwnProperty' in {});
println('in array index', 0 in arr, 5 in arr, 'length' in arr);
try { 'x' in 'string'; } catch (e) { println('in primitive', e instanceof TypeError); }
class A {}
class B extends A {}
println('instanceof chain', new B() instanceof A, new A() instanceof B);
println('instanceof Object', [] instanceof Object, Object.create(null) instanceof Object);
println('primitive instanceof', 1 instanceof Number, 'x' instanceof String);
try { ({}) instanceof {}; } catch (e) { println('rhs not callable', e instanceof TypeError); }
function F() {}
const f = new F();
F.prototype = {};
println('prototype swapped', f instanceof F);
println('void', void 0, void 'x', typeof void 0);
let n = 0;
void n++;
println('void evaluates', n);
