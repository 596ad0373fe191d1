const fakeFetch = (id) => (id < 0 ? Promise.reject(new Error('bad id ' + id)) : Promise.resolve({ id, name: 'item' + id }));
Promise.all([1, 2, 3].map(fakeFetch)).then((items) => println('parallel', items.map((i) => i.name).join(',')));
[4, 5, 6].reduce((chain, id) => chain.then((acc) => fakeFetch(id).then((it) => [...acc, it.id])), Promise.resolve([]))
  .then((ids) => println('sequential', ids));
Promise.allSettled([fakeFetch(7), fakeFetch(-1)]).then((rs) =>
  println('partial failure', rs.map((r) => (r.status === 'fulfilled' ? r.value.id : r.reason.message)).join(' / ')));
const withFallback = (p, fb) => p.catch(() => fb);
withFallback(fakeFetch(-2), { id: 0, name: 'fallback' }).then((v) => println('fallback', v.name));
const mapLimit = (ids, fn) => ids.reduce((p, id) => p.then((out) => fn(id).then((r) => out.concat(r.name))), Promise.resolve([]));
mapLimit([8, 9], fakeFetch).then((names) => println('mapLimit', names));
const memo = new Map();
const cached = (id) => { if (!memo.has(id)) memo.set(id, fakeFetch(id)); return memo.get(id); };
println('same promise cached', cached(10) === cached(10));
cached(10).then((v) => println('cached value', v.name));
