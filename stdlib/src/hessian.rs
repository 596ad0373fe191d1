//! The `Hessian` global of the original: Hessian 2.0 serialization. `Hessian.decode(data)` gives
//! an array of the values the bytes hold one after another; `Hessian.encode(value)` writes a
//! value (an array is written as that sequence of values) and gives Data.
//!
//! Values: null, booleans, strings, Data (binary), Dates, numbers (written as Hessian doubles in
//! their shortest form) and `Int`s (`crate::int`; decoded ints are `i32` Ints, longs `i64` Ints;
//! an Int is written as a long when 64 bits wide, else as an int). Lists, maps and objects are
//! collections `{kind, type, elements}`: `kind` is `'list'` (elements an array), `'map'`
//! (elements an array of `[key, value]` pairs) or `'object'` (`type` the class name, elements an
//! object of fields); `type` is undefined when untyped and `elements` null when empty. Any other
//! object is written as a collection by those three properties (kind `list` by default). A
//! collection met again is written as a reference, and references are resolved when decoding.
//! Decoding stops at the first malformed or cut-short value: what came before it is returned,
//! as in the original; writing stops (keeping what was written) at an `object` without a type, a
//! map entry that is not an array, or a `class_def`, as in the original.
//!
//! Differences from the original (1.5), all where it misbehaves:
//! - References (`Q`) decode (the original fails on every one), and an encoder's reference
//!   numbers count collections in the order they start, as the decoder does (the original counts
//!   in the order they end, so its nested references point at the wrong collection).
//! - `X` (untyped fixed list) and `O` (object by class number) decode as Hessian has them; the
//!   original reads `X`'s length as a 4-byte int and `O`'s first field as a length.
//! - `x5e` doubles, `x4a` dates and `Y` longs keep their sign and type (the original reads
//!   `5e8000` as 32768, negative dates as huge ones, and `Y` as an i32).
//! - An object's fields are its own enumerable properties (the original sees only properties
//!   added after creation, so `{a: 1}` written inline has none); a class definition is reused
//!   only for the same type with the same fields.
//! - A zero-length typed list (`x70`) still reads its type; a string or binary chunk (`R`, `A`)
//!   must be followed by another chunk.
//! - `maxStringSize` (CString results) is not supported: strings are always strings. Bytes that
//!   are not UTF-8 become U+FFFD. Collections nested over 256 deep stop decoding and throw when
//!   encoding (the original recurses until the stack runs out).

use crate::date::DateValue;
use crate::int::{self, IntType};
use crate::util::{self, arg};
use pipy_engine::pipeline::event;
use pipy_value::error::{ErrorKind, make_error};
use pipy_value::{JsResult, Obj, Value, ops};

const MAX_DEPTH: usize = 256;
const CHUNK: usize = 0xffff;

fn fail<T>(msg: &str) -> JsResult<T> {
    Err(make_error(ErrorKind::Error, msg))
}

// ---------------------------------------------------------------- decoding

/// A class definition: its type and field names.
struct ClassDef {
    ty: Value,
    fields: Vec<String>,
}

struct Decoder<'a> {
    b: &'a [u8],
    p: usize,
    /// Lists, maps and objects in the order they started (what `Q` refers to).
    refs: Vec<Value>,
    defs: Vec<ClassDef>,
    /// List and map type names in the order they appeared (what an int type refers to).
    types: Vec<Value>,
    depth: usize,
}

fn collection(kind: &str, ty: Value) -> Obj {
    let o = Obj::ordinary();
    o.define_value("kind", Value::str(kind), pipy_value::attr::DEFAULT);
    o.define_value("type", ty, pipy_value::attr::DEFAULT);
    o.define_value("elements", Value::Null, pipy_value::attr::DEFAULT);
    o
}

fn set_elements(o: &Obj, v: Value) {
    o.define_value("elements", v, pipy_value::attr::DEFAULT);
}

