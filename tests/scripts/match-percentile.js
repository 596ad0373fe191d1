// http.Match (path patterns; the same output as the original, but for the error text) and algo.Percentile.
var m = new http.Match('/users/{id}/posts/{post}')
println(JSON.stringify(m('/users/7/posts/42')), JSON.stringify(m('/users/7/posts/42/?a=1#x')), m('/users/7/posts'), m('/users/7/posts/42/more'))
println(JSON.stringify(m({ method: 'GET', path: '/Users/8/Posts/9' })))
var files = new http.Match('/static/*')
println(JSON.stringify(files('/static/css/site.css?v=2')), files('/static'))
try { new http.Match('users') } catch (e) { println(e.message) }
var p = new algo.Percentile([10, 20, 50, 100])
for (var i = 1; i <= 100; i++) p.observe(i)
p.observe(1000)
println(p.calculate(0), p.calculate(50), p.calculate(90), p.calculate(99), p.calculate(100))
p.reset()
p.observe(5)
println(p.calculate(50), p.calculate(100))
