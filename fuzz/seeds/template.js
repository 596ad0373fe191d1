const n = 3; const t = `a${n}b${`nested ${n * 2}`}c`;
function tag(s, ...v) { return s.raw.join('|') + v; }
tag`x${1}\u0041${2}y`;
