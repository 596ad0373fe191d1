const café = 'coffee';
const π = 3.14159;
const ñandú = 'bird';
const 变量 = 'chinese';
const $dollar = 'd', _under = 'u', $ = 'just dollar', _ = 'just underscore';
println(café, π, ñandú, 变量);
println($dollar, _under, $, _);
const obj = { café: 1, 'naïve': 2, ü: 3 };
println('keys', Object.keys(obj).join(' '));
println('access', obj.café + obj.naïve + obj.ü);
const \u0061bc = 'escaped identifier';
println(abc);
function ƒ(x) { return x * 2; }
println('fn', ƒ(21), ƒ.name);
class Ünicode { get ä() { return 'getter ä'; } }
println(new Ünicode().ä);
const keywordsAsProps = { if: 1, class: 2, new: 3, default: 4, typeof: 5 };
println('reserved as props', keywordsAsProps.if + keywordsAsProps.class + keywordsAsProps.new + keywordsAsProps.default + keywordsAsProps.typeof);
const of = 'of', get = 'get', set = 'set', from = 'from', as = 'as';
println('contextual keywords', of, get, set, from, as);
