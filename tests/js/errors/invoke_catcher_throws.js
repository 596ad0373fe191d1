// expect: uncaught
println('invoke with recovering catcher:', invoke(() => { throw new Error('soft'); }, (m) => 'recovered ' + m));
println('invoke with rethrowing catcher next');
invoke(() => { throw new Error('hard'); }, (m) => { throw new Error('catcher gave up on ' + m); });
println('never printed');
