// Node-side definitions of the PipyJS extras, loaded with `node -r` before
// each corpus program when generating the expected `.out` files.
'use strict';
const fs = require('fs');

function write(s) {
  const buf = Buffer.from(s, 'utf8');
  let off = 0;
  while (off < buf.length) off += fs.writeSync(1, buf, off, buf.length - off);
}

function print(...args) { write(args.map((a) => String(a)).join(' ')); }
function println(...args) { write(args.map((a) => String(a)).join(' ') + '\n'); }

function repeat(a, fn) {
  if (typeof a === 'function') {
    for (let i = 0; ; i++) {
      const r = a(i);
      if (r !== undefined) return r;
    }
  }
  if (Array.isArray(a)) {
    for (let i = 0; i < a.length; i++) fn(a[i], i);
    return undefined;
  }
  const n = Number(a);
  for (let i = 0; i < n; i++) fn(i);
  return undefined;
}

function pick(v) { return typeof v === 'function' ? v() : v; }

function branch(...args) {
  let i = 0;
  for (; i + 1 < args.length; i += 2) {
    const c = args[i];
    const ok = typeof c === 'function' ? c() : c;
    if (ok) return pick(args[i + 1]);
  }
  if (i < args.length) return pick(args[i]);
  return undefined;
}

function select(x, ...args) {
  let i = 0;
  for (; i + 1 < args.length; i += 2) {
    if (x === args[i]) return pick(args[i + 1]);
  }
  if (i < args.length) return pick(args[i]);
  return undefined;
}

function invoke(fn, catcher) {
  try {
    return fn();
  } catch (e) {
    if (typeof catcher === 'function') {
      return catcher(e instanceof Error ? e.message : e);
    }
    return catcher;
  }
}

for (const [k, v] of Object.entries({ print, println, repeat, branch, select, invoke })) {
  Object.defineProperty(globalThis, k, { value: v, writable: true, configurable: true, enumerable: false });
}
