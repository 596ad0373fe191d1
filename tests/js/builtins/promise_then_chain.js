println('sync start');
Promise.resolve(1)
  .then((v) => { println('then1', v); return v + 1; })
  .then((v) => { println('then2', v); return Promise.resolve(v * 10); })
  .then((v) => { println('then3 adopted', v); })
  .then((v) => { println('then4 undefined', v); return 'end'; })
  .then(println.bind(null, 'bound println'));
println('sync end');
new Promise((resolve) => { println('executor runs sync'); resolve('exec'); }).then((v) => println('executor value', v));
const p = Promise.resolve('shared');
p.then((v) => println('branch A', v));
p.then((v) => println('branch B', v));
Promise.resolve(5).then(null).then((v) => println('null handler passes through', v));
Promise.resolve(6).then(42).then((v) => println('non-function handler ignored', v));
println('typeof then result', typeof Promise.resolve().then(), Promise.resolve().then() instanceof Promise);
