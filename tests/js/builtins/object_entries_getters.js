let calls = 0;
const o = {
  plain: 1,
  get computed() { calls++; return 'c' + calls; },
};
Object.defineProperty(o, 'hidden', { get() { return 'h'; }, enumerable: false });
println('keys', Object.keys(o));
println('values call getter', Object.values(o), calls);
println('entries call getter', JSON.stringify(Object.entries(o)), calls);
println('spread calls getter', JSON.stringify({ ...o }), calls);
println('JSON calls getter', JSON.stringify(o), calls);
println('hidden via direct access', o.hidden);
const proto = { get inherited() { return 'inh'; } };
const child = Object.create(proto);
println('inherited getter not own', Object.keys(child).length, child.inherited);
const counter = Object.defineProperty({}, 'n', { get: (() => { let i = 0; return () => ++i; })(), enumerable: true });
println('getter each access', counter.n, counter.n, Object.values(counter)[0]);
