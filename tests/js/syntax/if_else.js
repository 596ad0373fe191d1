function classify(n) {
  if (n < 0) return 'neg';
  else if (n === 0) return 'zero';
  else if (n < 10) return 'small';
  else return 'big';
}
println('classify', [-5, 0, 3, 42].map(classify));
let out = '';
if (0) out += 'a'; else out += 'b';
if ('0') out += 'c';
if ([]) out += 'd';
if ({}) out += 'e';
if (NaN) out += 'f';
if ('') out += 'g'; else out += 'h';
println('truthiness', out);
if (true) {
  let blockScoped = 'inside';
  println('block', blockScoped);
}
println('block leak', typeof blockScoped);
let x = 5;
if (x > 3)
  if (x > 10) println('dangling inner');
  else println('dangling else binds inner');
if (x === 5) { println('braced'); }
if (null == undefined) println('null == undefined');
