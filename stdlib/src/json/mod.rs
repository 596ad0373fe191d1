//! The `JSON` namespace: `JSON.parse` (with reviver) and `JSON.stringify` (with replacer and
//! indentation), plus `parse`/`stringify` for Rust callers (the Pipy API's `JSON.decode`/`encode`).
//!
//! Both directions work on whole buffers: the parser reads the source's bytes (ASCII strings) or
//! code units (other strings) without copying them, and the serializer appends to one `String`
//! (well-formed stringify escapes lone surrogates, so the output is always valid UTF-16).

use crate::util;
use pipy_value::error::{self, JsResult};
use pipy_value::function;
use pipy_value::object::{ObjectKind, PropertyDescriptor};
use pipy_value::shape::attr;
use pipy_value::string::JsString;
use pipy_value::{Obj, PropKey, Value, number, ops, realm};

/// Nesting beyond this throws a RangeError instead of exhausting the native stack.
const MAX_DEPTH: usize = 2000;

pub fn install() {
    let json = Obj::ordinary();
    util::method(&json, "parse", 2, js_parse);
    util::method(&json, "stringify", 3, js_stringify);
    let tag = realm::intrinsics().sym_to_string_tag.clone();
    json.define_value(PropKey::Symbol(tag), Value::str("JSON"), attr::CONFIGURABLE);
    util::global("JSON", Value::Object(json));
}

// ----- parse -----

/// Parses JSON text into a value (no reviver).
pub fn parse(text: &str) -> JsResult<Value> {
    if text.is_ascii() {
        Parser::new(text.as_bytes()).run()
    } else {
        let units: Vec<u16> = text.encode_utf16().collect();
        Parser::new(&units[..]).run()
    }
}

fn parse_js(text: &JsString) -> JsResult<Value> {
    match text.as_ascii() {
        Some(s) => Parser::new(s.as_bytes()).run(),
        None => Parser::new(&text.units()[..]).run(),
    }
}

fn js_parse(_this: &Value, args: &[Value]) -> JsResult<Value> {
    let text = ops::to_string(&util::arg(args, 0))?;
    let value = parse_js(&text)?;
    let reviver = util::arg(args, 1);
    if !reviver.is_callable() {
        return Ok(value);
    }
    let root = Obj::ordinary();
    root.define_value("", value, attr::DEFAULT);
    internalize(&reviver, &root, PropKey::str(""), 0)
}

/// InternalizeJSONProperty: walks the parsed tree bottom-up, letting the reviver replace or
/// (by returning undefined) delete each property.
fn internalize(reviver: &Value, holder: &Obj, key: PropKey, depth: usize) -> JsResult<Value> {
    if depth > MAX_DEPTH {
        return Err(error::range_error("Maximum call stack size exceeded"));
    }
    let holder_v = Value::Object(holder.clone());
    let val = ops::get(&holder_v, &key)?;
    if let Value::Object(o) = &val {
        let keys: Vec<PropKey> = if o.is_array() {
            let len = ops::length_of(&val)?;
            (0..len as u32).map(PropKey::index).collect()
        } else {
            ops::own_enumerable_keys(o).into_iter().map(PropKey::String).collect()
        };
        for k in keys {
            let new = internalize(reviver, o, k.clone(), depth + 1)?;
            if new.is_undefined() {
                ops::delete(o, &k)?;
            } else {
                ops::define_own_property(o, &k, &PropertyDescriptor::data(new, attr::DEFAULT))?;
            }
        }
    }
    let key_v = match key {
        PropKey::String(s) => Value::String(s),
        PropKey::Symbol(s) => Value::Symbol(s),
    };
    function::call(reviver, &holder_v, &[key_v, val])
}

/// A code unit of the source: bytes for ASCII text, UTF-16 units otherwise.
trait Unit: Copy {
    fn get(self) -> u16;
    /// A string of these units (which contain no escapes).
    fn string(units: &[Self]) -> JsString;
}
impl Unit for u8 {
    fn get(self) -> u16 {
        self as u16
    }
    fn string(units: &[u8]) -> JsString {
        // The source of a u8 parser is ASCII, so this cannot fail.
        JsString::new(std::str::from_utf8(units).unwrap_or_default())
    }
}
impl Unit for u16 {
    fn get(self) -> u16 {
        self
    }
    fn string(units: &[u16]) -> JsString {
        JsString::from_units(units)
    }
}

