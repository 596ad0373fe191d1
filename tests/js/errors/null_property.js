// expect: uncaught
const config = { server: { port: 80 } };
println('port', config.server.port);
println('optional', config.client?.port);
println('now reading a property of undefined');
println(config.client.port);
println('never printed');
