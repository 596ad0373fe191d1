// crypto.Sign and crypto.Verify with a P-521 key (ECDSA with SHA-256/384/512, DER signatures)
// against Node's crypto. tests/js/sign-p521.txt holds what tests/js/sign-p521.mjs printed with
// Node: the key (PKCS#8, SEC1, public), the messages and Node's signatures; each verifies here.
// Then this signs every message with every hash and both key forms: each verifies here, and with
// SIGN_P521_PRINT set the signatures are printed as `own` lines for Node to check
// (tests/scripts.rs::p521_signatures_made_here_verify_with_node). ECDSA is randomized, so the
// signatures are compared by verification, never by bytes.
var vectors = pipy.load('../js/sign-p521.txt').toString().split('\n').filter(l => l && l[0] !== '#')
var pems = {}, msgs = [], nodeSigs = []
vectors.forEach(l => {
  var f = l.split(' ')
  if (f[0] === 'msg') msgs[+f[1]] = f[2] === '-' ? new Data() : new Data(f[2], 'hex')
  else if (f[0] === 'node') nodeSigs.push({ hash: f[1], msg: +f[2], sig: new Data(f[3], 'hex') })
  else pems[f[0]] = l.substring(f[0].length + 1).split('|').join('\n')
})
var HASHES = ['sha256', 'sha384', 'sha512']
var pub = new crypto.PublicKey(pems.public)
var verify = (hash, msg, sig, key) => { var v = new crypto.Verify(hash); v.update(msg); return v.verify(key || pub, sig) }
var other = h => HASHES[(HASHES.indexOf(h) + 1) % 3]
var tamper = d => { var a = d.toArray(); a[20] ^= 1; return new Data(a) }

println('vectors:', msgs.length, 'messages,', nodeSigs.length, 'Node signatures')
nodeSigs.forEach(s => println(
  'node', s.hash, 'message', s.msg,
  verify(s.hash, msgs[s.msg], s.sig),
  'wrong hash', verify(other(s.hash), msgs[s.msg], s.sig),
  'other message', verify(s.hash, msgs[(s.msg + 1) % msgs.length], s.sig),
  'tampered', verify(s.hash, msgs[s.msg], tamper(s.sig)),
))

var show = !!os.env.SIGN_P521_PRINT
var hexOf = d => d.size ? d.toString('hex') : '-'
;['pkcs8', 'sec1'].forEach(form => {
  var key = new crypto.PrivateKey(pems[form])
  HASHES.forEach(hash => {
    var ok = msgs.map((msg, i) => {
      var s = new crypto.Sign(hash)
      // Fed in two pieces; the signature is over the whole message.
      var a = msg.toArray()
      s.update(new Data(a.slice(0, 5))); s.update(new Data(a.slice(5)))
      var sig = s.sign(key)
      if (show) println('own', form, hash, hexOf(msg), sig.toString('hex'))
      return verify(hash, msg, sig) && !verify(other(hash), msg, sig) && sig.toArray()[0] === 0x30
    })
    println('own', form, hash, 'signatures (DER) verify here:', ok.join(' '))
  })
})
var s = new crypto.Sign('sha384'); s.update('text'); var sig64 = s.sign(new crypto.PrivateKey(pems.pkcs8), 'base64')
println('base64 signature verifies:', verify('sha384', 'text', new Data(sig64, 'base64')))
println('raw r|s is not DER:', verify('sha512', msgs[1], new Data(new Array(132).fill(1))), 'empty:', verify('sha512', msgs[1], new Data()))
println('P-256 key, P-521 signature:', verify('sha256', msgs[0], nodeSigs[0].sig, new crypto.PublicKey(
  '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAETHoHLkwmkpF1rg6E4AJuqaoo82BO\niVJfSwiEz4sRNwEwMCyuN9dV9+4Yx+vhLmL1AlU2YF1q5WNEVHw0IPN2Ug==\n-----END PUBLIC KEY-----\n')))

// Bad keys: a SEC1 key whose secret is zero, one whose DER is cut short, a public key.
var sec1 = new Data(pems.sec1.split('\n').filter(l => l && l.indexOf('-----') < 0).join(''), 'base64').toArray()
var pem = (label, arr) => '-----BEGIN ' + label + '-----\n' + new Data(arr).toString('base64') + '\n-----END ' + label + '-----\n'
var zero = sec1.slice(); for (var i = 8; i < 8 + 66; i++) zero[i] = 0
var trySign = (what, k) => {
  try { var s = new crypto.Sign('sha512'); s.update('x'); s.sign(typeof k === 'string' ? new crypto.PrivateKey(k) : k); println(what, 'signed?') }
  catch (e) { println(what + ':', e.message) }
}
trySign('zero secret', pem('EC PRIVATE KEY', zero))
trySign('cut short', pem('EC PRIVATE KEY', sec1.slice(0, 40)))
trySign('public key', pub)
