const o = { a: undefined, 1: 'one' };
println('own undefined', 'a' in o, 'b' in o);
println('numeric key', 1 in o, '1' in o);
println('inherited', 'toString' in o, 'valueOf' in {});
println('null proto', 'toString' in Object.create(null));
const arr = ['x', , 'z'];
println('array indices', 0 in arr, 1 in arr, 2 in arr, 3 in arr, 'length' in arr);
println('functions', 'name' in function f() {}, 'prototype' in (() => {}), 'prototype' in function () {});
class K { m() {} static s() {} field = 1; }
println('class members', 'm' in new K(), 'field' in new K(), 's' in K, 's' in new K());
const getterObj = { get g() { throw new Error('not called'); } };
println('in does not call getter', 'g' in getterObj);
try { 'x' in null; } catch (e) { println('null rhs', e instanceof TypeError); }
try { 'length' in 'str'; } catch (e) { println('string rhs', e instanceof TypeError); }
println('precedence', !('a' in o), 'a' in o === true);
const key = { toString: () => 'a' };
println('key coerced', key in o);
println('in Map is about props', 'size' in new Map(), 'k' in new Map([['k', 1]]));
