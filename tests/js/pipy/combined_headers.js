const raw = 'Content-Type: text/html\r\nContent-Length: 42\r\nX-Custom:  spaced value \r\nconnection: keep-alive';
const headers = {};
repeat(raw.split('\r\n'), (line) => ((i) => (
  i = line.indexOf(':'),
  headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
))());
println('parsed', JSON.stringify(headers));
const keepAlive = branch(
  () => headers['connection'] === 'close', false,
  () => headers['connection'] === 'keep-alive', true,
  false
);
println('keep-alive', keepAlive);
const len = invoke(() => { const n = Number(headers['content-length']); if (!Number.isInteger(n)) throw new Error('bad length'); return n; }, -1);
println('content length', len);
const kind = select(headers['content-type'].split('/')[0], 'text', 'textual', 'image', 'binary', 'other');
println('kind', kind);
const out = [];
repeat(Object.keys(headers).sort(), (k) => out.push(k.replace(/(^|-)\w/g, (m) => m.toUpperCase()) + ': ' + headers[k]));
println(out.join(' | '));
