// STUN.encode / STUN.decode, checked against the original (see the notes at the top of
// stdlib/src/stun.rs). The original encodes only a Binding Request and reads only
// (XOR-)MAPPED-ADDRESS; SOFTWARE, MESSAGE-INTEGRITY and FINGERPRINT are skipped unchecked.
var hex = s => new Data(s, 'hex')
var show = m => JSON.stringify(Object.assign({}, m, { transactionId: m.transactionId.toString('hex') }))
var dec = s => { try { println(show(STUN.decode(hex(s)))) } catch (e) { println('Error:', e.message) } }
var enc = o => { try { println(STUN.encode(o).toString('hex')) } catch (e) { println('Error:', e.message) } }
var tid = 'b7e7a701bc34d686fa87dfae'
var head = (type, len) => type + len + '2112a442' + tid

println('-- a Binding Request, encoded and decoded back')
var req = STUN.encode({ type: 'BindingRequest', transactionId: hex(tid) })
println(req.toString('hex'), req.size)
var back = STUN.decode(req)
println(show(back), back.transactionId instanceof Data, back.transactionId.size)
println(STUN.encode(back).toString('hex') === req.toString('hex'))
println(JSON.stringify(back))
enc({ type: 'BindingRequest', transactionId: hex('000000000000000000000000'), extra: 1 })

println('-- Binding Responses: XOR-MAPPED-ADDRESS and MAPPED-ADDRESS, IPv4 and IPv6')
dec(head('0101', '000c') + '002000080001f523ea12d547')
dec(head('0101', '000c') + '0001000800010d96c6336407')
dec(head('0101', '0018') + '0020001400022c840113a9fab7e7a701bc34d686fa87dfaf')
dec(head('0101', '0018') + '000100140002fffffe800000000000000001000200030004')

println('-- SOFTWARE (padded), XOR-MAPPED-ADDRESS, MESSAGE-INTEGRITY, FINGERPRINT')
dec(head('0101', '003c') + '80220009706970792d7374756e000000' + '0020000800013180e112a663' +
  '00080014000102030405060708090a0b0c0d0e0f10111213' + '80280004deadbeef')

println('-- the first usable address wins; unusable ones are skipped')
dec(head('0101', '0018') + '00010008000100010a000001' + '00200008000121102b12a440')
dec(head('0101', '0018') + '002000080003000101020304' + '00200008000121112b12a441')
dec(head('0101', '0018') + '002000080002000101020304' + '00010008000100040a000004')
dec(head('0101', '0014') + '0001000400010001' + '00010008000100050a000005')
dec(head('0101', '0000') + '0020000c0001a1b2c3d4')
dec(head('0101', '0008') + '802200017800000000')

println('-- attributes are read to the end of the data; the length field only has to fit')
dec(head('0101', '0000') + '00200008000121142b12a444')
dec(head('0101', '0010') + '002000080001211a2b12a44a')

println('-- a Binding Request\'s attributes are not read')
dec(head('0001', '000c') + '00200008000121152b12a445')

println('-- malformed messages')
dec('')
dec(head('0101', '0000').substring(0, 38))
dec(head('0111', '0000'))
dec(head('0002', '0000'))
dec('000100002112a443' + tid)
dec(head('0101', '0004'))
dec(head('0101', '0010') + '00200008000121142b12a444')
;[undefined, null, 1, 'abc', {}].forEach(v => { try { STUN.decode(v) } catch (e) { println('Error:', e.message) } })
try { STUN.decode() } catch (e) { println('Error:', e.message) }

println('-- what encode refuses')
enc({ type: 'BindingResponse', transactionId: hex(tid) })
enc({ type: 'bindingrequest', transactionId: hex(tid) })
enc({ type: 1, transactionId: hex(tid) })
enc({ transactionId: hex(tid) })
enc({ type: 'BindingRequest' })
enc({ type: 'BindingRequest', transactionId: tid })
enc({ type: 'BindingRequest', transactionId: hex('0102') })
enc({ type: 'BindingRequest', transactionId: hex(tid + '00') })
enc({})
enc([])
enc(null)
enc(undefined)
enc(1)
enc('BindingRequest')
try { STUN.encode() } catch (e) { println('Error:', e.message) }
