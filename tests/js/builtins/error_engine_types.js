const cases = [
  ['null property', () => null.x],
  ['undefined call', () => undefined()],
  ['not a function', () => ({}).nope()],
  ['undeclared', () => notDefinedAnywhere],
  ['bad array length', () => new Array(-5)],
  ['toFixed range', () => (1).toFixed(200)],
  ['bad JSON', () => JSON.parse('{')],
  ['bad regex', () => new RegExp('[')],
  ['bad URI', () => decodeURIComponent('%')],
  ['new on arrow', () => new (() => {})()],
  ['const assign', () => { const c = 1; c = 2; }],
  ['in on primitive', () => 'a' in 'abc'],
  ['symbol-less spread', () => [...{}]],
  ['class call', () => { class K {} K(); }],
  ['repeat negative', () => 'x'.repeat(-1)],
  ['instanceof non-callable', () => ({}) instanceof 5],
];
for (const [label, fn] of cases) {
  try { fn(); println(label, 'no error'); } catch (e) {
    println(label, e.name, e instanceof Error, e.constructor === globalThis[e.name]);
  }
}