impl Decoder<'_> {
    fn byte(&mut self) -> Option<u8> {
        let c = *self.b.get(self.p)?;
        self.p += 1;
        Some(c)
    }

    fn bytes(&mut self, n: usize) -> Option<&[u8]> {
        let s = self.b.get(self.p..self.p.checked_add(n)?)?;
        self.p += n;
        Some(s)
    }

    fn be(&mut self, n: usize) -> Option<u64> {
        Some(self.bytes(n)?.iter().fold(0u64, |a, &c| (a << 8) | u64::from(c)))
    }

    /// `n` characters of UTF-8 appended to `out`, counted as the original counts them (bytes
    /// that start no character and stray continuation bytes are kept but not counted).
    fn chars(&mut self, mut n: usize, out: &mut Vec<u8>) -> Option<()> {
        let mut pending = 0;
        while n > 0 {
            let c = self.byte()?;
            out.push(c);
            if pending == 0 {
                match c {
                    0..=0x7f => n -= 1,
                    _ if c & 0xe0 == 0xc0 => pending = 1,
                    _ if c & 0xf0 == 0xe0 => pending = 2,
                    _ if c & 0xf8 == 0xf0 => pending = 3,
                    _ => {}
                }
            } else if c & 0xc0 == 0x80 {
                pending -= 1;
                if pending == 0 {
                    n -= 1;
                }
            }
        }
        Some(())
    }

    /// A string starting with `c`: short, medium, or chunks ending in a final one.
    fn string(&mut self, mut c: u8) -> Option<Value> {
        let mut out = Vec::new();
        loop {
            match c {
                0x00..=0x1f => return self.chars(usize::from(c), &mut out).map(|_| text(out)),
                0x30..=0x33 => {
                    let n = (usize::from(c - 0x30) << 8) | usize::from(self.byte()?);
                    return self.chars(n, &mut out).map(|_| text(out));
                }
                b'R' | b'S' => {
                    let n = self.be(2)? as usize;
                    self.chars(n, &mut out)?;
                    if c == b'S' {
                        return Some(text(out));
                    }
                    c = self.byte()?;
                    if !matches!(c, 0x00..=0x1f | 0x30..=0x33 | b'R' | b'S') {
                        return None;
                    }
                }
                _ => return None,
            }
        }
    }

    /// Binary data starting with `c`: short, medium, or chunks ending in a final one.
    fn binary(&mut self, mut c: u8) -> Option<Value> {
        let mut out = Vec::new();
        loop {
            let n = match c {
                0x20..=0x2f => usize::from(c - 0x20),
                0x34..=0x37 => (usize::from(c - 0x34) << 8) | usize::from(self.byte()?),
                b'A' | b'B' => self.be(2)? as usize,
                _ => return None,
            };
            out.extend_from_slice(self.bytes(n)?);
            if c != b'A' {
                return Some(event::data_value(out.into()));
            }
            c = self.byte()?;
            if !matches!(c, 0x20..=0x2f | 0x34..=0x37 | b'A' | b'B') {
                return None;
            }
        }
    }

    /// An integer-like value (for lengths, class numbers and references).
    fn count(&mut self) -> Option<usize> {
        let v = self.value()?;
        let n = match int::as_int(&v) {
            Some(i) => i.bits,
            None => v.as_number().filter(|n| n.fract() == 0.0)? as i64,
        };
        usize::try_from(n).ok()
    }

    /// A list or map type: a name (remembered) or the number of one met before.
    fn type_name(&mut self, remember: bool) -> Option<Value> {
        let v = self.value()?;
        if v.is_string() {
            if remember {
                self.types.push(v.clone());
            }
            return Some(v);
        }
        let i = match int::as_int(&v) {
            Some(i) => usize::try_from(i.bits).ok()?,
            None => v.as_number().filter(|n| *n >= 0.0 && n.fract() == 0.0)? as usize,
        };
        self.types.get(i).cloned()
    }

    /// A list's elements: `n` of them, or up to `Z` when `n` is None.
    fn list(&mut self, ty: Value, n: Option<usize>) -> Option<Value> {
        let o = collection("list", ty);
        self.refs.push(Value::Object(o.clone()));
        let mut items = Vec::new();
        loop {
            match n {
                Some(n) if items.len() == n => break,
                None if self.b.get(self.p) == Some(&b'Z') => {
                    self.p += 1;
                    break;
                }
                _ => items.push(self.value()?),
            }
        }
        if !items.is_empty() {
            set_elements(&o, ops::new_array(items));
        }
        Some(Value::Object(o))
    }

    fn map(&mut self, ty: Value) -> Option<Value> {
        let o = collection("map", ty);
        self.refs.push(Value::Object(o.clone()));
        let mut pairs = Vec::new();
        loop {
            if self.b.get(self.p) == Some(&b'Z') {
                self.p += 1;
                break;
            }
            let k = self.value()?;
            if self.b.get(self.p) == Some(&b'Z') {
                // A key without a value: a pair of one, as the original has it.
                pairs.push(ops::new_array(vec![k]));
                continue;
            }
            let v = self.value()?;
            pairs.push(ops::new_array(vec![k, v]));
        }
        if !pairs.is_empty() {
            set_elements(&o, ops::new_array(pairs));
        }
        Some(Value::Object(o))
    }

    fn object(&mut self, def: usize) -> Option<Value> {
        let (ty, fields) = {
            let d = self.defs.get(def)?;
            (d.ty.clone(), d.fields.clone())
        };
        let o = collection("object", ty);
        self.refs.push(Value::Object(o.clone()));
        if !fields.is_empty() {
            let e = Obj::ordinary();
            for f in &fields {
                let v = self.value()?;
                ops::set_obj(&e, &pipy_value::PropKey::str(f), v, &Value::Object(e.clone())).ok()?;
            }
            set_elements(&o, Value::Object(e));
        }
        Some(Value::Object(o))
    }

    fn class_def(&mut self) -> Option<()> {
        let ty = self.type_name(false)?;
        let n = self.count()?;
        let mut fields = Vec::new();
        for _ in 0..n {
            let f = self.value()?;
            fields.push(f.as_string()?.to_rust_string());
        }
        self.defs.push(ClassDef { ty, fields });
        Some(())
    }

    /// The next value (class definitions before it are read on the way), or None when the bytes
    /// are malformed or end first.
    fn value(&mut self) -> Option<Value> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let v = self.value_inner();
        self.depth -= 1;
        v
    }

    fn value_inner(&mut self) -> Option<Value> {
        let c = self.byte()?;
        let i32v = |n: i64| Some(int::make(IntType::I32, n));
        let i64v = |n: i64| Some(int::make(IntType::I64, n));
        match c {
            0x00..=0x1f | 0x30..=0x33 | b'R' | b'S' => self.string(c),
            0x20..=0x2f | 0x34..=0x37 | b'A' | b'B' => self.binary(c),
            0x38..=0x3f => i64v((i64::from(c) - 0x3c) << 16 | self.be(2)? as i64),
            b'C' => {
                self.class_def()?;
                self.value()
            }
            b'D' => Some(Value::num(f64::from_bits(self.be(8)?))),
            b'F' => Some(Value::Bool(false)),
            b'H' => self.map(Value::Undefined),
            b'I' => i32v(i64::from(self.be(4)? as u32 as i32)),
            b'J' => Some(date(self.be(8)? as i64 as f64)),
            b'K' => Some(date(self.be(4)? as f64 * 60_000.0)),
            b'L' => i64v(self.be(8)? as i64),
            b'M' => {
                let ty = self.type_name(true)?;
                self.map(ty)
            }
            b'N' => Some(Value::Null),
            b'O' => {
                let def = self.count()?;
                self.object(def)
            }
            b'Q' => {
                let i = self.count()?;
                self.refs.get(i).cloned()
            }
            b'T' => Some(Value::Bool(true)),
            b'U' => {
                let ty = self.type_name(true)?;
                self.list(ty, None)
            }
            b'V' => {
                let ty = self.type_name(true)?;
                let n = self.count()?;
                self.list(ty, Some(n))
            }
            b'W' => self.list(Value::Undefined, None),
            b'X' => {
                let n = self.count()?;
                self.list(Value::Undefined, Some(n))
            }
            b'Y' => i64v(i64::from(self.be(4)? as u32 as i32)),
            0x5b => Some(Value::num(0.0)),
            0x5c => Some(Value::num(1.0)),
            0x5d => Some(Value::num(f64::from(self.byte()? as i8))),
            0x5e => Some(Value::num(f64::from(self.be(2)? as u16 as i16))),
            0x5f => Some(Value::num(f64::from(f32::from_bits(self.be(4)? as u32)))),
            0x60..=0x6f => self.object(usize::from(c - 0x60)),
            0x70..=0x77 => {
                let ty = self.type_name(true)?;
                self.list(ty, Some(usize::from(c - 0x70)))
            }
            0x78..=0x7f => self.list(Value::Undefined, Some(usize::from(c - 0x78))),
            0x80..=0xbf => i32v(i64::from(c) - 0x90),
            0xc0..=0xcf => i32v((i64::from(c) - 0xc8) << 8 | i64::from(self.byte()?)),
            0xd0..=0xd7 => i32v((i64::from(c) - 0xd4) << 16 | self.be(2)? as i64),
            0xd8..=0xef => i64v(i64::from(c) - 0xe0),
            0xf0..=0xff => i64v((i64::from(c) - 0xf8) << 8 | i64::from(self.byte()?)),
            _ => None,
        }
    }
}

