// expect: uncaught
class Point { constructor(x, y) { this.x = x; this.y = y; } }
const p = new Point(1, 2);
println('point', p.x, p.y);
println('calling class without new');
const q = Point(3, 4);
println('never printed', q);
