// Plugin: refuses /deny and turns the chain down.
pipy()
.import({ __turnDown: 'main', __trace: 'main' })

.pipeline('session')
  .handleStreamStart(() => __trace += ' auth-session')

.pipeline('request')
  .handleMessageStart(msg => {
    __trace += ' auth'
    if (msg.head.path === '/deny') __turnDown = true
  })
  .replaceMessage(msg => msg.head.path === '/deny' ? new Message({ status: 403 }, 'denied') : msg)

.pipeline('response')
  .handleMessageStart(msg => __trace += ` auth-response(${msg.head.status})`)
