function sw(x) {
  const out = [];
  switch (x) {
    case 1:
      out.push('one');
    case 2:
      out.push('two');
      break;
    default:
      out.push('default');
    case 3:
      out.push('three');
      break;
    case 4: {
      const local = 'four';
      out.push(local);
    }
  }
  return out.join(',');
}
println('1 falls through', sw(1));
println('2', sw(2));
println('3', sw(3));
println('4 block', sw(4));
println('default in middle falls', sw(99));
println('strict compare', sw('1'));
function expr(v) {
  switch (true) {
    case v < 0: return 'negative';
    case v === 0: return 'zero';
    default: return 'positive';
  }
}
println('switch true', expr(-1), expr(0), expr(1));
let evals = [];
function tag(n) { evals.push(n); return n; }
switch (2) { case tag(1): case tag(2): case tag(3): break; }
println('case eval order', evals);
switch (NaN) { case NaN: println('NaN matched'); break; default: println('NaN not matched'); }
switch ('x') {}
println('empty switch ok');