struct Parser<'a, T: Unit> {
    src: &'a [T],
    pos: usize,
    /// Scratch buffer for strings with escapes, reused across strings.
    buf: Vec<u16>,
    depth: usize,
}

impl<'a, T: Unit> Parser<'a, T> {
    fn new(src: &'a [T]) -> Self {
        Parser { src, pos: 0, buf: Vec::new(), depth: 0 }
    }

    fn run(mut self) -> JsResult<Value> {
        let v = self.value()?;
        self.skip_ws();
        if self.pos < self.src.len() {
            return Err(error::syntax_error(&format!(
                "Unexpected non-whitespace character after JSON at position {}",
                self.pos
            )));
        }
        Ok(v)
    }

    fn peek(&self) -> Option<u16> {
        self.src.get(self.pos).map(|u| u.get())
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if c == b' ' as u16 || c == b'\t' as u16 || c == b'\n' as u16 || c == b'\r' as u16 {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn err_at(&self, msg: &str, pos: usize) -> Value {
        error::syntax_error(&format!("{msg} in JSON at position {pos}"))
    }

    /// V8's message for a token that cannot start or continue a value here.
    fn unexpected(&self) -> Value {
        let Some(c) = self.peek() else {
            return error::syntax_error("Unexpected end of JSON input");
        };
        let tok = String::from_utf16_lossy(&[c]);
        let len = self.src.len();
        let text = |a: usize, b: usize| -> String {
            let units: Vec<u16> = self.src[a..b].iter().map(|u| u.get()).collect();
            String::from_utf16_lossy(&units)
        };
        let context = if len <= 40 {
            format!("\"{}\"", text(0, len))
        } else {
            let a = self.pos.saturating_sub(10);
            let b = (self.pos + 10).min(len);
            format!("{}\"{}\"{}", if a > 0 { "..." } else { "" }, text(a, b), if b < len { "..." } else { "" })
        };
        error::syntax_error(&format!("Unexpected token '{tok}', {context} is not valid JSON"))
    }

    fn value(&mut self) -> JsResult<Value> {
        self.skip_ws();
        let Some(c) = self.peek() else { return Err(self.unexpected()) };
        match c {
            0x22 => Ok(Value::String(self.string()?)),
            0x7b => self.object(),
            0x5b => self.array(),
            0x74 => self.literal("true", Value::Bool(true)),
            0x66 => self.literal("false", Value::Bool(false)),
            0x6e => self.literal("null", Value::Null),
            0x2d | 0x30..=0x39 => self.number(),
            _ => Err(self.unexpected()),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> JsResult<Value> {
        for b in word.bytes() {
            if self.peek() != Some(b as u16) {
                return Err(self.unexpected());
            }
            self.pos += 1;
        }
        Ok(v)
    }

    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(0x30..=0x39)) {
            self.pos += 1;
        }
        self.pos - start
    }

    fn number(&mut self) -> JsResult<Value> {
        let start = self.pos;
        if self.peek() == Some(0x2d) {
            self.pos += 1;
            if !matches!(self.peek(), Some(0x30..=0x39)) {
                return Err(self.err_at("No number after minus sign", self.pos));
            }
        }
        if self.peek() == Some(0x30) {
            self.pos += 1;
            if matches!(self.peek(), Some(0x30..=0x39)) {
                return Err(self.err_at("Unexpected number", self.pos));
            }
        } else {
            self.digits();
        }
        let mut simple = true;
        if self.peek() == Some(0x2e) {
            simple = false;
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.err_at("Unterminated fractional number", self.pos));
            }
        }
        if matches!(self.peek(), Some(0x65 | 0x45)) {
            simple = false;
            self.pos += 1;
            if matches!(self.peek(), Some(0x2b | 0x2d)) {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err_at("Exponent part is missing a number", self.pos));
            }
        }
        let units = &self.src[start..self.pos];
        if simple && units.len() <= 15 {
            let (neg, digits) = match units.first().map(|u| u.get()) {
                Some(0x2d) => (true, &units[1..]),
                _ => (false, units),
            };
            let n = digits.iter().fold(0i64, |acc, d| acc * 10 + (d.get() - 0x30) as i64) as f64;
            return Ok(Value::Number(if neg { -n } else { n }));
        }
        // The grammar checked above is a subset of Rust's float syntax, and Rust rounds correctly.
        let text: String = units.iter().map(|u| u.get() as u8 as char).collect();
        Ok(Value::Number(text.parse::<f64>().unwrap_or(f64::NAN)))
    }

    fn hex4(&mut self) -> JsResult<u16> {
        let mut v: u16 = 0;
        for _ in 0..4 {
            let d = match self.peek() {
                Some(c @ 0x30..=0x39) => c - 0x30,
                Some(c @ 0x41..=0x46) => c - 0x41 + 10,
                Some(c @ 0x61..=0x66) => c - 0x61 + 10,
                Some(_) => return Err(self.err_at("Bad Unicode escape", self.pos)),
                None => return Err(self.err_at("Bad Unicode escape", self.pos)),
            };
            v = v * 16 + d;
            self.pos += 1;
        }
        Ok(v)
    }

    fn string(&mut self) -> JsResult<JsString> {
        self.pos += 1; // opening quote
        let start = self.pos;
        // Fast path: no escapes, copied straight from the source.
        loop {
            match self.peek() {
                None => return Err(self.err_at("Unterminated string", self.pos)),
                Some(0x22) => {
                    let s = self.slice_string(start, self.pos);
                    self.pos += 1;
                    return Ok(s);
                }
                Some(0x5c) => break,
                Some(c) if c < 0x20 => return Err(self.err_at("Bad control character in string literal", self.pos)),
                Some(_) => self.pos += 1,
            }
        }
        self.buf.clear();
        self.buf.extend(self.src[start..self.pos].iter().map(|u| u.get()));
        loop {
            match self.peek() {
                None => return Err(self.err_at("Unterminated string", self.pos)),
                Some(0x22) => {
                    self.pos += 1;
                    return Ok(JsString::from_utf16(self.buf.clone()));
                }
                Some(0x5c) => {
                    self.pos += 1;
                    let Some(e) = self.peek() else {
                        return Err(self.err_at("Unterminated string", self.pos));
                    };
                    let c = match e {
                        0x22 | 0x5c | 0x2f => e,
                        0x62 => 0x08,
                        0x66 => 0x0c,
                        0x6e => 0x0a,
                        0x72 => 0x0d,
                        0x74 => 0x09,
                        0x75 => {
                            self.pos += 1;
                            let u = self.hex4()?;
                            self.buf.push(u);
                            continue;
                        }
                        _ => return Err(self.err_at("Bad escaped character", self.pos)),
                    };
                    self.pos += 1;
                    self.buf.push(c);
                }
                Some(c) if c < 0x20 => return Err(self.err_at("Bad control character in string literal", self.pos)),
                Some(c) => {
                    self.buf.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn slice_string(&self, a: usize, b: usize) -> JsString {
        T::string(&self.src[a..b])
    }

    fn enter(&mut self) -> JsResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error::range_error("Maximum call stack size exceeded"));
        }
        Ok(())
    }

    fn array(&mut self) -> JsResult<Value> {
        self.enter()?;
        self.pos += 1;
        let mut elems = Vec::new();
        self.skip_ws();
        if self.peek() == Some(0x5d) {
            self.pos += 1;
        } else {
            loop {
                elems.push(self.value()?);
                self.skip_ws();
                match self.peek() {
                    Some(0x2c) => self.pos += 1,
                    Some(0x5d) => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(self.err_at("Expected ',' or ']' after array element", self.pos)),
                }
            }
        }
        self.depth -= 1;
        Ok(Value::Object(Obj::array(elems)))
    }

    fn object(&mut self) -> JsResult<Value> {
        self.enter()?;
        self.pos += 1;
        let obj = Obj::ordinary();
        self.skip_ws();
        if self.peek() == Some(0x7d) {
            self.pos += 1;
            self.depth -= 1;
            return Ok(Value::Object(obj));
        }
        let mut first = true;
        loop {
            self.skip_ws();
            match self.peek() {
                Some(0x22) => {}
                Some(_) | None if first => return Err(self.err_at("Expected property name or '}'", self.pos)),
                _ => return Err(self.err_at("Expected double-quoted property name", self.pos)),
            }
            first = false;
            let key = self.string()?;
            self.skip_ws();
            match self.peek() {
                Some(0x3a) => self.pos += 1,
                _ => return Err(self.err_at("Expected ':' after property name", self.pos)),
            }
            let v = self.value()?;
            obj.define_value(PropKey::String(key), v, attr::DEFAULT);
            self.skip_ws();
            match self.peek() {
                Some(0x2c) => self.pos += 1,
                Some(0x7d) => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.err_at("Expected ',' or '}' after property value", self.pos)),
            }
        }
        self.depth -= 1;
        Ok(Value::Object(obj))
    }
}

