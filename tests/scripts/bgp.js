// BGP.encode / BGP.decode and the decodeBGP / encodeBGP filters (see the notes at the top of
// stdlib/src/bgp.rs and runtime/engine/src/filters/bgp.rs). The original (1.5.18) prints exactly
// the lines above the '-- beyond the original' marker. Below it are the cases it gets wrong or
// cannot run: it writes a ROUTE_REFRESH's AFI in one byte (a message it cannot read back), it
// crashes on BGP.decode(null) and on toString() of a decoded prefix, it keeps an AS_SET's keys in
// wire order (JavaScript lists number keys ascending), it takes unknown option keys silently, and
// its 1.x pipeline() API wants an options object for encodeBGP. (The original's decodeBGP also
// empties the Data it is given, which is why the script keeps the bytes as hex before decoding.)
var H = 'ffffffffffffffffffffffffffffffff'
var hex = s => new Data(s, 'hex')
var msg = (t, body) => H + (body.length / 2 + 19).toString(16).padStart(4, '0') + t + body
var rep = (k, v) => v instanceof Data ? 'Data:' + v.toString('hex') : v instanceof IPMask ? 'IPMask:' + v.ip + '/' + v.bitmask : v
var js = v => JSON.stringify(v, rep)
var types = a => a.map(m => m.type).join(',')
var dec = (label, h, as4) => {
  try { var a = BGP.decode(hex(h), as4); println(label, a.length, types(a), js(a)) } catch (e) { println(label, 'Error:', e.message) }
}
var enc = (label, m, as4) => {
  try { println(label, BGP.encode(m, as4).toString('hex')) } catch (e) { println(label, 'Error:', e.message) }
}
var trip = (label, m, as4) => {
  var d = BGP.encode(m, as4)
  var a = BGP.decode(d, as4)
  println(label, d.toString('hex'))
  println('  ->', a.length, types(a), js(a))
  println('  again', a.length === 1 && BGP.encode(a[0], as4).toString('hex') === d.toString('hex'))
}

var open = {
  type: 'OPEN',
  body: {
    version: 4, myAS: 65001, holdTime: 90, identifier: '10.0.0.1',
    parameters: [
      { name: 'Capabilities', value: [{ code: 1, value: hex('00010001') }, { code: 65, value: hex('0000fde9') }, { code: 2, value: new Data }] },
      { code: 9, value: hex('abcd') },
    ],
  },
}
var update = {
  type: 'UPDATE',
  body: {
    withdrawnRoutes: ['10.1.0.0/16', '10.2.3.0/24'],
    pathAttributes: [
      { name: 'ORIGIN', value: 0, transitive: true },
      { name: 'AS_PATH', value: [[65001, 4200000000], { 100: true, 200: true }], transitive: true },
      { name: 'NEXT_HOP', value: '192.168.0.1', transitive: true },
      { name: 'MULTI_EXIT_DISC', value: 100, optional: true },
      { name: 'LOCAL_PREF', value: 4294967295, transitive: true },
      { name: 'ATOMIC_AGGREGATE', transitive: true },
      { name: 'AGGREGATOR', value: [4200000000, '1.2.3.4'], optional: true, transitive: true },
      { code: 99, value: hex('010203'), optional: true, partial: true },
    ],
    destinations: ['172.16.0.0/12', new IPMask('192.168.1.0/24'), '0.0.0.0/0', '1.2.3.4/32', '1.2.3.255/25'],
  },
}

