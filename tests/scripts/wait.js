// wait(condition): events are held until the condition holds (asked on each event and
// periodically) or its Promise resolves; a timeout lets them through.
var $checks = 0

pipeline($=>$
  .wait(() => ++$checks >= 4)
  .handle(e => println('polled', e.type, e.type === 'Data' ? e.toString() : ''))
  .handleStreamEnd(() => println('condition held at check', $checks))
).process([new Data('a'), new Data('b')])

pipeline($=>$
  .wait(() => Promise.resolve().then(() => println('promise resolved')))
  .handle(e => println('promised', e.type))
).process(new Data('p'))

pipeline($=>$
  .wait(() => false, { timeout: 0.05 })
  .handle(e => println('timed out, released', e.type))
).process(new Data('t'))

pipeline($=>$
  .wait(() => Promise.reject('no way'))
  .handle(e => println('rejected', e.type, e.error))
).process(new Data('r'))
