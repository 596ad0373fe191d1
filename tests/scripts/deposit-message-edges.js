// depositMessage where the original goes wrong (it stalls, drops the body or crashes on each of
// these, so this script is checked against this runtime only): every message of a stream is
// deposited on its own; a StreamEnd right behind a message waits for its body; a StreamEnd
// outside a message is passed on; a file that cannot be made or written ends the stream with an
// error naming it; unknown options are refused.
var show = name => e => println(name, e.type, e.type === 'Data' ? e.toString() : (e.type === 'StreamEnd' && e.error ? String(e.error.message || e.error) : ''))

// Two messages, then a StreamEnd: each body goes through the file, in order.
pipeline($=>$
  .depositMessage('deposit-message-edges.tmp', { threshold: 2 })
  .handle(show('two'))
  .handleStreamEnd(() => println('two: file left behind?', !!os.stat('deposit-message-edges.tmp')))
).process([
  new MessageStart({ n: 1 }), new Data('ab'), new Data('cdef'), new MessageEnd,
  new MessageStart({ n: 2 }), new Data('gh'), new Data('ijkl'), new MessageEnd,
  new StreamEnd,
])

// A StreamEnd ending a message with its body in a file comes after the body.
pipeline($=>$
  .depositMessage('deposit-message-edges2.tmp')
  .handle(show('cut short'))
).process([new MessageStart, new Data('body'), new StreamEnd('ConnectionReset')])

// Data outside a message is dropped (as in the original); the StreamEnd is passed on.
pipeline($=>$
  .depositMessage('deposit-message-edges3.tmp')
  .handle(show('raw'))
).process([new Data('raw'), new StreamEnd])

// A folder that does not exist, a full disk: the stream ends with an error naming the file.
pipeline($=>$
  .depositMessage('no-such-folder/deposit.tmp')
  .handle(show('missing folder'))
).process([new MessageStart, new Data('x'), new MessageEnd])
pipeline($=>$
  .depositMessage('/dev/full')
  .handle(show('full disk'))
).process([new MessageStart, new Data('y'.repeat(100000)), new MessageEnd])
println('/dev/full is still there:', !!os.stat('/dev/full'))

// Options are checked when the pipeline is built.
;[
  () => pipeline($=>$.depositMessage('f', { treshold: 10 })),
  () => pipeline($=>$.depositMessage('f', { keep: 'yes' })),
  () => pipeline($=>$.depositMessage('f', { threshold: 'lots' })),
  () => pipeline($=>$.depositMessage()),
].forEach(f => { try { f(); println('accepted?!') } catch (e) { println('refused:', e.message) } })
