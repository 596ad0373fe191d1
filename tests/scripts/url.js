// URL and URLSearchParams as proxy scripts use them.
var u = new URL('http://user:pw@Example.com:8080/api/../v1/items?id=7&tag=a&tag=b#frag')
println(u.protocol, u.auth, u.host, u.hostname, u.port, u.origin)
println(u.pathname, u.search, u.query, u.hash, u.path)
println(u.href)
println(u.searchParams.get('id'), JSON.stringify(u.searchParams.getAll('tag')), u.searchParams.get('none'))
println(JSON.stringify(u.searchParams.toObject()))
println(new URL('../other?x=1', 'http://h/a/b/c').href, new URL('/abs', u).href)
var p = new URLSearchParams({ q: 'a b', n: 1 })
p.set('n', 2)
println(p.toString(), new URLSearchParams('?k=%2Fpath&e=').toString())
println(URL.encodeComponent('a/b c'), URL.decodeComponent('a%2Fb%20c'))
try { new URL('not a url') } catch (e) { println(e.message) }
