const deepFreeze = (o) => { Object.values(o).forEach((v) => typeof v === 'object' && v !== null && deepFreeze(v)); return Object.freeze(o); };
const cfg = deepFreeze({ db: { host: 'h', ports: [1, 2] }, flags: { a: true } });
println('frozen levels', Object.isFrozen(cfg), Object.isFrozen(cfg.db), Object.isFrozen(cfg.db.ports), Object.isFrozen(cfg.flags));
try { cfg.db.host = 'changed'; } catch (e) { }
try { cfg.db.ports.push(3); } catch (e) { println('push on frozen array throws', e instanceof TypeError); }
println('values unchanged', cfg.db.host, cfg.db.ports);
const isDeepFrozen = (o) => Object.isFrozen(o) && Object.values(o).every((v) => typeof v !== 'object' || v === null || isDeepFrozen(v));
println('isDeepFrozen', isDeepFrozen(cfg), isDeepFrozen({ a: 1 }), isDeepFrozen(Object.freeze({ a: {} })));
const clone = JSON.parse(JSON.stringify(cfg));
clone.db.host = 'clone';
println('clone is mutable', clone.db.host, Object.isFrozen(clone));
const sealedArr = Object.seal([1, 2]);
sealedArr[0] = 10;
try { sealedArr.push(3); } catch (e) { println('push on sealed', e instanceof TypeError); }
println('sealed array', sealedArr, Object.isSealed(sealedArr));
