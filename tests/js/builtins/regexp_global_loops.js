const text = 'k1=v1; k2=v2; k3=v3';
const re = /(\w+)=(\w+)/g;
const pairs = {};
let m;
while ((m = re.exec(text))) pairs[m[1]] = m[2];
println('exec loop', JSON.stringify(pairs));
println('matchAll', [...text.matchAll(/(\w+)=/g)].map((x) => x[1]).join(','));
const tokens = [];
const lexer = /\s*(?:(\d+)|(\w+)|(.))/y;
const src = '12 + foo*3';
while (lexer.lastIndex < src.length) {
  const t = lexer.exec(src);
  if (!t) break;
  tokens.push(t[1] ? 'num:' + t[1] : t[2] ? 'id:' + t[2] : 'op:' + t[3]);
}
println('sticky lexer', tokens.join(' '));
const counts = {};
for (const [w] of 'a b a c b a'.matchAll(/\w/g)) counts[w] = (counts[w] || 0) + 1;
println('count words', JSON.stringify(counts));
println('split and match', 'a, b;c d'.split(/[,; ]+/));
println('test in filter', ['apple', 'Banana', 'cherry', 'Date'].filter((w) => /^[A-Z]/.test(w)));
const g = /x/g;
println('filter with global test pitfall', ['x', 'x', 'x'].filter((s) => g.test(s)).length);
