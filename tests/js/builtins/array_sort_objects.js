const records = [
  { name: 'delta', score: 80, t: 1 }, { name: 'alpha', score: 95, t: 2 },
  { name: 'charlie', score: 80, t: 3 }, { name: 'bravo', score: 95, t: 4 },
  { name: 'echo', score: 70, t: 5 }, { name: 'foxtrot', score: 80, t: 6 },
];
const byScoreDesc = [...records].sort((a, b) => b.score - a.score);
println('score desc stable', byScoreDesc.map((r) => r.name).join(' '));
const byName = [...records].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
println('by name', byName.map((r) => r.name).join(' '));
const byLen = [...records].sort((a, b) => a.name.length - b.name.length);
println('by name length stable', byLen.map((r) => r.name).join(' '));
const many = Array.from({ length: 50 }, (_, i) => ({ k: i % 5, i }));
many.sort((a, b) => a.k - b.k);
const stable = many.every((x, j) => j === 0 || many[j - 1].k < x.k || many[j - 1].i < x.i);
println('stable on 50 items', stable);
const mixed = [10, 1, 5, 100, 50];
println('number desc', mixed.sort((a, b) => b - a));
const strs = ['b10', 'b9', 'a1', 'B2'];
println('string default', [...strs].sort());
println('case insensitive', [...strs].sort((a, b) => a.toLowerCase() < b.toLowerCase() ? -1 : 1));
println('sort by multiple', [...records].sort((a, b) => a.score - b.score || b.t - a.t).map((r) => r.t).join(''));