println('-- round trips, AS4 off and on')
;[false, true].forEach(as4 => {
  println('as4', as4)
  trip('open', open, as4)
  trip('update', update, as4)
  trip('keepalive', { type: 'KEEPALIVE' }, as4)
  trip('notification', { type: 'NOTIFICATION', body: { errorCode: 6, errorSubcode: 2, data: new Data('bye') } }, as4)
  trip('notification no data', { type: 'NOTIFICATION', body: { errorCode: 4 } }, as4)
  trip('empty update', { type: 'UPDATE', body: {} }, as4)
  trip('unknown type', { type: 9, body: hex('0102') }, as4)
  trip('long attribute', { type: 'UPDATE', body: { pathAttributes: [{ code: 100, value: new Data('x'.repeat(300)), transitive: true }] } }, as4)
})
var back = BGP.decode(BGP.encode(update, true), true)[0]
println('type', back.type, 'keys', js(Object.keys(back)), js(Object.keys(back.body.pathAttributes[7])))
var nm = back.body.destinations[1]
println('prefix', nm.ip, nm.bitmask, nm.version, nm.base, nm.mask, nm.size, js(nm.decompose()), nm.contains('192.168.1.77'))

println('-- decoding')
dec('two in one', msg('04', '') + msg('03', '0605'))
dec('incomplete second', msg('04', '') + msg('03', '0605').substring(0, 30))
dec('length 19', ['01', '02', '03', '05', '04', '09', '00'].map(t => H + '0013' + t).join(''))
dec('keepalive with bytes', msg('04', '0102'))
dec('marker not checked', '00'.repeat(16) + '001304')
dec('trailing bytes of an OPEN', msg('01', '04fde9005a0a00000100ff'))
dec('OPEN parameters', msg('01', '04fde9005a0a0000010c' + '0500' + '0502abcd' + '0200' + '0202' + '0100'))
dec('ROUTE_REFRESH', msg('05', '00010001'))
dec('ROUTE_REFRESH 5 bytes', msg('05', '0002000180'))
dec('AS4 numbers', msg('02', '0000' + '001f' + '800404ffffffff' + '40020a02020000fde9ffffffff' + 'c00708ffffffff01020304'), true)
dec('AS_SET with 4294967295', msg('02', '0000' + '000d' + '40020a01020000fde9ffffffff'), true)
dec('AS2 numbers', msg('02', '0000' + '0012' + '40020602020001ffff' + 'c00706ffff01020304'))
dec('prefixes', msg('02', '0003100a0b' + '0000' + '00' + '080a' + '200a000001' + '1d0a0a0a0f' + '100a0b'))
dec('extended length', msg('02', '0000' + '0008' + '5001000100' + '400100'))
dec('unknown attributes', msg('02', '0000' + '000b' + '50630003010203' + '40000100'))
dec('empty ORIGIN', msg('02', '0000' + '0003' + '400100'))
dec('ORIGIN of 2 bytes', msg('02', '0000' + '0005' + '40010201ff'))
dec('ATOMIC_AGGREGATE with bytes', msg('02', '0000' + '0004' + '40060101'))
dec('big NOTIFICATION', msg('03', '0102' + 'ab'.repeat(300)))

println('-- malformed input: what reads before it is kept')
dec('length below 19', msg('04', '') + H + '001204' + msg('04', ''))
dec('short NOTIFICATION', msg('03', '01'))
dec('short ROUTE_REFRESH', msg('05', '000100'))
dec('prefix over 32 bits', msg('02', '0002210a' + '0000'))
dec('withdrawn past its field', msg('02', '0003180a0b' + '0000'))
dec('prefix past the end', msg('02', '0000' + '0000' + '0f0a0bff'))
dec('parameter past the parameters', msg('04', '') + msg('01', '04fde9005a0a00000104' + '050a0000'))
dec('AS_PATH segment type 3', msg('02', '0000' + '0007' + '40020403010001'))
dec('short NEXT_HOP', msg('02', '0000' + '0005' + '4003020a0b'))
dec('short AGGREGATOR', msg('02', '0000' + '0007' + 'c0070401020304'))
dec('attribute past the attributes', msg('02', '0000' + '0003' + '400104'))
dec('empty', '')
;[1, 'abc', {}, undefined].forEach(v => { try { BGP.decode(v) } catch (e) { println('decode', typeof v, 'Error:', e.message) } })
try { BGP.decode() } catch (e) { println('decode() Error:', e.message) }
;[1, 'x'].forEach(v => { try { BGP.decode(new Data, v) } catch (e) { println('decode as4', v, 'Error:', e.message) } })
println('decode as4 null', js(BGP.decode(hex(msg('04', '')), null)))

