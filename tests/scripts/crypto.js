// crypto.Hash and crypto.Hmac; the expected digests are the ones Node's crypto module gives for
// the same input (the sha1 line is RFC 6455's Sec-WebSocket-Accept example).
var h = new crypto.Hash('sha256'); h.update('abc'); println(h.digest('hex'))
var h1 = new crypto.Hash('sha1'); h1.update(new Data('dGhlIHNhbXBsZSBub25jZQ==')); h1.update('258EAFA5-E914-47DA-95CA-C5AB0DC85B11'); println(h1.digest('base64'))
var m = new crypto.Hmac('sha256', 'key'); m.update('The quick brown fox jumps over the lazy dog'); println(m.digest('hex'))
var d = new crypto.Hash('sha512'); d.update('6162', 'hex'); var out = d.digest(); println(out.size, out instanceof Data)
try { d.digest() } catch (e) { println(e.message) }
var m5 = new crypto.Hash('md5'); m5.update('The quick brown fox jumps over the lazy dog'); println(m5.digest('hex'))
var hm5 = new crypto.Hmac('MD5', 'key'); hm5.update('The quick brown fox '); hm5.update('jumps over the lazy dog'); println(hm5.digest('hex'))
try { new crypto.Hash('whirlpool') } catch (e) { println(e.message) }
