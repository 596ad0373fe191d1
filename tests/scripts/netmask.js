// Netmask: IPv4 and IPv6 blocks, membership, iteration, errors.
var show = n => println(n.toString(), 'v' + n.version, n.ip, '/' + n.bitmask, 'base', n.base, 'mask', n.mask,
  'hostmask', n.hostmask, 'broadcast', n.broadcast, 'first', n.first, 'last', n.last, 'size', n.size)
var office = new Netmask('192.168.1.77/24')
show(office)
show(new Netmask('10.0.0.0/8'))
show(new Netmask('fd00::1/126'))
println('contains', office.contains('192.168.1.200'), office.contains('192.168.2.1'), office.contains('fd00::1'), office.contains('junk'))
var small = new Netmask('172.16.0.8/30'), all = [], a
while ((a = small.next()) !== '') all.push(a)
println('next', all.join(' '))
println('decompose', JSON.stringify(office.decompose()), JSON.stringify(new Netmask('::ffff:1.2.3.4/96').decompose()))
println('toBytes', JSON.stringify(office.toBytes()))
var allow = ['10.0.0.0/8', '192.168.0.0/16'].map(c => new Netmask(c))
println('allowed', ['10.1.2.3', '8.8.8.8', '192.168.255.1'].map(ip => ip + '=' + allow.some(n => n.contains(ip))).join(' '))
;['1.2.3.4/33', 'nope', '::/129'].forEach(c => { try { new Netmask(c) } catch (e) { println('error', e.message) } })