println('-- encoding what scripts give')
enc('{}', {})
enc('null', null)
enc('array', [open])
enc('type by number', { type: 1, body: {} })
enc('type 9 with Data', { type: 9, body: hex('0102') })
enc('unknown name', { type: 'FOO', body: hex('0102') })
;[300, -1, 2.7, '2', null, true, undefined, 1e10, 4294967297, -3.5, '', 'open'].forEach(t => enc('type ' + typeof t + ' ' + t, { type: t }))
enc('KEEPALIVE with Data', { type: 'KEEPALIVE', body: hex('0102') })
enc('KEEPALIVE with an object', { type: 'KEEPALIVE', body: { a: 1 } })
enc('OPEN without body', { type: 'OPEN' })
enc('OPEN with a string body', { type: 'OPEN', body: 'abc' })
enc('OPEN with a Data body', { type: 'OPEN', body: hex('0102') })
enc('OPEN out of range', { type: 'OPEN', body: { identifier: 'foo', myAS: 70000, holdTime: -1, version: 260 } })
;['1.2.3', 123, ' 1.2.3.4', '1.2.3.256', '.1.2.3', '01.2.3.4', null].forEach(id => enc('identifier ' + id, { type: 'OPEN', body: { identifier: id } }))
enc('OPEN strings', { type: 'OPEN', body: { myAS: '65001', holdTime: '90', version: 'x' } })
enc('OPEN floats', { type: 'OPEN', body: { myAS: 65001.9, holdTime: -0.5, version: 4.5 } })
enc('OPEN undefined fields', { type: 'OPEN', body: { version: undefined, myAS: 4294967295, holdTime: 2147483648, identifier: undefined } })
enc('OPEN number strings', { type: 'OPEN', body: { version: '  7', myAS: '0x10', holdTime: '1e3' } })
enc('OPEN odd parameters', { type: 'OPEN', body: { parameters: [undefined, null, 1, 'x', { code: 5 }, { code: 5, value: new Data('ab') }, { name: 'Capabilities' },
  { name: 'Capabilities', value: [undefined, null, 1, { code: 3 }, { code: 4, value: 'x' }, { code: 5, value: new Data('zz') }] },
  { name: 'Foo', code: 7, value: new Data('q') }, { name: 'Capabilities', code: 9, value: new Data('q') }, { code: 2, value: [{ code: 1, value: new Data('a') }] }] } })
enc('OPEN parameters not an array', { type: 'OPEN', body: { parameters: { code: 2 } } })
enc('OPEN parameter codes', { type: 'OPEN', body: { parameters: [{ code: 1e10 }, { code: '7' }, { code: 258 }] } })
enc('UPDATE odd prefixes', { type: 'UPDATE', body: { withdrawnRoutes: ['10.0.0.0', 'x', '10.1.2.3/33', '10.0.0.0/-1', 5, null, undefined, '1.2.3.4/8', '::1/64', new IPMask('::1/64'), '10.0.0.0/ 8', '10.0.0/8'] } })
enc('UPDATE more prefixes', { type: 'UPDATE', body: { destinations: [new IPMask('10.1.2.3/20'), new IPMask('10.1.2.3/0'), '.1.2.3/24', '1.2.3.4/', '001.2.3.4/8', '1.2.3.4/08'] } })
enc('UPDATE odd attributes', { type: 'UPDATE', body: { pathAttributes: [undefined, null, 5, {}, { name: 'ORIGIN' }, { name: 'ORIGIN', value: '2' }, { name: 'ORIGIN', value: 300 },
  { name: 'AS_PATH', value: [5, null, 'x', [1, '2', 'x'], {}] }, { name: 'AS_PATH', value: 'x' }, { name: 'NEXT_HOP' }, { name: 'NEXT_HOP', value: 'bad' },
  { name: 'MULTI_EXIT_DISC', value: -1 }, { name: 'LOCAL_PREF', value: 'x' }, { name: 'ATOMIC_AGGREGATE', value: 5 }, { name: 'AGGREGATOR', value: 5 },
  { name: 'AGGREGATOR', value: [1] }, { name: 'AGGREGATOR', value: [] }, { name: 'FOO', code: 30, value: new Data('x') }, { name: 'ORIGIN', code: 30, value: new Data('xy') },
  { code: 1, value: 2 }, { code: 300 }, { name: 'ORIGIN', optional: 1, transitive: 'x', partial: {} }] } })
