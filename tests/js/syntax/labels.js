const found = [];
outer: for (let i = 0; i < 4; i++) {
  for (let j = 0; j < 4; j++) {
    if (j === 2) continue outer;
    if (i === 3) break outer;
    found.push(i + '' + j);
  }
}
println('labeled continue/break', found);
let n = 0;
loop1: while (true) {
  loop2: do {
    n++;
    if (n > 5) break loop1;
  } while (true);
}
println('while labels', n);
block: {
  println('in block');
  if (n) break block;
  println('not printed');
}
println('after block');
let res = [];
a: for (const x of [1, 2, 3]) {
  b: for (const y of ['a', 'b']) {
    if (x === 2) continue a;
    res.push(x + y);
  }
}
println('for-of labels', res);
sw: switch (1) {
  case 1:
    for (;;) break sw;
}
println('break switch label');
