// detectProtocol: one verdict from the first bytes; everything passes through.
var check = (name, chunks) => pipeline($=>$
  .detectProtocol(p => println(name, '=>', JSON.stringify(p)))
  .handle(e => e.type === 'Data' && println(name, 'passed', e.size))
).process(chunks.map(c => new Data(c)))
check('http', ['GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n'])
check('http split', ['POS', 'T / HTT', 'P/1.0\r\n'])
check('http2', ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'])
check('tls', [[22, 3, 1, 0, 200, 1, 0, 0, 196, 3, 3, 0]])
check('other', ['SSH-2.0-OpenSSH\r\n'])
check('bad version', ['GET / HTTP/2.0\r\n'])
pipeline($=>$
  .detectProtocol(p => new Message('proto:' + p))
  .handle(e => println('inserted', e.type, e.type === 'Data' ? e.toString() : ''))
).process(new Data('GET / HTTP/1.1\r\n'))

// Nothing decided within the timeout: ''.
pipy().task().onStart(() => new Data('GE'))
  .detectProtocol(p => { println('timeout =>', JSON.stringify(p)); return new StreamEnd }, { timeout: 0.1 })
