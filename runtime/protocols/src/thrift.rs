//! Thrift messages, sans-IO, in the binary (strict and old) and compact protocols, bare or in
//! framed transport (a 4-byte big-endian length before each message): reading a message header
//! and walking its payload struct to find where the message ends (neither protocol prefixes its
//! length), decoding the payload struct into [`Val`]ues and writing headers and values back.

use crate::put_varint;
use std::ops::Range;

/// The message types by their code less one: `call` is 1, `oneway` 4.
pub const MESSAGE_TYPES: [&str; 4] = ["call", "reply", "exception", "oneway"];
/// The longest message read (a guard: Thrift has no length prefix).
const MAX_MESSAGE: usize = 16 * 1024 * 1024;
/// The deepest nesting of structs and containers walked.
const MAX_DEPTH: usize = 64;

/// How a message is laid out on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// The strict binary protocol (a version word first).
    Binary,
    /// The compact protocol.
    Compact,
    /// The old (non-strict) binary protocol: the name's length first.
    Old,
}

impl Protocol {
    pub fn name(self) -> &'static str {
        match self {
            Protocol::Binary => "binary",
            Protocol::Compact => "compact",
            Protocol::Old => "old",
        }
    }
    /// The protocol named `s`.
    pub fn parse(s: &str) -> Option<Protocol> {
        [Protocol::Binary, Protocol::Compact, Protocol::Old].into_iter().find(|p| p.name() == s)
    }
}

/// A message header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub protocol: Protocol,
    /// The message type, 1 to 4 (see [`MESSAGE_TYPES`]).
    pub kind: u8,
    /// The method name.
    pub name: String,
    /// The sequence id.
    pub seq: i32,
}

/// Whether messages come in framed transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Framing {
    /// Each message on its own (what the original reads).
    Bare,
    /// Each message behind its 4-byte length.
    Framed,
    /// Either, told apart per message: a frame is a length whose next bytes start a strict
    /// binary or compact message (a bare message starts with such bytes itself, and an old
    /// one's name, after its length, is text). A framed old-protocol message needs `Framed`.
    Auto,
}

/// A message found at the start of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub header: Header,
    /// Where its payload struct lies.
    pub body: Range<usize>,
    /// How many bytes it takes (with its frame length, if framed).
    pub len: usize,
    /// Whether it came in a frame.
    pub framed: bool,
}

/// Where reading stands: not enough bytes, a message, or not Thrift (and why).
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    /// Not enough bytes yet.
    More,
    /// A message.
    Done(Message),
    /// Not Thrift (or too large or deep to walk).
    Invalid(String),
}

/// Why a read stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Stop {
    More,
    Invalid(String),
}

/// A read, or why reading stopped.
type Step<T> = Result<T, Stop>;

fn invalid<T>(why: impl Into<String>) -> Step<T> {
    Err(Stop::Invalid(why.into()))
}

/// A bounds-checked reader whose reads fail with `More` past the end.
struct R<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> R<'a> {
    fn take(&mut self, n: usize) -> Step<&'a [u8]> {
        let end = self.pos.checked_add(n).ok_or(Stop::Invalid("a length past any message".into()))?;
        if end > MAX_MESSAGE {
            return invalid(format!("a message longer than {MAX_MESSAGE} bytes"));
        }
        let s = self.b.get(self.pos..end).ok_or(Stop::More)?;
        self.pos = end;
        Ok(s)
    }
    fn skip(&mut self, n: usize) -> Step<()> {
        self.take(n).map(|_| ())
    }
    fn array<const N: usize>(&mut self) -> Step<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }
    fn u8(&mut self) -> Step<u8> {
        Ok(self.array::<1>()?[0])
    }
    fn i16(&mut self) -> Step<i16> {
        Ok(i16::from_be_bytes(self.array()?))
    }
    fn i32(&mut self) -> Step<i32> {
        Ok(i32::from_be_bytes(self.array()?))
    }
    fn varint(&mut self) -> Step<u64> {
        let mut v = 0u64;
        for i in 0..10 {
            let c = self.u8()?;
            v |= u64::from(c & 0x7f) << (7 * i);
            if c & 0x80 == 0 {
                return Ok(v);
            }
        }
        invalid("a varint longer than 10 bytes")
    }
    /// A zigzag varint.
    fn zigzag(&mut self) -> Step<i64> {
        let v = self.varint()?;
        Ok((v >> 1) as i64 ^ -((v & 1) as i64))
    }
    fn len(&mut self, n: i64) -> Step<usize> {
        match usize::try_from(n) {
            Ok(n) if n <= MAX_MESSAGE => Ok(n),
            _ => invalid(format!("a bad length {n}")),
        }
    }
    fn bin_len(&mut self) -> Step<usize> {
        let n = self.i32()?;
        self.len(n.into())
    }
    fn var_len(&mut self) -> Step<usize> {
        let n = self.varint()?;
        self.len(i64::try_from(n).unwrap_or(-1))
    }
}

