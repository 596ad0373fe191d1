// classes: 1M method calls on class instances (incl. a subclass with super calls
// and a getter) -- prototype lookup, `this` access, method dispatch.
function bench(name, fn) {
  let best = Infinity, sum;
  for (let r = 0; r < 5; r++) {
    const t0 = Date.now();
    const c = fn();
    const dt = Date.now() - t0;
    if (dt < best) best = dt;
    if (r === 0) sum = c; else if (c !== sum) sum = 'INCONSISTENT';
  }
  println('RESULT', name, best, sum);
}

class Counter {
  constructor(name) { this.name = name; this.count = 0; this.bytes = 0; }
  add(n) { this.count++; this.bytes += n; return this.count; }
  get average() { return this.count ? Math.floor(this.bytes / this.count) : 0; }
}

class LimitedCounter extends Counter {
  constructor(name, limit) { super(name); this.limit = limit; }
  add(n) { return super.add(n > this.limit ? this.limit : n); }
}

function work() {
  const cs = [new Counter('a'), new LimitedCounter('b', 500), new Counter('c'), new LimitedCounter('d', 100)];
  let check = 0;
  for (let i = 0; i < 1000000; i++) {
    const c = cs[i & 3];
    check += c.add(i % 1000) & 7;
  }
  for (let i = 0; i < cs.length; i++) check += cs[i].average + cs[i].count;
  return check;
}

bench('classes', work);
