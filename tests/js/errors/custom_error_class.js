// expect: uncaught
class ValidationError extends Error {
  constructor(field) { super(`${field} is invalid`); this.name = 'ValidationError'; this.field = field; }
}
function validate(user) {
  println('validating', JSON.stringify(user));
  if (!user.email) throw new ValidationError('email');
  return true;
}
println('valid', validate({ email: 'a@b.c' }));
validate({ name: 'no email' });
