// Hessian.decode / Hessian.encode, checked against the original (see the notes at the top of
// stdlib/src/hessian.rs). Every output line equals what the original (1.5.18) prints, except
// these, all where the original misbehaves:
// - `5efc18`, `5e8000`, `5eff7f`: x5e doubles keep their sign (the original: 64536, 32768, 65407).
// - the `59...` lines: `Y` longs decode as i64 Ints (the original: i32, so its round trip fails).
// - `4afffffffffffffc18`: a negative date (the original: 18446744073709551616).
// - every line of an `X` list (`58...`): the original cannot decode `X` ([] and false).
// - `4305636f6d2e5a910161605c` ({a: 1} written inline): the original writes no fields.
// - the 18-class line and `...4f909101785d02`: `O` decodes (the original reads the first field
//   as a length, so gives undefined and drops a field).
// - the references lines: the original decodes no `Q` and numbers nested references in the order
//   collections end (it writes `...5190` for the last one).
// - the last section: the original crashes on a class without fields (and recurses without end
//   on a list holding itself).
var show = v => (
  v === null ? 'null' : v === undefined ? 'undefined' :
  v instanceof Int ? v.type + ':' + v.toString() :
  v instanceof Date ? 'Date(' + v.getTime() + ')' :
  v instanceof Data ? 'Data(' + v.toString('hex') + ')' :
  v instanceof Array ? '[' + v.map(show).join(',') + ']' :
  typeof v === 'object' ? '{' + Object.keys(v).map(k => k + ':' + show(v[k])).join(',') + '}' :
  JSON.stringify(v)
)
var hex = s => new Data(s, 'hex')
var enc = v => { try { println(Hessian.encode(v).toString('hex')) } catch (e) { println('Error:', e.message) } }
var dec = s => { try { println(s, '=>', show(Hessian.decode(hex(s)))) } catch (e) { println('Error:', e.message) } }
var trip = v => { var d = Hessian.encode(v); var r = Hessian.decode(d); println(d.toString('hex'), '=>', show(r), Hessian.encode(r).toString('hex') === d.toString('hex')) }
var fields = o => { var e = {}; Object.keys(o).forEach(k => e[k] = o[k]); return e }

println('-- null, booleans, numbers as doubles')
enc([null, true, false, undefined])
enc([0, 1, -1, 127, 128, -128, -129, 32767, -32768, 32768, -32769, 1.5, 0.1, -0, 1e10, 2147483648])
enc([NaN, Infinity, -Infinity])
trip([0, 1, -5, 100, 1000, 1.5, 70000, 123456.5, -2.5])
trip(-1000)

println('-- ints and longs')
trip([new Int('i32', 0), new Int('i32', -16), new Int('i32', 47), new Int('i32', 48), new Int('i32', -2048), new Int('i32', 2047)])
trip([new Int('i32', 2048), new Int('i32', -262144), new Int('i32', 262143), new Int('i32', 262144), new Int('i32', -2147483648), new Int('i32', 2147483647)])
trip([new Int(0), new Int(-8), new Int(15), new Int(16), new Int(-2048), new Int(2047), new Int(2048), new Int(-262144), new Int(262143)])
trip([new Int(2147483648), new Int('-9223372036854775808'), new Int('9223372036854775807')])
trip([new Int(262144), new Int(-2147483648), new Int(2147483647)])
enc([new Int('u32', 4294967295), new Int('i8', 200), new Int('u64', -1)])
dec('59000000ff')
dec('5980000000')

println('-- strings')
trip(['', 'hello', 'héllo', '😀', 'a😀b'])
var rep = (s, n) => { var r = ''; for (var i = 0; i < n; i++) r += s; return r }
var s31 = rep('x', 31), s32 = rep('y', 32), s1023 = rep('é', 1023)
trip([s31]); trip([s32])
var d = Hessian.encode(s1023); println(d.size, d.toString('hex').substring(0, 10), Hessian.decode(d)[0] === s1023)
var long = rep('abababababababababab', 4000), d2 = Hessian.encode(long)
println(d2.size, d2.toString('hex').substring(0, 10), Hessian.decode(d2)[0] === long)
dec('520002686953000121')
dec('52000161520001625300016330')

