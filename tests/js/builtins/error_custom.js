class ValidationError extends Error {
  constructor(field, msg) { super(msg); this.name = 'ValidationError'; this.field = field; }
}
class RequiredError extends ValidationError {
  constructor(field) { super(field, field + ' is required'); this.name = 'RequiredError'; }
}
try { throw new RequiredError('email'); } catch (e) {
  println('caught', e.name, e.message, e.field);
  println('instanceof chain', e instanceof RequiredError, e instanceof ValidationError, e instanceof Error);
  println('String', String(e));
}
class NoName extends Error {}
println('inherited name', new NoName('x').name, String(new NoName('x')), new NoName('y').constructor.name);
class ProtoName extends Error {}
ProtoName.prototype.name = 'ProtoName';
println('prototype name', String(new ProtoName('z')));
const plain = new Error('p');
plain.name = 'Renamed';
println('renamed', String(plain));
const custom = { name: 'Custom', message: 'obj' };
println('toString generic', Error.prototype.toString.call(custom));
println('empty name', Error.prototype.toString.call({ name: '', message: 'm' }), Error.prototype.toString.call({ message: '' }));
println('name only', Error.prototype.toString.call({ name: 'N', message: '' }));
function OldStyle(msg) { this.message = msg; }
OldStyle.prototype = Object.create(Error.prototype);
OldStyle.prototype.name = 'OldStyle';
println('old style', String(new OldStyle('legacy')), new OldStyle('l') instanceof Error);
