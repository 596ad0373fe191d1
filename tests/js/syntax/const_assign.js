const c = 1;
try { c = 2; } catch (e) { println('assign', e instanceof TypeError, e.name); }
println('unchanged', c);
try { c += 1; } catch (e) { println('compound', e instanceof TypeError); }
try { c++; } catch (e) { println('increment', e instanceof TypeError); }
const o = { a: 1 };
try { o = {}; } catch (e) { println('object rebind', e.constructor === TypeError); }
try { for (const i = 0; i < 2; i++) {} } catch (e) { println('for const ++', e instanceof TypeError); }
function f() { const inner = 'x'; try { inner = 'y'; } catch (e) { return e.name; } }
println('in function', f());
let count = 0;
for (const x of [1, 2, 3]) count += x;
println('for-of const ok', count);
