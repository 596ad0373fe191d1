//! `YAML`: `YAML.parse(text, reviver?)` and `YAML.decode(data, reviver?)` read a YAML stream into
//! script values; `YAML.stringify(value, replacer?)` and `YAML.encode(value, replacer?)` (Data)
//! write one back as a block-style document.
//!
//! Reading: mappings become plain objects (keys in document order, a repeated key keeps its last
//! value), sequences arrays. Plain scalars resolve by the YAML 1.2 core schema: `null`, `~` and
//! an empty value are `null`; `true`/`false` (any of the three cases) booleans; decimal, `0x`,
//! `0o` integers, floats with exponents, `.inf`, `.nan` numbers; everything else, and every quoted
//! or block scalar, a string. `!!str`, `!!int`, `!!float`, `!!bool`, `!!null` tags on a scalar are
//! honoured (a value its tag cannot read stays a string); other tags are ignored. A key is the
//! scalar's text as written (`1: a` gives the key `"1"`). An alias is the anchored value itself —
//! the same object, never a copy — so a "billion laughs" document costs memory in proportion to
//! its text. With several documents the last one is the result; an empty stream gives
//! `undefined`. Malformed YAML throws a SyntaxError (`<problem> at line L column C`). Nesting
//! deeper than `MAX_DEPTH` throws a RangeError. The reviver is called like JSON's, bottom-up,
//! as `reviver(key, value, holder)` (with `this` the holder); returning `undefined` deletes the
//! property. An object reached twice (an alias) is revived once. `decode(null)` gives `null`.
//!
//! Writing: objects (own enumerable string keys) become block mappings, arrays block sequences,
//! empty ones `{}` and `[]`; strings are quoted (double quotes, with escapes) when they would
//! read back as anything else, and strings of several lines become literal blocks (`|`); numbers
//! are written as JavaScript writes them, with `.inf`, `-.inf`, `.nan` for the non-finite; `null`
//! is `null`. `undefined`, functions and symbols are left out of objects and are `null` in
//! arrays, as in JSON; at the top they make the result `undefined`. Boxed primitives are
//! unboxed. The replacer is called top-down as `replacer(key, value, holder)`. A cycle throws a
//! TypeError; an object shared by several places is written in full at each, up to
//! `MAX_REPEATED_NODES` nodes in all (a guard against a shared graph whose expansion would be
//! huge); past that, and past `MAX_DEPTH`, a RangeError. The document has no `---` and ends
//! with a line break. YAML 1.1 words (`yes`, `on`, `off`, …) are quoted when written, so 1.1
//! readers see strings too; read back here they are strings either way.
//!
//! The original (Pipy 1.5, `src/api/yaml.cpp`, on libyaml's event parser rather than yaml-cpp)
//! differs on purpose as follows:
//! - it keeps every scalar a string (`a: 1` gives `{a: "1"}`, `b: true` gives `{b: "true"}`,
//!   `c:` gives `{c: ""}`); here scalars resolve by the core schema, so a stringified value
//!   reads back as itself (configs written for the original that parse numbers with
//!   `Number.parseFloat` or compare via `toString()` behave the same);
//! - its `stringify` returns `""` and its `encode` an empty Data for any defined value (the
//!   writer is a stub); here they write YAML;
//! - it accepts a reviver and a replacer but never calls them; here they are called as above;
//! - its parse error is a plain Error whose message is libyaml's problem alone; here it is a
//!   SyntaxError and the message carries the position too;
//! - an alias to an unknown anchor gives `undefined` there and an error here;
//! - a mapping or sequence used as a key becomes that value's `toString()` there (taken when it
//!   starts, so `[object Object]` or an empty string); here it is an error (joining a shared
//!   array could be exponential);
//! - it has no nesting limit (libyaml's stack is on the heap); here `MAX_DEPTH` applies.

// The crate: saphyr 0.3 (saphyr-parser for the events, saphyr for the core-schema resolver and
// the emitter) — the maintained successor of yaml-rust and yaml-rust2 by the same authors, pure
// Rust without `unsafe`, YAML 1.2, building on Rust 1.85+. Its event parser keeps aliases as
// anchor ids and runs on an explicit state stack (no recursion); flow collections are capped at
// 255 levels by the scanner. Its emitter recurses per level, hence the depth cap when writing.

use crate::util::{self, arg};
use pipy_engine::pipeline::event;
use pipy_value::error::{ErrorKind, make_error};
use pipy_value::object::PropertyDescriptor;
use pipy_value::{JsResult, Obj, ObjectKind, PropKey, Value, attr, error, function, number, ops};
use saphyr::{Mapping, Scalar, Yaml, YamlEmitter};
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// The deepest nesting of collections read or written.
const MAX_DEPTH: usize = 1000;

