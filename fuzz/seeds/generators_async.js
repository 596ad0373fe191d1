function* g() { const x = yield 1; yield* [x, 2]; return 3; }
const it = g(); it.next(); it.next(5);
async function a() { await null; for await (const v of []) v; return 1; }
a().then(v => v);