// ---- value types ----

/// The type of a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Bool,
    I8,
    I16,
    I32,
    I64,
    Double,
    Binary,
    Struct,
    Map,
    Set,
    List,
    Uuid,
}

/// Each type: its name as scripts see it, its binary-protocol code, its compact-protocol code.
const TYPES: [(Type, &str, u8, u8); 12] = [
    (Type::Bool, "BOOL", 2, 1),
    (Type::I8, "I8", 3, 3),
    (Type::I16, "I16", 6, 4),
    (Type::I32, "I32", 8, 5),
    (Type::I64, "I64", 10, 6),
    (Type::Double, "DOUBLE", 4, 7),
    (Type::Binary, "BINARY", 11, 8),
    (Type::Struct, "STRUCT", 12, 12),
    (Type::Map, "MAP", 13, 11),
    (Type::Set, "SET", 14, 10),
    (Type::List, "LIST", 15, 9),
    (Type::Uuid, "UUID", 16, 13),
];

impl Type {
    fn row(self) -> (Type, &'static str, u8, u8) {
        TYPES.iter().copied().find(|r| r.0 == self).unwrap_or(TYPES[0])
    }
    pub fn name(self) -> &'static str {
        self.row().1
    }
    /// The type named `s` (`"BOOL"` … `"UUID"`).
    pub fn parse(s: &str) -> Option<Type> {
        TYPES.iter().find(|r| r.1 == s).map(|r| r.0)
    }
    /// Its code in `protocol` (for a boolean in the compact protocol, the code of `true`, which
    /// is what lists, sets and maps carry).
    pub fn code(self, protocol: Protocol) -> u8 {
        if protocol == Protocol::Compact { self.row().3 } else { self.row().2 }
    }
    /// The type of `code` in `protocol` (the compact protocol has two codes for booleans).
    pub fn of_code(code: u8, protocol: Protocol) -> Option<Type> {
        if protocol == Protocol::Compact {
            if code == 2 {
                return Some(Type::Bool);
            }
            TYPES.iter().find(|r| r.3 == code).map(|r| r.0)
        } else {
            TYPES.iter().find(|r| r.2 == code).map(|r| r.0)
        }
    }
}

/// A value.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Bool(bool),
    I8(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    Double(f64),
    Binary(Vec<u8>),
    Struct(Vec<Field>),
    Map { key: Type, value: Type, pairs: Vec<(Val, Val)> },
    Set(Type, Vec<Val>),
    List(Type, Vec<Val>),
    Uuid([u8; 16]),
}

impl Val {
    pub fn ty(&self) -> Type {
        match self {
            Val::Bool(_) => Type::Bool,
            Val::I8(_) => Type::I8,
            Val::I16(_) => Type::I16,
            Val::I32(_) => Type::I32,
            Val::I64(_) => Type::I64,
            Val::Double(_) => Type::Double,
            Val::Binary(_) => Type::Binary,
            Val::Struct(_) => Type::Struct,
            Val::Map { .. } => Type::Map,
            Val::Set(..) => Type::Set,
            Val::List(..) => Type::List,
            Val::Uuid(_) => Type::Uuid,
        }
    }
}

/// A field of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub id: i16,
    pub value: Val,
}

fn type_of(code: u8, protocol: Protocol) -> Step<Type> {
    match Type::of_code(code, protocol) {
        Some(t) => Ok(t),
        None => invalid(format!("an unknown {} type id {code}", protocol.name())),
    }
}

// ---- walking (finding where a message ends) ----

