// One listening port, one HTTP answer for every request.
pipy()
  .listen(8080)
  .serveHTTP(new Message('Hi, there!\n'))
