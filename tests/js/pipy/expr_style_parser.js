((
  src, pos, tokens, peek, next, expr, term, factor,
) => (
  src = '2 * (3 + 4) - 10 / 5',
  tokens = src.match(/\d+|[-+*\/()]/g),
  pos = 0,
  peek = () => tokens[pos],
  next = () => tokens[pos++],
  factor = () => branch(
    () => peek() === '(', () => (next(), ((v) => (next(), v))(expr())),
    () => Number(next())
  ),
  term = (v) => (
    v = factor(),
    repeat(() => select(peek(),
      '*', () => (next(), v *= factor(), undefined),
      '/', () => (next(), v /= factor(), undefined),
      true
    )),
    v
  ),
  expr = (v) => (
    v = term(),
    repeat(() => select(peek(),
      '+', () => (next(), v += term(), undefined),
      '-', () => (next(), v -= term(), undefined),
      true
    )),
    v
  ),
  println('tokens', tokens.join(' ')),
  println(src, '=', expr())
))();
