const e = new RangeError('r');
println('isPrototypeOf', Error.prototype.isPrototypeOf(e), RangeError.prototype.isPrototypeOf(e), TypeError.prototype.isPrototypeOf(e));
println('getPrototypeOf', Object.getPrototypeOf(e) === RangeError.prototype);
println('constructor', e.constructor === RangeError, e.constructor.name);
const fake = Object.create(TypeError.prototype);
println('created from prototype', fake instanceof TypeError, fake.name, JSON.stringify(fake.message));
println('toString of fake', String(fake));
class HttpError extends Error {
  constructor(status, msg) { super(msg); this.status = status; }
  get name() { return 'HttpError' + this.status; }
}
const h = new HttpError(404, 'not found');
println('getter name', h.name, String(h), h instanceof Error);
println('name not own', Object.hasOwn(h, 'name'));
const errs = [new Error('a'), new TypeError('b'), new HttpError(500, 'c'), 'str'];
println('classify', errs.map((x) => (x instanceof HttpError ? 'http' : x instanceof TypeError ? 'type' : x instanceof Error ? 'error' : 'other')).join(','));
