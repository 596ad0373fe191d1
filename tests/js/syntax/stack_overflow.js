function overflow(n) { return overflow(n + 1) + 1; }
let caught = null;
try { overflow(0); } catch (e) { caught = e; }
println('caught something', caught !== null);
println('is RangeError', caught instanceof RangeError);
println('name', caught && caught.name);
function deep(n) { return n === 0 ? 0 : 1 + deep(n - 1); }
println('moderate recursion still works', deep(1000));
const mutualA = (n) => (n === 0 ? 'A' : mutualB(n - 1));
const mutualB = (n) => (n === 0 ? 'B' : mutualA(n - 1));
println('mutual 501', mutualA(501));
try { overflow(0); } catch (e) { println('second overflow', e.name); }
