let s = 0;
for (const k in { a: 1, b: 2 }) s += k.length;
do { s--; } while (s > 0);
switch (s) { case 0: s = 1; case 1: s++; break; default: s = -1; }
while (true) { if (++s > 3) break; }
