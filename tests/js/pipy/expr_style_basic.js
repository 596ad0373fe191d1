((
  a, b, c, list, total,
) => (
  a = 10,
  b = 20,
  c = a * b,
  println('a b c', a, b, c),
  list = [a, b, c],
  total = 0,
  repeat(list, (v) => (total += v)),
  println('total', total),
  println('branch', branch(total > 200, 'big', 'small')),
  println('select', select(list.length, 3, 'three', 'other'))
))();
