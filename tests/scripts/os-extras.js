// os.read/write (errors thrown), list, abspath, chdir, rm (recursive, force), kill (signal 0).
var dir = '/tmp/pipy-os-extras-' + pipy.pid
os.rm(dir, { recursive: true, force: true })
os.mkdir(dir + '/a/b', { recursive: true })
os.write(dir + '/a/b/f.txt', 'hello')
os.write(dir + '/a/g.txt', new Data('bytes'))
println(os.read(dir + '/a/b/f.txt').toString(), os.read(dir + '/a/g.txt').toString())
println(os.list(dir + '/a').join(' '))
try { os.read(dir + '/missing') } catch (e) { println('read missing:', e.message.indexOf('missing') >= 0) }
try { os.rm(dir + '/a') } catch (e) { println('rm a folder without recursive throws') }
os.rm(dir + '/nope', { force: true })
println('force: no error')
var here = os.abspath('.')
os.chdir(dir)
println(os.abspath('a/./b/../g.txt') == dir + '/a/g.txt')
os.chdir(here)
os.rm(dir, { recursive: true })
println(os.list('/tmp').indexOf('pipy-os-extras-' + pipy.pid + '/') < 0)
println(os.kill(pipy.pid), os.kill(999999999) == false)
try { os.kill(-5) } catch (e) { println('bad pid throws') }
