// Thin wrappers over the admin service's HTTP API. Every call either
// resolves with the parsed answer or rejects with an ApiError whose message
// says which request failed and what the server answered.

export class ApiError extends Error {
  constructor(method, path, status, text) {
    const what = status ? `HTTP ${status}` : 'network error';
    super(`${method} ${path}: ${what}${text ? ' — ' + text.trim() : ''}`);
    this.method = method;
    this.path = path;
    this.status = status;
    this.text = text;
  }
}

// "/a/b c" -> "/a/b%20c" (keeps the slashes, escapes the rest)
export function encodePath(p) {
  return p.split('/').map(encodeURIComponent).join('/');
}

export async function request(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.body = body;
    init.headers['content-type'] = 'text/plain';
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(method, path, 0, e && e.message);
  }
  let text = '';
  try { text = await res.text(); } catch (e) { /* empty body */ }
  if (!res.ok) throw new ApiError(method, path, res.status, text || res.statusText);
  return text;
}

async function json(method, path, body) {
  const text = await request(method, path, body);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ApiError(method, path, 200, 'invalid JSON in the answer: ' + e.message);
  }
}

const repo = cb => '/api/v1/repo' + encodePath(cb);
const repoFile = (cb, f) => '/api/v1/repo-files' + encodePath(cb) + encodePath(f);

export const api = {
  listCodebases: async () =>
    (await request('GET', '/api/v1/repo')).split('\n').map(s => s.trim()).filter(Boolean).sort(),
  getCodebase: cb => json('GET', repo(cb)),
  createCodebase: (cb, base) => request('POST', repo(cb), JSON.stringify(base ? { base } : {})),
  deleteCodebase: cb => request('DELETE', repo(cb)),
  publish: (cb, version) => request('PATCH', repo(cb), JSON.stringify({ version: String(version) })),
  setMain: (cb, main) => request('PATCH', repo(cb), JSON.stringify({ main })),
  readFile: (cb, f) => request('GET', repoFile(cb, f)),
  writeFile: (cb, f, text) => request('POST', repoFile(cb, f), text),
  eraseFile: (cb, f) => request('DELETE', repoFile(cb, f)),
  resetFile: (cb, f) => request('PATCH', repoFile(cb, f), ''),
  getProgram: async () => (await request('GET', '/api/v1/program')).trim(),
  runProgram: cb => request('POST', '/api/v1/program', cb),
  stopProgram: () => request('DELETE', '/api/v1/program'),
  getStatus: () => json('GET', '/api/v1/status'),
  getMetrics: () => json('GET', '/api/v1/metrics'),
  // one worker instance's metric history
  getMetricsOf: uuid => json('GET', '/api/v1/metrics/' + encodeURIComponent(uuid) + '/'),
  graph: script => json('POST', '/api/v1/graph', script),
};

export function logSocketUrl(uuid, name) {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${location.host}/api/v1/log/${encodeURIComponent(uuid || '')}/${encodeURIComponent(name)}`;
}
