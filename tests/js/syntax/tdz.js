try { println(x); let x = 1; } catch (e) { println('let tdz', e instanceof ReferenceError, e.name); }
try { y; const y = 1; } catch (e) { println('const tdz', e instanceof ReferenceError); }
try { new C(); class C {} } catch (e) { println('class tdz', e instanceof ReferenceError); }
try { typeof z; let z; } catch (e) { println('typeof in tdz', e instanceof ReferenceError); }
function f() { return w; }
try { f(); } catch (e) { println('function sees tdz', e instanceof ReferenceError); }
let w = 'now';
println('after init', f());
try { let q = q + 1; } catch (e) { println('self reference', e instanceof ReferenceError); }
try { ((a = b, b = 1) => a)(); } catch (e) { println('param tdz', e instanceof ReferenceError); }
println('param ok', ((a = 1, b = a) => b)());
let u;
println('let no init is undefined', u);
try { undeclaredVariable; } catch (e) { println('undeclared', e.name); }
