// onStart feeds a pipeline its first events (a function gets the start arguments); onEnd runs
// when the instance goes away; pipy.read streams a file through a pipeline.
var p = pipeline($=>$
  .onStart(name => [new Message(`hello ${name}`), new StreamEnd])
  .onEnd(() => println('ended'))
  .handleMessage(m => println(m.body.toString()))
)
p.spawn('world')

pipy.read('on-start-end.txt', $=>$
  .handleData(d => println('read', d.size, 'bytes:', d.toString().trim()))
  .handleStreamEnd(() => println('end of file'))
)