enc('UPDATE addresses', { type: 'UPDATE', body: { pathAttributes: [{ name: 'NEXT_HOP', value: '1.2.3' }, { name: 'NEXT_HOP', value: '1.2.3.4.5' }, { name: 'NEXT_HOP', value: '9.8.7.6 ' },
  { name: 'NEXT_HOP', value: new IPMask('1.2.3.4/8') }, { name: 'AGGREGATOR', value: [1, '1.2'] }, { name: 'AGGREGATOR', value: { 0: 5, 1: '1.2.3.4', length: 2 } }] } })
enc('UPDATE numbers', { type: 'UPDATE', body: { pathAttributes: [{ name: 'ORIGIN', value: 1e10 }, { name: 'ORIGIN', value: -129 }, { name: 'ORIGIN', value: 2147483648 },
  { name: 'MULTI_EXIT_DISC', value: 1e10 }, { name: 'LOCAL_PREF', value: 1e20 }, { name: 'LOCAL_PREF', value: -1e10 }, { name: 'MULTI_EXIT_DISC', value: 4294967296.5 }] } })
enc('AS4 out of range', { type: 'UPDATE', body: { pathAttributes: [{ name: 'AS_PATH', value: [[4294967295, 65536, -1]] }, { name: 'AGGREGATOR', value: [4294967295, '1.2.3.4'] }] } }, true)
enc('AS2 out of range', { type: 'UPDATE', body: { pathAttributes: [{ name: 'AS_PATH', value: [[4294967295, 65536, -1]] }, { name: 'AGGREGATOR', value: [4294967295, '1.2.3.4'] }] } }, false)
var sparse = [1]
sparse[2] = 3
enc('AS_SEQUENCE with a hole', { type: 'UPDATE', body: { pathAttributes: [{ name: 'AS_PATH', value: [sparse] }] } })
enc('AS_SET of 7 and -1', { type: 'UPDATE', body: { pathAttributes: [{ name: 'AS_PATH', value: [{ 7: 2, '-1': 3 }] }] } })
enc('NOTIFICATION empty', { type: 'NOTIFICATION', body: {} })
enc('NOTIFICATION odd', { type: 'NOTIFICATION', body: { errorCode: 300, errorSubcode: -1, data: 'abc' } })

println('-- clamping')
var big = BGP.encode({ type: 'OPEN', body: { parameters: [{ code: 1, value: new Data('x'.repeat(300)) }, { code: 2, value: new Data('y'.repeat(100)) }] } })
println('parameters', big.size, big.toString('hex').substring(32, 64))
big = BGP.encode({ type: 'OPEN', body: { parameters: [{ name: 'Capabilities', value: [{ code: 1, value: new Data('x'.repeat(300)) }, { code: 2, value: new Data('abc') }] }] } })
println('capabilities', big.size, big.toString('hex').substring(32, 70))
big = BGP.encode({ type: 'UPDATE', body: { pathAttributes: [{ name: 'AS_PATH', value: [new Array(300).fill(1)] }] } })
println('AS_PATH', big.size, big.toString('hex').substring(32, 70))
println('attribute', BGP.encode({ type: 'UPDATE', body: { pathAttributes: [{ code: 99, value: new Data('x'.repeat(70000)) }] } }).size)
println('message', BGP.encode({ type: 'KEEPALIVE', body: new Data('x'.repeat(5000)) }).toString('hex').substring(32, 44))

