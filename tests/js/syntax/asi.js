function noValue() {
  return
  42
}
println('return newline', noValue())
let a = 1
let b = 2
println('no semicolons', a + b)
const c = a
;[1, 2].forEach((x) => println('leading semicolon', x))
let d = 5
d
++b
println('++ on next line', d, b)
const obj = { f() { return 'f' } }
const r = obj
  .f()
println('method chain over lines', r)
let s = 'x'
s += 'y'
println(s)
const arr = [1, 2, 3]
const mapped = arr
  .map((n) => n * 2)
  .filter((n) => n > 2)
println('chain', mapped)
if (a) println('if no semicolon')
else println('never')
for (const x of [7]) println('for', x)
do a++; while (a < 3) println('after do-while', a)
