function httpStatus(code) {
  switch (code) {
    case 200: case 201: case 204: return 'success';
    case 301: case 302: return 'redirect';
    case 404: return 'not found';
    default:
      if (code >= 500) return 'server error';
      return 'other';
  }
}
println('status', [200, 204, 302, 404, 503, 418].map(httpStatus).join(' '));
function method(m) {
  let r = '';
  switch (m.toUpperCase()) {
    case 'GET': r += 'read'; break;
    case 'POST':
    case 'PUT': r += 'write'; break;
    case 'DELETE': r += 'remove';
    // falls through
    case 'PURGE': r += '!'; break;
  }
  return r || 'unknown';
}
println('methods', ['get', 'Post', 'PUT', 'delete', 'purge', 'patch'].map(method).join(' '));
const obj = {};
function identity(x) { switch (x) { case obj: return 'same object'; case '[object Object]': return 'string form'; default: return 'no'; } }
println('object identity', identity(obj), identity({}), identity(String(obj)));
function scoped(x) {
  switch (x) {
    case 1: { const v = 'one'; return v; }
    case 2: { const v = 'two'; return v; }
  }
  return 'none';
}
println('block scopes in cases', scoped(1), scoped(2), scoped(3));
let loops = '';
for (let i = 0; i < 4; i++) {
  switch (i) { case 1: continue; case 3: loops += 'three'; break; default: loops += i; }
  loops += ';';
}
println('continue inside switch', loops);
