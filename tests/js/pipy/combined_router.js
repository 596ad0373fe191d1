const routes = [
  { method: 'GET', prefix: '/api/users', handler: (p) => 'list users' + (p ? ' ' + p : '') },
  { method: 'POST', prefix: '/api/users', handler: () => 'create user' },
  { method: 'GET', prefix: '/health', handler: () => 'ok' },
];
const route = (method, path) => ((match) => (
  match = repeat((i) => branch(
    i >= routes.length, null,
    () => routes[i].method === method && path.startsWith(routes[i].prefix), () => routes[i]
  )),
  branch(match, () => invoke(() => match.handler(path.slice(match.prefix.length)), (m) => '500 ' + m), '404')
))();
const reqs = [['GET', '/api/users'], ['GET', '/api/users/42'], ['POST', '/api/users'], ['DELETE', '/api/users'], ['GET', '/health'], ['GET', '/nope']];
repeat(reqs, ([m, p]) => println(m.padEnd(6), p.padEnd(14), '->', route(m, p)));
routes.push({ method: 'GET', prefix: '/boom', handler: () => { throw new Error('handler failed'); } });
println('error route', route('GET', '/boom'));
println('status class', select(route('GET', '/x').slice(0, 1), '4', 'client', '5', 'server', 'ok'));
