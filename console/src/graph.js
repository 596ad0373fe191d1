// Draws the answer of POST /api/v1/graph:
//   {roots: [index...], nodes: [{name, t: root|pipeline|filter|joint|error, st?, ot?, p?, c?: [index...]}]}
// as an indented tree of boxes joined by elbow lines (SVG).
import { s, clear, h } from './dom.js';

const ROW = 26, INDENT = 22, BOX_H = 20, PAD = 8, CHAR_W = 6.6;

function label(node) {
  switch (node.t) {
    case 'pipeline': return node.name ? `pipeline ${node.name}` : 'pipeline';
    case 'joint': return node.st ? `${node.name} (${node.st})` : node.name;
    case 'error': return `error: ${node.name}`;
    default: return node.name || node.t;
  }
}

export function drawGraph(container, graph) {
  clear(container);
  const nodes = (graph && Array.isArray(graph.nodes)) ? graph.nodes : [];
  const roots = (graph && Array.isArray(graph.roots)) ? graph.roots : [];
  if (!roots.length) {
    container.append(h('div', { class: 'empty', text: 'No pipelines in this script.' }));
    return;
  }

  const rows = []; // {node, index, depth, row, parentRow}
  const seen = new Set();
  const walk = (index, depth, parentRow) => {
    const node = nodes[index];
    if (!node || seen.has(index)) return;
    seen.add(index);
    const row = rows.length;
    rows.push({ node, index, depth, row, parentRow });
    for (const c of node.c || []) walk(c, depth + 1, row);
  };
  for (const r of roots) walk(r, 0, -1);

  let width = 0;
  for (const r of rows) {
    r.x = PAD + r.depth * INDENT;
    r.y = PAD + r.row * ROW;
    r.w = Math.ceil(label(r.node).length * CHAR_W) + 16;
    width = Math.max(width, r.x + r.w + PAD);
  }
  const height = PAD * 2 + rows.length * ROW;
  const svg = s('svg', { width, height, viewBox: `0 0 ${width} ${height}`, class: 'graph-svg' });

  for (const r of rows) {
    if (r.parentRow < 0) continue;
    const p = rows[r.parentRow];
    const x0 = p.x + 8, y0 = p.y + BOX_H, ym = r.y + BOX_H / 2;
    svg.append(s('path', { d: `M${x0},${y0} V${ym} H${r.x}`, class: 'graph-edge' }));
  }
  for (const r of rows) {
    const g = s('g', { class: `graph-node graph-${r.node.t}`, 'data-test': 'graph-node', 'data-type': r.node.t },
      s('rect', { x: r.x, y: r.y, width: r.w, height: BOX_H, rx: 4 }),
      s('text', { x: r.x + 8, y: r.y + 14 }, label(r.node)),
      s('title', null, `${r.node.t}${r.node.ot ? ', output from ' + r.node.ot : ''}`),
    );
    svg.append(g);
  }
  container.append(svg);
}
