// insert: events output in front of the stream's first event, once per stream.
var show = name => e => println(name, e.type, e.type === 'Data' ? e.toString() : '')
var t = pipeline($=>$.insert(new Message('hello')).handle(show('const')))
t.process(new Message('x'))
t.process(new Data('y'))
pipeline($=>$.insert(() => [new Data('a'), new Data('b')]).handle(show('fn'))).process(new Data('c'))
pipeline($=>$.insert(() => Promise.resolve(new Data('later'))).handle(show('promise'))).process([new Data('now'), new Data('then')])
