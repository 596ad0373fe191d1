((
  makeCounter, c1, c2, results,
) => (
  makeCounter = (start) => ((n) => (
    n = start,
    { inc: () => ++n, dec: () => --n, get: () => n }
  ))(),
  c1 = makeCounter(0),
  c2 = makeCounter(100),
  repeat(3, () => c1.inc()),
  repeat(2, () => c2.dec()),
  println('c1', c1.get(), 'c2', c2.get()),
  results = [],
  repeat(3, (i) => results.push(((x) => () => x * 10)(i))),
  println('captured', results.map((f) => f()))
))();