/// Skips a value of type `t`.
fn skip(r: &mut R<'_>, p: Protocol, t: Type, depth: usize) -> Step<()> {
    if depth > MAX_DEPTH {
        return invalid(format!("values nested deeper than {MAX_DEPTH}"));
    }
    let compact = p == Protocol::Compact;
    match t {
        Type::Bool | Type::I8 => r.skip(1)?,
        Type::I16 | Type::I32 | Type::I64 if compact => {
            r.varint()?;
        }
        Type::I16 => r.skip(2)?,
        Type::I32 => r.skip(4)?,
        Type::I64 | Type::Double => r.skip(8)?,
        Type::Uuid => r.skip(16)?,
        Type::Binary => {
            let n = if compact { r.var_len()? } else { r.bin_len()? };
            r.skip(n)?;
        }
        Type::Struct => {
            let mut id = 0;
            while let Some((_, ft, inline_bool)) = field_header(r, p, &mut id)? {
                if inline_bool.is_none() {
                    skip(r, p, ft, depth + 1)?;
                }
            }
        }
        Type::Map => {
            let (kt, vt, n) = map_header(r, p)?;
            for _ in 0..n {
                skip(r, p, kt, depth + 1)?;
                skip(r, p, vt, depth + 1)?;
            }
        }
        Type::Set | Type::List => {
            let (et, n) = list_header(r, p)?;
            for _ in 0..n {
                skip(r, p, et, depth + 1)?;
            }
        }
    }
    Ok(())
}

/// A field header: its id, type and (a compact boolean) value, or `None` at the stop field.
/// `last` is the id before (compact field ids are deltas from it).
fn field_header(r: &mut R<'_>, p: Protocol, last: &mut i16) -> Step<Option<(i16, Type, Option<bool>)>> {
    let h = r.u8()?;
    if h == 0 {
        return Ok(None);
    }
    if p != Protocol::Compact {
        let t = type_of(h, p)?;
        let id = r.i16()?;
        return Ok(Some((id, t, None)));
    }
    let code = h & 0x0f;
    let t = type_of(code, p)?;
    let id = match h >> 4 {
        0 => i16::try_from(r.zigzag()?).or(invalid("a field id past 16 bits"))?,
        d => last.wrapping_add(i16::from(d)),
    };
    *last = id;
    let inline_bool = if t == Type::Bool { Some(code == 1) } else { None };
    Ok(Some((id, t, inline_bool)))
}

/// A map header: key type, value type, size.
fn map_header(r: &mut R<'_>, p: Protocol) -> Step<(Type, Type, usize)> {
    if p == Protocol::Compact {
        let n = r.var_len()?;
        if n == 0 {
            return Ok((Type::I32, Type::I32, 0)); // an empty map tells no types
        }
        let kv = r.u8()?;
        Ok((type_of(kv >> 4, p)?, type_of(kv & 0x0f, p)?, n))
    } else {
        let (k, v) = (r.u8()?, r.u8()?);
        let (k, v) = (type_of(k, p)?, type_of(v, p)?);
        Ok((k, v, r.bin_len()?))
    }
}

/// A list or set header: element type, size.
fn list_header(r: &mut R<'_>, p: Protocol) -> Step<(Type, usize)> {
    if p == Protocol::Compact {
        let h = r.u8()?;
        let t = type_of(h & 0x0f, p)?;
        let n = if h >> 4 == 15 { r.var_len()? } else { usize::from(h >> 4) };
        Ok((t, n))
    } else {
        let t = r.u8()?;
        let t = type_of(t, p)?;
        Ok((t, r.bin_len()?))
    }
}

/// Reads a message header in any of the three forms (compact, strict binary, old binary).
fn header(r: &mut R<'_>) -> Step<Header> {
    let first = r.u8()?;
    let h = if first == 0x82 {
        let vt = r.u8()?;
        if vt & 0x1f != 1 {
            return invalid(format!("an unknown compact protocol version {}", vt & 0x1f));
        }
        let seq = r.varint()? as i32;
        let n = r.var_len()?;
        let name = String::from_utf8_lossy(r.take(n)?).into_owned();
        Header { protocol: Protocol::Compact, kind: (vt >> 5) & 7, name, seq }
    } else {
        r.pos -= 1;
        let v = r.i32()?;
        if v < 0 {
            // Strict: 0x8001_00TT.
            if (v as u32) & 0xffff_0000 != 0x8001_0000 {
                return invalid(format!("an unknown binary protocol version word {:#010x}", v as u32));
            }
            let n = r.bin_len()?;
            let name = String::from_utf8_lossy(r.take(n)?).into_owned();
            let seq = r.i32()?;
            Header { protocol: Protocol::Binary, kind: (v & 0xff) as u8, name, seq }
        } else {
            // Old: the name's length first.
            let n = r.len(v.into())?;
            let name = String::from_utf8_lossy(r.take(n)?).into_owned();
            let kind = r.u8()?;
            let seq = r.i32()?;
            Header { protocol: Protocol::Old, kind, name, seq }
        }
    };
    if !(1..=4).contains(&h.kind) {
        return invalid(format!("an unknown message type {}", h.kind));
    }
    Ok(h)
}

