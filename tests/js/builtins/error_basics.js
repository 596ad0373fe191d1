const e = new Error('boom');
println('name/message', e.name, e.message);
println('String', String(e), e.toString());
println('instanceof', e instanceof Error, e instanceof Object);
const types = [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError];
for (const T of types) {
  const x = new T('msg');
  println(T.name, x.name, x.message, x instanceof T, x instanceof Error, String(x));
}
println('no message', String(new Error()), JSON.stringify(new Error().message));
println('call without new', Error('plain') instanceof Error, TypeError('t').name);
println('message coerced', new Error(42).message, typeof new Error(42).message);
println('undefined message', new Error(undefined).message === '', 'message' in new Error(undefined));
println('own message', Object.hasOwn(new Error('x'), 'message'), Object.hasOwn(new Error(), 'message'));
println('name on prototype', Object.hasOwn(new Error('x'), 'name'), Error.prototype.name);
println('message enumerable', Object.keys(new Error('x')).length);
println('proto chain', Object.getPrototypeOf(TypeError) === Error, Object.getPrototypeOf(TypeError.prototype) === Error.prototype);
