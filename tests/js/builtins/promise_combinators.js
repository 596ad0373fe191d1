const delayLike = (v, ok = true) => (ok ? Promise.resolve(v) : Promise.reject(v));
Promise.all([delayLike(1), 2, delayLike(3)]).then((v) => println('all', v));
Promise.all([]).then((v) => println('all empty', v.length));
Promise.all([delayLike(1), delayLike('bad', false), delayLike('bad2', false)]).catch((e) => println('all rejects first', e));
Promise.allSettled([delayLike('ok'), delayLike('no', false), 3]).then((rs) =>
  println('allSettled', JSON.stringify(rs)));
Promise.race([new Promise(() => {}), delayLike('racer')]).then((v) => println('race', v));
Promise.race([delayLike('err', false), delayLike('ok')]).catch((e) => println('race reject first', e));
Promise.any([delayLike('a', false), delayLike('b'), delayLike('c')]).then((v) => println('any', v));
Promise.any([delayLike('x', false), delayLike('y', false)]).catch((e) =>
  println('any all rejected', e.constructor === AggregateError, e.name, e.errors.join(',')));
Promise.any([]).catch((e) => println('any empty', e instanceof AggregateError, e.errors.length));
Promise.all('ab').then((v) => println('all iterable string', v));
Promise.all(new Set([1, 2])).then((v) => println('all set', v));
