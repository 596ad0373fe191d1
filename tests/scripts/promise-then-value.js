// PipyJS: a Pipy object (an event, a Message) given to `then` where a handler goes is what the
// promise settles with: the original's `new Timeout(1).wait().then(new StreamEnd)` idiom.
// Any other non-callable argument is ignored, as ECMAScript says.
var started = Date.now()
new Timeout(0.05).wait().then(new StreamEnd('ConnectionReset')).then(
  v => println('timeout then StreamEnd:', v instanceof StreamEnd, v.error, Date.now() - started >= 40)
)
Promise.resolve(1).then(new Message('m')).then(v => println('resolved then Message:', v instanceof Message, v.body.toString()))
Promise.reject(2).then(null, new MessageEnd).then(v => println('rejected then MessageEnd:', v instanceof MessageEnd))
Promise.resolve(3).then(5).then(v => println('a number is ignored:', v))
Promise.resolve(4).then({ x: 1 }).then(v => println('a plain object is ignored:', v))
Promise.reject(6).then(undefined, 'x').catch(e => println('still rejected:', e))

// In a pipeline, as the original's test/curl/001-tcp uses it: the task ends after the wait.
pipeline($=>$
  .onStart(new Data)
  .replaceStreamStart(() => new Timeout(0.05).wait().then(new StreamEnd))
  .handleStreamEnd(() => println('pipeline ended by the promised StreamEnd'))
).spawn()
