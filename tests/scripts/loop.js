// loop(): the sub-pipeline's output is output and also fed back into it.
var $rounds = 0

pipeline($=>$
  .replaceStreamEnd()
  .loop($=>$
    .handleData(() => $rounds++)
    .replaceData(d => (n => n > 0 ? new Data(String(n - 1)) : new StreamEnd)(Number(d.toString())))
  )
  .handle(e => println('out', e.type, e.type === 'Data' ? e.toString() : ''))
  .handleStreamEnd(() => println('rounds (shared context):', $rounds))
).process(new Data('3'))
