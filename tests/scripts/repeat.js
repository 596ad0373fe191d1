// repeat(condition).to(sub): the recorded input runs through fresh sub-pipelines while the
// condition (given the StreamEnd) holds; a Promise is waited for.
var $round = 0
var $ends = []

pipeline($=>$
  .repeat(end => ($ends.push(`${end.type} after round ${$round}`), $round < 3)).to($=>$
    .onStart(() => void $round++)
    .replaceData(d => new Data(`${d} #${$round}`))
  )
  .handle(e => println('out', e.type, e.type === 'Data' ? e.toString() : ''))
  .handleStreamEnd(() => println('condition saw:', $ends.join(', ')))
).process([new Data('a'), new Data('b')])

// The condition may return a Promise.
var $tries = 0
pipeline($=>$
  .repeat(() => Promise.resolve(++$tries < 2)).to($=>$.replaceData(d => new Data(`${d} try ${$tries}`)))
  .handle(e => println('async', e.type, e.type === 'Data' ? e.toString() : ''))
).process(new Data('c'))

// Configuration-time repeat still works.
pipeline($=>$
  .repeat(2, ($, i) => $.replaceData(d => new Data(d + i)))
  .handleData(d => println('config-time repeat:', d.toString()))
).process(new Data('x'))
