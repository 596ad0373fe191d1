// tee: Data written to a file and passed through; read: a file's bytes then a StreamEnd.
var show = name => e => println(name, e.type, e.type === 'Data' ? JSON.stringify(e.toString()) : '')
pipeline($=>$.tee('/tmp/pipy-tee-test.tmp').handle(show('tee'))).process([new Message('hello '), new Data('world\n')])
pipeline($=>$.tee(() => '/tmp/pipy-tee-test.tmp', { append: true })).process(new Data('more\n'))
pipeline($=>$.read('/tmp/pipy-tee-test.tmp').handle(show('read'))).process(new Message('ignored'))
pipeline($=>$.read('/tmp/pipy-tee-test.tmp', { seek: 6, size: 5 }).handle(show('part'))).process(new Data('x'))
pipeline($=>$.tee('-')).process(new Data('to stdout\n'))
pipeline($=>$.read('no-such-file').handle(show('missing'))).process(new Data('x'))