fn text(bytes: Vec<u8>) -> Value {
    Value::string(String::from_utf8_lossy(&bytes).into_owned())
}

fn date(t: f64) -> Value {
    Value::Object(crate::date::new_date(t, None))
}

/// Every whole value in `b`, up to the first malformed or cut-short one.
pub fn decode(b: &[u8]) -> Vec<Value> {
    let mut d = Decoder { b, p: 0, refs: Vec::new(), defs: Vec::new(), types: Vec::new(), depth: 0 };
    let mut out = Vec::new();
    while d.p < b.len() {
        match d.value() {
            Some(v) => out.push(v),
            None => break,
        }
    }
    out
}

// ---------------------------------------------------------------- encoding

struct Encoder {
    out: Vec<u8>,
    /// Collections written so far, in the order they started.
    objs: Vec<Obj>,
    /// Class definitions written so far: type and field names.
    defs: Vec<(String, Vec<String>)>,
    types: Vec<String>,
    depth: usize,
}

/// What a collection-like object says of itself.
struct Collection {
    kind: String,
    ty: Option<String>,
    elements: Option<Obj>,
}

fn collection_of(o: &Obj) -> JsResult<Collection> {
    let v = Value::Object(o.clone());
    let kind = match ops::get_str(&v, "kind")? {
        Value::String(s) => s.to_rust_string(),
        _ => String::new(),
    };
    let ty = match ops::get_str(&v, "type")? {
        Value::String(s) if !s.to_rust_string().is_empty() => Some(s.to_rust_string()),
        _ => None,
    };
    let elements = ops::get_str(&v, "elements")?.as_object().cloned();
    Ok(Collection { kind, ty, elements })
}

