// crypto.JWT, crypto.PublicKey, crypto.JWK: tokens and keys made by Node's crypto (RSA 2048,
// P-256, P-384, HMAC), checked with the right key, the wrong key, and a tampered token.
var k = {
  "rsaPem": "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAzSDlB3q/ItdA/8T9HxD0\nZr8XxgXXo1EAaWC7YGAJDKV22ZcEqmUjMFaHLInCigfUWN+b7NJvkLp3WQ3wubAN\n/cJdh/TQKEXA9aWnGp20u3L9sWQWx1bcbVdK0yp2e5oaz3JOpLESCKzKCZsbxrJp\nTgrboRqJjm9CE2FtSqlkD6Xj2nNTFcUbcy9QhlVIY1q7O3+MeLpihZk/KmSTk7s8\nWbTHr6Pf4bNsKWrXThDEjTh754poiiely9oq0S4EGI9orHfyKHT/BIoj+jSEetCj\ngNA8pGh3LqitIzjs1w8EhihY7HqSByy1sZ+1ggVTOI1u6TYaQX8phRyt3oDSvtKQ\nfwIDAQAB\n-----END PUBLIC KEY-----\n",
  "rsaPkcs1": "-----BEGIN RSA PUBLIC KEY-----\nMIIBCgKCAQEAzSDlB3q/ItdA/8T9HxD0Zr8XxgXXo1EAaWC7YGAJDKV22ZcEqmUj\nMFaHLInCigfUWN+b7NJvkLp3WQ3wubAN/cJdh/TQKEXA9aWnGp20u3L9sWQWx1bc\nbVdK0yp2e5oaz3JOpLESCKzKCZsbxrJpTgrboRqJjm9CE2FtSqlkD6Xj2nNTFcUb\ncy9QhlVIY1q7O3+MeLpihZk/KmSTk7s8WbTHr6Pf4bNsKWrXThDEjTh754poiiel\ny9oq0S4EGI9orHfyKHT/BIoj+jSEetCjgNA8pGh3LqitIzjs1w8EhihY7HqSByy1\nsZ+1ggVTOI1u6TYaQX8phRyt3oDSvtKQfwIDAQAB\n-----END RSA PUBLIC KEY-----\n",
  "rsaJwk": {
    "kty": "RSA",
    "n": "zSDlB3q_ItdA_8T9HxD0Zr8XxgXXo1EAaWC7YGAJDKV22ZcEqmUjMFaHLInCigfUWN-b7NJvkLp3WQ3wubAN_cJdh_TQKEXA9aWnGp20u3L9sWQWx1bcbVdK0yp2e5oaz3JOpLESCKzKCZsbxrJpTgrboRqJjm9CE2FtSqlkD6Xj2nNTFcUbcy9QhlVIY1q7O3-MeLpihZk_KmSTk7s8WbTHr6Pf4bNsKWrXThDEjTh754poiiely9oq0S4EGI9orHfyKHT_BIoj-jSEetCjgNA8pGh3LqitIzjs1w8EhihY7HqSByy1sZ-1ggVTOI1u6TYaQX8phRyt3oDSvtKQfw",
    "e": "AQAB"
  },
  "ecPem": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEQ0eSFpLxn9f4qIV7HKdw6ji37SWQ\n5+pbxgXU+D7cDty79FIUfh6ymST4DMEHLLCEn5fleD2t7KUXHRfJZV59cA==\n-----END PUBLIC KEY-----\n",
  "ecJwk": {
    "kty": "EC",
    "x": "Q0eSFpLxn9f4qIV7HKdw6ji37SWQ5-pbxgXU-D7cDtw",
    "y": "u_RSFH4espkk-AzBByywhJ-X5Xg9reylFx0XyWVefXA",
    "crv": "P-256"
  },
  "ec384Pem": "-----BEGIN PUBLIC KEY-----\nMHYwEAYHKoZIzj0CAQYFK4EEACIDYgAE1q03enhqaTLqF1o/5lP0AIr7mn/N5MMO\ndxYK3dxksM6UU1DjfD0+VTLiVc4jpbmm7VK3wf07ZqcPOrzMfcW30HbnqlT8YU0m\npxr/2G/0JBbo/IPcCCdH+yBh6lGHR77r\n-----END PUBLIC KEY-----\n",
  "hs256": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImFkbWluIjp0cnVlfQ.Sr2PPbAHlEX9vnT3HoT4PN2kO0UEVUb8H7_P3otEBHQ",
  "hs512": "eyJhbGciOiJIUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImFkbWluIjp0cnVlfQ.KQAz-v_IOAkOTgwARyzLXqNHeENJnINCeJev0a0DccFgf_99iyggKBxuMWORt5tVtwGc7sLZngoAzClACODkgA",
  "rs256": "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImFkbWluIjp0cnVlfQ.bbKpYQmfufTyB4bJmsClRukenp4dyn6Q9haDiOz_g9O5fZ5s8lGjRwdvgs6oGtrzt57DrOrjUMFcjZFhjevrPN5Tf-kUX6mz-icaIpvb7GcaYeUTAjrzHksBUxBp_Bm85K7HyCYJQb3EyiKVUFydD6PQoNGk57TznaKy-hHnaewCDX5h6InNVhhhoXU0Nm8rmS408mGL6NSK9JkxazhWxySTyN_Sjtml_Gy2AEj-fewhs5D_fzTqUA-juIDUC4C6PE7Y-uEN_D2NKRQVUuaAMFt4D3xsxu-byYqVh2wYC-q6BF7ozJlpw0x9t1h0dS4OVr7rq--HCwOz2KO8zevDRQ",
  "rs384": "eyJhbGciOiJSUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImFkbWluIjp0cnVlfQ.yo3RthZoYEVbAAKT-ZJY81XOFvQon6mMNnJROhl1exIs9fVqlYDjRBzRX5Xsnzwal2zcq1twGVvv-qcF5W-SP0OqrOAaekOZTL2B80uYJHOl5i_C2xpNCnid_-LENtHgXbVW6lnmdEPWZiRrINFD6BqCbRtOkUzXHoA00ZAhVCzEEAt59nLofxz9CddwoE4pcWQdvfZstOmcW3d51Xgu5gCLFBKZlqdqlAJ-_CcSemByquvyx0w_W5ZYVl4Gc_JYC19MYIISv_VOJe9asK_3ZutyyDOD3eEpnUHSqG8LqwfEDVDHJ63-RvDedQjKuIzDZU756iZKvmJWHelCaNvKDg",
  "es256": "eyJhbGciOiJFUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImFkbWluIjp0cnVlfQ.PPtBWxQvgN7O5FAetryCesrNgpYkUPaaJ4p-mYNoLdtpcE-11pph9_tBP3OCAkset6L37US7YDN03e6LkLa9YA",
  "es384": "eyJhbGciOiJFUzM4NCIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImFkbWluIjp0cnVlfQ.VEvHp_Hr85_-Xkjyco25y9HNAJYuEJq0ll9oB4hAemywI4XYxTT9jZ_f6sbGckN6A1nOVzLePizMrIl-p7rJVN8za3VMsbBZWu6NFFsQiyd3nWGGtxlh3SwHdwuKmyyy"
}

