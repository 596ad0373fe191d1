function loopBreak() {
  const log = [];
  for (let i = 0; i < 5; i++) {
    try {
      if (i === 2) break;
      log.push('t' + i);
    } finally {
      log.push('f' + i);
    }
  }
  return log.join(' ');
}
println('break through finally', loopBreak());
function finallyBreak() {
  for (;;) {
    try { return 'from try'; } finally { break; }
  }
  return 'after loop';
}
println('finally break cancels return', finallyBreak());
function nestedFinally() {
  const log = [];
  try {
    try { throw new Error('e'); }
    finally { log.push('inner'); }
  } catch (e) { log.push('catch ' + e.message); }
  finally { log.push('outer'); }
  return log.join(',');
}
println('nested', nestedFinally());
function catchReturnFinally() {
  let x = 1;
  try { throw 0; } catch (e) { return x; } finally { x = 2; }
}
println('return value captured before finally', catchReturnFinally());
function throwInFinally() {
  try { throw new Error('original'); } finally { throw new Error('replacement'); }
}
try { throwInFinally(); } catch (e) { println('finally throw wins', e.message); }
function labeledFinally() {
  let s = '';
  outer: for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 2; j++) {
      try { if (j === 1) continue outer; s += i + '' + j; } finally { s += '.'; }
    }
  }
  return s;
}
println('labeled continue with finally', labeledFinally());
let caughtAgain = 0;
for (const v of [1, 2, 3]) { try { throw v; } catch (e) { caughtAgain += e; } }
println('catch in loop', caughtAgain);