println('-- binary')
trip([new Data(''), new Data('abc'), new Data('0123456789abcde'), new Data('0123456789abcdef')])
var b = new Data(rep('zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz', 33)), b2 = Hessian.encode(b)
println(b2.size, b2.toString('hex').substring(0, 10), Hessian.decode(b2)[0].toString() === b.toString())
var big = new Data(rep('qqqqqqqqqq', 7000)), b3 = Hessian.encode(big)
println(b3.size, b3.toString('hex').substring(0, 10), Hessian.decode(b3)[0].size)
dec('4100016142000162')

println('-- dates')
trip([new Date(1700000000000), new Date(0)])
dec('4b00000001')
enc(new Date(-1000))
dec('4afffffffffffffc18')

println('-- doubles')
dec('5b5c5dff5d7f5e7fff5f3fc00000443ff8000000000000')
dec('5e8000')
dec('5eff7f')

println('-- lists')
trip({ kind: 'list', elements: [1, 'a'] })
trip({ kind: 'list', type: 'T', elements: [new Int('i32', 1), 'a'] })
trip([{ kind: 'list', type: 'T', elements: [] }, { kind: 'list', type: 'T', elements: [true] }, { kind: 'list', type: 'U' }])
trip({ kind: 'list', elements: [{ kind: 'list', elements: [null] }, [1, 2]] })
trip({ kind: 'bogus', elements: [1] })
trip({ a: 1 })
dec('57905a')
dec('5792915a')
dec('789091')
dec('7a9091')
dec('55015490915a')
dec('560154929091')
dec('7201549091')
dec('56015490569091')
dec('5892909192')
dec('5890')

println('-- maps')
trip({ kind: 'map', elements: [['a', 1], ['b', { kind: 'map', type: 'M', elements: [[new Int('i32', 1), null]] }]] })
trip([{ kind: 'map', type: 'M', elements: [] }, { kind: 'map', type: 'M' }])
enc([{ kind: 'map', elements: [['a', 1], 5, ['b', 2]] }, 7])
enc([{ kind: 'map', elements: [['a'], ['b', 2, 3]] }])
dec('4801615c5a')
dec('4d014d01615c5a')
dec('48905a')

println('-- objects')
var e1 = fields({ a: new Int('i32', 1), b: 'x' }), e2 = fields({ a: new Int('i32', 2), b: 'y' })
trip([{ kind: 'object', type: 'com.X', elements: e1 }, { kind: 'object', type: 'com.X', elements: e2 }])
enc({ kind: 'object', type: 'com.Y' })
enc([1, { kind: 'object', elements: e1 }, 2])
enc([1, { kind: 'class_def', elements: ['a'] }, 2])
enc({ kind: 'object', type: 'com.Z', elements: { a: 1 } })
var many = []; for (var i = 0; i < 18; i++) many.push({ kind: 'object', type: 'T' + i, elements: fields({ v: new Int('i32', i) }) })
var m = Hessian.encode(many); println(m.toString('hex').substring(m.size * 2 - 40), show(Hessian.decode(m)[17]))
dec('4305636f6d2e589201610162609101785d02')
dec('4305636f6d2e5892016101624f909101785d02')

println('-- references')
var l = { kind: 'list', elements: [new Int('i32', 1)] }
trip([l, l])
var outer = { kind: 'list', elements: [l, l] }
enc(outer)
var r = Hessian.decode(Hessian.encode(outer))[0]; println(r ? r.elements[0] === r.elements[1] : 'undefined')
dec('5790905a5190')
dec('57905a5151')

println('-- malformed and cut-short input')
dec('')
dec('909149')
dec('9091490000')
dec('0568656c')
dec('5a')
dec('40')
dec('45')
dec('4d90')
dec('4f90')
dec('5792')
dec('3005')
dec('7f')
dec('4305636f6d2e58920161016260')
dec('c9')
dec('4c0000')
println(Hessian.decode(null))
try { Hessian.decode('abc') } catch (e) { println('Error:', e.message) }

println('-- an object of a class with no fields (the original crashes here)')
trip({ kind: 'object', type: 'com.Y' })
var self = { kind: 'list', elements: [] }; self.elements.push(self)
enc(self)
var c = Hessian.decode(Hessian.encode(self))[0]; println(c.elements[0] === c)
