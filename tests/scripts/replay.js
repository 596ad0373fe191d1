// replay().to(sub): when the sub-pipeline outputs StreamEnd('Replay'), a new one gets the
// recorded input again (after the delay); the context is shared.
var $attempt = 0

pipeline($=>$
  .replay({ delay: '50ms' }).to($=>$
    .handleStreamStart(() => $attempt++)
    .replaceMessage(msg => $attempt < 3
      ? (println('attempt', $attempt, 'fails'), new StreamEnd('Replay'))
      : new Message(`${msg.body} succeeded on attempt ${$attempt}`)
    )
  )
  .handle(e => println('out', e.type, e.type === 'Data' ? e.toString() : ''))
).process(new Message('request'))

// A delay function.
var $n = 0
pipeline($=>$
  .replay({ delay: () => (println('delay asked'), 0) }).to($=>$
    .replaceData(d => ++$n < 2 ? new StreamEnd('Replay') : d)
  )
  .handle(e => println('second', e.type, e.type === 'Data' ? e.toString() : ''))
).process(new Data('data'))
