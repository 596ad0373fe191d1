// Version 2: the same port, a new answer, and a metric each worker reports to the repo.
var hits = new stats.Counter('hello_hits')

pipy()
  .listen(8080)
  .serveHTTP(() => {
    hits.increase()
    return new Message('Hello again: version 2, and counted.\n')
  })