/// Reads one bare message at the start of `b`.
fn bare(b: &[u8]) -> Step<(Header, Range<usize>, usize)> {
    let mut r = R { b, pos: 0 };
    let h = header(&mut r)?;
    let start = r.pos;
    skip(&mut r, h.protocol, Type::Struct, 0)?;
    Ok((h, start..r.pos, r.pos))
}

/// Whether `b` starts with a frame length (see [`Framing::Auto`]).
fn looks_framed(b: &[u8]) -> Step<bool> {
    match b {
        [] => Err(Stop::More),
        [first, ..] if first & 0x80 != 0 => Ok(false),
        [_, _, _, _, a, v, ..] => Ok((*a == 0x80 && *v == 0x01) || (*a == 0x82 && *v & 0x1f == 1)),
        _ => Err(Stop::More),
    }
}

fn framed(b: &[u8]) -> Step<Message> {
    let mut r = R { b, pos: 0 };
    let n = r.i32()?;
    let n = match usize::try_from(n) {
        Ok(n) if n <= MAX_MESSAGE => n,
        _ => return invalid(format!("a bad frame length {n}")),
    };
    let frame = r.take(n)?;
    match bare(frame) {
        Ok((header, body, len)) if len == n => {
            Ok(Message { header, body: body.start + 4..body.end + 4, len: n + 4, framed: true })
        }
        Ok((_, _, len)) => invalid(format!("a frame of {n} bytes holding a message of {len}")),
        Err(Stop::More) => invalid(format!("a message running past its frame of {n} bytes")),
        Err(e) => Err(e),
    }
}

fn message(b: &[u8], framing: Framing) -> Step<Message> {
    let is_framed = match framing {
        Framing::Bare => false,
        Framing::Framed => true,
        Framing::Auto => looks_framed(b)?,
    };
    if is_framed {
        return framed(b);
    }
    let (header, body, len) = bare(b)?;
    Ok(Message { header, body, len, framed: false })
}

/// Reads one message at the start of `b`.
pub fn parse(b: &[u8], framing: Framing) -> Parsed {
    match message(b, framing) {
        Ok(m) => Parsed::Done(m),
        Err(Stop::More) => Parsed::More,
        Err(Stop::Invalid(why)) => Parsed::Invalid(why),
    }
}

// ---- decoding values ----

fn decode(r: &mut R<'_>, p: Protocol, t: Type, depth: usize) -> Step<Val> {
    if depth > MAX_DEPTH {
        return invalid(format!("values nested deeper than {MAX_DEPTH}"));
    }
    let compact = p == Protocol::Compact;
    Ok(match t {
        // A boolean in a compact list, set or map is 1 for true, 2 (or 0) for false; in the
        // binary protocol any byte but 0 is true.
        Type::Bool if compact => Val::Bool(r.u8()? == 1),
        Type::Bool => Val::Bool(r.u8()? != 0),
        Type::I8 => Val::I8(r.u8()? as i8),
        Type::I16 if compact => Val::I16(r.zigzag()? as i16),
        Type::I32 if compact => Val::I32(r.zigzag()? as i32),
        Type::I64 if compact => Val::I64(r.zigzag()?),
        Type::I16 => Val::I16(r.i16()?),
        Type::I32 => Val::I32(r.i32()?),
        Type::I64 => Val::I64(i64::from_be_bytes(r.array()?)),
        Type::Double if compact => Val::Double(f64::from_le_bytes(r.array()?)),
        Type::Double => Val::Double(f64::from_be_bytes(r.array()?)),
        Type::Uuid => Val::Uuid(r.array()?),
        Type::Binary => {
            let n = if compact { r.var_len()? } else { r.bin_len()? };
            Val::Binary(r.take(n)?.to_vec())
        }
        Type::Struct => Val::Struct(decode_fields(r, p, depth)?),
        Type::Map => {
            let (key, value, n) = map_header(r, p)?;
            let mut pairs = Vec::with_capacity(n.min(r.b.len()));
            for _ in 0..n {
                let k = decode(r, p, key, depth + 1)?;
                pairs.push((k, decode(r, p, value, depth + 1)?));
            }
            Val::Map { key, value, pairs }
        }
        Type::Set | Type::List => {
            let (et, n) = list_header(r, p)?;
            let mut items = Vec::with_capacity(n.min(r.b.len()));
            for _ in 0..n {
                items.push(decode(r, p, et, depth + 1)?);
            }
            if t == Type::Set { Val::Set(et, items) } else { Val::List(et, items) }
        }
    })
}

