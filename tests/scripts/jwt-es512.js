// ES512 (ECDSA P-521 with SHA-512): a token, its public key and its JWK made by Node's crypto.
var token = 'eyJhbGciOiJFUzUxMiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImFkbWluIjp0cnVlfQ.AHNCvVGzNSM3nUMIhOnxd3s-PnXr6ymjlmI5sB-bCfNmxb802_K-gE1U-dHVWGxrAYzMQlm1Yy-bvAH696sNa8t5AeGWrIaPHcVLid2uCwZnQfuxrT3QXQpYhycth9Hwv1svnoA9a84yjpnTFsUj0HywHXVSpCRUSHmjdM8jy0Yg_h6h'
var pem = '-----BEGIN PUBLIC KEY-----|MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQBq31Ftv2n3CBBx4TR3pch6MfEhqlt|+J/Wyg7FkKacLK+KQ7Vn9tmB8xF2Uj7sOwKO40bla+bbsPbV4y3g2cP24m4BDaCr|HsmY3dLoYoU7ajXADrBzNMwOWUsWVhc5M87qW0Q4EHknUHh27vLqvVBX38iXFJRm|8r914/XctoFeWCM3ZF0=|-----END PUBLIC KEY-----|'.split('|').join('\n')
var jwk = new crypto.JWK({"kty":"EC","x":"Aat9Rbb9p9wgQceE0d6XIejHxIapbfif1soOxZCmnCyvikO1Z_bZgfMRdlI-7DsCjuNG5Wvm27D21eMt4NnD9uJu","y":"AQ2gqx7JmN3S6GKFO2o1wA6wczTMDllLFlYXOTPO6ltEOBB5J1B4du7y6r1QV9_IlxSUZvK_deP13LaBXlgjN2Rd","crv":"P-521"})
var jwt = new crypto.JWT(token)
println(jwt.isValid, jwt.header.alg, JSON.stringify(jwt.payload))
println(jwt.verify(new crypto.PublicKey(pem)), jwt.verify(jwk))
var forged = new crypto.JWT(token.replace('.eyJ', '.eyJ').split('.').map((p, i) => i == 1 ? p.replace('Q', 'R') : p).join('.'))
println(forged.verify(jwk))
