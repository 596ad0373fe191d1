// Prints the expected ciphertexts of tests/scripts/cipher.js with Node's crypto (OpenSSL):
//   node tests/js/cipher-vectors.mjs > tests/js/cipher-vectors.txt
// tests/scripts/cipher.out starts with exactly these lines (tests/scripts.rs checks it).
// For each algorithm and plaintext: the hex output of every update() and of final() (`-` when
// empty) fed whole and in pieces, the tag of AEADs, and the decryption of the ciphertext fed
// in pieces. The part between the "shared" markers is the same text as in cipher.js.
import crypto from 'node:crypto'

const println = (s) => console.log(s)
const bytes = (arr) => Buffer.from(arr)
const utf8 = (s) => Buffer.from(s, 'utf8')
const hex = (d) => d.toString('hex')
const fromHex = (h) => Buffer.from(h, 'hex')
const toArray = (d) => [...d]
const newCipher = (name, key, iv) => crypto.createCipheriv(name, key, iv)
const newDecipher = (name, key, iv) => crypto.createDecipheriv(name, key, iv)

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
