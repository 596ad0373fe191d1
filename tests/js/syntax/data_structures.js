class Node { constructor(v, next = null) { this.v = v; this.next = next; } }
class List {
  constructor() { this.head = null; this.size = 0; }
  push(v) { this.head = new Node(v, this.head); this.size++; return this; }
  toArray() { const out = []; for (let n = this.head; n; n = n.next) out.push(n.v); return out; }
  reverse() { let prev = null, cur = this.head; while (cur) { const nx = cur.next; cur.next = prev; prev = cur; cur = nx; } this.head = prev; return this; }
}
const l = new List().push(1).push(2).push(3);
println('list', l.toArray(), 'reversed', l.reverse().toArray(), l.size);
class BST {
  constructor() { this.root = null; }
  insert(v) {
    const node = { v, l: null, r: null };
    if (!this.root) { this.root = node; return this; }
    let c = this.root;
    for (;;) {
      const side = v < c.v ? 'l' : 'r';
      if (!c[side]) { c[side] = node; return this; }
      c = c[side];
    }
  }
  inorder(n = this.root, out = []) { if (n) { this.inorder(n.l, out); out.push(n.v); this.inorder(n.r, out); } return out; }
  height(n = this.root) { return n ? 1 + Math.max(this.height(n.l), this.height(n.r)) : 0; }
}
const t = new BST();
[50, 30, 70, 20, 40, 60, 80, 35].forEach((v) => t.insert(v));
println('bst inorder', t.inorder(), 'height', t.height());
class Queue {
  #in = []; #out = [];
  enqueue(v) { this.#in.push(v); }
  dequeue() { if (!this.#out.length) while (this.#in.length) this.#out.push(this.#in.pop()); return this.#out.pop(); }
}
const q = new Queue();
q.enqueue('a'); q.enqueue('b'); const first = q.dequeue(); q.enqueue('c');
println('queue', first, q.dequeue(), q.dequeue(), q.dequeue());
const graph = { a: ['b', 'c'], b: ['d'], c: ['d', 'e'], d: ['f'], e: ['f'], f: [] };
function bfs(start) {
  const seen = new Set([start]), order = [], queue = [start];
  while (queue.length) { const n = queue.shift(); order.push(n); for (const m of graph[n]) if (!seen.has(m)) { seen.add(m); queue.push(m); } }
  return order.join('');
}
println('bfs', bfs('a'));
