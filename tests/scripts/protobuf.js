// protobuf.Message, protobuf.decode / protobuf.encode, checked against the original (see the
// notes at the top of stdlib/src/protobuf.rs). Every output line equals what the original
// (1.5.18) prints, except these, all where the original misbehaves:
// - `7a03616263 ...`: getBytes gives the Data, or null (the original: true / false).
// - the second 64-bit array line: Fixed64 and Uint64 arrays are u64 Ints (the original: i64).
// - the two lines after "packed floats": packed floats and doubles are fixed 4/8-byte values,
//   as in protobuf (the original writes varints of the bits and cannot read real ones: null).
// - `[[1,2,3],[1,3]]` and `[1.5]`: arrays of fields written unpacked (the original: []).
var show = v => (
  v === null ? 'null' : v === undefined ? 'undefined' :
  v instanceof Int ? v.type + ':' + v.toString() :
  v instanceof Data ? 'Data(' + v.toString('hex') + ')' :
  v instanceof Array ? '[' + v.map(show).join(',') + ']' :
  typeof v === 'object' ? '{' + Object.keys(v).map(k => k + ':' + show(v[k])).join(',') + '}' :
  JSON.stringify(v)
)
var hex = s => new Data(s, 'hex')
var err = f => { try { println(show(f())) } catch (e) { println('Error:', e.message) } }

println('-- every scalar setter, encoded')
var m = new protobuf.Message()
m.setInt32(1, -1).setInt64(2, -2).setUint32(3, 4294967295).setUint64(4, 5).setSint32(5, -3).setSint64(6, -4)
m.setBool(7, true).setFloat(8, 1.5).setDouble(9, 2.25).setFixed32(10, 7).setFixed64(11, 8).setSfixed32(12, -9).setSfixed64(13, -10)
m.setString(14, 'héllo').setMessage(16, new protobuf.Message().setInt32(1, 150))
var d = protobuf.encode(m)
println(d.toString('hex'))

println('-- decoded and read back')
var x = protobuf.decode(d)
println(show([x.getInt32(1), x.getInt64(2), x.getUint32(3), x.getUint64(4), x.getSint32(5), x.getSint64(6), x.getBool(7), x.getFloat(8), x.getDouble(9)]))
println(show([x.getUint32(10), x.getUint64(11), x.getInt32(12), x.getInt64(13), x.getString(14), x.getMessage(16).getInt32(1)]))
println(protobuf.encode(x).toString('hex') === d.toString('hex'))
println(show([x.getWireType(1), x.getWireType(8), x.getWireType(9), x.getWireType(14), x.getWireType(99)]))
println(show([x.getInt32(99), x.getInt64(99), x.getBool(99), x.getString(99), x.getString(1), x.getMessage(1), x.getMessage(14)]))
println(show([x.getInt32(14), x.getFloat(1), x.getSint32(1), x.getUint64(1)]))
println(JSON.stringify(m), typeof m)

println('-- bytes')
var y = new protobuf.Message().setBytes(15, new Data('abc'))
println(protobuf.encode(y).toString('hex'), show(protobuf.decode(protobuf.encode(y)).getBytes(15)), show(y.getBytes(1)))

println('-- packed arrays')
var a = new protobuf.Message()
a.setInt32Array(1, [1, -1, 300]).setSint32Array(4, [-1, 1, -300]).setFixed32Array(5, [1, 2]).setBoolArray(6, [0, 1, 2])
a.setStringArray(7, ['a', 1, null]).setBytesArray(8, [new Data('x'), 'y']).setMessageArray(9, [new protobuf.Message().setInt32(1, 1), 5])
a.setInt64Array(10, [1, -1]).setUint32Array(11, [7]).setSfixed64Array(12, [-1]).setFixed64Array(13, [3]).setSfixed32Array(14, [-2]).setUint64Array(15, [9]).setSint64Array(16, [-5])
var e = protobuf.encode(a)
println(e.toString('hex'))
var z = protobuf.decode(e)
println(show([z.getInt32Array(1), z.getSint32Array(4), z.getFixed32Array(5), z.getBoolArray(6), z.getStringArray(7), z.getBytesArray(8), z.getMessageArray(9).map(m => m.getInt32(1))]))
println(show([z.getInt64Array(10), z.getUint32Array(11), z.getSfixed64Array(12), z.getFixed64Array(13), z.getSfixed32Array(14), z.getUint64Array(15), z.getSint64Array(16)]))
println(show([z.getInt32Array(99), z.getStringArray(99), z.getWireType(1), z.getWireType(7)]))

println('-- packed floats and doubles, real protobuf layout')
var f = new protobuf.Message().setFloatArray(2, [1.5, 'x']).setDoubleArray(3, [2.5])
println(protobuf.encode(f).toString('hex'), show(protobuf.decode(protobuf.encode(f)).getFloatArray(2)), show(protobuf.decode(protobuf.encode(f)).getDoubleArray(3)))
println(show(protobuf.decode(hex('120400003fc0')).getFloatArray(2)))

println('-- fields written unpacked, and again')
var u = protobuf.decode(hex('08010802080310011003'))
println(show([u.getInt32(1), u.getWireType(1)]))
println(show([u.getInt32Array(1), u.getInt32Array(2)]))
println(protobuf.encode(u).toString('hex'))
println(protobuf.encode(protobuf.decode(hex('1003080110040802'))).toString('hex'))
println(show(protobuf.decode(hex('0d0000c03f')).getFloat(1)))
println(show(protobuf.decode(hex('0d0000c03f')).getFloatArray(1)))

println('-- malformed')
println(show([protobuf.decode(hex('08')), protobuf.decode(hex('0801120100')), protobuf.decode(hex('0b')), protobuf.decode(hex('08011501000000'))]))
println(show([protobuf.decode(hex('0a05')), protobuf.decode(hex('080115010000')), protobuf.decode(hex('0801090100'))]))
println(show([protobuf.decode(hex('08ffffffffffffffffff01')), protobuf.decode(hex('08ffffffffffffffffffff01'))]))
println(show([protobuf.decode(hex('0801100a')), protobuf.decode(hex('080112017a')) === null, protobuf.decode(hex('08010d00000000'))]))
var q = protobuf.decode(hex('0a02ff01'))
println(show([q.getMessage(1), q.getMessageArray(1), q.getInt32Array(1)]))
println(show([protobuf.decode(hex('0a01ff')).getInt32Array(1), protobuf.decode(hex('1a00')).getMessage(3)]))
println(show([protobuf.decode(null), protobuf.encode(null), protobuf.decode(hex(''))]))
err(() => m.setString(1, 5))
err(() => m.getInt32('a'))
err(() => m.setInt32(1, 'a'))
err(() => protobuf.decode('abc'))
err(() => protobuf.encode({}))
err(() => m.setBytes(1, 'abc'))
err(() => m.setMessage(1, {}))
