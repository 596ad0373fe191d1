// compress/decompress round trips, bodies compressed elsewhere, and the HTTP variants' headers.
var text = 'Hi, there! '.repeat(50)
var show = label => $=>$.handleMessage(m => println(label, JSON.stringify(m.head), m.body.size,
  label.startsWith('compressHTTP') ? '(compressed)' : m.body.toString().slice(0, 22)))

;['gzip', 'deflate', 'brotli'].forEach(algo =>
  pipeline($=>$
    .compress(algo)
    .handleMessageBody(b => println(algo, 'compressed', text.length, 'bytes to', b.size < 100 ? 'under 100' : b.size))
    .decompress(algo)
    .handleMessageBody(b => println(algo, 'round trip equal:', b.toString() === text))
  ).process(new Message(text))
)

pipeline($=>$.decompress('deflate').pipe(pipeline(show('python zlib:'))))
  .process(new Message(new Data('eJzLSM3JyVdIK8rPVSioLMnIz1OoyslMAgBhVQh8', 'base64')))

pipeline($=>$.decompress('gzip').pipe(pipeline(show('python gzip:'))))
  .process(new Message(new Data('H4sIAFbXBGsC/8tIzcnJV0grys9VKKgsycjPU0ivyiwAAGQuL3UWAAAA', 'base64')))

pipeline($=>$
  .compressHTTP('gzip')
  .pipe(pipeline(show('compressHTTP:')))
  .decompressHTTP()
  .pipe(pipeline(show('decompressHTTP:')))
).process(new Message({ status: 200, headers: { 'content-type': 'text/plain', 'content-length': '550' } }, text))

pipeline($=>$
  .compressHTTP()
  .pipe(pipeline(show('already encoded:')))
).process(new Message({ status: 200, headers: { 'content-encoding': 'br' } }, 'raw'))