impl Encoder {
    fn push(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    fn int(&mut self, i: i32) {
        match i {
            -0x10..=0x2f => self.out.push((i + 0x90) as u8),
            -0x800..=0x7ff => self.push(&[((i >> 8) + 0xc8) as u8, i as u8]),
            -0x40000..=0x3ffff => self.push(&[((i >> 16) + 0xd4) as u8, (i >> 8) as u8, i as u8]),
            _ => {
                self.out.push(b'I');
                self.push(&i.to_be_bytes());
            }
        }
    }

    fn long(&mut self, n: i64) {
        match n {
            -0x8..=0xf => self.out.push((n + 0xe0) as u8),
            -0x800..=0x7ff => self.push(&[((n >> 8) + 0xf8) as u8, n as u8]),
            -0x40000..=0x3ffff => self.push(&[((n >> 16) + 0x3c) as u8, (n >> 8) as u8, n as u8]),
            _ if i32::try_from(n).is_ok() => {
                self.out.push(0x59);
                self.push(&(n as i32).to_be_bytes());
            }
            _ => {
                self.out.push(b'L');
                self.push(&n.to_be_bytes());
            }
        }
    }

    fn double(&mut self, n: f64) {
        if n.is_finite() && n.fract() == 0.0 {
            match n as i32 {
                0 => return self.out.push(0x5b),
                1 => return self.out.push(0x5c),
                i @ -128..=127 => return self.push(&[0x5d, i as u8]),
                i @ -32768..=32767 => return self.push(&[0x5e, (i >> 8) as u8, i as u8]),
                _ => {}
            }
        }
        self.out.push(b'D');
        self.push(&n.to_bits().to_be_bytes());
    }

    fn string(&mut self, s: &str) {
        let n = s.chars().count();
        if n < 32 {
            self.out.push(n as u8);
            self.push(s.as_bytes());
        } else if n < 1024 {
            self.push(&[0x30 + (n >> 8) as u8, n as u8]);
            self.push(s.as_bytes());
        } else {
            let mut rest = s;
            while !rest.is_empty() {
                let end = rest.char_indices().nth(CHUNK).map_or(rest.len(), |(i, _)| i);
                let (chunk, tail) = rest.split_at(end);
                let l = chunk.chars().count();
                self.push(&[if tail.is_empty() { b'S' } else { b'R' }, (l >> 8) as u8, l as u8]);
                self.push(chunk.as_bytes());
                rest = tail;
            }
        }
    }

    fn binary(&mut self, d: &[u8]) {
        let n = d.len();
        if n < 16 {
            self.out.push(0x20 + n as u8);
            self.push(d);
        } else if n < 1024 {
            self.push(&[0x34 + (n >> 8) as u8, n as u8]);
            self.push(d);
        } else {
            let chunks: Vec<&[u8]> = d.chunks(CHUNK).collect();
            for (i, c) in chunks.iter().enumerate() {
                let last = i + 1 == chunks.len();
                self.push(&[if last { b'B' } else { 0x41 }, (c.len() >> 8) as u8, c.len() as u8]);
                self.push(c);
            }
        }
    }

    fn type_name(&mut self, t: &str) {
        match self.types.iter().position(|x| x == t) {
            Some(i) => self.int(i as i32),
            None => {
                self.string(t);
                self.types.push(t.to_string());
            }
        }
    }

    /// Writes `v`; false when the original would stop writing here.
    fn value(&mut self, v: &Value) -> JsResult<bool> {
        if let Some(i) = int::as_int(v) {
            if i.ty.width() == 64 {
                self.long(i.bits);
            } else {
                self.int(i.bits as i32);
            }
            return Ok(true);
        }
        match v {
            Value::Null => self.out.push(b'N'),
            Value::Bool(b) => self.out.push(if *b { b'T' } else { b'F' }),
            Value::Number(n) => self.double(*n),
            Value::String(s) => self.string(&s.to_rust_string()),
            Value::Object(o) => {
                if let Some(t) = o.with_host(|d: &mut DateValue| d.0) {
                    let t = if t.is_finite() { t as i64 } else { 0 };
                    self.out.push(0x4a);
                    self.push(&t.to_be_bytes());
                } else if let Some(d) = event::as_data(v) {
                    self.binary(&d.to_vec());
                } else if let Some(i) = self.objs.iter().position(|x| x == o) {
                    self.out.push(0x51);
                    self.int(i as i32);
                } else {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return fail("Hessian encode # collections nested too deep");
                    }
                    let done = self.collection(o)?;
                    self.depth -= 1;
                    return Ok(done);
                }
            }
            _ => {}
        }
        Ok(true)
    }

