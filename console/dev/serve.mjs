// Development only: serves dist/ and passes everything else (the admin API,
// /repo, /log, /metrics and WebSocket upgrades) through to a running admin
// service, e.g. the original Pipy started with --admin-port=16062.
//
//   PIPY_ADMIN=http://127.0.0.1:16062 PORT=16070 node dev/serve.mjs
import http from 'node:http';
import net from 'node:net';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const target = new URL(process.env.PIPY_ADMIN || 'http://127.0.0.1:16062');
const port = Number(process.env.PORT || 16070);
const host = process.env.HOST || '127.0.0.1';

const STATIC = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/index.html': ['index.html', 'text/html; charset=utf-8'],
  '/console.js': ['console.js', 'text/javascript; charset=utf-8'],
  '/console.css': ['console.css', 'text/css; charset=utf-8'],
};

const server = http.createServer(async (req, res) => {
  const path = req.url.split('?')[0];
  const file = req.method === 'GET' && STATIC[path];
  if (file) {
    try {
      const body = await readFile(join(dist, file[0]));
      res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-cache' });
      res.end(body);
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`cannot read dist/${file[0]}: ${e.message} (run npm run build)\n`);
    }
    return;
  }
  const up = http.request({
    host: target.hostname, port: target.port, method: req.method, path: req.url,
    headers: { ...req.headers, host: target.host },
  }, upRes => {
    res.writeHead(upRes.statusCode, upRes.headers);
    upRes.pipe(res);
  });
  up.on('error', e => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`dev proxy: ${target.host} unreachable: ${e.message}\n`);
  });
  req.pipe(up);
});

// WebSocket (and any other upgrade): replay the request head to the target,
// then splice the two sockets together.
server.on('upgrade', (req, socket, head) => {
  const up = net.connect(Number(target.port), target.hostname, () => {
    let text = `${req.method} ${req.url} HTTP/1.1\r\n`;
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const k = req.rawHeaders[i], v = req.rawHeaders[i + 1];
      text += `${k}: ${k.toLowerCase() === 'host' ? target.host : v}\r\n`;
    }
    up.write(text + '\r\n');
    if (head && head.length) up.write(head);
    up.pipe(socket);
    socket.pipe(up);
  });
  const end = () => { socket.destroy(); up.destroy(); };
  up.on('error', end);
  socket.on('error', end);
  up.on('close', end);
  socket.on('close', end);
});

server.listen(port, host, () => {
  console.log(`console dev server on http://${host}:${port}/ -> ${target.origin}`);
});
