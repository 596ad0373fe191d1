// split: Data cut into Messages at a separator; input message boundaries close the last piece.
var show = name => e => println(name, e.type, e.type === 'Data' ? JSON.stringify(e.toString()) : '')

pipeline($=>$.split('\r\n').handle(show('crlf')))
  .process([new Data('ab\r'), new Data('\ncd\r\n\r'), new Data('x\r\nef')])

pipeline($=>$.split(() => new Data(',')).handle(show('fn')))
  .process([new Message('a,b'), new Message('c,')])

pipeline($=>$.split('aab').handle(show('kmp')))
  .process(new Data('xaaabyaabaab'))
