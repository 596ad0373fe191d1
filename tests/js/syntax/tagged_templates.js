function tag(strings, ...values) {
  return strings.length + '|' + strings.join('_') + '|' + values.join(',');
}
println(tag`a${1}b${2}c`);
println(tag`${'x'}`);
println(tag`plain`);
function raw(strings) { return strings.raw[0] + ' vs ' + strings[0]; }
println(raw`a\tb`);
function upper(strings, ...vals) {
  return strings.reduce((acc, s, i) => acc + s + (i < vals.length ? String(vals[i]).toUpperCase() : ''), '');
}
const who = 'world';
println(upper`hello ${who} and ${'moon'}!`);
println('String.raw', String.raw`C:\new\table`, String.raw`x${1 + 1}y`);
function same(s) { return s; }
const f = () => same`k`;
println('cached strings object', f() === f());
println('frozen', Object.isFrozen(same`z`));
const obj = { m(s, v) { return this.prefix + s[0] + v; }, prefix: '>' };
println('member tag', obj.m`val:${42}`);
