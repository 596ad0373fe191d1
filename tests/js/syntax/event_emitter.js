class Emitter {
  constructor() { this.handlers = new Map(); }
  on(ev, fn) { if (!this.handlers.has(ev)) this.handlers.set(ev, []); this.handlers.get(ev).push(fn); return this; }
  off(ev, fn) { const hs = this.handlers.get(ev); if (hs) this.handlers.set(ev, hs.filter((h) => h !== fn)); return this; }
  once(ev, fn) { const w = (...a) => { this.off(ev, w); fn(...a); }; return this.on(ev, w); }
  emit(ev, ...args) { const hs = this.handlers.get(ev) || []; [...hs].forEach((h) => h(...args)); return hs.length; }
}
const e = new Emitter();
const log = [];
const h1 = (x) => log.push('h1:' + x);
e.on('data', h1).on('data', (x) => log.push('h2:' + x));
e.once('data', (x) => log.push('once:' + x));
println('emit count', e.emit('data', 1));
e.emit('data', 2);
e.off('data', h1);
e.emit('data', 3);
println('log', log.join(' '));
println('unknown event', e.emit('nothing'));
const results = [];
e.on('calc', (a, b) => results.push(a + b)).on('calc', (a, b) => results.push(a * b));
e.emit('calc', 3, 4);
println('multiple args', results);
