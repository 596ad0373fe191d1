// The bare HTTP/1 codecs: bytes → messages → bytes, byte-exact.
var show = e => println(e.type, e.type === 'Data' ? JSON.stringify(e.toString()) : e.type === 'MessageStart' ? JSON.stringify(e.head) : '')

pipeline($=>$
  .decodeHTTPRequest()
  .handle(show)
  .encodeHTTPRequest()
  .handleData(d => println('request bytes:', JSON.stringify(d.toString())))
).process(new Data('POST /submit HTTP/1.1\r\nHost: example.com\r\nX-Trace: 1\r\ncontent-length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\n\r\n'))

pipeline($=>$
  .decodeHTTPResponse()
  .handle(show)
  .encodeHTTPResponse()
  .handleData(d => println('response bytes:', JSON.stringify(d.toString())))
).process(new Data('HTTP/1.1 404 Not Found\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'))

pipeline($=>$
  .encodeHTTPResponse()
  .handleData(d => println('hello bytes:', JSON.stringify(d.toString())))
).process(new Message('Hi, there!\n'))
