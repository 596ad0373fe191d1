// YAML: parse/stringify round trips, core-schema scalars, anchors, several documents, Data in and
// out, reviver/replacer, bad input, and the guards (depth, cycles, shared-object expansion).
// The original (Pipy 1.5, libyaml) keeps every scalar a string — `a: 1` reads as {"a":"1"} — and
// its stringify/encode are stubs giving "" and empty Data; see the notes in stdlib/src/yaml.rs.
var show = v => JSON.stringify(v, (k, x) => typeof x === 'number' && !isFinite(x) ? String(x) : x)
var rt = v => YAML.parse(YAML.stringify(v))

// Maps, sequences, nested structures, numbers, booleans, null, empty collections.
var v = {
  name: 'pipy', port: 8080, ratio: 0.25, big: 1e21, tiny: -1.5e-7, on: true, off: false, none: null,
  list: [1, 'two', [3, 4], { five: 5 }], nested: { a: { b: { c: ['d'] } } }, empty: {}, nothing: [],
}
print(YAML.stringify(v))
println('round trip:', show(rt(v)) === show(v))

// Strings that must be quoted to read back as strings.
var tricky = ['', ' lead', 'trail ', 'a: b', '- x', '#c', 'x #c', 'true', 'null', '~', '12', '1.5', '1e3',
  '0x1F', '.inf', "it's", 'say "hi"', 'back\\slash', 'tab\there', '{x}', '[y]', '*ref', '&anchor', '!tag',
  '%p', '@at', '`tick', 'yes', 'é ✓']
print(YAML.stringify(tricky))
println('round trip:', show(rt(tricky)) === show(tricky))

// Multi-line strings: literal blocks with the right chomping and indentation indicators.
var ml = { text: 'line 1\nline 2\n', noend: 'a\nb', indented: '  sp\nq\n' }
print(YAML.stringify(ml))
println('round trip:', show(rt(ml)) === show(ml), show(rt({ keep: 'x\n\n', top: '\n\nlead' })))
println('root block:', show(rt('one\ntwo\n')), show(rt('---\n...\n')))

// Reading: the core schema for plain scalars; quoted and tagged scalars.
println(show(YAML.parse([
  'a: 1', 'b: -2.5e+3', 'c: 0x10', 'd: 0o17', 'e: +7', 'f: .inf', 'g: -.inf', 'h: .nan', 'i: ~', 'j:',
  'k: null', 'l: True', 'm: FALSE', 'n: "1"', "o: 'true'", 'p: 1_000', 'q: 2024-01-01', 'r: !!str 5',
  's: !!float 3', 't: 12345678901234567890', '1: int key', '',
].join('\n'))))
println(show(YAML.parse('text: |\n  l1\n  l2\nfold: >\n  f1\n  f2\nflow: {k: v, "q k": [a, {b: c}]}\n')))
println(show(YAML.parse('b: 1\na: 2\nb: 3\n')), show(YAML.parse('\ufeffx: 1\r\ny: 2\r\n')))

// Anchors and aliases: the anchored value itself, not a copy.
var s = YAML.parse('x: &x {n: 1}\ny: *x\nz: [*x, &v 5, *v]\n')
println(show(s), s.x === s.y, s.z[0] === s.x)
var self = YAML.parse('&a [1, *a]'); println(self[1] === self)

// Several documents: the last one; none: undefined; a root scalar.
println(show(YAML.parse('a: 1\n---\nb: 2\n')), YAML.parse(''), YAML.parse('# only a comment\n'), show(YAML.parse('---\n')))
println(show(YAML.parse('- a\n- b\n')), show(YAML.parse('plain text')), show(YAML.parse('42')))

// A key named __proto__ is an own property.
var p = YAML.parse('__proto__: {x: 1}\n'); println(Object.keys(p), ({}).x, Object.getPrototypeOf(p) === Object.prototype)

// Data: encode/decode.
var d = YAML.encode(v)
println(d instanceof Data, d.size, show(YAML.decode(d)) === show(v), YAML.decode(null), YAML.decode(new Data('k: [1, 2]')).k[1])

// Left out, null in arrays, boxed, non-finite, top-level scalars.
println(YAML.stringify(undefined), YAML.encode(undefined), YAML.stringify(() => 1))
print(YAML.stringify({ f: () => 1, u: undefined, a: [undefined, () => 1], n: NaN, i: -Infinity, b: new Number(3), s: new String('s') }))
print(YAML.stringify('top'))
print(YAML.stringify(3))
print(YAML.stringify(null))
print(YAML.stringify([]))
print(YAML.stringify({}))
print(YAML.stringify({ 'key: colon': 1, '': 2, 'multi\nline': 3 }))

// Reviver (bottom-up, undefined deletes) and replacer (top-down, undefined leaves out).
println(show(YAML.parse('a: 1\nb: [1, 2]\n', (k, v) => typeof v === 'number' ? v * 10 : v)))
println(show(YAML.decode(new Data('a: 1\nb: 2\n'), (k, v) => k === 'a' ? undefined : v)))
var keys = []; YAML.parse('x: &x [1]\ny: *x\n', (k, v, o) => (keys.push(k), v)); println(keys.join(','))
print(YAML.stringify({ a: 1, b: 'x', c: { d: 2 } }, (k, v) => typeof v === 'number' ? v + 1 : k === 'b' ? undefined : v))
print(YAML.encode([1], (k, v) => typeof v === 'number' ? 'n' + v : v).toString())

// Malformed input throws (the original throws too, with libyaml's message).
var bad = ['a: [1, 2', 'a: b: c', '"unterminated', 'a:\n  - b\n c: d', 'x: *nope', '[a]: 1', 'k: @x']
for (var b of bad) {
  try { println('parsed', show(YAML.parse(b))) } catch (e) { println(e.name + ':', e.message) }
}
try { YAML.parse(42) } catch (e) { println(e.name + ':', e.message) }
try { YAML.decode('text') } catch (e) { println(e.name + ':', e.message) }

// Guards: deep nesting (block and flow), deep values, cycles, a "billion laughs" document.
var deep = ''; for (var i = 0; i < 1200; i++) deep += ' '.repeat(i) + 'k:\n'
try { YAML.parse(deep) } catch (e) { println(e.name + ':', e.message) }
try { YAML.parse('- '.repeat(5000) + 'x') } catch (e) { println(e.name + ':', e.message) }
try { YAML.parse('['.repeat(300)) } catch (e) { println(e.name + ':', e.message) }
var ok = ''; for (var i = 0; i < 900; i++) ok += ' '.repeat(i) + 'k:\n'
var o = YAML.parse(ok), n = 0; while (o) { o = o.k; n++ } println('900 levels:', n)
var o = {}, q = o; for (var i = 0; i < 1200; i++) { q.k = {}; q = q.k }
try { YAML.stringify(o) } catch (e) { println(e.name + ':', e.message) }
var c = { a: 1 }; c.self = c
try { YAML.stringify(c) } catch (e) { println(e.name + ':', e.message) }
var lol = 'l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n'
for (var i = 1; i < 10; i++) lol += 'l' + i + ': &l' + i + ' [' + new Array(9).fill('*l' + (i - 1)).join(', ') + ']\n'
var bomb = YAML.parse(lol); println('laughs:', bomb.l9.length, bomb.l9[0] === bomb.l9[8], bomb.l1[0] === bomb.l0)
try { YAML.stringify(bomb) } catch (e) { println(e.name + ':', e.message) }
var shared = { k: 1 }; print(YAML.stringify({ a: shared, b: [shared] }))
