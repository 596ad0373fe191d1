println('var before decl', typeof v, v);
var v = 5;
println('var after decl', v);
println('function before decl', hoisted());
function hoisted() { return 'hoisted ok'; }
function scope() {
  println('inner var hoisted', x);
  var x = 'inner';
  if (true) { var y = 'block var'; }
  println('var escapes block', y);
  return x;
}
println('scope ret', scope());
function shadow() {
  var v = 'shadow';
  return v;
}
println('shadow', shadow(), v);
println('fn expr not hoisted', typeof notYet);
var notYet = function () { return 1; };
println('fn expr after', typeof notYet);
function redecl() { return 1; }
function redecl() { return 2; }
println('later fn wins', redecl());
var dup = 1;
var dup;
println('var redeclare keeps value', dup);
function inner() {
  return helper();
  function helper() { return 'helper after return'; }
}
println('nested hoisting', inner());
for (var i = 0; i < 3; i++) {}
println('loop var leaks', i);
