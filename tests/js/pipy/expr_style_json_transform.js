((
  input, data, summary, byRole,
) => (
  input = '[{"name":"ann","role":"admin","age":31},{"name":"bob","role":"user","age":25},{"name":"cid","role":"user","age":40},{"name":"dee","role":"guest"}]',
  data = invoke(() => JSON.parse(input), []),
  byRole = {},
  repeat(data, (u) => (byRole[u.role] ??= []).push(u.name)),
  summary = Object.keys(byRole).map((r) => r + '=' + byRole[r].join('+')),
  println('by role', summary.join(' ')),
  println('ages', data.map((u) => select(typeof u.age, 'number', () => u.age, '?')).join(',')),
  println('oldest', data.reduce((a, b) => branch((b.age ?? 0) > (a.age ?? 0), b, a)).name),
  println(JSON.stringify(data.map(({ name, age }) => ({ name, adult: branch(age === undefined, null, age >= 30) }))))
))();
