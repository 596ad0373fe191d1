// expect: uncaught
const account = {
  _balance: 100,
  get balance() { if (this._balance < 0) throw new RangeError('overdrawn'); return this._balance; },
};
println('balance', account.balance);
account._balance -= 150;
println('after withdrawal', account._balance);
println('reading balance');
println(account.balance);
