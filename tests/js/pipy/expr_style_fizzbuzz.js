((
  out,
) => (
  out = [],
  repeat(20, (i) => (
    i = i + 1,
    out.push(branch(
      i % 15 === 0, 'FizzBuzz',
      i % 3 === 0, 'Fizz',
      i % 5 === 0, 'Buzz',
      i
    ))
  )),
  println(out.join(' ')),
  println('count fizz', out.filter((x) => x === 'Fizz').length)
))();
