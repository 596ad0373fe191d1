// deframe: a length-prefixed protocol: 1 byte type, 2 bytes length, then the body.
var $type, $len
var show = e => println(e.type, e.type === 'Data' ? JSON.stringify(e.toString()) : (e.type === 'MessageStart' ? JSON.stringify(e.head) : (e.type === 'StreamEnd' ? (e.error || '') : '')))
pipeline($=>$
  .deframe({
    type: c => { $type = c; return 'len' },
    len: c => { $len = c << 8; return 'len2' },
    len2: c => { $len |= c; return [new MessageStart({ type: $type }), 'body', $len] },
    body: () => [new MessageEnd, 'type'],
  })
  .handle(show)
).process([new Data([1, 0, 3, 65]), new Data([66, 67, 2, 0]), new Data([1, 90])])

// Reading into a Data and into an array; the next state's function gets the buffer.
pipeline($=>$
  .deframe({
    start: () => ['head', 2, []],
    head: a => { println('array', JSON.stringify(a)); return ['rest', 3, new Data] },
    rest: d => { println('data', d.toString()); return [new Message(d.toString().toUpperCase()), 'start'] },
  })
  .handle(show)
).process(new Data('xyzabc'))

// An unknown state ends the stream with an error.
pipeline($=>$.deframe({ s: () => 'nowhere' }).handle(show)).process(new Data('q'))
