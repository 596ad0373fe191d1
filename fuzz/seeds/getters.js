const o = { _v: 1, get v() { return this._v; }, set v(x) { this._v = x; }, ['k' + 1]: 2, m() {}, async am() {}, *g() { yield 1; } };
o.v = 5; Object.defineProperty(o, 'w', { get() { return 7; } });
