// RESP.decode/encode (as decodeRESP/encodeRESP) and zlib.deflate/inflate/gzip/gunzip.
var bytes = new Data('*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n+OK\r\n:42\r\n-ERR bad\r\n$-1\r\n*1\r\n$2\r\nhi')
var values = RESP.decode(bytes)
println(values.length, values[0].map(d => d.toString()).join(' '), values[1], values[2], values[3].message, values[4])
println(JSON.stringify(RESP.encode(['SET', new Data('k'), 7, null]).toString()))
println(RESP.decode(RESP.encode(new Data('round trip')))[0].toString())
var text = new Data('hello hello hello hello hello hello hello hello\n')
var z = zlib.deflate(text), g = zlib.gzip(text)
println(z.size < text.size, g.size < text.size, zlib.inflate(z).toString() == text.toString(), zlib.gunzip(g).toString() == text.toString())
println(zlib.deflate(null), RESP.decode(null))
try { zlib.inflate(new Data('not deflated')) } catch (e) { println(e.message.startsWith('inflate() failed')) }
