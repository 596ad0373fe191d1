// Thrift with payload: true: a message holding every type (bool, byte, i16, i32, i64 past 2^53,
// double, string, binary, struct, map, set, list, nested containers, a field id past the short
// form), in the binary and compact protocols, bare and framed, decoded to the original's shapes
// and encoded back byte for byte; split across reads; the framed option; malformed input.
// The bytes were written by Apache Thrift's own Python library (TBinaryProtocol,
// TCompactProtocol, TFramedTransport).
var inputs = [
  ['binary', '80010001000000056576657279000000070200010102000200030003fb060004fed40800050001e2400a00060020000000000001040007400a0000000000000b00080000000668c3a96c6c6f0b00090000000300ff800c000a080001000000070b000200000002696e000d000b0b0a00000002000000016100000000000000010000000162fffffffffffffffe0e000c080000000200000003000000010f000d020000000201000d000e060f0000000100010b0000000100000001780a0064ffffffffffffffff00'],
  ['compact', '8241ac02056576657279111213fb14d7041580890f168280808080808020170000000000000a40180668c3a96c6c6f180300ff801c150e1802696e001b02860161020162031a250602192101021b01490218017806c8010100'],
  ['framed binary', '000000c880010001000000056576657279000000070200010102000200030003fb060004fed40800050001e2400a00060020000000000001040007400a0000000000000b00080000000668c3a96c6c6f0b00090000000300ff800c000a080001000000070b000200000002696e000d000b0b0a00000002000000016100000000000000010000000162fffffffffffffffe0e000c080000000200000003000000010f000d020000000201000d000e060f0000000100010b0000000100000001780a0064ffffffffffffffff00'],
  ['framed compact', '000000598241ac02056576657279111213fb14d7041580890f168280808080808020170000000000000a40180668c3a96c6c6f180300ff801c150e1802696e001b02860161020162031a250602192101021b01490218017806c8010100'],
]
// Ints and Data shown by what they hold.
var text = v => JSON.stringify(v, (k, x) => (
  x instanceof Int ? 'Int(' + x.toString() + ')' : x instanceof Data ? 'Data(' + x.toString('hex') + ')' : x
))
var run = (layout, input) => {
  var out = new Data
  pipeline($=>layout($).handleData(d => out.push(d))).process(input)
  return out.toString('hex')
}
var pieces = (data, size) => {
  var all = data.toArray(), list = []
  for (var i = 0; i < all.length; i += size) list.push(new Data(all.slice(i, i + size)))
  return list
}

inputs.forEach(([name, hex]) => {
  var data = new Data(hex, 'hex')
  println('--', name, data.size, 'bytes')
  pipeline($=>$
    .decodeThrift({ payload: true })
    .handleMessageStart(e => println('head', JSON.stringify(e.head)))
    .handleData(d => println('body', d.size, 'bytes'))
    .handleMessageEnd(e => println('payload', text(e.payload)))
  ).process(data)
  println('round trip', run($=>$.decodeThrift({ payload: true }).encodeThrift(), data) === hex)
  println('round trip, 1-byte reads', run($=>$.decodeThrift({ payload: true }).encodeThrift(), pieces(data, 1)) === hex)
  println('round trip, 7-byte reads', run($=>$.decodeThrift({ payload: true }).encodeThrift(), pieces(data, 7)) === hex)
})

// Two messages back to back (bare binary, then framed compact), in 5-byte reads.
var both = new Data(inputs[0][1] + inputs[3][1], 'hex')
var count = 0
pipeline($=>$.decodeThrift({ payload: true }).handleMessageEnd(e => count += e.payload.fields.length)).process(pieces(both, 5))
println('two messages in 5-byte reads:', count, 'fields')

// The payload is what gets encoded: a change made to it shows, the body is not used.
println('changed', run($=>$
  .decodeThrift({ payload: true })
  .handleMessageEnd(e => {
    e.payload.seqID = 9
    e.payload.fields = e.payload.fields.filter(f => f.id === 6)
    e.payload.fields[0].value = new Int('i64', '-9007199254740993')
  })
  .encodeThrift(), new Data(inputs[1][1], 'hex')))

// A payload made by a script, every type by name.
var made = new Data
pipeline($=>$.encodeThrift().handleData(d => made.push(d))).process([
  new MessageStart, new MessageEnd(null, {
    protocol: 'compact', type: 'oneway', seqID: 1, name: 'made',
    fields: [
      { id: 1, type: 'BOOL', value: true },
      { id: 2, type: 'I8', value: -1 },
      { id: 3, type: 'I16', value: 2 },
      { id: 4, type: 'I32', value: -3 },
      { id: 5, type: 'I64', value: new Int('i64', '9223372036854775807') },
      { id: 6, type: 'DOUBLE', value: 0.5 },
      { id: 7, type: 'BINARY', value: new Data('0001', 'hex') },
      { id: 8, type: 'STRUCT', value: [{ id: 1, type: 'BINARY', value: 'é' }] },
      { id: 9, type: 'MAP', value: { keyType: 'I32', valueType: 'BOOL', pairs: [[1, false]] } },
      { id: 10, type: 'SET', value: { elementType: 'BINARY', elements: ['a'] } },
      { id: 11, type: 'LIST', value: { elementType: 'DOUBLE', elements: [] } },
      { id: 12, type: 'UUID', value: '00112233-4455-6677-8899-aabbccddeeff' },
    ],
  }),
])
println('made', made.toString('hex'))
pipeline($=>$.decodeThrift({ payload: true }).handleMessageEnd(e => println('made back', text(e.payload)))).process(made)

// Framing by option: the encoder frames or unframes, the decoder insists or refuses.
println('framed on request', run($=>$.decodeThrift().encodeThrift({ framed: true }), new Data(inputs[1][1], 'hex')) === inputs[3][1])
println('unframed on request', run($=>$.decodeThrift().encodeThrift({ framed: false }), new Data(inputs[2][1], 'hex')) === inputs[0][1])
var ends = (options, hex) => pipeline($=>$
  .decodeThrift(options)
  .handle(e => e instanceof StreamEnd && println('  ', JSON.stringify(options), e.error || 'no error'))
).process(new Data(hex, 'hex'))
ends({ framed: true }, inputs[1][1])
ends({ framed: false }, inputs[3][1].slice(0, 40))
ends({ framed: true }, inputs[3][1])

// Malformed: an unknown field type, a frame shorter than its message, a frame length past the
// limit, a stream that ends inside a frame. Each is logged; none gets a message out.
var bad = [
  ['bad type id', '80010001000000017800000001' + '07000100'],
  ['bad compact type id', '8221010178' + 'fe00'],
  ['short frame', '000000078221010178150200'],
  ['huge frame', '7fffffff8221'],
  ['cut frame', '000000598241ac0205657665'],
]
bad.forEach(([name, hex]) => {
  var seen = []
  pipeline($=>$
    .decodeThrift({ payload: true })
    .handle(e => seen.push(e instanceof StreamEnd ? 'StreamEnd ' + (e.error || '-') : e instanceof Data ? 'Data' : 'Message'))
  ).process(new Data(hex, 'hex'))
  println(name + ':', seen.join(', '))
})