println('-- what encode refuses')
;[1, 'abc', true, undefined].forEach(v => { try { BGP.encode(v) } catch (e) { println('encode', typeof v, 'Error:', e.message) } })
try { BGP.encode() } catch (e) { println('encode() Error:', e.message) }
;[1, 'x', {}].forEach(v => { try { BGP.encode({}, v) } catch (e) { println('encode as4', typeof v, 'Error:', e.message) } })

println('-- decodeBGP')
var ev = e => e instanceof Data ? 'Data ' + e.toString('hex')
  : e instanceof MessageStart ? 'MessageStart ' + js(e.head)
  : e instanceof MessageEnd ? 'MessageEnd ' + (e.payload && e.payload.type) + ' ' + js(e.payload)
  : e instanceof StreamEnd ? 'StreamEnd ' + e.error : '?'
var run = (label, f, input) => { println('--', label); pipeline(f).process(input) }
var decoder = options => $=>$.decodeBGP(options).handle(e => println(ev(e)))
run('two in one read', decoder(), [hex(msg('04', '') + msg('03', '0605')), new StreamEnd])
run('a message split in two', decoder({}), [hex(msg('03', '0605').substring(0, 10)), hex(msg('03', '0605').substring(10)), new StreamEnd])
run('one and a half, then the rest', decoder(), [hex(msg('04', '') + msg('03', '0605').substring(0, 30)), hex(msg('03', '0605').substring(30)), new StreamEnd])
run('malformed, then dropped', decoder(), [hex(msg('04', '') + H + '001204' + msg('04', '')), new Data('abc'), new StreamEnd])
run('malformed body', decoder(), [hex(msg('03', '01') + msg('04', '')), new StreamEnd])
run('a new stream reads again', decoder(), [hex(H + '001204'), new StreamEnd, hex(msg('04', '')), new StreamEnd])
run('Messages in are dropped', decoder(), [new MessageStart({ a: 1 }), hex(msg('04', '')), new MessageEnd, new StreamEnd])
run('enableAS4', decoder({ enableAS4: true }), [hex(msg('02', '0000000940020602010000fde9')), new StreamEnd])
run('enableAS4 as a string', decoder({ enableAS4: 'true' }), [hex(msg('02', '0000000940020602010000fde9')), new StreamEnd])
var calls = 0
run('enableAS4 as a function', decoder({ enableAS4: () => calls++ % 2 === 0 }), [hex(msg('02', '0000000940020602010000fde9') + msg('02', '0000000740020402010001')), new StreamEnd])
println('calls', calls)

var session = [open, update, { type: 'KEEPALIVE' }, { type: 'NOTIFICATION', body: { errorCode: 6, errorSubcode: 2, data: new Data('bye') } }, { type: 'UPDATE', body: {} }]
var wire = new Data
session.forEach(m => wire.push(BGP.encode(m, true)))
var pieces = []
var bytes = wire.toArray()
for (var i = 0; i < bytes.length; i += 3) pieces.push(new Data(bytes.slice(i, i + 3)))
var n = 0
var size = 0
pipeline($=>$.decodeBGP({ enableAS4: true }).handle(e => { if (e instanceof MessageEnd) n++; if (e instanceof Data) size += e.size })).process(pieces.concat([new StreamEnd]))
println('3-byte reads give', n, 'messages and', size, 'of', wire.size, 'bytes')

