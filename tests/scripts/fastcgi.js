// FastCGI without sockets: muxFastCGI's records go straight into demuxFastCGI (the session
// sub-pipeline is the responder), and its records come back.
var show = name => e => println(name, e.type,
  e.type === 'Data' ? JSON.stringify(e.toString()) :
  e.type === 'MessageStart' ? JSON.stringify(e.head) :
  e.type === 'MessageEnd' ? JSON.stringify(e.tail) + ' stderr=' + (e.tail && e.tail.stderr ? JSON.stringify(e.tail.stderr.toString()) : '-') :
  (e.error || ''))
var bytes = d => d.toArray().join(',')
var $fail = false

var responder = $=>$
  .handle(e => e.type === 'Data' && println('to responder', bytes(e)))
  .demuxFastCGI().to($=>$
    .handleMessage(m => println('responder got', JSON.stringify(m.head), JSON.stringify(m.body.toString())))
    .handleMessageStart(ms => { $fail = Boolean(ms.head.params.FAIL) })
    .replaceMessage(m => new Message('Status: 200\r\nContent-Type: text/plain\r\n\r\nhello ' + m.body.toString()))
    // A tail sets END_REQUEST's appStatus and sends its stderr as FCGI_STDERR.
    .replaceMessageEnd(me => $fail ? new MessageEnd({ appStatus: 3, protocolStatus: 0, stderr: new Data('oops') }) : me)
  )
  .handle(e => e.type === 'Data' && println('to client', bytes(e)))

// Two requests on one stream share a session; a request without keepAlive closes it after.
pipeline($=>$
  .muxFastCGI(() => 'k').to(responder)
  .handle(show('client'))
).process([
  new Message({ role: 1, keepAlive: true, params: { SCRIPT_NAME: '/i.php', N: 5, LONG: 'x'.repeat(130) } }, 'body!'),
  new Message({ keepAlive: true, params: { FAIL: 'yes' } }, ''),
  new Message({ params: { LAST: '1' } }, 'bye'),
  new StreamEnd,
])

// The response head, tail and the Message fields the original exposes.
pipeline($=>$
  .muxFastCGI().to(responder)
  .handleMessageStart(ms => println('head is', ms.head))
  .handleMessageEnd(me => println('appStatus', me.tail.appStatus, 'protocolStatus', me.tail.protocolStatus, 'stderr', me.tail.stderr.toString()))
).process([new Message({ keepAlive: false, params: { FAIL: 1 } }, ''), new StreamEnd])

// Records straight into demuxFastCGI: params split across records, stdin in two records.
var rec = (type, id, content) => {
  var n = content.length, pad = (8 - n % 8) % 8
  return [1, type, id >> 8, id & 255, n >> 8, n & 255, pad, 0].concat(content, new Array(pad).fill(0))
}
var begin = (id, keep) => rec(1, id, [0, 1, keep ? 1 : 0, 0, 0, 0, 0, 0])
var params = [3, 3].concat([65, 66, 67], [120, 121, 122])
pipeline($=>$
  .demuxFastCGI().to($=>$
    .handleMessage(m => println('demux got', JSON.stringify(m.head), JSON.stringify(m.body.toString())))
    .replaceMessage(m => new Message('ok:' + m.head.params.ABC))
  )
  .handle(e => println('demux out', e.type, e.type === 'Data' ? bytes(e) : (e.error || '')))
).process([
  new Data(begin(1, true).concat(rec(4, 1, params.slice(0, 4)), rec(4, 1, params.slice(4)), rec(4, 1, []))),
  new Data(rec(5, 1, [104, 105]).concat(rec(5, 1, [33]), rec(5, 1, []))),
  new StreamEnd,
])

// Malformed: a record of version 2 ends the stream with a ProtocolError.
pipeline($=>$
  .demuxFastCGI().to($=>$.replaceMessage(() => new Message('never')))
  .handle(e => println('malformed out', e.type, e.type === 'Data' ? bytes(e) : (e.error || '')))
).process([new Data([2, 1, 0, 1, 0, 8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]), new StreamEnd])

// Malformed: params ending inside a pair.
pipeline($=>$
  .demuxFastCGI().to($=>$.replaceMessage(() => new Message('never')))
  .handle(e => println('truncated params out', e.type, e.error || ''))
).process([new Data(begin(1, true).concat(rec(4, 1, [5, 5, 97, 98]), rec(4, 1, []))), new StreamEnd])

// Unknown option keys are refused, naming the key.
try {
  pipeline($=>$.muxFastCGI({ maxIdel: 5 }).to($=>$.dummy()))
} catch (e) {
  println('error:', e.message)
}
