// An HTTP/2 reverse proxy: clients speak HTTP/1.1 or HTTP/2 (prior knowledge, h2c upgrade) to
// port 8000; every request goes upstream as a stream of one shared HTTP/2 connection.
pipy()

.listen(8000)
.demuxHTTP().to($=>$
  .muxHTTP(() => 'backend', { version: 2, maxQueue: 0 }).to($=>$
    .connect('localhost:8080')
  )
)

// The backend: HTTP/2 with prior knowledge (it answers HTTP/1.1 on the same port too). It says
// how the request reached it, and ends its answer with gRPC-style trailers.
.listen(8080)
.demuxHTTP().to($=>$
  .replaceMessage(
    req => new Message(
      { headers: { 'content-type': 'text/plain' } },
      `${req.head.method} ${req.head.path} reached the backend over ${req.head.protocol}\n`,
    )
  )
  .replaceMessageEnd(() => new MessageEnd({ headers: { 'grpc-status': '0', 'grpc-message': 'OK' } }))
)