/// How many nodes may be written for objects met a second time (shared, not cyclic).
const MAX_REPEATED_NODES: usize = 1 << 20;

pub fn install() {
    let yaml = Obj::ordinary();
    util::method(&yaml, "parse", 2, |_, args| {
        let Value::String(text) = arg(args, 0) else {
            return Err(error::type_error("YAML.parse(): argument #1 expects a string"));
        };
        revive(parse(&text.to_rust_string())?, &arg(args, 1))
    });
    util::method(&yaml, "decode", 2, |_, args| {
        let v = arg(args, 0);
        if v.is_nullish() {
            return Ok(Value::Null);
        }
        let Some(d) = event::as_data(&v) else {
            return Err(error::type_error("YAML.decode(): argument #1 expects a Data object"));
        };
        revive(parse(&d.to_string_lossy())?, &arg(args, 1))
    });
    util::method(&yaml, "stringify", 2, |_, args| {
        Ok(stringify(&arg(args, 0), &arg(args, 1))?.map(Value::string).unwrap_or_default())
    });
    util::method(&yaml, "encode", 2, |_, args| {
        Ok(stringify(&arg(args, 0), &arg(args, 1))?
            .map(|s| event::data_value(s.into_bytes().into()))
            .unwrap_or_default())
    });
    util::global("YAML", Value::Object(yaml));
}

// ----- reading -----

/// A collection being filled.
struct Frame {
    obj: Obj,
    is_array: bool,
    /// A mapping's key waiting for its value.
    key: Option<PropKey>,
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    root: Value,
}

fn key_error() -> Value {
    error::type_error("YAML: a mapping or a sequence as a mapping key is not supported")
}

impl Builder {
    /// Puts a finished value (or a collection just started) where it belongs. `text` is a
    /// scalar's source text, which is what a key is made of.
    fn attach(&mut self, v: Value, text: Option<&str>) -> JsResult<()> {
        let Some(top) = self.stack.last_mut() else {
            self.root = v;
            return Ok(());
        };
        if top.is_array {
            if let ObjectKind::Array(items) = &mut top.obj.borrow_mut().kind {
                items.push(v);
            }
        } else if let Some(key) = top.key.take() {
            top.obj.define_value(key, v, attr::DEFAULT);
        } else {
            top.key = Some(match (text, &v) {
                (Some(t), _) => PropKey::str(t),
                (None, Value::Object(_)) => return Err(key_error()),
                (None, _) => PropKey::String(ops::to_string(&v)?),
            });
        }
        Ok(())
    }

    fn start(&mut self, obj: Obj, is_array: bool, anchor: usize) -> JsResult<()> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(error::range_error(&format!("YAML: nested deeper than {MAX_DEPTH} levels")));
        }
        if self.stack.last().is_some_and(|f| !f.is_array && f.key.is_none()) {
            return Err(key_error());
        }
        let v = Value::Object(obj.clone());
        if anchor > 0 {
            self.anchors.insert(anchor, v.clone());
        }
        self.attach(v, None)?;
        self.stack.push(Frame { obj, is_array, key: None });
        Ok(())
    }

    fn event(&mut self, e: Event<'_>) -> JsResult<()> {
        match e {
            Event::Alias(id) => {
                let v = self.anchors.get(&id).cloned().unwrap_or_default();
                self.attach(v, None)?;
            }
            Event::Scalar(text, style, anchor, tag) => {
                let v = resolve(&text, style, tag.as_ref());
                if anchor > 0 {
                    self.anchors.insert(anchor, v.clone());
                }
                self.attach(v, Some(&text))?;
            }
            Event::SequenceStart(anchor, _) => self.start(Obj::array(Vec::new()), true, anchor)?,
            Event::MappingStart(anchor, _) => self.start(Obj::ordinary(), false, anchor)?,
            Event::SequenceEnd | Event::MappingEnd => {
                self.stack.pop();
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart(_) | Event::DocumentEnd => {}
        }
        Ok(())
    }
}

/// A scalar's value by the core schema (plain scalars) or its tag.
fn resolve(text: &str, style: ScalarStyle, tag: Option<&Cow<'_, saphyr_parser::Tag>>) -> Value {
    match Scalar::parse_from_cow_and_metadata(Cow::Borrowed(text), style, tag) {
        Some(Scalar::Null) => Value::Null,
        Some(Scalar::Boolean(b)) => Value::Bool(b),
        Some(Scalar::Integer(i)) => Value::Number(i as f64),
        Some(Scalar::FloatingPoint(f)) => Value::Number(f.into_inner()),
        Some(Scalar::String(s)) => Value::str(&s),
        None => Value::str(text),
    }
}

fn syntax_error(e: &ScanError) -> Value {
    let m = e.marker();
    make_error(ErrorKind::SyntaxError, &format!("YAML: {} at line {} column {}", e.info(), m.line(), m.col() + 1))
}

