// tee: Data written to a file and passed through; read: a file's bytes then a StreamEnd.
var show = name => e => println(name, e.type, e.type === 'Data' ? JSON.stringify(e.toString()) : '')
pipeline($=>$.tee('/tmp/pipy-tee-test.tmp').handle(show('tee'))).process([new Message('hello '), new Data('world\n')])
pipeline($=>$.tee(() => '/tmp/pipy-tee-test.tmp', { append: true })).process(new Data('more\n'))
pipeline($=>$.read('/tmp/pipy-tee-test.tmp').handle(show('read'))).process(new Message('ignored'))
pipeline($=>$.read('/tmp/pipy-tee-test.tmp', { seek: 6, size: 5 }).handle(show('part'))).process(new Data('x'))
pipeline($=>$.tee('-')).process(new Data('to stdout\n'))
pipeline($=>$.read('no-such-file').handle(show('missing'))).process(new Data('x'))

// Rotation: 30-byte chunks into a file of at most 100 bytes, 3 files kept.
var dir = '/tmp/pipy-tee-rotate-' + pipy.pid
os.rm(dir, { recursive: true, force: true })
os.mkdir(dir)
var chunks = new Array(12).fill(0).map((_, i) => new Data('chunk ' + (i < 10 ? '0' + i : i) + ' of the stream......\n'))
pipeline($=>$.tee(dir + '/out.log', { maxFileSize: 100, maxFileCount: 3 })).process(chunks)
var names = os.list(dir)
println('rotated files:', names.length, names.every(n => n.endsWith('out.log')))
println('current:', os.read(dir + '/out.log').toString().trim().split('\n').pop())
os.rm(dir, { recursive: true })
