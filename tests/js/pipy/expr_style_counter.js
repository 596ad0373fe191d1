((
  counts, words, sorted,
) => (
  counts = {},
  words = 'the cat and the hat and the bat'.split(' '),
  repeat(words, (w) => (counts[w] = (counts[w] || 0) + 1)),
  sorted = Object.entries(counts).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)),
  repeat(sorted, ([w, n], i) => println(i + 1, w, n)),
  println('distinct', sorted.length)
))();
