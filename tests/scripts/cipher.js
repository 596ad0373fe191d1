// crypto.Cipher and crypto.Decipher. The first part prints, line for line, what
// tests/js/cipher-vectors.mjs printed with Node's crypto (tests/js/cipher-vectors.txt): the
// same keys, ivs and plaintexts, fed whole and in pieces, give the same bytes from every
// update() and final(), the same tags, and decrypt back. Then the errors.
var bytes = function (arr) { return new Data(arr) }
var utf8 = function (s) { return new Data(s) }
var hex = function (d) { return d.toString('hex') }
var fromHex = function (h) { return new Data(h, 'hex') }
var toArray = function (d) { return d.toArray() }
var newCipher = function (name, key, iv) { return new crypto.Cipher(name, { key: key, iv: iv }) }
var newDecipher = function (name, key, iv) { return new crypto.Decipher(name, { key: key, iv: iv }) }

// ---- shared with tests/scripts/cipher.js (keep the two copies identical) ----
var ALGS = [
  ['aes-128-cbc', 16, 16], ['aes-192-cbc', 24, 16], ['aes-256-cbc', 32, 16],
  ['aes-128-ctr', 16, 16], ['aes-192-ctr', 24, 16], ['aes-256-ctr', 32, 16],
  ['aes-128-gcm', 16, 12], ['aes-192-gcm', 24, 12], ['aes-256-gcm', 32, 12],
  ['chacha20-poly1305', 32, 12],
]
var SIZES = [1, 15, 2, 16, 7]
var TEXT = ['héllo ', 'wörld — ', '你好 ', '🌍!']

function seq(n, a, b) { var r = []; for (var i = 0; i < n; i++) r.push((i * a + b) & 255); return r }
function split(arr) {
  var out = [], i = 0, k = 0
  while (i < arr.length) { var n = SIZES[k++ % SIZES.length]; out.push(arr.slice(i, i + n)); i += n }
  return out
}
function isAead(name) { return name.indexOf('gcm') >= 0 || name.indexOf('poly1305') >= 0 }
function show(parts) { return parts.map(function (h) { return h || '-' }).join(' ') }
function input(x) { return typeof x === 'string' ? x : bytes(x) }

function encrypt(name, key, iv, inputs, aad) {
  var c = newCipher(name, key, iv)
  if (aad) c.setAAD(bytes(aad))
  var parts = [], ct = []
  inputs.forEach(function (x) { var d = c.update(input(x)); parts.push(hex(d)); ct = ct.concat(toArray(d)) })
  var f = c.final()
  parts.push(hex(f)); ct = ct.concat(toArray(f))
  return { parts: parts, ct: ct, tag: isAead(name) ? hex(c.getAuthTag()) : '' }
}

function decrypt(name, key, iv, pieces, tag, aad) {
  var d = newDecipher(name, key, iv)
  if (aad) d.setAAD(bytes(aad))
  if (tag) d.setAuthTag(fromHex(tag))
  var parts = [], pt = []
  pieces.forEach(function (x) { var o = d.update(bytes(x)); parts.push(hex(o)); pt = pt.concat(toArray(o)) })
  var f = d.final()
  parts.push(hex(f)); pt = pt.concat(toArray(f))
  return { parts: parts, pt: pt }
}

function vector(name, key, iv, label, whole, pieces, plainHex, aad) {
  var a = encrypt(name, key, iv, whole, aad)
  var b = encrypt(name, key, iv, pieces, aad)
  var t = a.tag ? ' tag ' + a.tag : ''
  println(name + ' ' + label + ' whole: ' + show(a.parts) + t)
  println(name + ' ' + label + ' pieces: ' + show(b.parts) + (b.tag ? ' tag ' + b.tag : ''))
  var back = decrypt(name, key, iv, split(a.ct), a.tag, aad)
  var same = hex(bytes(back.pt)) === plainHex && hex(bytes(a.ct)) === hex(bytes(b.ct))
  println(name + ' ' + label + ' back: ' + show(back.parts) + (same ? ' ok' : ' MISMATCH'))
}

ALGS.forEach(function (a) {
  var name = a[0], key = bytes(seq(a[1], 7, 1)), iv = bytes(seq(a[2], 3, 160))
  ;[0, 1, 15, 16, 17, 100].forEach(function (n) {
    var p = seq(n, 13, 5)
    vector(name, key, iv, 'len' + n, n ? [p] : [], split(p), hex(bytes(p)))
  })
  vector(name, key, iv, 'utf8', [TEXT.join('')], TEXT, hex(utf8(TEXT.join(''))))
  if (isAead(name)) {
    var p = seq(17, 13, 5)
    vector(name, key, iv, 'aad', [p], split(p), hex(bytes(p)), seq(20, 5, 9))
  }
})
vector('aes-256-cbc', '0123456789abcdef0123456789abcdef', 'abcdefghijklmnop', 'strkey',
  ['The quick brown fox jumps over the lazy dog'], ['The quick ', 'brown fox jumps over the lazy dog'],
  hex(utf8('The quick brown fox jumps over the lazy dog')))
