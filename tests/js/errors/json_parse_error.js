// expect: uncaught
const good = JSON.parse('{"ok":true}');
println('good', good.ok);
const inputs = ['[1,2]', '"s"', '{broken'];
for (const s of inputs) {
  println('parsing', s);
  println('->', JSON.stringify(JSON.parse(s)));
}
