// Module chain step: marks the message and goes on with the next module.
pipy()
.import({ __trace: 'main' })

.pipeline()
  .handleMessageStart(() => __trace += ' a')
  .chain()
