// DNS.decode / DNS.encode, checked against the original (see the notes at the top of stdlib/src/dns.rs).
var hex = s => new Data(s, 'hex')
var show = v => JSON.stringify(v)
var dec = s => { try { println(show(DNS.decode(hex(s)))) } catch (e) { println('Error:', e.message) } }
var enc = o => { try { var d = DNS.encode(o); println(d === undefined ? 'undefined' : d.toString('hex')) } catch (e) { println('Error:', e.message) } }
function rec(type, rdata) { return { id: 1, answer: [{ name: 'a.b', type: type, ttl: 60, rdata: rdata }] } }

println('-- a query for example.com A')
var query = '1a2b01000001000000000000076578616d706c6503636f6d0000010001'
dec(query)

println('-- a response with A, AAAA, CNAME, MX, TXT, SOA, SRV and compressed names')
var response = 'abcd81800001000700000000' +
  '076578616d706c6503636f6d0000010001' +
  'c00c000100010000012c00045db8d822' +
  'c00c001c00010000012c001020010db8000000000000000000000001' +
  '03777777c00c000500010000012c0002c00c' +
  'c00c000f00010000012c0007000a026d78c00c' +
  'c00c001000010000012c00060568656c6c6f' +
  'c00c000600010000012c001d026e73c00c0161c00c0000000100000e1000000384000927c000000e10' +
  'c00c002100010000012c000b000a00051f900373727600'
var r = DNS.decode(hex(response))
r.answer.forEach(a => println(show(a)))
println(show(r.question), r.id, r.qr, r.rd, r.ra, r.opcode, r.authority)

println('-- other classes, flags, unknown types and PTR, NS, OPT records')
dec('0001fbff0001000300010001' + '01780000ff0003' +
  '0178000063000200000001000401020304' +
  '017800000c0001ffffffff000503666f6f00' +
  '0178000002000100000000000603626172c00c' +
  '0000290200000000000000' +
  '0000100001000000000004037a7a7a')

println('-- IPv6 text')
;['20010db8000000000000000000000001', '00000000000000000000ffff01020304', '00000000000000000000000000000000',
  'fe800000000000000000000000000000', '000000000000000000000000c0a80001', '00010002000300040005000600070008', '20010db8000100000000000100000001',
].forEach(ip => dec('000000000000000100000000' + '00' + '001c' + '0001' + '00000000' + '0010' + ip))

println('-- TXT that is not one whole character-string has no rdata')
dec('000000000000000100000000' + '0000100001000000000000')
dec('000000000000000100000000' + '000010000100000000000402616263')

println('-- malformed packets')
dec('')
dec('1a2b0100000100000000')
dec(query.substring(0, query.length - 2))
dec('1a2b01000001000000000000076578616d706c65')
dec('000000000001000000000000c00c00010001')
dec('000000000001000000000000c0ff00010001')
dec('000000000001000000000000400000010001')
dec('000000000001000000000000016100000100')
dec(response.substring(0, 90))
dec('000000000000000100000000' + '0000010001000000000003010203')
dec('000000000000000100000000' + '00001c0001000000000004010203ff')
dec('000000000000000100000000' + '00000100010000000000050102030405')
dec('000000000000000100000000' + '0000060001000000000002c0ff')
dec('000000000000000100000000' + '0000210001000000000002000a')
dec('000000000000000100000000' + '00000f000100000000000100')
dec('000000000000000100000000' + '00000500010000000000020140')
println(DNS.decode(null))
try { DNS.decode('not data') } catch (e) { println('Error:', e.message) }

println('-- encoding')
enc({ id: 0x1a2b, rd: 1, question: [{ name: 'example.com', type: 'A' }] })
enc({ id: 70000, qr: 1, opcode: 15, aa: 1, tc: 1, rd: 1, ra: 1, zero: 7, rcode: 15 })
enc({ id: 1, qr: 3, opcode: 16, rcode: 17, zero: -1 })
enc({ id: 1, question: [{ name: 'a.', type: 255, class: 3 }, { name: '', type: 'OPT' }] })
enc(rec('A', '10.0.0.1'))
enc(rec('AAAA', 'fe80::1%eth0'))
enc(rec('AAAA', '1:2:3:4:5:6:7:8'))
enc(rec('CNAME', 'c.example.'))
enc(rec('NS', 'ns1'))
enc(rec('PTR', '4.3.2.1.in-addr.arpa'))
enc(rec('TXT', 'héllo'))
enc(rec('MX', { preference: 10, exchange: 'mx' }))
enc(rec('SRV', { priority: 1, weight: 2, port: 70000, target: 'x' }))
enc(rec('SOA', { mname: 'a', rname: 'b', serial: 4294967301, refresh: 1.7, retry: -0.5, expire: 3, minimum: 4 }))
enc(rec(99, 'ABCDef'))
enc(rec(99, ''))
enc(rec(65537, 'ab'))
enc({ id: 1, answer: [{ name: 'a', type: 'A', ttl: 4294967303, rdata: '1.2.3.4', class: 255 }] })
enc(rec('CNAME', 'x'.repeat(63) + '.' + 'y'.repeat(63) + '.' + 'z'.repeat(63) + '.' + 'w'.repeat(61)))