println('-- encodeBGP')
var encoder = options => $=>$.encodeBGP(options).handle(e => println(e instanceof MessageEnd ? 'MessageEnd ' + (e.payload && e.payload.type) : ev(e)))
run('messages', encoder({}), [
  new MessageStart({ a: 1 }), new Data('dropped'), new MessageEnd(null, { type: 'KEEPALIVE' }),
  new MessageStart({ b: 2 }), new MessageEnd(null, 'not an object'),
  new MessageStart({ c: 3 }), new MessageStart({ d: 4 }), new MessageEnd(null, { type: 'NOTIFICATION', body: { errorCode: 1 } }),
  new MessageEnd(null, { type: 'KEEPALIVE' }), new Data('zz'), new StreamEnd,
])
var path = { type: 'UPDATE', body: { pathAttributes: [{ name: 'AS_PATH', value: [[1]] }] } }
run('enableAS4', encoder({ enableAS4: true }), [new MessageStart({}), new MessageEnd(null, path), new StreamEnd])
run('enableAS4 as a string', encoder({ enableAS4: 'false' }), [new MessageStart({}), new MessageEnd(null, path), new StreamEnd])
calls = 0
run('enableAS4 as a function', encoder({ enableAS4: () => calls++ % 2 === 0 }), [new MessageStart({}), new MessageEnd(null, path), new MessageStart({}), new MessageEnd(null, path), new StreamEnd])
run('an array payload', encoder({}), [new MessageStart({}), new MessageEnd(null, [path, path]), new StreamEnd])

var wireHex = wire.toString('hex')
var again = new Data
pipeline($=>$.decodeBGP({ enableAS4: true }).encodeBGP({ enableAS4: true }).handleData(d => again.push(d))).process([wire, new StreamEnd])
println('decode then encode gives the same bytes', again.toString('hex') === wireHex, again.size)

println('-- options')
;[{ enableAS4: 1 }, { enableAS4: 'yes' }, { enableAS4: {} }, 5, 'x'].forEach(o => {
  try { pipeline($=>$.decodeBGP(o)); println('decodeBGP', js(o), 'ok') } catch (e) { println('decodeBGP', js(o), 'Error:', e.message) }
  try { pipeline($=>$.encodeBGP(o)); println('encodeBGP', js(o), 'ok') } catch (e) { println('encodeBGP', js(o), 'Error:', e.message) }
})
;[null, { enableAS4: null }, { enableAS4: false }].forEach(o => {
  try { pipeline($=>$.decodeBGP(o)); println('decodeBGP', js(o), 'ok') } catch (e) { println('decodeBGP', js(o), 'Error:', e.message) }
})

println('-- beyond the original')
trip('ROUTE_REFRESH', { type: 'ROUTE_REFRESH', body: { afi: 1, safi: 1 } })
trip('ROUTE_REFRESH AFI 258', { type: 'ROUTE_REFRESH', body: { afi: 258, safi: 128 } }, true)
enc('ROUTE_REFRESH empty', { type: 'ROUTE_REFRESH', body: {} })
try { BGP.decode(null) } catch (e) { println('decode null', 'Error:', e.message) }
var prefixes = BGP.decode(hex(msg('02', '0000' + '0000' + '00' + '1d0a0a0a0f')))[0].body.destinations
println('prefix toString', prefixes.map(p => p.toString()).join(' '))
trip('AS_SET in wire order', { type: 'UPDATE', body: { pathAttributes: [{ name: 'AS_PATH', value: [{ 200: 1, 100: 1 }] }] } })
dec('AS_SET 200 then 100', msg('02', '0000' + '0009' + '400206' + '010200c80064'))
enc('AS_SET of a, 7 and -1', { type: 'UPDATE', body: { pathAttributes: [{ name: 'AS_PATH', value: [{ a: 1, 7: 2, '-1': 3 }] }] } })
try { pipeline($=>$.decodeBGP({ enableAS4: true, foo: 1 })) } catch (e) { println('Error:', e.message) }
try { pipeline($=>$.encodeBGP({ enable_as4: true })) } catch (e) { println('Error:', e.message) }
run('encodeBGP without options', $=>$.encodeBGP().handle(e => println(ev(e))), [new MessageStart, new MessageEnd(null, { type: 'KEEPALIVE' }), new StreamEnd])
