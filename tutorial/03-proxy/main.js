// A reverse proxy: every request goes to the server on port 8080.
pipy()
  .listen(8000)
  .demuxHTTP().to($=>$
    .muxHTTP().to($=>$
      .connect('localhost:8080')
    )
  )
