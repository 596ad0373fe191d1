const root = new Error('root cause');
const wrapped = new Error('wrapper', { cause: root });
println('cause', wrapped.cause === root, wrapped.cause.message);
println('no cause', 'cause' in new Error('x'), new Error('x', {}).cause);
println('cause any value', new Error('x', { cause: 42 }).cause, new Error('x', { cause: undefined }).hasOwnProperty('cause'));
println('TypeError cause', new TypeError('t', { cause: 'c' }).cause);
class AppError extends Error { constructor(m, opts) { super(m, opts); this.name = 'AppError'; } }
const app = new AppError('app failed', { cause: wrapped });
println('subclass cause', app.cause.cause.message);
function chain(e) { const out = []; while (e) { out.push(e.message); e = e.cause; } return out.join(' <- '); }
println('chain', chain(app));
println('cause not enumerable', Object.keys(wrapped).includes('cause'));
println('options non-object ignored', new Error('x', 'str').cause);
try {
  try { JSON.parse('{bad'); } catch (e) { throw new Error('config invalid', { cause: e }); }
} catch (e) { println('rethrow with cause', e.message, e.cause.name); }
