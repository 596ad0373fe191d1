// expect: uncaught
println('start');
function useLater() { return later * 2; }
try { useLater(); } catch (e) { println('caught once', e instanceof ReferenceError); }
println('calling again without try');
useLater();
let later = 21;