// ----- stringify -----

/// `JSON.stringify(v)`; None when the result is undefined (functions, symbols, undefined).
pub fn stringify(v: &Value) -> JsResult<Option<String>> {
    let mut s = Serializer::default();
    let wrote = s.property(None, Key::Str(JsString::empty()), v.clone())?;
    Ok(if wrote { Some(s.out) } else { None })
}

fn js_stringify(_this: &Value, args: &[Value]) -> JsResult<Value> {
    let value = util::arg(args, 0);
    let replacer = util::arg(args, 1);
    let space = util::arg(args, 2);
    let mut s = Serializer::default();
    if replacer.is_callable() {
        s.replacer = Some(replacer);
    } else if let Value::Object(r) = &replacer {
        if r.is_array() {
            let mut list: Vec<JsString> = Vec::new();
            for item in ops::list_from_array_like(&replacer)? {
                let key = match &item {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(_) => Some(ops::to_string(&item)?),
                    Value::Object(o) if matches!(o.borrow().kind, ObjectKind::String(_) | ObjectKind::Number(_)) => {
                        Some(ops::to_string(&item)?)
                    }
                    _ => None,
                };
                if let Some(k) = key {
                    if !list.contains(&k) {
                        list.push(k);
                    }
                }
            }
            s.allow = Some(list);
        }
    }
    let space =
        match &space {
            Value::Object(o) => match o.borrow().kind {
                ObjectKind::Number(_) => Some(true),
                ObjectKind::String(_) => Some(false),
                _ => None,
            }
            .map(|is_num| {
                if is_num {
                    ops::to_number(&space).map(Value::Number)
                } else {
                    ops::to_string(&space).map(Value::String)
                }
            })
            .transpose()?
            .unwrap_or(Value::Undefined),
            _ => space,
        };
    match &space {
        Value::Number(_) => {
            let n = ops::to_integer(&space)?.clamp(0.0, 10.0) as usize;
            s.gap = " ".repeat(n);
        }
        Value::String(g) => {
            let g = g.substring(0, 10);
            s.gap = g.to_rust_string();
        }
        _ => {}
    }
    let holder = if s.replacer.is_some() {
        let h = Obj::ordinary();
        h.define_value("", value.clone(), attr::DEFAULT);
        Some(Value::Object(h))
    } else {
        None
    };
    let wrote = s.property(holder.as_ref(), Key::Str(JsString::empty()), value)?;
    Ok(if wrote { Value::string(s.out) } else { Value::Undefined })
}

