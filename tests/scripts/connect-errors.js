// A name that does not resolve ends the stream with CannotResolve; a port nobody listens on with
// ConnectionRefused.
pipeline($=>$
  .connect('no-such-host.invalid:80')
  .handleStreamEnd(e => println('unresolvable:', e.error))
).process(new Data('x')).then(() =>
  pipeline($=>$
    .connect('127.0.0.1:1')
    .handleStreamEnd(e => println('refused:', e.error))
  ).process(new Data('x'))
)