// ---- end of the shared part ----

function attempt(what, f) {
  try { f(); println(what + ': no error') } catch (e) { println(what + ': ' + e.name + ': ' + e.message) }
}
var k16 = bytes(seq(16, 7, 1)), k32 = bytes(seq(32, 7, 1)), iv16 = bytes(seq(16, 3, 160)), iv12 = bytes(seq(12, 3, 160))
var gcm = encrypt('aes-128-gcm', k16, iv12, ['attack at dawn'])
var wrong = gcm.tag.slice(0, 30) + (gcm.tag.slice(30) === '00' ? '01' : '00')
attempt('gcm wrong tag', function () { decrypt('aes-128-gcm', k16, iv12, [gcm.ct], wrong) })
attempt('gcm no tag', function () { decrypt('aes-128-gcm', k16, iv12, [gcm.ct], '') })
attempt('gcm short tag ok', function () { decrypt('aes-128-gcm', k16, iv12, [gcm.ct], gcm.tag.slice(0, 24)) })
attempt('gcm tag of 3 bytes', function () { decrypt('aes-128-gcm', k16, iv12, [gcm.ct], gcm.tag.slice(0, 6)) })
var flipped = gcm.ct.slice(); flipped[0] ^= 1
attempt('gcm changed ciphertext', function () { decrypt('aes-128-gcm', k16, iv12, [flipped], gcm.tag) })
attempt('gcm other aad', function () { decrypt('aes-128-gcm', k16, iv12, [gcm.ct], gcm.tag, [1]) })
var cc = encrypt('chacha20-poly1305', k32, iv12, ['attack at dawn'])
attempt('chacha20-poly1305 wrong tag', function () { decrypt('chacha20-poly1305', k32, iv12, [cc.ct], '00' + cc.tag.slice(2)) })
var cbc = encrypt('aes-128-cbc', k16, iv16, ['attack at dawn'])
attempt('cbc wrong key', function () { decrypt('aes-128-cbc', bytes(seq(16, 1, 0)), iv16, [cbc.ct]) })
var bad = cbc.ct.slice(); bad[bad.length - 1] ^= 0x40
attempt('cbc bad padding', function () { decrypt('aes-128-cbc', k16, iv16, [bad]) })
attempt('cbc truncated', function () { decrypt('aes-128-cbc', k16, iv16, [cbc.ct.slice(0, 15)]) })
attempt('cbc empty', function () { decrypt('aes-128-cbc', k16, iv16, []) })
attempt('short key', function () { newCipher('aes-256-cbc', k16, iv16) })
attempt('long key', function () { newDecipher('chacha20-poly1305', bytes(seq(33, 1, 0)), iv12) })
attempt('wrong iv', function () { newCipher('aes-128-gcm', k16, iv16) })
attempt('no key', function () { new crypto.Cipher('aes-128-ctr', { iv: iv16 }) })
attempt('no options', function () { new crypto.Cipher('aes-128-ctr') })
attempt('unknown', function () { newCipher('des-ede3-cbc', k16, iv16) })
attempt('number data', function () { newCipher('aes-128-ctr', k16, iv16).update(42) })
attempt('update after final', function () { var c = newCipher('aes-128-ctr', k16, iv16); c.final(); c.update('x') })
attempt('final twice', function () { var c = newCipher('aes-128-cbc', k16, iv16); c.final(); c.final() })
attempt('tag before final', function () { var c = newCipher('aes-128-gcm', k16, iv12); c.update('x'); c.getAuthTag() })
attempt('tag of cbc', function () { var c = newCipher('aes-128-cbc', k16, iv16); c.final(); c.getAuthTag() })
attempt('aad after update', function () { var c = newCipher('aes-256-gcm', k32, iv12); c.update('x'); c.setAAD('y') })
var upper = encrypt('AES-128-CBC', k16, iv16, ['attack at dawn'])
println('names are case-insensitive:', hex(bytes(upper.ct)) === hex(bytes(cbc.ct)))
var zero = encrypt('aes-128-ctr', k16, bytes(seq(16, 0, 0)), ['attack at dawn'])
var noIv = new crypto.Cipher('aes-128-ctr', { key: k16 })
println('no iv is all zeros:', hex(noIv.update('attack at dawn')) === hex(bytes(zero.ct)))
var c = newCipher('aes-128-cbc', k16, iv16)
println('update and final give Data:', c.update('abc') instanceof Data, c.final() instanceof Data)
