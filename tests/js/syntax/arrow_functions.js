const single = x => x * 2;
const multi = (a, b) => a + b;
const none = () => 'none';
const body = (x) => { const y = x + 1; return y * y; };
const obj = () => ({ key: 'value' });
println(single(4), multi(2, 3), none(), body(2), obj().key);
const curry = a => b => c => a + b + c;
println('curry', curry(1)(2)(3));
println('iife', (x => x + 1)(1));
println('no prototype', single.prototype === undefined);
try { new single(1); } catch (e) { println('not constructible', e instanceof TypeError); }
function Outer() {
  this.v = 'outer this';
  this.get = () => this.v;
}
const o = new Outer();
const detached = o.get;
println('lexical this', detached());
const withArgs = function () { return (() => arguments.length)(); };
println('lexical arguments', withArgs(1, 2, 3));
const nested = (a) => (b) => { return (c) => [a, b, c].join('-'); };
println('nested', nested(1)(2)(3));
const defaults = ({ a = 1 } = {}, [b] = [2]) => a + b;
println('destructure defaults', defaults(), defaults({ a: 10 }, [20]));
const ternaryArrow = (n) => n > 0 ? 'pos' : n < 0 ? 'neg' : 'zero';
println([-1, 0, 1].map(ternaryArrow));
const commaBody = (x) => (x++, x++, x);
println('comma body', commaBody(1));
