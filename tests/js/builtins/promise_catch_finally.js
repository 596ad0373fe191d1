Promise.reject(new Error('fail'))
  .then(() => println('skipped'))
  .catch((e) => { println('caught', e.message); return 'recovered'; })
  .then((v) => println('after catch', v));
Promise.resolve('val')
  .finally((...a) => { println('finally no args', a.length); return 'ignored'; })
  .then((v) => println('finally passes value', v));
Promise.reject('why')
  .finally(() => println('finally on reject'))
  .catch((r) => println('reason kept', r));
Promise.resolve(1)
  .finally(() => { throw new Error('finally threw'); })
  .catch((e) => println('finally throw overrides', e.message));
Promise.resolve()
  .then(() => { throw 'thrown string'; })
  .then(() => println('skipped'), (r) => println('onRejected', r));
new Promise(() => { throw new TypeError('executor threw'); })
  .catch((e) => println('executor throw', e.name, e.message));
new Promise((res, rej) => { res('first'); rej('ignored'); res('ignored too'); })
  .then((v) => println('settles once', v));
new Promise((res) => { res('before'); throw new Error('after resolve ignored'); })
  .then((v) => println('throw after resolve', v));
Promise.reject(1).catch((x) => x + 1).then((x) => println('catch returns value', x));