fn decode_fields(r: &mut R<'_>, p: Protocol, depth: usize) -> Step<Vec<Field>> {
    let mut fields = Vec::new();
    let mut last = 0;
    while let Some((id, t, inline_bool)) = field_header(r, p, &mut last)? {
        let value = match inline_bool {
            Some(b) => Val::Bool(b),
            None => decode(r, p, t, depth + 1)?,
        };
        fields.push(Field { id, value });
    }
    Ok(fields)
}

/// Decodes the struct that makes up all of `b` (a message's payload, as [`parse`] found it).
pub fn decode_struct(b: &[u8], protocol: Protocol) -> Result<Vec<Field>, String> {
    let mut r = R { b, pos: 0 };
    match decode_fields(&mut r, protocol, 0) {
        Ok(fields) if r.pos == b.len() => Ok(fields),
        Ok(_) => Err(format!("{} bytes after the payload struct", b.len() - r.pos)),
        Err(Stop::More) => Err("a truncated payload struct".into()),
        Err(Stop::Invalid(why)) => Err(why),
    }
}

// ---- writing ----

fn put_zigzag(out: &mut Vec<u8>, v: i64) {
    put_varint(out, ((v << 1) ^ (v >> 63)) as u64);
}

fn put_len(out: &mut Vec<u8>, p: Protocol, n: usize) {
    if p == Protocol::Compact {
        put_varint(out, n as u64);
    } else {
        out.extend_from_slice(&(n as u32).to_be_bytes());
    }
}

/// Writes `v` (a value of a list, set, map or the fields of a struct) in `p`.
pub fn encode_value(out: &mut Vec<u8>, p: Protocol, v: &Val) {
    let compact = p == Protocol::Compact;
    match v {
        Val::Bool(b) if compact => out.push(if *b { 1 } else { 2 }),
        Val::Bool(b) => out.push(u8::from(*b)),
        Val::I8(i) => out.push(*i as u8),
        Val::I16(i) if compact => put_zigzag(out, i64::from(*i)),
        Val::I32(i) if compact => put_zigzag(out, i64::from(*i)),
        Val::I64(i) if compact => put_zigzag(out, *i),
        Val::I16(i) => out.extend_from_slice(&i.to_be_bytes()),
        Val::I32(i) => out.extend_from_slice(&i.to_be_bytes()),
        Val::I64(i) => out.extend_from_slice(&i.to_be_bytes()),
        Val::Double(d) if compact => out.extend_from_slice(&d.to_le_bytes()),
        Val::Double(d) => out.extend_from_slice(&d.to_be_bytes()),
        Val::Uuid(u) => out.extend_from_slice(u),
        Val::Binary(b) => {
            put_len(out, p, b.len());
            out.extend_from_slice(b);
        }
        Val::Struct(fields) => encode_struct(out, p, fields),
        Val::Map { key, value, pairs } => {
            if compact {
                put_varint(out, pairs.len() as u64);
                if !pairs.is_empty() {
                    out.push(key.code(p) << 4 | value.code(p));
                }
            } else {
                out.push(key.code(p));
                out.push(value.code(p));
                put_len(out, p, pairs.len());
            }
            for (k, v) in pairs {
                encode_value(out, p, k);
                encode_value(out, p, v);
            }
        }
        Val::Set(et, items) | Val::List(et, items) => {
            if compact {
                if items.len() < 15 {
                    out.push((items.len() as u8) << 4 | et.code(p));
                } else {
                    out.push(0xf0 | et.code(p));
                    put_varint(out, items.len() as u64);
                }
            } else {
                out.push(et.code(p));
                put_len(out, p, items.len());
            }
            for item in items {
                encode_value(out, p, item);
            }
        }
    }
}

