var fns = [];
for (var i = 0; i < 3; i++) {
  (function (j) { fns.push(function () { return j; }); })(i);
}
println('iife captures copy', fns.map(function (f) { return f(); }));
var shared = [];
for (var k = 0; k < 3; k++) shared.push(function () { return k; });
println('var shared final', shared.map(function (f) { return f(); }));
var bound = [];
for (var m = 0; m < 3; m++) bound.push(function (x) { return x; }.bind(null, m));
println('bind captures', bound.map(function (f) { return f(); }));
var counter = (function () {
  var c = 0;
  return function () { return c += 1; };
})();
counter(); counter();
println('iife counter', counter());
var result = (function (a, b) { var sum = a + b; return sum * 2; })(3, 4);
println('iife args', result);
var name = 'outer';
(function () { var name = 'inner'; println('iife scope', name); })();
println('outer untouched', name);
!function () { println('bang iife'); }();
void function () { println('void iife'); }();
