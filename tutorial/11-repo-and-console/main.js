// Version 1 of the codebase /hello: what the repo's workers run.
pipy()
  .listen(8080)
  .serveHTTP(new Message('Hello from the repo, version 1!\n'))
