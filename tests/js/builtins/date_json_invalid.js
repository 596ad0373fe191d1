const d = new Date(Date.UTC(2015, 4, 6, 7, 8, 9, 10));
println('JSON', JSON.stringify(d), JSON.stringify({ when: d }));
println('toJSON', d.toJSON());
const bad = new Date('garbage');
println('invalid String', String(bad), bad.toString());
println('invalid getTime', bad.getTime(), isNaN(bad));
println('invalid JSON', JSON.stringify(bad), JSON.stringify({ t: bad }));
try { bad.toISOString(); } catch (e) { println('invalid toISOString', e instanceof RangeError); }
println('invalid compare', bad < new Date(), bad.getTime() === bad.getTime());
println('ctor NaN', new Date(NaN).getTime(), new Date(Infinity).getTime(), new Date(8.64e15 + 1).getTime());
println('Date() type', typeof Date(), typeof new Date(), typeof Date.now());
println('now sane', Date.now() > 1.6e12, new Date().getTime() > 1.6e12);
println('compare dates', new Date(1) < new Date(2), +new Date(5) === 5, new Date(3) - new Date(1));
println('date equality', new Date(1) == new Date(1), new Date(1).getTime() === new Date(1).getTime());
println('toString tag', Object.prototype.toString.call(d));
println('addition is string concat', typeof (d + 1), typeof (d - 1));
