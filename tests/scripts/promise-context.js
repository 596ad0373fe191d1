// A promise handler runs in the context of the stream that called `then`, whoever settles the
// promise (here a timer): context variables it sets belong to that stream.
var $who = 'nobody'
var p = pipeline($=>$
  .handleMessageStart(msg => {
    var name = msg.head.name
    new Timeout(0.01).wait().then(() => { $who = name })
  })
  .wait(() => new Timeout(0.05).wait())
  .handleMessage(msg => println(msg.head.name, 'sees', $who))
)
p.process(new Message({ name: 'first' }, ''))
p.process(new Message({ name: 'second' }, ''))
