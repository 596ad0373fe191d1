// exec: a child process fed with the stream's Data; its stdout comes back, then a StreamEnd.
// Cases run one after another from a task (processes need the event loop).
// Output may come in any number of chunks: collect it and print at the end.
var show = name => {
  var out = ''
  return e => {
    if (e.type === 'Data') out += e.toString()
    if (e.type === 'StreamEnd') println(name, JSON.stringify(out), 'then StreamEnd', e.error || '')
  }
}
var cases = [
  () => pipeline($=>$.exec('tr a-z A-Z').handle(show('tr'))).process([new Data('hello\n'), new Data('world\n')]),
  () => pipeline($=>$.exec(['sh', '-c', 'echo "$GREETING from sh"; echo oops >&2; exit 3'], {
    env: { GREETING: 'hi', PATH: '/usr/bin:/bin' },
    onExit: (code, err) => { println('exit code', code, 'stderr', JSON.stringify(err.toString())); return new StreamEnd },
  }).handle(show('sh'))).process(new Data('')),
  () => pipeline($=>$.exec(() => "sh -c 'echo out; echo err >&2'", { stderr: true })
    .handle((out => e => {
      if (e.type === 'Data') out += e.toString()
      if (e.type === 'StreamEnd') println('both', JSON.stringify(out.split('\n').sort().join(',')))
    })(''))
  ).process(new Data('')),
  () => pipeline($=>$.exec('no-such-command-xyz').handle(show('missing'))).process(new Data('')),
]
var next = () => { var c = cases.shift(); c && c().then(next) }
pipy().task().onStart(() => { next(); return new StreamEnd })
