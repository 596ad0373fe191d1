const s = new Set([1, 2, 3, 4]);
const seen = [];
for (const v of s) { seen.push(v); if (v === 1) s.delete(2); if (v === 3) s.add(5); }
println('mutation during for-of', seen);
const s2 = new Set(['a', 'b']);
const seen2 = [];
s2.forEach((v) => { seen2.push(v); if (seen2.length < 5) { s2.delete(v); s2.add(v); } });
println('delete+add revisits', seen2);
const s3 = new Set([1, 2, 3]);
const it = s3.values();
println('first', it.next().value);
s3.clear();
println('after clear', it.next().done);
const s4 = new Set([1]);
const it4 = s4.values();
it4.next();
println('exhausted', it4.next().done);
s4.add(2);
println('stays exhausted', it4.next().done);
