// logging.TextLogger, JSONLogger and BinaryLogger: one record per log(), to stdout and to files.
var text = new logging.TextLogger('access').toStdout()
var file = 'logging-test.log'
var json = new logging.JSONLogger('events').toStdout().toFile(file)
text.log('GET', '/path', 200, { ms: 3 })
json.log({ method: 'GET', status: 200 })
json.log('a', [1, 2])
println('file:', JSON.stringify(os.readFile(file).toString()))
os.unlink(file)
try { text.toHTTP('ftp://localhost/') } catch (e) { println(e.message) }
try { text.toSyslog('LOUD') } catch (e) { println(e.message) }
var bin = 'logging-test.bin'
var raw = new logging.BinaryLogger('frames').toFile(bin)
raw.log(new Data([0, 1, 255]), 'ab')
raw.log(new Data([7]))
println('binary file:', os.readFile(bin).toString('hex'))
os.unlink(bin)
