// Plugin: the fallback, with no response pipeline.
pipy()
.import({ __trace: 'main' })

.pipeline('request')
  .handleMessageStart(() => __trace += ' default')
  .replaceMessage(new Message({ status: 404 }, 'No handler found'))

// The entry pipeline, for use(file) without a name.
.pipeline()
  .replaceData(d => new Data(`[default entry: ${d}]`))
