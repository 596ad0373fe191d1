class Widget {
  constructor(id) { this.id = id; }
  render() { return `<w${this.id}>`; }
  static create(id) { return new Widget(id); }
}
Object.defineProperty(Widget.prototype, 'kind', { get() { return 'widget#' + this.id; } });
const w = Widget.create(7);
println('added getter', w.kind, w.render());
println('prototype keys', Object.keys(Widget.prototype).length, Object.getOwnPropertyNames(Widget.prototype).sort());
println('static own names', Object.getOwnPropertyNames(Widget).sort());
Widget.prototype.extra = function () { return 'extra ' + this.id; };
println('patched method', w.extra(), Object.keys(Widget.prototype));
const desc = Object.getOwnPropertyDescriptor(Widget.prototype, 'render');
println('method descriptor', desc.writable, desc.enumerable, desc.configurable);
const pdesc = Object.getOwnPropertyDescriptor(Widget, 'prototype');
println('prototype descriptor', pdesc.writable, pdesc.enumerable, pdesc.configurable);
println('constructor link', Widget.prototype.constructor === Widget, w.constructor.name);
println('own vs inherited', Object.hasOwn(w, 'id'), Object.hasOwn(w, 'render'), 'render' in w);
