const log = [];
const out = (s) => log.push(s);
out('sync 1');
Promise.resolve().then(() => out('micro A1')).then(() => out('micro A2')).then(() => out('micro A3'));
Promise.resolve().then(() => out('micro B1')).then(() => out('micro B2'));
new Promise((r) => { out('executor'); r(); }).then(() => out('micro C1'));
out('sync 2');
Promise.resolve().then(() => Promise.resolve('nested')).then((v) => out('adopted ' + v));
Promise.resolve().then(() => out('D1')).then(() => out('D2')).then(() => out('D3')).then(() => out('D4'));
Promise.resolve().then(() => {
  out('schedule later');
  Promise.resolve().then(() => out('scheduled from microtask'));
});
Promise.all([1]).then(() => out('all resolved'));
Promise.resolve().then(() => {}).then(() => {}).then(() => {}).then(() => {}).then(() => {}).then(() => {
  log.forEach((l, i) => println(i, l));
});
