// Plugin: answers paths under /api and turns the chain down.
pipy({ _count: 0 })
.import({ __turnDown: 'main', __trace: 'main' })

.pipeline('request')
  .handleMessageStart(msg => {
    __trace += ' router'
    if (msg.head.path.startsWith('/api')) __turnDown = true
  })
  .replaceMessage(msg => __turnDown ? new Message({ status: 200 }, `api ${msg.head.path} #${++_count}`) : msg)

.pipeline('response')
  .handleMessageStart(msg => __trace += ` router-response(${msg.head.status})`)
