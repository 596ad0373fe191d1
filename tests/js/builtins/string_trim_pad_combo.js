const rows = [['Name', 'Qty', 'Price'], ['Apple', 3, 1.5], ['Watermelon', 12, 30], ['Fig', 100, 0.25]];
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
for (const r of rows) println('|' + r.map((v, c) => (typeof v === 'number' ? String(v).padStart(widths[c]) : String(v).padEnd(widths[c]))).join('|') + '|');
const messy = ['  alpha ', '\tbeta\n', 'gamma   '];
println('cleaned', messy.map((s) => s.trim()).join(','));
println('centered', ['x', 'abc', 'hello'].map((s) => { const w = 9, left = Math.floor((w - s.length) / 2); return '[' + s.padStart(s.length + left).padEnd(w) + ']'; }).join(''));
println('zero pad', [5, 42, 123].map((n) => String(n).padStart(4, '0')).join(' '));
println('ruler', '-'.repeat(10) + '+'.padEnd(5, '-'));
