// Plugin 3: the last stop: whatever reaches it has no handler.
pipy()
  .pipeline()
  .replaceMessage(new Message({ status: 404 }, 'No handler\n'))
