const data = {
  str: 'text with "quotes" and \\ and \n and é',
  num: [0, -1, 1.5, 1e21, 1e-7, 123456789012],
  bool: [true, false],
  nil: null,
  nested: { a: { b: { c: [1, [2, [3]]] } } },
  empty: { o: {}, a: [] },
  unicode: '😀 中文',
};
const text = JSON.stringify(data);
const back = JSON.parse(text);
println('roundtrip', JSON.stringify(back) === text);
println('text', text);
println('pretty roundtrip', JSON.stringify(JSON.parse(JSON.stringify(data, null, 4))) === text);
println('deep access', back.nested.a.b.c[1][1][0], back.num[3], back.str.length);
const lossy = { u: undefined, f() {}, d: new Date(0), n: NaN };
println('lossy', JSON.stringify(JSON.parse(JSON.stringify(lossy))));
