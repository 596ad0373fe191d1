const samples = [0, 1, -1, 951782400000, 1709209845123, -62135596800000, 253402300799999, 8.64e15, -8.64e15];
for (const t of samples) {
  const iso = new Date(t).toISOString();
  println(t, iso, Date.parse(iso) === t);
}
println('parse precision', Date.parse('2020-01-01T00:00:00.1Z'), Date.parse('2020-01-01T00:00:00.12Z'));