    fn collection(&mut self, o: &Obj) -> JsResult<bool> {
        let c = collection_of(o)?;
        let items = c.elements.as_ref().filter(|e| e.is_array()).and_then(|e| e.array_elements());
        match c.kind.as_str() {
            "map" => {
                self.objs.push(o.clone());
                match &c.ty {
                    Some(t) => {
                        self.out.push(b'M');
                        self.type_name(t);
                    }
                    None => self.out.push(b'H'),
                }
                for e in items.unwrap_or_default() {
                    let Some(pair) = e.as_object().filter(|p| p.is_array()).and_then(|p| p.array_elements()) else {
                        return Ok(false);
                    };
                    for kv in pair.iter().take(2) {
                        if !self.value(kv)? {
                            return Ok(false);
                        }
                    }
                }
                self.out.push(b'Z');
            }
            "object" => {
                let Some(t) = c.ty else { return Ok(false) };
                let fields: Vec<String> = match &c.elements {
                    Some(e) if !e.is_array() => {
                        ops::own_enumerable_keys(e).iter().map(|k| k.to_rust_string()).collect()
                    }
                    _ => Vec::new(),
                };
                self.objs.push(o.clone());
                let i = match self.defs.iter().position(|(dt, df)| *dt == t && *df == fields) {
                    Some(i) => i,
                    None => {
                        self.out.push(b'C');
                        self.string(&t);
                        self.int(fields.len() as i32);
                        for f in &fields {
                            self.string(f);
                        }
                        self.defs.push((t, fields.clone()));
                        self.defs.len() - 1
                    }
                };
                if i < 16 {
                    self.out.push(0x60 + i as u8);
                } else {
                    self.out.push(b'O');
                    self.int(i as i32);
                }
                if let Some(e) = &c.elements {
                    let ev = Value::Object(e.clone());
                    for f in &fields {
                        if !self.value(&ops::get_str(&ev, f)?)? {
                            return Ok(false);
                        }
                    }
                }
            }
            "class_def" => return Ok(false),
            _ => {
                self.objs.push(o.clone());
                let items = items.unwrap_or_default();
                match &c.ty {
                    Some(t) => {
                        self.out.push(b'V');
                        self.type_name(t);
                    }
                    None => self.out.push(b'X'),
                }
                self.int(items.len() as i32);
                for v in &items {
                    if !self.value(v)? {
                        return Ok(false);
                    }
                }
            }
        }
        Ok(true)
    }
}

