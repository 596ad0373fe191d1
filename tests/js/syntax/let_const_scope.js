let a = 'outer';
{
  let a = 'inner';
  println('inner block', a);
  {
    const a = 'innermost';
    println('innermost', a);
  }
}
println('outer', a);
const obj = { n: 1 };
obj.n = 2;
println('const object mutable', obj.n);
const arr = [];
arr.push(1);
println('const array push', arr);
function f() {
  let x = 1;
  if (true) { let x = 2; println('if block', x); }
  return x;
}
println('function', f());
for (let i = 0; i < 2; i++) { let i2 = i * 10; println('loop body', i, i2); }
println('loop var gone', typeof i2);
switch (1) { case 1: { let s = 'case scope'; println(s); } }
let shadowed = 1;
function sh() { let shadowed = 2; return shadowed; }
println('shadow', sh(), shadowed);