/// A property key whose string form is built only if a toJSON or replacer needs it.
enum Key {
    Str(JsString),
    Index(usize),
}

impl Key {
    fn to_value(&self) -> Value {
        match self {
            Key::Str(s) => Value::String(s.clone()),
            Key::Index(i) => Value::string(i.to_string()),
        }
    }
}

#[derive(Default)]
struct Serializer {
    out: String,
    replacer: Option<Value>,
    allow: Option<Vec<JsString>>,
    gap: String,
    indent: String,
    stack: Vec<Obj>,
}

impl Serializer {
    /// SerializeJSONProperty for an already-fetched `value`. Returns false for "undefined".
    fn property(&mut self, holder: Option<&Value>, key: Key, mut value: Value) -> JsResult<bool> {
        if let Value::Object(_) = &value {
            let to_json = ops::get_str(&value, "toJSON")?;
            if to_json.is_callable() {
                value = function::call(&to_json, &value, &[key.to_value()])?;
            }
        }
        if let Some(r) = &self.replacer {
            let this = holder.cloned().unwrap_or_default();
            value = function::call(r, &this, &[key.to_value(), value])?;
        }
        if let Value::Object(o) = &value {
            enum Unbox {
                Num,
                Str,
                Bool(bool),
                No,
            }
            let u = match &o.borrow().kind {
                ObjectKind::Number(_) => Unbox::Num,
                ObjectKind::String(_) => Unbox::Str,
                ObjectKind::Boolean(b) => Unbox::Bool(*b),
                _ => Unbox::No,
            };
            match u {
                Unbox::Num => value = Value::Number(ops::to_number(&value)?),
                Unbox::Str => value = Value::String(ops::to_string(&value)?),
                Unbox::Bool(b) => value = Value::Bool(b),
                Unbox::No => {}
            }
        }
        match &value {
            Value::Null => self.out.push_str("null"),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::String(s) => quote(&mut self.out, s),
            Value::Number(n) => {
                if n.is_finite() {
                    self.out.push_str(&number::to_string(*n))
                } else {
                    self.out.push_str("null")
                }
            }
            Value::Object(o) if !o.is_callable() => {
                if self.stack.iter().any(|x| x.ptr_eq(o)) {
                    return Err(error::type_error("Converting circular structure to JSON"));
                }
                if self.stack.len() >= MAX_DEPTH {
                    return Err(error::range_error("Maximum call stack size exceeded"));
                }
                self.stack.push(o.clone());
                let r = if o.is_array() { self.array(o) } else { self.object(o) };
                self.stack.pop();
                r?;
            }
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn newline(&mut self) {
        self.out.push('\n');
        self.out.push_str(&self.indent);
    }

    fn object(&mut self, o: &Obj) -> JsResult<()> {
        let ov = Value::Object(o.clone());
        let keys = match &self.allow {
            Some(list) => list.clone(),
            None => ops::own_enumerable_keys(o),
        };
        let saved = self.indent.len();
        self.indent.push_str(&self.gap);
        self.out.push('{');
        let mut any = false;
        for k in keys {
            let v = ops::get(&ov, &PropKey::String(k.clone()))?;
            let mark = self.out.len();
            if any {
                self.out.push(',');
            }
            if !self.gap.is_empty() {
                self.newline();
            }
            quote(&mut self.out, &k);
            self.out.push(':');
            if !self.gap.is_empty() {
                self.out.push(' ');
            }
            if self.property(Some(&ov), Key::Str(k), v)? {
                any = true;
            } else {
                self.out.truncate(mark);
            }
        }
        self.indent.truncate(saved);
        if any && !self.gap.is_empty() {
            self.newline();
        }
        self.out.push('}');
        Ok(())
    }

    fn array(&mut self, o: &Obj) -> JsResult<()> {
        let ov = Value::Object(o.clone());
        let len = ops::length_of(&ov)?;
        let saved = self.indent.len();
        self.indent.push_str(&self.gap);
        self.out.push('[');
        for i in 0..len {
            if i > 0 {
                self.out.push(',');
            }
            if !self.gap.is_empty() {
                self.newline();
            }
            // Dense elements are read directly; holes and indices past the vector go through [[Get]].
            let direct = match &o.borrow().kind {
                ObjectKind::Array(v) => v.get(i).filter(|x| !x.is_hole()).cloned(),
                _ => None,
            };
            let v = match direct {
                Some(v) => v,
                None => ops::get(&ov, &PropKey::index(i as u32))?,
            };
            if !self.property(Some(&ov), Key::Index(i), v)? {
                self.out.push_str("null");
            }
        }
        self.indent.truncate(saved);
        if len > 0 && !self.gap.is_empty() {
            self.newline();
        }
        self.out.push(']');
        Ok(())
    }
}

/// QuoteJSONString with the well-formed rule: lone surrogates are written as `\udXXX`.
fn quote(out: &mut String, s: &JsString) {
    out.push('"');
    match s.as_ascii() {
        Some(a) => {
            let bytes = a.as_bytes();
            let mut run = 0;
            for (i, &b) in bytes.iter().enumerate() {
                if b < 0x20 || b == b'"' || b == b'\\' {
                    out.push_str(&a[run..i]);
                    escape(out, b as u16);
                    run = i + 1;
                }
            }
            out.push_str(&a[run..]);
        }
        None => {
            for r in char::decode_utf16(s.units().iter().copied()) {
                match r {
                    Ok(c) if (c as u32) < 0x80 => {
                        let b = c as u16;
                        if b < 0x20 || b == 0x22 || b == 0x5c { escape(out, b) } else { out.push(c) }
                    }
                    Ok(c) => out.push(c),
                    Err(e) => {
                        out.push_str(&format!("\\u{:04x}", e.unpaired_surrogate()));
                    }
                }
            }
        }
    }
    out.push('"');
}

fn escape(out: &mut String, c: u16) {
    match c {
        0x08 => out.push_str("\\b"),
        0x09 => out.push_str("\\t"),
        0x0a => out.push_str("\\n"),
        0x0c => out.push_str("\\f"),
        0x0d => out.push_str("\\r"),
        0x22 => out.push_str("\\\""),
        0x5c => out.push_str("\\\\"),
        _ => out.push_str(&format!("\\u{c:04x}")),
    }
}

#[cfg(test)]
mod tests;
