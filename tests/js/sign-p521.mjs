// crypto.Sign/Verify with P-521 (ECDSA, DER signatures) against Node's crypto (OpenSSL).
//   node tests/js/sign-p521.mjs > tests/js/sign-p521.txt
// prints a fixed P-521 key (PKCS#8, SEC1 and its public key, as PEM with `|` for newlines), the
// messages (hex, `-` for empty) and Node's signature of each message with each hash (DER, hex):
// tests/scripts/sign-p521.js verifies these with crypto.Verify.
//   node tests/js/sign-p521.mjs verify < lines
// reads the `own <form> <hash> <message hex> <signature hex>` lines that sign-p521.js prints
// when SIGN_P521_PRINT is set (signatures made with crypto.Sign) and verifies each with Node's
// crypto.verify: prints `verified N`, or the lines that fail and exits with 1
// (tests/scripts.rs::p521_signatures_made_here_verify_with_node runs this).
import crypto from 'node:crypto'
import fs from 'node:fs'

const PKCS8 = `-----BEGIN PRIVATE KEY-----
MIHuAgEAMBAGByqGSM49AgEGBSuBBAAjBIHWMIHTAgEBBEIA49NLcQxy04SKyomp
RWhpfc9ZE5qZ00/q0mmdYPKh7ARgGFVOYNJpq+KTpYJfcxb1MujQyQeSBP5/6q5W
jlS8viuhgYkDgYYABAE7drV1wbO2sTEk4LAbJd5Or2Z9pthMDJOrw2KpQQPq9fvr
Y8Sl6g29AnScTxj+tLxlECW/J7ZLj70d+LGp/20ygQG6n+KUTfnO/JtOkXRtgwI1
QLA18maBluHgj63QtAMuc4wuDM5qv6zgidsRA1dpgO7kKBcq+HNiB3KH4+xwC3v+
jw==
-----END PRIVATE KEY-----
`
const HASHES = ['sha256', 'sha384', 'sha512']
const MESSAGES = [
  Buffer.alloc(0),
  Buffer.from('GET /api/users 1700000000'),
  Buffer.from('héllo wörld — 你好 🌍'),
  Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7 + 3) & 255)),
]

const key = crypto.createPrivateKey(PKCS8)
const pub = crypto.createPublicKey(key)
const oneLine = (pem) => pem.split('\n').join('|')
const hex = (b) => (b.length ? b.toString('hex') : '-')

if (process.argv[2] === 'verify') {
  const lines = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.startsWith('own '))
  const bad = lines.filter((l) => {
    const [, , hash, msg, sig] = l.split(' ')
    const data = Buffer.from(msg === '-' ? '' : msg, 'hex')
    return !crypto.verify(hash, data, pub, Buffer.from(sig, 'hex'))
  })
  if (bad.length) {
    bad.forEach((l) => console.log('FAILED', l))
    process.exit(1)
  }
  console.log('verified', lines.length)
} else {
  console.log('# ' + process.argv.slice(1).join(' ').replace(/.*\/tests\//, 'tests/') + ' (Node ' + process.version + ')')
  console.log('pkcs8 ' + oneLine(key.export({ type: 'pkcs8', format: 'pem' })))
  console.log('sec1 ' + oneLine(key.export({ type: 'sec1', format: 'pem' })))
  console.log('public ' + oneLine(pub.export({ type: 'spki', format: 'pem' })))
  MESSAGES.forEach((m, i) => console.log('msg ' + i + ' ' + hex(m)))
  for (const hash of HASHES) {
    MESSAGES.forEach((m, i) => {
      const s = crypto.createSign(hash)
      s.update(m)
      console.log('node ' + hash + ' ' + i + ' ' + s.sign(key).toString('hex'))
    })
  }
}
