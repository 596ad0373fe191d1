// Module chain end: chain() after the last module passes events through.
pipy()
.import({ __trace: 'main' })

.pipeline()
  .handleMessageStart(() => __trace += ' c')
  .replaceData(d => new Data(`${d}+c`))
  .chain()
