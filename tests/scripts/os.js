// os: files and paths. Everything happens in a folder this script makes and removes.
var dir = '/tmp/pipy-os-test-' + pipy.pid
os.mkdir(dir + '/sub', { recursive: true })
os.writeFile(dir + '/a.txt', 'hello')
os.writeFile(dir + '/b.bin', new Data([1, 2, 3]))
println(os.readFile(dir + '/a.txt').toString(), os.readFile(dir + '/b.bin').toArray().join(','))
var st = os.stat(dir + '/a.txt')
println(st.size, st.isFile(), st.isDirectory(), os.stat(dir + '/sub').isDirectory(), os.stat(dir + '/none'))
println(JSON.stringify(os.readDir(dir)))
os.rename(dir + '/a.txt', dir + '/c.txt')
os.unlink(dir + '/c.txt')
os.unlink(dir + '/b.bin')
os.rmdir(dir + '/sub')
os.rmdir(dir)
println(os.stat(dir))
try { os.readFile(dir + '/gone') } catch (e) { println('error:', e.message.includes('No such file')) }
println(os.path.join('a', 'b/../c', 'd.txt'), os.path.basename('/x/y/z.js'), os.path.dirname('/x/y/z.js'), os.path.normalize('/a/./b/../c'))
println(typeof os.env.PATH, os.platform)
