const cases = [
  [1970, 0, 1, 0, 0, 0, 0],
  [1999, 11, 31, 23, 59, 59, 999],
  [2000, 1, 29, 12, 0, 0, 0],
  [2038, 0, 19, 3, 14, 7, 0],
  [1900, 0, 1, 0, 0, 0, 0],
  [1600, 1, 29, 6, 30, 0, 500],
];
for (const c of cases) {
  const t = Date.UTC(...c);
  const d = new Date(t);
  const back = [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()];
  println(t, d.toISOString(), back.join() === c.join(), 'dow', d.getUTCDay());
}
