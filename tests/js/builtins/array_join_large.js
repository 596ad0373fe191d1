const rows = [];
for (let r = 0; r < 5; r++) {
  const cols = [];
  for (let c = 0; c < 5; c++) cols.push(String(r * c).padStart(3));
  rows.push(cols.join(''));
}
println(rows.join('\n'));
const csv = [['name', 'qty'], ['apple', 3], ['pear', 10]].map((r) => r.join(',')).join('\n');
println(csv);
println('csv lines', csv.split('\n').length);
const big = Array.from({ length: 1000 }, (_, i) => i);
const s = big.join(',');
println('big join length', s.length, s.slice(0, 20), s.slice(-12));
println('sum via split', s.split(',').reduce((a, b) => a + Number(b), 0));
