// Netlink framing (nlmsghdr): encodeNetlink and decodeNetlink byte for byte, messages packed into
// one read and split across reads, and input that is not Netlink. The header is in host byte
// order: the bytes below are a little-endian machine's.
var hex = d => d.toArray().map(b => b.toString(16).padStart(2, '0')).join('')
var show = h => `type=${h.type} flags=${h.flags} seq=${h.seq} pid=${h.pid}`

var messages = [
  // RTM_GETLINK dump request with an empty ifinfomsg: 16 + 16 bytes, no padding
  new Message({ type: 18, flags: 0x301, seq: 1, pid: 0 }, new Data(Array(16).fill(0))),
  // a 3-byte body: length 19, one byte of padding; seq as JavaScript's ToUint32 (-2 >>> 0)
  new Message({ type: 16, flags: 2, seq: -2, pid: 4242 }, new Data('lo!')),
  // seq and pid left out: 0
  new Message({ type: 3 }, new Data([1, 0, 0, 0])),
  // no body at all: the header alone
  new Message({ type: 2, flags: 0x100, seq: 7, pid: 1 }),
  // a 5-byte body: three bytes of padding
  new Message({ type: 0x1234, flags: 0xffff, seq: 0x01020304, pid: 0xfffffffe }, new Data('hello')),
]

println('-- encoded: each Message is one Message of one Data (length, type, flags, seq, pid, body, padding)')
var wire = []
pipeline($=>$.encodeNetlink().handle(e => {
  if (e.type === 'Data') { wire.push(e); println(hex(e)) } else println(e.type)
})).process(messages)

var all = new Data
wire.forEach(d => all.push(d))
var bytes = all.toArray()
var decoder = () => pipeline($=>$
  .decodeNetlink()
  .handleMessage(msg => println(show(msg.head), `body=${hex(msg.body)}`))
  .handleStreamEnd(e => println('end', e.error || ''))
)

println('-- decoded from one read (all five in one Data)')
decoder().process(new Data(bytes))

println('-- decoded from reads that pack two together and split the others anywhere')
var w = wire.map(d => d.toArray())
decoder().process([
  new Data(w[0].concat(w[1])),
  new Data(w[2].slice(0, 7)),
  new Data(w[2].slice(7).concat(w[3].slice(0, 3))),
  new Data(w[3].slice(3, 15)),
  new Data(w[3].slice(15).concat(w[4].slice(0, 17))),
  new Data(w[4].slice(17, 18)),
  new Data(w[4].slice(18)),
])

println('-- byte by byte')
decoder().process(bytes.map(b => new Data([b])))

println('-- encoded, decoded and encoded again is the same bytes')
var again = new Data
pipeline($=>$.encodeNetlink().decodeNetlink().encodeNetlink().handleData(d => again.push(d))).process(messages)
println(hex(again) === hex(all))

println('-- a length field smaller than the header')
decoder().process([new Data([8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), new Data(w[0])])

println('-- a length field larger than what arrived before the end')
var cut = w[4].slice()
cut[0] = 100
decoder().process(new Data(w[3].concat(cut)))

println('-- the end inside a header')
decoder().process(new Data(w[3].concat(w[4].slice(0, 5))))