/// Writes a struct of `fields` (and its stop field) in `p`.
pub fn encode_struct(out: &mut Vec<u8>, p: Protocol, fields: &[Field]) {
    let mut last = 0i16;
    for f in fields {
        let t = f.value.ty();
        if p != Protocol::Compact {
            out.push(t.code(p));
            out.extend_from_slice(&f.id.to_be_bytes());
            encode_value(out, p, &f.value);
            continue;
        }
        let code = match f.value {
            Val::Bool(false) => 2,
            _ => t.code(p),
        };
        let delta = i32::from(f.id) - i32::from(last);
        if (1..=15).contains(&delta) {
            out.push((delta as u8) << 4 | code);
        } else {
            out.push(code);
            put_zigzag(out, i64::from(f.id));
        }
        last = f.id;
        if t != Type::Bool {
            encode_value(out, p, &f.value);
        }
    }
    out.push(0);
}

/// The header bytes of a message.
pub fn write_header(h: &Header) -> Vec<u8> {
    let mut out = Vec::new();
    match h.protocol {
        Protocol::Compact => {
            out.push(0x82);
            out.push(1 | (h.kind << 5));
            put_varint(&mut out, u64::from(h.seq as u32));
            put_varint(&mut out, h.name.len() as u64);
            out.extend_from_slice(h.name.as_bytes());
        }
        Protocol::Binary => {
            out.extend_from_slice(&(0x8001_0000u32 | u32::from(h.kind)).to_be_bytes());
            out.extend_from_slice(&(h.name.len() as u32).to_be_bytes());
            out.extend_from_slice(h.name.as_bytes());
            out.extend_from_slice(&h.seq.to_be_bytes());
        }
        Protocol::Old => {
            out.extend_from_slice(&(h.name.len() as u32).to_be_bytes());
            out.extend_from_slice(h.name.as_bytes());
            out.push(h.kind);
            out.extend_from_slice(&h.seq.to_be_bytes());
        }
    }
    out
}

