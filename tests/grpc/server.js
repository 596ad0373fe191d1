// gRPC server of the end-to-end test (tests/grpc.rs): `node server.js <port>` serves the Echo
// service of echo.proto in cleartext HTTP/2 on 127.0.0.1:<port> and prints `listening` once bound.
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const port = process.argv[2];
if (!port) {
  console.error('usage: node server.js <port>');
  process.exit(2);
}

const def = protoLoader.loadSync(path.join(__dirname, 'echo.proto'), { keepCase: true, defaults: true });
const echo = grpc.loadPackageDefinition(def).echo;

const server = new grpc.Server();
server.addService(echo.Echo.service, {
  Say(call, callback) {
    callback(null, { text: `hello ${call.request.text}` });
  },
  Many(call) {
    for (let i = 0; i < call.request.n; i++) {
      call.write({ text: `${call.request.text} ${i}` });
    }
    call.end();
  },
  Gather(call, callback) {
    const parts = [];
    call.on('data', (m) => parts.push(m.text));
    call.on('end', () => callback(null, { text: parts.join('') }));
    call.on('error', () => {});
  },
  Chat(call) {
    call.on('data', (m) => call.write({ text: m.text }));
    call.on('end', () => call.end());
    call.on('error', () => {});
  },
  Fail(call, callback) {
    callback({ code: grpc.status.PERMISSION_DENIED, details: `denied: ${call.request.text}` });
  },
});

server.bindAsync(`127.0.0.1:${port}`, grpc.ServerCredentials.createInsecure(), (err) => {
  if (err) {
    console.error(`bind failed: ${err.message}`);
    process.exit(1);
  }
  console.log('listening');
});

const stop = () => server.forceShutdown();
process.on('SIGTERM', () => { stop(); process.exit(0); });
process.on('SIGINT', () => { stop(); process.exit(0); });
