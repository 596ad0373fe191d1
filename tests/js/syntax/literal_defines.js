// Object literal properties are defined on the new object, never assigned: setters and
// read-only properties on Object.prototype do not affect them.
Object.defineProperty(Object.prototype, 'x', { set(v) { println('setter called', v); }, configurable: true });
Object.defineProperty(Object.prototype, 'y', { value: 'ro', writable: false, configurable: true });
let last;
for (let i = 0; i < 20; i++) {
  const x = 'short' + i;
  last = { x, y: i, z: [i] };
}
println(last.x, last.y, last.z[0], Object.keys(last).join());
const dup = { a: 1, b: 2, a: 3 };
println(JSON.stringify(dup), Object.keys(dup).join());
const d = Object.getOwnPropertyDescriptor({ y: 5 }, 'y');
println(d.value, d.writable, d.enumerable, d.configurable);
// Literals of one site share a shape and still get their own values.
const made = [];
for (let i = 0; i < 5; i++) made.push({ k: i, v: 'v' + i });
println(made.map((o) => o.k + o.v).join());
delete Object.prototype.x;
delete Object.prototype.y;
const after = { x: 'plain' };
println(after.x);
