// strsplit: parse a raw HTTP header block -- split on CRLF, indexOf(':'), slice,
// trim, toLowerCase -- then re-serialise it with join. 20k blocks.
function bench(name, fn) {
  let best = Infinity, sum;
  for (let r = 0; r < 5; r++) {
    const t0 = Date.now();
    const c = fn();
    const dt = Date.now() - t0;
    if (dt < best) best = dt;
    if (r === 0) sum = c; else if (c !== sum) sum = 'INCONSISTENT';
  }
  println('RESULT', name, best, sum);
}

const RAW = [
  'GET /api/v1/users/42?expand=roles HTTP/1.1',
  'Host: api.example.com',
  'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36',
  'Accept: application/json, text/plain, */*',
  'Accept-Encoding: gzip, deflate, br',
  'Accept-Language: en-US,en;q=0.9',
  'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2ln',
  'Cookie: session=abc123; theme=dark; lang=en',
  'X-Forwarded-For: 10.0.0.1, 10.0.0.2',
  'X-Request-ID: 7f3c9a1e-55b2-4d0e-9a77-0c1d2e3f4a5b',
  'Content-Type: application/json',
  'Content-Length: 0',
  'Connection: keep-alive',
].join('\r\n');

function work() {
  let check = 0;
  for (let n = 0; n < 20000; n++) {
    const lines = RAW.split('\r\n');
    const first = lines[0].split(' ');
    const path = first[1];
    const q = path.indexOf('?');
    const pathname = q >= 0 ? path.slice(0, q) : path;
    const out = [];
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i];
      const p = line.indexOf(':');
      if (p < 0) continue;
      const key = line.slice(0, p).trim().toLowerCase();
      const value = line.slice(p + 1).trim();
      if (key === 'cookie') check += value.split('; ').length;
      out.push(key + ': ' + value);
    }
    const text = first[0].toLowerCase() + ' ' + pathname + '\n' + out.join('\n');
    check = (check + text.length + out.length) % 1000000007;
  }
  return check;
}

bench('strsplit', work);
