((
  inputs, parsed, errors,
) => (
  inputs = ['{"a":1}', '[1,2', '42', '"str"', '{x}'],
  parsed = [],
  errors = 0,
  repeat(inputs, (s, i) => parsed.push(
    invoke(
      () => JSON.stringify(JSON.parse(s)),
      () => (errors++, 'invalid#' + i)
    )
  )),
  println(parsed.join(' ')),
  println('errors', errors),
  println('custom message', invoke(() => { throw new Error('custom ' + inputs.length); }, (m) => m))
))();
