// line comment
/* block comment */
println('a' /* inline */ + 'b'); // trailing
/*
 * multi-line
 * println('not run');
 */
println('after multiline');
const x = 1 /* between */ + /* tokens */ 2;
println('x', x);
const url = 'http://example.com'; // slashes in strings are not comments
println(url);
const re = /\/\/not-a-comment/;
println(re.test('//not-a-comment'));
println(`template // not a comment ${/* comment in expr */ 3}`);
/**/println('empty block comment');
const y = 4 / 2 /* division then comment */ / 1;
println('y', y);
function f(/* no params */) { return 'f'; }
println(f(), f.length);
