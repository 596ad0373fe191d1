class Account {
  #balance = 0;
  static #count = 0;
  constructor(initial) { this.#balance = initial; Account.#count++; }
  deposit(n) { this.#validate(n); this.#balance += n; return this.#balance; }
  #validate(n) { if (n <= 0) throw new Error('invalid amount'); }
  get balance() { return this.#balance; }
  static count() { return Account.#count; }
  static isAccount(o) { return #balance in o; }
  equals(other) { return this.#balance === other.#balance; }
  get #secret() { return 'secret:' + this.#balance; }
  reveal() { return this.#secret; }
}
const acc = new Account(10);
println('deposit', acc.deposit(5));
println('getter', acc.balance);
try { acc.deposit(-1); } catch (e) { println('private method throws', e.message); }
println('static private', Account.count(), new Account(1) && Account.count());
println('brand check', Account.isAccount(acc), Account.isAccount({}));
println('not in keys', Object.keys(acc).length, JSON.stringify(acc));
println('equals', acc.equals(new Account(15)), acc.equals(new Account(1)));
println('private getter', acc.reveal());
try { Account.prototype.equals.call(acc, {}); } catch (e) { println('foreign object', e instanceof TypeError); }
class Sub extends Account { peek() { return this.balance; } }
println('subclass', new Sub(7).peek(), Account.isAccount(new Sub(1)));
class SameName { #x = 'a'; x = 'b'; both() { return this.#x + this.x; } }
println('same name', new SameName().both());
