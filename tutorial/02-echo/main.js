// Three ports, three ways to answer: a constant message, the request's own body, and a message
// built from the request and the connection.
pipy()

  .listen(8080)
  .serveHTTP(new Message('Hi, there!\n'))

  .listen(8081)
  .serveHTTP(req => new Message(req.body))

  .listen(8082)
  .serveHTTP(req => new Message(
    `You are requesting ${req.head.path} from ${__inbound.remoteAddress}\n`
  ))
