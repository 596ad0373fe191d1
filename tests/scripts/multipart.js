// decodeMultipart: the parts of a multipart body as Messages, however the bytes arrive.
var body = [
  'This is the preamble.',
  '--frontier',
  'Content-Type: text/plain',
  '',
  'This is the body of the message.',
  '--frontier',
  'Content-Type: application/octet-stream',
  'Content-Transfer-Encoding: base64',
  '',
  'PGh0bWw+PC9odG1sPgo=',
  '--frontier--',
  'epilogue',
].join('\r\n')
var head = { status: 200, headers: { 'content-type': 'multipart/mixed; boundary=frontier' } }
var show = m => println(JSON.stringify(m.head), JSON.stringify(m.body.toString()))

println('-- one piece')
pipeline($=>$.decodeMultipart().handleMessage(show)).process(new Message(head, body))

println('-- byte by byte')
var events = [new MessageStart(head)]
for (var i = 0; i < body.length; i++) events.push(new Data(body.charAt(i)))
events.push(new MessageEnd)
pipeline($=>$.decodeMultipart().handleMessage(show)).process(events)

println('-- an HTTP response decoded, split, and encoded again per part')
var response = 'HTTP/1.1 200 OK\r\ncontent-type: multipart/mixed; boundary=frontier\r\ncontent-length: ' + body.length + '\r\n\r\n' + body
pipeline($=>$
  .decodeHTTPResponse()
  .decodeMultipart()
  .encodeHTTPResponse()
  .handleData(d => print(d.toString()))
).process(new Data(response))
println()

println('-- not multipart: passes through')
pipeline($=>$.decodeMultipart().handleMessage(show)).process(new Message({ headers: { 'content-type': 'text/plain' } }, 'plain'))
