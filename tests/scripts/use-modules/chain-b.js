// Module chain step: continues from inside a sub-pipeline (the chain is inherited).
pipy()
.import({ __trace: 'main' })

.pipeline()
  .handleMessageStart(() => __trace += ' b')
  .link('inner')

.pipeline('inner')
  .replaceData(d => new Data(`${d}+b`))
  .chain()