var tamper = t => t.split('.').map((s, i) => i === 1 ? s.replace(/.$/, c => c === 'A' ? 'B' : 'A') : s).join('.')
var rsa = new crypto.PublicKey(k.rsaPem)
var rsa1 = new crypto.PublicKey(k.rsaPkcs1)
var ec = new crypto.PublicKey(k.ecPem)
var ec384 = new crypto.PublicKey(new Data(k.ec384Pem))
var rsaJwk = new crypto.JWK(k.rsaJwk)
var ecJwk = new crypto.JWK(k.ecJwk)

var t = new crypto.JWT(k.rs256)
println('valid', t.isValid, 'header', JSON.stringify(t.header), 'payload', JSON.stringify(t.payload))
println('HS256 right/wrong secret/Data', new crypto.JWT(k.hs256).verify('secret'), new crypto.JWT(k.hs256).verify('nope'), new crypto.JWT(k.hs256).verify(new Data('secret')))
println('HS512', new crypto.JWT(k.hs512).verify('secret'), 'tampered', new crypto.JWT(tamper(k.hs512)).verify('secret'))
println('RS256 spki/pkcs1/jwk', t.verify(rsa), t.verify(rsa1), t.verify(rsaJwk), 'with the EC key', t.verify(ec), 'as a secret', t.verify('secret'))
println('RS384', new crypto.JWT(k.rs384).verify(rsa), 'tampered', new crypto.JWT(tamper(k.rs384)).verify(rsa))
println('ES256 pem/jwk', new crypto.JWT(k.es256).verify(ec), new crypto.JWT(k.es256).verify(ecJwk), 'P-384 key', new crypto.JWT(k.es256).verify(ec384))
println('ES384', new crypto.JWT(k.es384).verify(ec384), 'tampered', new crypto.JWT(tamper(k.es384)).verify(ec384))
println('JWK valid', rsaJwk.isValid, ecJwk.isValid, new crypto.JWK({ kty: 'RSA' }).isValid, new crypto.JWK({ kty: 'oct', k: 'c2VjcmV0' }).isValid)
println('oct JWK as HMAC key', new crypto.JWT(k.hs256).verify(new crypto.JWK({ kty: 'oct', k: 'c2VjcmV0' })))
println('not a token', new crypto.JWT('a.b').isValid, new crypto.JWT('x.y.z').isValid, new crypto.JWT('x.y.z').verify('secret'))
try { new crypto.PublicKey('no key here') } catch (e) { println('bad PEM:', e.message) }
try { t.verify(42) } catch (e) { println('bad key:', e.message) }
var byCert = new crypto.JWT('eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJjZXJ0In0.TjV2glr9HxEgh62Tuxt2PtipxJmm8ILJ9gB8_kAtUBSjJKS557AIjd3kxnfs8mEy1ZO_G5V2Gpzmc4-N8rZSXFhEBlyWWSnFPTkaKO5ez1LPnL-i1xUksiEvicLj_oPu39dA5U_MIYQrdcniZw29FyQkzdV0b7hfOynpjLWxpBFVGm9u1tIIhnTWA0W7S1oI-OMwVLw2kP-nZXEzv_7TnpDToZZm2d7HBbajU00hXNZ1hiOKnes6D_WSq2CXMxpiksUtjqJrrFtVZRDgJaTTVC4qAktsqN5ne5jip25m4qRPt72K1ERQi33C6wjLRkSFkIygqgBUdOf12mZdMpFnQQ')
println('RS256 signed by the test server key, checked with its certificate', byCert.verify(new crypto.PublicKey(pipy.load('../fixtures/tls/server.crt'))), 'and with another key', byCert.verify(ec))