/// Reads a YAML stream: the last document's value, `undefined` when there is none.
pub fn parse(text: &str) -> JsResult<Value> {
    let mut b = Builder::default();
    for item in Parser::new_from_str(text) {
        let (e, _) = item.map_err(|e| syntax_error(&e))?;
        b.event(e)?;
    }
    Ok(b.root)
}

/// Calls the reviver on every property of `value`, bottom-up, then on the root (key `""`).
fn revive(value: Value, reviver: &Value) -> JsResult<Value> {
    if !reviver.is_callable() {
        return Ok(value);
    }
    let root = Obj::ordinary();
    root.define_value("", value, attr::DEFAULT);
    let mut seen = Seen::default();
    internalize(reviver, &root, PropKey::str(""), 0, &mut seen)
}

/// Objects already walked. Each is kept alive so that its address stays its identity.
#[derive(Default)]
struct Seen {
    addrs: HashSet<usize>,
    keep: Vec<Obj>,
}

impl Seen {
    /// Records `o`; false if it was recorded before.
    fn insert(&mut self, o: &Obj) -> bool {
        let new = self.addrs.insert(o.addr());
        if new {
            self.keep.push(o.clone());
        }
        new
    }
}

fn internalize(reviver: &Value, holder: &Obj, key: PropKey, depth: usize, seen: &mut Seen) -> JsResult<Value> {
    if depth > MAX_DEPTH {
        return Err(error::range_error(&format!("YAML: nested deeper than {MAX_DEPTH} levels")));
    }
    let holder_v = Value::Object(holder.clone());
    let val = ops::get(&holder_v, &key)?;
    if let Value::Object(o) = &val {
        if !o.is_callable() && seen.insert(o) {
            let keys: Vec<PropKey> = if o.is_array() {
                (0..ops::length_of(&val)? as u32).map(PropKey::index).collect()
            } else {
                ops::own_enumerable_keys(o).into_iter().map(PropKey::String).collect()
            };
            for k in keys {
                let new = internalize(reviver, o, k.clone(), depth + 1, seen)?;
                if new.is_undefined() {
                    ops::delete(o, &k)?;
                } else {
                    ops::define_own_property(o, &k, &PropertyDescriptor::data(new, attr::DEFAULT))?;
                }
            }
        }
    }
    let key_v = match key {
        PropKey::String(s) => Value::String(s),
        PropKey::Symbol(s) => Value::Symbol(s),
    };
    function::call(reviver, &holder_v, &[key_v, val, holder_v.clone()])
}

// ----- writing -----

#[derive(Default)]
struct Writer {
    replacer: Option<Value>,
    /// The objects being written, outermost first (a cycle check).
    path: Vec<Obj>,
    seen: Seen,
    /// How many shared objects the current node is inside of.
    repeating: usize,
    repeated_nodes: usize,
}

fn plain(s: String) -> Yaml<'static> {
    Yaml::Representation(Cow::Owned(s), ScalarStyle::Plain, None)
}

impl Writer {
    /// The node for `value` (the property `key` of `holder`), or None when it is left out.
    fn node(&mut self, holder: &Value, key: Value, mut value: Value) -> JsResult<Option<Yaml<'static>>> {
        if let Some(r) = &self.replacer {
            value = function::call(r, holder, &[key, value, holder.clone()])?;
        }
        // 0: not boxed, 1: a Number, 2: a String, 3/4: a Boolean false/true.
        let boxed = match &value {
            Value::Object(o) => match &o.borrow().kind {
                ObjectKind::Number(_) => 1,
                ObjectKind::String(_) => 2,
                ObjectKind::Boolean(b) => 3 + u8::from(*b),
                _ => 0,
            },
            _ => 0,
        };
        match boxed {
            1 => value = Value::Number(ops::to_number(&value)?),
            2 => value = Value::String(ops::to_string(&value)?),
            3 | 4 => value = Value::Bool(boxed == 4),
            _ => {}
        }
        if self.repeating > 0 {
            self.repeated_nodes += 1;
            if self.repeated_nodes > MAX_REPEATED_NODES {
                return Err(error::range_error("YAML.stringify(): shared objects expand to too many nodes"));
            }
        }
        Ok(Some(match value {
            Value::Undefined | Value::Hole | Value::Symbol(_) => return Ok(None),
            Value::Null => plain("null".into()),
            Value::Bool(b) => Yaml::Value(Scalar::Boolean(b)),
            Value::Number(n) if n.is_nan() => plain(".nan".into()),
            Value::Number(n) if n.is_infinite() => plain(if n > 0.0 { ".inf" } else { "-.inf" }.into()),
            Value::Number(n) => plain(number::to_string(n)),
            Value::String(s) => Yaml::Value(Scalar::String(Cow::Owned(s.to_rust_string()))),
            Value::Object(o) if o.is_callable() => return Ok(None),
            Value::Object(o) => {
                if self.path.iter().any(|p| p.ptr_eq(&o)) {
                    return Err(error::type_error("Converting circular structure to YAML"));
                }
                if self.path.len() >= MAX_DEPTH {
                    return Err(error::range_error(&format!(
                        "YAML.stringify(): nested deeper than {MAX_DEPTH} levels"
                    )));
                }
                let repeat = !self.seen.insert(&o);
                self.repeating += usize::from(repeat);
                self.path.push(o.clone());
                let r = self.collection(&o);
                self.path.pop();
                self.repeating -= usize::from(repeat);
                r?
            }
        }))
    }

    fn collection(&mut self, o: &Obj) -> JsResult<Yaml<'static>> {
        let ov = Value::Object(o.clone());
        if o.is_array() {
            let len = ops::length_of(&ov)?;
            let mut items = Vec::with_capacity(len.min(1 << 16));
            for i in 0..len {
                let v = ops::get(&ov, &PropKey::index(i as u32))?;
                let item = self.node(&ov, Value::string(i.to_string()), v)?;
                items.push(item.unwrap_or_else(|| plain("null".into())));
            }
            return Ok(Yaml::Sequence(items));
        }
        let mut map = Mapping::new();
        for k in ops::own_enumerable_keys(o) {
            let v = ops::get(&ov, &PropKey::String(k.clone()))?;
            let name = k.to_rust_string();
            if let Some(item) = self.node(&ov, Value::String(k), v)? {
                map.insert(Yaml::Value(Scalar::String(Cow::Owned(name))), item);
            }
        }
        Ok(Yaml::Mapping(map))
    }
}

