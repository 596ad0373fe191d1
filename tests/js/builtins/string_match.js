const s = 'The year 1999 and 2024, also 42';
const m = s.match(/(\d{4})/);
println('match first', m[0], m[1], m.index, m.length);
println('match global', s.match(/\d+/g));
println('no match', s.match(/xyz/), s.match(/xyz/g));
const named = '2024-05-06'.match(/(?<y>\d+)-(?<m>\d+)-(?<d>\d+)/);
println('named groups', named.groups.y, named.groups.m, named.groups.d);
println('groups undefined without names', m.groups);
println('input', m.input === s);
println('string arg as regex', 'a.b'.match('.')[0], 'a+b'.match('a\\+')[0]);
const all = [...s.matchAll(/(\d)(\d+)/g)];
println('matchAll count', all.length);
println('matchAll details', all.map((x) => x[0] + '@' + x.index + ':' + x[1]).join(' '));
try { s.matchAll(/\d/); } catch (e) { println('matchAll non-global', e instanceof TypeError); }
const namedAll = [...'a=1,b=2'.matchAll(/(?<k>\w)=(?<v>\d)/g)].map((x) => x.groups.k + x.groups.v);
println('matchAll named', namedAll);
println('match empty global', 'abc'.match(/x*/g).length);
println('match undefined arg', JSON.stringify('abc'.match()));
