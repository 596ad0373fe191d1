// expect: uncaught
const api = { run() { return 'ran'; }, version: 2 };
println(api.run());
println('version', api.version);
println('calling a number');
api.version();
println('never printed');