/// Writes `value` as a YAML document; None for `undefined` (and functions and symbols).
pub fn stringify(value: &Value, replacer: &Value) -> JsResult<Option<String>> {
    let mut w = Writer { replacer: replacer.is_callable().then(|| replacer.clone()), ..Writer::default() };
    let holder = Obj::ordinary();
    holder.define_value("", value.clone(), attr::DEFAULT);
    let Some(doc) = w.node(&Value::Object(holder), Value::str(""), value.clone())? else {
        return Ok(None);
    };
    let mut out = String::new();
    let mut emitter = YamlEmitter::new(&mut out);
    emitter.multiline(true);
    emitter.dump(&doc).map_err(|e| error::range_error(&format!("YAML.stringify(): {e}")))?;
    let mut out = match out.strip_prefix("---\n") {
        Some(body) => body.to_string(),
        None => out,
    };
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(Some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(v: &Value) -> String {
        stringify(v, &Value::Undefined).ok().flatten().unwrap_or_default()
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        let o = Obj::ordinary();
        for (k, v) in pairs {
            o.define_value(*k, v.clone(), attr::DEFAULT);
        }
        Value::Object(o)
    }

    #[test]
    fn writes_and_reads_back() {
        util::testing::setup();
        let v = obj(&[
            ("a", Value::num(1.0)),
            ("s", Value::str("x: y")),
            ("n", Value::str("12")),
            ("m", Value::str("one\ntwo\n")),
            ("l", ops::new_array(vec![Value::Bool(true), Value::Null, Value::num(1.5e-7)])),
            ("e", obj(&[])),
        ]);
        let text = yaml(&v);
        assert_eq!(
            text,
            "a: 1\ns: \"x: y\"\nn: \"12\"\nm: |\n  one\n  two\nl:\n  - true\n  - null\n  - 1.5e-7\ne: {}\n"
        );
        let back = parse(&text).ok().unwrap_or_default();
        assert_eq!(yaml(&back), text);
        for s in ["", "x", "true", "~", "1e5", "0x10", ".inf", "- a", "a\n", "\n", " a", "#", "line\n---\nx", "é"] {
            let t = yaml(&Value::str(s));
            let back = parse(&t).ok().unwrap_or_default();
            assert_eq!(util::testing::s(&back), s, "{s:?} written as {t:?}");
            assert!(matches!(back, Value::String(_)), "{s:?} written as {t:?}");
        }
    }

    #[test]
    fn guards() {
        util::testing::setup();
        let deep = "- ".repeat(5000) + "x";
        assert!(parse(&deep).is_err());
        let deep = "a:\n".to_string() + &(1..2000).map(|i| format!("{}a:\n", " ".repeat(i))).collect::<String>();
        assert!(parse(&deep).is_err());
        let mut laughs = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..30 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            laughs.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let v = parse(&laughs);
        assert!(v.is_ok());
        assert!(stringify(&v.unwrap_or_default(), &Value::Undefined).is_err());
        assert!(parse("a: [b").is_err());
        assert!(parse("a: b: c").is_err());
    }
}
