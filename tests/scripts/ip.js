// IP, IPEndpoint and IPMask (checked against the original; its IPMask has no toString).
var a = new IP('192.168.1.20'), b = new IP('2001:db8::1'), c = new IP([10, 0, 0, 1])
println(a.version, a.toString(), a.toBytes().join('.'), a.decompose().join(' '))
println(b.version, b.toString(), b.decompose().join(' '), b.toBytes().length)
println(c.toString(), new IP([32, 1, 13, 184, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]).toString())
println(IP.isV4('1.2.3.4'), IP.isV4('1.2.3'), IP.isV6('::ffff:1.2.3.4'), IP.isV6('1.2.3.4'))
try { new IP('not an address') } catch (e) { println(e.message) }
var e = new IPEndpoint('127.0.0.1', 8080), u = new IPEndpoint(b, 53, 'udp'), n = new IPEndpoint('10.1.1.1')
println(e.ip.toString(), e.port, e.protocol, u.ip.toString(), u.port, u.protocol, n.port, n.protocol)
try { new IPEndpoint('127.0.0.1', 70000) } catch (e) { println(e.message) }
var m = new IPMask('10.1.0.0/16'), m2 = new IPMask(24, [192, 168, 7, 0])
println(m.base, m.size, m.contains('10.1.200.3'), m2.toString(), m2.broadcast, m2.contains('192.168.8.1'))
