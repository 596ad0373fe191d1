((
  state, input, transitions, log, step,
) => (
  state = 'idle',
  log = [],
  transitions = (s, ev) => select(s,
    'idle', () => select(ev, 'start', 'running', s),
    'running', () => select(ev, 'pause', 'paused', 'stop', 'idle', s),
    'paused', () => select(ev, 'resume', 'running', 'stop', 'idle', s),
    () => 'error'
  ),
  input = ['start', 'pause', 'bogus', 'resume', 'stop', 'stop', 'start'],
  step = (ev) => (state = transitions(state, ev), log.push(ev + '->' + state)),
  repeat(input, step),
  repeat(log, (l, i) => println(i, l)),
  println('final', state)
))();
