// pipy.exec: a command line or argv, stdout as Data, stdin, env, onExit with the code and stderr.
println(pipy.exec('echo "two words" and\\ more').toString().trim())
println(pipy.exec(['printf', '%s|%s', 'a b', 'c']).toString())
println(pipy.exec('tr a-z A-Z', { stdin: new Data('shout\n') }).toString().trim())
println(pipy.exec(['sh', '-c', 'echo $GREETING'], { env: { GREETING: 'from env', PATH: '/usr/bin:/bin' } }).toString().trim())
pipy.exec(['sh', '-c', 'echo oops >&2; exit 3'], { onExit: (code, err) => println('exit', code, err.toString().trim()) })
try { pipy.exec('no-such-program-here') } catch (e) { println('missing program throws') }
try { pipy.exec([]) } catch (e) { println(e.message) }
try { pipy.exec('true', { stdn: 'x' }) } catch (e) { println(e.message) }