/// `value` in Hessian (an array: each of its elements in turn).
pub fn encode(value: &Value) -> JsResult<Vec<u8>> {
    let mut e = Encoder { out: Vec::new(), objs: Vec::new(), defs: Vec::new(), types: Vec::new(), depth: 0 };
    match value.as_object().filter(|o| o.is_array()).and_then(|o| o.array_elements()) {
        Some(items) => {
            for v in &items {
                if !e.value(v)? {
                    break;
                }
            }
        }
        None => {
            e.value(value)?;
        }
    }
    Ok(e.out)
}

fn hessian_decode(_: &Value, args: &[Value]) -> JsResult<Value> {
    if args.is_empty() {
        return fail("requires 1 or more arguments");
    }
    let v = arg(args, 0);
    if v.is_null() {
        return Ok(Value::Null);
    }
    match event::as_data(&v) {
        Some(d) => Ok(ops::new_array(decode(&d.to_vec()))),
        None => fail("argument #1 expects an instance of pipy::Data"),
    }
}

fn hessian_encode(_: &Value, args: &[Value]) -> JsResult<Value> {
    if args.is_empty() {
        return fail("requires 1 or more arguments");
    }
    Ok(event::data_value(encode(&args[0])?.into()))
}

pub fn install() {
    let ns = Obj::ordinary();
    util::method(&ns, "decode", 1, hessian_decode);
    util::method(&ns, "encode", 1, hessian_encode);
    util::global("Hessian", Value::Object(ns));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_and_deep_input_never_panics() {
        util::testing::setup();
        let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..20_000 {
            let len = (seed % 40) as usize;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    seed as u8
                })
                .collect();
            let _ = decode(&bytes);
        }
        assert!(decode(&vec![b'W'; 100_000]).is_empty());
        assert_eq!(decode(&[0x90, 0x91, 0x49, 0]).len(), 2);
    }
}
