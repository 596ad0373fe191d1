function counter() { let n = 0; return () => ++n; }
const c = counter(); c(); c();
var fs = []; for (let i = 0; i < 3; i++) fs.push(() => i);
(function named() { return typeof named; })();
