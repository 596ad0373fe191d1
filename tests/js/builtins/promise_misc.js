println('typeof', typeof Promise, typeof Promise.resolve(), Object.prototype.toString.call(Promise.resolve()));
try { Promise(); } catch (e) { println('call without new', e instanceof TypeError); }
try { new Promise(); } catch (e) { println('no executor', e instanceof TypeError); }
let resolveLater;
const pending = new Promise((r) => { resolveLater = r; });
pending.then((v) => println('resolved later', v));
println('before resolve');
resolveLater('now');
const wait = (n) => Promise.resolve().then(() => n);
wait(1).then((v) => wait(v + 1)).then((v) => println('chained helpers', v));
const results = [];
[3, 1, 2].reduce((p, n) => p.then(() => results.push(n)), Promise.resolve())
  .then(() => println('sequential', results));
Promise.resolve([1, 2]).then(([a, b]) => println('destructure', a + b));
Promise.reject(new RangeError('r')).then(null, (e) => e.name).then((n) => println('second arg handler', n));
const withResolvers = () => { let res, rej; const p = new Promise((a, b) => { res = a; rej = b; }); return { p, res, rej }; };
const d = withResolvers();
d.p.then((v) => println('deferred', v));
d.res('deferred value');
Promise.resolve(1).then((v) => { throw v + 1; }).catch((x) => println('throw number', x));
