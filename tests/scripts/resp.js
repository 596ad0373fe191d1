// RESP (Redis protocol): decoding into payloads, encoding back, a round trip, bad input.
var show = v => (
  v === null ? 'null' :
  v instanceof Data ? `Data(${v.toString()})` :
  v instanceof Error ? `Error(${v.message})` :
  Array.isArray(v) ? `[${v.map(show).join(', ')}]` :
  typeof v === 'string' ? `'${v}'` : String(v)
)
var request = '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nvalue\r\n'
var replies = '+OK\r\n-ERR wrong type\r\n:42\r\n$-1\r\n*2\r\n*1\r\n:-7\r\n$0\r\n\r\n*-1\r\n'

println('-- decoded, the request split across reads')
pipeline($=>$.decodeRESP().handleMessageEnd(e => println(show(e.payload))))
  .process([new Data(request.substring(0, 7)), new Data(request.substring(7, 20)), new Data(request.substring(20))])

println('-- every kind of reply')
pipeline($=>$.decodeRESP().handleMessageEnd(e => println(show(e.payload)))).process(new Data(replies))

println('-- decoded and encoded again is the same bytes (a null array comes back as the null bulk string)')
var out = new Data
pipeline($=>$.decodeRESP().encodeRESP().handleData(d => out.push(d))).process(new Data(request + replies))
println(out.toString() === request + replies.replace('*-1', '$-1'))

println('-- payloads a script makes')
pipeline($=>$.encodeRESP().handleData(d => println(JSON.stringify(d.toString()))))
  .process([
    new Message(null, ['PING']),
    new Message(null, [new Data('GET'), new Data('k'), [1, null]]),
    new Message(null, 12.9),
    new Message(null, new Error('nope')),
    new Message(null, true),
    new Message(),
  ])

println('-- not RESP')
pipeline($=>$.decodeRESP().handle(e => println(e.type, e.type === 'StreamEnd' ? e.error : ''))).process(new Data('hello\r\n'))
