class A { #x = 1; static s = 2; constructor(y) { this.y = y; } get x() { return this.#x; } m() { return super.toString(); } }
class B extends A { constructor() { super(3); } static { B.z = 4; } }
new B().x;
