function f() { try { return 1; } finally { console.log('fin'); } }
try { throw new Error('e'); } catch ({ message }) { message; } finally { f(); }
for (const i of [1, 2]) { try { continue; } finally { i; } }
