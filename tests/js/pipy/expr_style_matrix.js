((
  n, m, row, out,
) => (
  n = 5,
  m = [],
  repeat(n, (i) => (
    row = [],
    repeat(n, (j) => row.push(branch(i === j, 1, j === n - 1 - i, 2, 0))),
    m.push(row)
  )),
  repeat(m, (r) => println(r.join(' '))),
  out = 0,
  repeat(m, (r) => repeat(r, (v) => (out += v))),
  println('sum', out)
))();