/// The 4-byte length that goes before a message of `len` bytes in framed transport.
pub fn frame_length(len: usize) -> [u8; 4] {
    (len as u32).to_be_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A struct {1: i32 = 7, 2: string "hi", 3: list<i16> [1, 2], 4: map<string,bool> {"k": true}}.
    fn binary_struct() -> Vec<u8> {
        let mut b = vec![8, 0, 1, 0, 0, 0, 7];
        b.extend_from_slice(&[11, 0, 2, 0, 0, 0, 2, b'h', b'i']);
        b.extend_from_slice(&[15, 0, 3, 6, 0, 0, 0, 2, 0, 1, 0, 2]);
        b.extend_from_slice(&[13, 0, 4, 11, 2, 0, 0, 0, 1, 0, 0, 0, 1, b'k', 1]);
        b.push(0);
        b
    }

    fn done(p: Parsed) -> Message {
        match p {
            Parsed::Done(m) => m,
            other => panic!("not a message: {other:?}"),
        }
    }

    #[test]
    fn binary_and_compact_messages() {
        let h = Header { protocol: Protocol::Binary, kind: 1, name: "getUser".into(), seq: 9 };
        let body = binary_struct();
        let msg = [write_header(&h), body.clone()].concat();
        let m = done(parse(&msg, Framing::Auto));
        assert_eq!(
            (m.header, m.body, m.len, m.framed),
            (h.clone(), msg.len() - body.len()..msg.len(), msg.len(), false)
        );
        for cut in 0..msg.len() {
            assert_eq!(parse(&msg[..cut], Framing::Auto), Parsed::More, "cut {cut}");
        }
        // The old (non-strict) binary header.
        let old = [&[0u8, 0, 0, 7][..], b"getUser", &[1], &9i32.to_be_bytes(), &body].concat();
        let m = done(parse(&old, Framing::Auto));
        assert_eq!((m.header.protocol, m.header.kind, m.header.seq), (Protocol::Old, 1, 9));
        assert_eq!(write_header(&m.header), old[..old.len() - body.len()]);
        // Compact: {1: i32 (zigzag 7 = 14), 2: bool true, 5: binary "x"} then stop.
        let ch = Header { protocol: Protocol::Compact, kind: 2, name: "r".into(), seq: 300 };
        let cbody = vec![0x15, 14, 0x11, 0x38, 1, b'x', 0];
        let cmsg = [write_header(&ch), cbody.clone()].concat();
        let m = done(parse(&cmsg, Framing::Bare));
        assert_eq!((m.header, m.len), (ch, cmsg.len()));
        assert!(matches!(parse(b"GET / HTTP/1.1\r\n\r\n", Framing::Auto), Parsed::Invalid(_)));
        let bad = parse(&[0x80, 0x01, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0], Framing::Auto);
        assert_eq!(bad, Parsed::Invalid("an unknown message type 9".into()));
    }

    #[test]
    fn values_round_trip_in_both_protocols() {
        let fields = vec![
            Field { id: 1, value: Val::Bool(true) },
            Field { id: 2, value: Val::Bool(false) },
            Field { id: 3, value: Val::I8(-3) },
            Field { id: 4, value: Val::I16(-300) },
            Field { id: 5, value: Val::I32(-70000) },
            Field { id: 6, value: Val::I64((1 << 53) + 1) },
            Field { id: 7, value: Val::Double(1.5) },
            Field { id: 40, value: Val::Binary(vec![0xff, 0]) },
            Field { id: -1, value: Val::Struct(vec![Field { id: 1, value: Val::I32(1) }]) },
            Field {
                id: 10,
                value: Val::Map {
                    key: Type::Binary,
                    value: Type::Bool,
                    pairs: vec![(Val::Binary(b"a".to_vec()), Val::Bool(false))],
                },
            },
            Field { id: 11, value: Val::Set(Type::I64, vec![Val::I64(-1)]) },
            Field { id: 12, value: Val::List(Type::I32, (0..20).map(Val::I32).collect()) },
            Field { id: 13, value: Val::Uuid([7; 16]) },
        ];
        for p in [Protocol::Binary, Protocol::Compact] {
            let mut b = Vec::new();
            encode_struct(&mut b, p, &fields);
            assert_eq!(decode_struct(&b, p), Ok(fields.clone()), "{p:?}");
            let mut r = R { b: &b, pos: 0 };
            assert_eq!(skip(&mut r, p, Type::Struct, 0), Ok(()));
            assert_eq!(r.pos, b.len());
            assert!(decode_struct(&b[..b.len() - 1], p).is_err());
        }
        let t = Val::Bool(true);
        assert_eq!(decode_struct(&[2, 0, 1, 2, 0], Protocol::Binary), Ok(vec![Field { id: 1, value: t.clone() }]));
        assert_eq!(
            decode_struct(&[0x19, 0x22, 1, 0, 0], Protocol::Compact).map(|f| f[0].value.clone()),
            Ok(Val::List(Type::Bool, vec![t, Val::Bool(false)]))
        );
    }

    #[test]
    fn framed_messages() {
        let h = Header { protocol: Protocol::Compact, kind: 1, name: "ping".into(), seq: 1 };
        let bare_msg = [write_header(&h), vec![0]].concat();
        let msg = [&frame_length(bare_msg.len())[..], &bare_msg].concat();
        for framing in [Framing::Auto, Framing::Framed] {
            let m = done(parse(&msg, framing));
            assert_eq!((m.len, m.framed, m.body), (msg.len(), true, msg.len() - 1..msg.len()));
        }
        // Not framed, this is an old-protocol message with a 9-byte name that runs out.
        assert_eq!(parse(&msg, Framing::Bare), Parsed::More);
        assert!(!done(parse(&bare_msg, Framing::Auto)).framed);
        for cut in 0..msg.len() {
            assert_eq!(parse(&msg[..cut], Framing::Auto), Parsed::More, "cut {cut}");
        }
        let short = [&frame_length(bare_msg.len() - 1)[..], &bare_msg].concat();
        assert!(matches!(parse(&short, Framing::Auto), Parsed::Invalid(w) if w.contains("running past its frame")));
        let long = [&frame_length(bare_msg.len() + 1)[..], &bare_msg, &[0]].concat();
        assert!(matches!(parse(&long, Framing::Auto), Parsed::Invalid(_)));
        assert!(matches!(parse(&[0xff, 0, 0, 0, 0x82, 0x21], Framing::Framed), Parsed::Invalid(_)));
    }
}
