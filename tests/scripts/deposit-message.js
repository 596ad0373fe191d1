// depositMessage(filename, {threshold, keep}?): a body over the threshold goes to a file and
// streams back out of it (in 16 KiB Data events) when the message ends; the file exists while
// it streams and is deleted afterwards unless keep is true. Runs on the original too (its
// pipeline() API has no depositMessage(), so this uses pipy() tasks, one configuration, last).
var exists = f => os.stat(f) ? 'file exists' : 'no file'
var big = ''
for (var i = 0; i < 5000; i++) big += String(i % 10) + 'abcdefghi'
var bodies = {}
var got = name => d => bodies[name] = (bodies[name] || '') + d.toString()
var c = pipy()

// Default threshold (0): the whole body goes through deposit-message.tmp.
c.task().onStart(() => [new MessageStart({ path: '/big' }), new Data(big.substring(0, 20000)), new Data(big.substring(20000)), new MessageEnd({ n: 1 })])
  .depositMessage('deposit-message.tmp')
  .handleMessageStart(e => println('big head', JSON.stringify(e.head)))
  .handleData(d => println('big Data', d.size, exists('deposit-message.tmp')))
  .handleData(got('big'))
  .handleMessageEnd(e => println('big tail', JSON.stringify(e.tail), exists('deposit-message.tmp')))
  .handleMessageEnd(() => println('big body', bodies.big.length, 'bytes, byte-identical:', bodies.big === big))
  .replaceMessageEnd(e => [e, new StreamEnd])

// threshold 15: Data go straight through until 15 bytes have passed; the rest goes to the file
// (a function gives its name). keep: the file stays, with the whole body.
c.task().onStart(() => [new MessageStart, new Data('0123456789'), new Data('abcdefghij'), new Data('klmnopqrst'), new Data('uvwxyz'), new MessageEnd])
  .wait(() => new Timeout(0.1).wait())
  .depositMessage(() => 'deposit-message-kept.tmp', { threshold: 15, keep: true })
  .handleData(d => println('kept Data', d.toString()))
  .handleMessageEnd(() => println('kept MessageEnd', exists('deposit-message-kept.tmp')))
  .replaceMessageEnd(e => [e, new StreamEnd])

// A body under the threshold ('1k') never touches a file.
c.task().onStart(() => [new MessageStart, new Data('small'), new MessageEnd])
  .wait(() => new Timeout(0.2).wait())
  .depositMessage('deposit-message-small.tmp', { threshold: '1k' })
  .handleData(d => println('small Data', d.toString()))
  .handleMessageEnd(() => println('small MessageEnd', exists('deposit-message-small.tmp')))
  .replaceMessageEnd(e => [e, new StreamEnd])

c.task().onStart(() => [new Data, new StreamEnd])
  .wait(() => new Timeout(0.4).wait())
  .handleStreamEnd(() => {
    println('afterwards:', exists('deposit-message.tmp'))
    println('kept file:', os.readFile('deposit-message-kept.tmp').toString())
    os.unlink('deposit-message-kept.tmp')
    pipy.exit(0)
  })

c
