// gRPC client of the end-to-end test (tests/grpc.rs).
//
//   node client.js <port>             runs each call of the Echo service once through
//                                     127.0.0.1:<port> and prints one JSON line per call
//   node client.js <port> unary-only  makes just the unary call and prints its line
//
// A line is {"call": NAME, "replies": [...]} for a call that succeeded, or
// {"call": NAME, "code": N, "details": "..."} for one that ended with an error status.
// Every call has a deadline of 10 s. Calls run one after the other, on one channel.
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const port = process.argv[2];
const mode = process.argv[3] || 'all';
if (!port || !['all', 'unary-only'].includes(mode)) {
  console.error('usage: node client.js <port> [unary-only]');
  process.exit(2);
}

const def = protoLoader.loadSync(path.join(__dirname, 'echo.proto'), { keepCase: true, defaults: true });
const echo = grpc.loadPackageDefinition(def).echo;
const client = new echo.Echo(`127.0.0.1:${port}`, grpc.credentials.createInsecure());

const deadline = () => ({ deadline: Date.now() + 10000 });
const N = 5;

function print(call, result) {
  console.log(JSON.stringify({ call, ...result }));
}

function failed(err) {
  return { code: err.code, details: err.details };
}

function unary(method, request) {
  return new Promise((resolve) => {
    client[method](request, deadline(), (err, reply) => {
      resolve(err ? failed(err) : { replies: [reply.text] });
    });
  });
}

// Collects what a call with a readable side (server streaming, bidi) sends until it ends: on
// success once both the end of the replies and the OK status came; on an error status at the
// 'error' event (which carries code and details).
function collect(call) {
  return new Promise((resolve) => {
    const replies = [];
    let ended = false;
    let ok = false;
    let done = false;
    const finish = (result) => {
      if (!done) { done = true; resolve(result); }
    };
    call.on('data', (m) => replies.push(m.text));
    call.on('error', (err) => finish(failed(err)));
    call.on('end', () => {
      ended = true;
      if (ok) finish({ replies });
    });
    call.on('status', (st) => {
      if (st.code !== grpc.status.OK) return;
      ok = true;
      if (ended) finish({ replies });
    });
  });
}

function many() {
  return collect(client.Many({ text: 'item', n: N }, deadline()));
}

function gather() {
  return new Promise((resolve) => {
    const call = client.Gather(deadline(), (err, reply) => {
      resolve(err ? failed(err) : { replies: [reply.text] });
    });
    for (let i = 0; i < N; i++) call.write({ text: `part${i};` });
    call.end();
  });
}

function chat() {
  const call = client.Chat(deadline());
  const result = collect(call);
  // Sends the next message only once the previous one came back, so the exchange really
  // goes both ways at once on the stream.
  let sent = 0;
  const next = () => {
    if (sent < N) call.write({ text: `msg${sent++}` });
    else call.end();
  };
  call.on('data', next);
  next();
  return result;
}

async function main() {
  print('Say', await unary('Say', { text: 'world' }));
  if (mode === 'all') {
    print('Many', await many());
    print('Gather', await gather());
    print('Chat', await chat());
    print('Fail', await unary('Fail', { text: 'secret' }));
  }
  client.close();
}

main().catch((e) => {
  console.error(e && e.stack || e);
  process.exit(1);
});
