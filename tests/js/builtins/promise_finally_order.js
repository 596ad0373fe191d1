const log = [];
const done = () => println(log.join(' | '));
Promise.resolve('v')
  .finally(() => log.push('finally1'))
  .then((v) => log.push('then ' + v))
  .finally(() => log.push('finally2'));
Promise.reject('r')
  .finally(() => log.push('finallyR'))
  .catch((r) => log.push('catch ' + r));
Promise.resolve('x')
  .finally(() => Promise.resolve('ignored'))
  .then((v) => log.push('finally promise ignored ' + v));
Promise.resolve('y')
  .finally(() => Promise.reject('finally rejects'))
  .catch((r) => log.push('from finally: ' + r));
let p = Promise.resolve();
for (let i = 0; i < 10; i++) p = p.then(() => {});
p.then(done);
