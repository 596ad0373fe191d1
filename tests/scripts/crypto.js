// crypto.Hash and crypto.Hmac; the expected digests are the ones Node's crypto module gives for
// the same input (the sha1 line is RFC 6455's Sec-WebSocket-Accept example).
var h = new crypto.Hash('sha256'); h.update('abc'); println(h.digest('hex'))
var h1 = new crypto.Hash('sha1'); h1.update(new Data('dGhlIHNhbXBsZSBub25jZQ==')); h1.update('258EAFA5-E914-47DA-95CA-C5AB0DC85B11'); println(h1.digest('base64'))
var m = new crypto.Hmac('sha256', 'key'); m.update('The quick brown fox jumps over the lazy dog'); println(m.digest('hex'))
var d = new crypto.Hash('sha512'); d.update('6162', 'hex'); var out = d.digest(); println(out.size, out instanceof Data)
try { d.digest() } catch (e) { println(e.message) }
try { new crypto.Hash('md5') } catch (e) { println(e.message) }