println('-- encoding errors')
enc({})
enc([])
enc({ id: -1 })
enc({ id: NaN })
enc({ id: 1e10 })
enc({ id: '1' })
enc({ id: 1, question: [1] })
enc({ id: 1, question: [{ type: 'A' }] })
enc({ id: 1, question: [{ name: 'a..b', type: 'A' }] })
enc({ id: 1, question: [{ name: '.', type: 'A' }] })
enc({ id: 1, question: [{ name: 'a', type: 'a' }] })
enc({ id: 1, question: [{ name: 'a', type: -1 }] })
enc({ id: 1, answer: ['x'] })
enc({ id: 1, answer: [{ name: 'a', type: 'A', rdata: '1.2.3.4' }] })
enc({ id: 1, answer: [{ name: 'a', type: 'A', ttl: NaN, rdata: '1.2.3.4' }] })
enc({ id: 1, answer: [{ name: 'a', type: true, ttl: 1, rdata: '1.2.3.4' }] })
enc({ id: 1, answer: [{ name: 5, type: 'A', ttl: 1, rdata: '1.2.3.4' }] })
enc(rec('A', 5))
enc(rec('A', '1.2.3'))
enc(rec('A', '01.2.3.4'))
enc(rec('A', '256.1.1.1'))
enc(rec('A', '1.2.3.4 '))
enc(rec('AAAA', 7))
enc(rec('AAAA', '1::2::3'))
enc(rec('AAAA', '12345::'))
enc(rec('AAAA', ''))
enc(rec('CNAME', '.'))
enc(rec('CNAME', null))
enc(rec('NS', 'a..b'))
enc(rec('PTR', ''))
enc(rec('PTR', 1))
enc(rec('TXT', 1))
enc(rec('MX', { preference: 10 }))
enc(rec('MX', { exchange: 'a' }))
enc(rec('SRV', { priority: 1, weight: 2, target: 'x' }))
enc(rec('SRV', { priority: 1, weight: 2, port: 3 }))
enc(rec('SOA', { mname: 'a', rname: 'b', serial: 1, refresh: 1, retry: 1, expire: 1 }))
enc(rec('SOA', { mname: 'a', serial: 1 }))
enc(rec(99, 'abc'))
enc(rec(99, 'zz'))
enc(rec(99, 5))
enc(rec('CNAME', 'x'.repeat(253)))
println(DNS.encode(1), DNS.encode('x'), DNS.encode(undefined))
try { DNS.encode(null) } catch (e) { println('Error:', e.message) }

println('-- round trips')
;[query, response].forEach(s => {
  var once = DNS.decode(hex(s)), bytes = DNS.encode(once)
  println(show(DNS.decode(bytes)) === show(once), bytes.size)
})
var made = {
  id: 7, qr: 1, rd: 1, ra: 1, rcode: 3,
  question: [{ name: 'svc.local', type: 'SRV' }],
  answer: [{ name: 'svc.local', type: 'SRV', ttl: 5, rdata: { priority: 0, weight: 5, port: 443, target: 'host.local' } }],
  authority: [{ name: 'local', type: 'SOA', ttl: 9, rdata: { mname: 'ns.local', rname: 'admin.local', serial: 2024010101, refresh: 1, retry: 2, expire: 3, minimum: 4 } }],
  additional: [{ name: 'host.local', type: 'AAAA', class: 3, ttl: 5, rdata: '2001:db8::42' }, { name: 'host.local', type: 'TXT', ttl: 5, rdata: 'v=1' }],
}
println(show(DNS.decode(DNS.encode(made))) === show(made))
println(show(DNS.decode(DNS.encode(made))))
