// The codebase API: pipy.mount/unmount (a folder under /name/, read by pipy.load, pipy.list and
// imports), pipy.patch (a file replaced in memory), pipy.watch (a promise resolved with what
// changed), pipy.fork, forEach with no connections, and the errors as the original words them.
var dir = 'pipy-api-tmp'
pipy.exec(['rm', '-rf', dir])
os.mkdir(dir)
os.mkdir(dir + '/sub')
os.writeFile(dir + '/a.txt', 'file a')
os.writeFile(dir + '/sub/b.txt', 'file b')
os.writeFile(dir + '/lib.js', 'export var answer = 42')

pipy.mount('m', dir)
println(pipy.load('/m/a.txt').toString(), '|', pipy.load('m/sub/../sub/b.txt').toString())
println(JSON.stringify(pipy.list('/m')))
println(pipy.list('/').filter(p => p.startsWith('m/')).join(' '))
println('import from a mount:', pipy.import('/m/lib.js').answer)

pipy.patch('/m/a.txt', 'patched a')
println(pipy.load('/m/a.txt').toString(), '| on disk:', os.readFile(dir + '/a.txt').toString())
pipy.patch('/m/new.js', 'export var patched = true')
println('import a patched file:', pipy.import('/m/new.js').patched)
pipy.patch('nowhere.txt', new Data('patched Data'))
println(pipy.load('/nowhere.txt').toString(), '|', pipy.load('/no-such-file'))

function error(f) {
  try { f(); return 'no error' } catch (e) { return e.message }
}
println(error(() => pipy.mount('a/b', dir)))
println(error(() => pipy.mount('x', dir + '/no-such-dir')))
println(error(() => pipy.mount('m', dir)))
println(error(() => pipy.mount(dir, dir)))
println(error(() => pipy.mount(1, dir)))
println(error(() => pipy.mount('x')))
println(error(() => pipy.unmount()))
println(error(() => pipy.unmount('a/b')))
println(error(() => pipy.patch('/x.txt', 1)))
println(error(() => pipy.watch(1)))
println(error(() => pipy.fork(1)))
println(error(() => pipy.inbound.forEach(1)))

pipy.unmount('m')
pipy.unmount('m')
println('after unmount:', pipy.load('/m/sub/b.txt'), pipy.load('/m/new.js'))

println('fork:', pipy.fork(() => 'returned'))
var seen = []
pipy.inbound.forEach(i => seen.push(i))
pipy.outbound.forEach(o => seen.push(o))
println('connections:', seen.length, pipy.inbound.count, pipy.outbound.count)

os.writeFile(dir + '/w.txt', 'one')
var folder = pipy.watch(dir + '/sub/')
pipy.watch('/' + dir + '/w.txt').then(changed => {
  println('file changed:', JSON.stringify(changed))
  os.writeFile(dir + '/sub/c.txt', 'new file')
  return folder
}).then(changed => {
  println('folder changed:', JSON.stringify(changed))
  pipy.exec(['rm', '-rf', dir])
})
new Timeout(0.2).wait().then(() => os.writeFile(dir + '/w.txt', 'changed'))
