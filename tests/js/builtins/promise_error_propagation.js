const step = (name, fail) => (v) => { println('run', name, 'with', v); if (fail) throw new Error(name + ' failed'); return v + 1; };
Promise.resolve(0)
  .then(step('a'))
  .then(step('b', true))
  .then(step('c'))
  .then(step('d'))
  .catch((e) => { println('caught', e.message); return 100; })
  .then(step('e'))
  .then((v) => println('final', v));
Promise.reject(new Error('early'))
  .then(() => println('never'), undefined)
  .then(undefined, (e) => { println('second-arg handler', e.message); throw new TypeError('converted'); })
  .catch((e) => println('converted type', e.name, e.message));
Promise.resolve()
  .then(() => Promise.reject(new Error('returned rejection')))
  .catch((e) => println('returned rejected promise', e.message));
const p = Promise.reject(new Error('shared'));
p.catch((e) => println('handler 1', e.message));
p.catch((e) => println('handler 2', e.message));
Promise.resolve(1).then((v) => { throw v; }).then(() => {}, (r) => println('rejection value', r, typeof r));
