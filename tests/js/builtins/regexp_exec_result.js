// Match arrays are made in one step with their index, input and groups properties.
const re = /^\/api\/v(\d+)\/(users|orders)(?:\/(?<rest>[a-z]+))?$/;
const m = re.exec('/api/v2/users/x');
println(JSON.stringify(m), m.index, m.input, JSON.stringify(m.groups), Object.keys(m).join(','));
m.extra = 1; println(Object.keys(m).join(','));
const m2 = /(a)(b)?/.exec('xab a'); println(m2.index, m2.length, m2.groups, Object.getOwnPropertyNames(m2).join(','));
const d = /(?<x>a)/d.exec('ba'); println(JSON.stringify(d.indices), JSON.stringify(d.indices.groups), Object.keys(d).join(','));
println(JSON.stringify('a1b2'.match(/\d/g)), JSON.stringify([...'a1b2'.matchAll(/(\d)/g)].map(x => [x.index, x[1]])));
// Iterator results share one shape too; they stay ordinary, extensible objects.
const it = [10, 20][Symbol.iterator]();
const r1 = it.next();
r1.more = true;
println(JSON.stringify(r1), JSON.stringify(it.next()), JSON.stringify(it.next()), Object.keys(r1).join(','));
const e = new Map([[1, 'a']]).entries().next();
println(JSON.stringify(e), Object.getPrototypeOf(e) === Object.prototype);
