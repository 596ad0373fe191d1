const p1 = Promise.resolve(42);
println('resolve value', p1 instanceof Promise);
p1.then((v) => println('resolved', v));
Promise.resolve(undefined).then((v) => println('resolve undefined', v));
Promise.resolve(Promise.resolve('inner')).then((v) => println('resolve promise flattens', v));
const r = Promise.reject(Promise.resolve('not unwrapped'));
r.catch((v) => println('reject does not flatten', v instanceof Promise));
Promise.reject().catch((v) => println('reject undefined', v));
Promise.resolve([1, [2]]).then((v) => println('resolve array', JSON.stringify(v)));
println('statics are functions', ['all', 'allSettled', 'any', 'race', 'resolve', 'reject'].every((k) => typeof Promise[k] === 'function'));
println('prototype methods', ['then', 'catch', 'finally'].every((k) => typeof Promise.prototype[k] === 'function'));
Promise.race([]).then(() => println('race empty never settles (should not print)'));
Promise.all([Promise.resolve(1), Promise.reject(new Error('r'))].map((p) => p.catch((e) => e.message)))
  .then((v) => println('all with per-item catch', v));
Promise.resolve().then(() => println('last scheduled'));
