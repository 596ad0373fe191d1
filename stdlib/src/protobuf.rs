//! The `protobuf` global of the original: `protobuf.decode(data)` reads protobuf wire format into
//! a `protobuf.Message` (or null when the bytes are not a message), `protobuf.encode(message)`
//! writes one back (Data), and `new protobuf.Message()` starts an empty one.
//!
//! A message keeps its records by field number, untyped, as the wire has them (VARINT, I32, I64,
//! LEN); a field's type is given only when read or written: `getWireType(field)`,
//! `get<T>(field)` (the last record) and `get<T>Array(field)` (every record; packed LEN records
//! are unpacked) for T in Float, Double, Int32, Int64, Uint32, Uint64, Sint32, Sint64, Bool, String,
//! Bytes, Message (arrays also Fixed32, Fixed64, Sfixed32, Sfixed64); `set<T>(field, value)` and
//! `set<T>Array(field, values)` replace the field (arrays are written packed, except strings,
//! bytes and messages) and return the message. Encoding writes fields in field-number order,
//! each field's records in order. 64-bit integers are `Int`s (`crate::int`), as in the original.
//!
//! Differences from the original (1.5), all where it misbehaves:
//! - Packed float and double arrays are little-endian fixed 4/8-byte values, as protobuf has them
//!   (the original writes and reads varints of the bits, which no other implementation reads).
//! - `get<T>Array` also returns fields written unpacked (one record per value); the original
//!   gives an empty array for them.
//! - Uint32 and Fixed32 arrays read as unsigned, Uint64 and Fixed64 arrays as `u64` Ints (the
//!   original gives them signed); `setBoolArray` takes booleans (the original writes false for
//!   `true`) and 64-bit setters take `Int`s.
//! - `getBytes` gives the Data (or null); the original gives `true`/`false`.
//! - Bytes that are not UTF-8 read by `getString` become U+FFFD.
//! - A null string, Data or message given to a setter throws (the original crashes).

use crate::int::{self, IntType};
use crate::util::{self, arg};
use pipy_engine::pipeline::event;
use pipy_value::error::{ErrorKind, make_error};
use pipy_value::{JsResult, Obj, ObjectKind, Value, function, ops, realm};
use std::collections::BTreeMap;
use std::rc::Rc;

/// How a record sits on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wire {
    Varint,
    I64,
    Len,
    I32,
}

impl Wire {
    fn code(self) -> u64 {
        match self {
            Wire::Varint => 0,
            Wire::I64 => 1,
            Wire::Len => 2,
            Wire::I32 => 5,
        }
    }
    fn name(self) -> &'static str {
        match self {
            Wire::Varint => "VARINT",
            Wire::I64 => "I64",
            Wire::Len => "LEN",
            Wire::I32 => "I32",
        }
    }
}

/// One field occurrence: its wire type and either its number bits or its bytes.
#[derive(Debug, Clone, PartialEq)]
struct Record {
    wire: Wire,
    bits: u64,
    data: Vec<u8>,
}

impl Record {
    fn bits(wire: Wire, bits: u64) -> Record {
        Record { wire, bits, data: Vec::new() }
    }
    fn bytes(data: Vec<u8>) -> Record {
        Record { wire: Wire::Len, bits: 0, data }
    }
}

/// What a `protobuf.Message` object holds: the records of each field, in field-number order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message {
    fields: BTreeMap<i32, Vec<Record>>,
}

// ---------------------------------------------------------------- the wire

/// Reads the varint at `*p` (at most 10 bytes), or None when it is cut short or too long.
fn read_varint(b: &[u8], p: &mut usize) -> Option<u64> {
    let mut n: u64 = 0;
    for i in 0..10 {
        let c = *b.get(*p)?;
        *p += 1;
        n |= u64::from(c & 0x7f) << (i * 7);
        if c & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

fn read_fixed<const N: usize>(b: &[u8], p: &mut usize) -> Option<u64> {
    let bytes = b.get(*p..*p + N)?;
    *p += N;
    let mut buf = [0u8; 8];
    buf[..N].copy_from_slice(bytes);
    Some(u64::from_le_bytes(buf))
}

fn write_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8 & 0x7f) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

impl Message {
    pub fn decode(b: &[u8]) -> Option<Message> {
        let mut msg = Message::default();
        let mut p = 0;
        while p < b.len() {
            let tag = read_varint(b, &mut p)?;
            // The field number as the original keeps it: the tag's high bits cut to an int.
            let field = (tag >> 3) as i32;
            let rec = match tag & 7 {
                0 => Record::bits(Wire::Varint, read_varint(b, &mut p)?),
                1 => Record::bits(Wire::I64, read_fixed::<8>(b, &mut p)?),
                2 => {
                    let len = usize::try_from(read_varint(b, &mut p)?).ok()?;
                    let end = p.checked_add(len)?;
                    let data = b.get(p..end)?.to_vec();
                    p = end;
                    Record::bytes(data)
                }
                5 => Record::bits(Wire::I32, read_fixed::<4>(b, &mut p)?),
                _ => return None,
            };
            let list = msg.fields.entry(field).or_default();
            // Every record of a field must have the first one's wire type.
            if list.first().is_some_and(|first| first.wire != rec.wire) {
                return None;
            }
            list.push(rec);
        }
        Some(msg)
    }

    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::new();
        for (&field, list) in &self.fields {
            let tag = (i64::from(field) as u64) << 3;
            for r in list {
                write_varint(&mut out, tag | r.wire.code());
                match r.wire {
                    Wire::Varint => write_varint(&mut out, r.bits),
                    Wire::I32 => out.extend_from_slice(&(r.bits as u32).to_le_bytes()),
                    Wire::I64 => out.extend_from_slice(&r.bits.to_le_bytes()),
                    Wire::Len => {
                        write_varint(&mut out, r.data.len() as u64);
                        out.extend_from_slice(&r.data);
                    }
                }
            }
        }
        out
    }

    fn last(&self, field: i32) -> Option<&Record> {
        self.fields.get(&field).and_then(|l| l.last())
    }

    fn all(&self, field: i32) -> &[Record] {
        self.fields.get(&field).map_or(&[], |l| l.as_slice())
    }

    fn set(&mut self, field: i32, records: Vec<Record>) {
        self.fields.insert(field, records);
    }
}

// ---------------------------------------------------------------- scalar types

/// The scalar types a field can be read or written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Float,
    Double,
    Int32,
    Int64,
    Uint32,
    Uint64,
    Sint32,
    Sint64,
    Fixed32,
    Fixed64,
    Sfixed32,
    Sfixed64,
    Bool,
}

const KINDS: [(Kind, &str); 13] = [
    (Kind::Float, "Float"),
    (Kind::Double, "Double"),
    (Kind::Int32, "Int32"),
    (Kind::Int64, "Int64"),
    (Kind::Uint32, "Uint32"),
    (Kind::Uint64, "Uint64"),
    (Kind::Sint32, "Sint32"),
    (Kind::Sint64, "Sint64"),
    (Kind::Fixed32, "Fixed32"),
    (Kind::Fixed64, "Fixed64"),
    (Kind::Sfixed32, "Sfixed32"),
    (Kind::Sfixed64, "Sfixed64"),
    (Kind::Bool, "Bool"),
];

impl Kind {
    /// The wire type a single value of this kind is written with.
    fn wire(self) -> Wire {
        match self {
            Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => Wire::I32,
            Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => Wire::I64,
            _ => Wire::Varint,
        }
    }

    /// A field's bits as a script value of this kind.
    fn value(self, bits: u64) -> Value {
        let b32 = bits as u32;
        match self {
            Kind::Float => Value::num(f64::from(f32::from_bits(b32))),
            Kind::Double => Value::num(f64::from_bits(bits)),
            Kind::Int32 | Kind::Sfixed32 => Value::num(f64::from(b32 as i32)),
            Kind::Uint32 | Kind::Fixed32 => Value::num(f64::from(b32)),
            Kind::Sint32 => Value::num(f64::from((b32 >> 1) as i32 ^ -((b32 & 1) as i32))),
            Kind::Int64 | Kind::Sfixed64 => int::make(IntType::I64, bits as i64),
            Kind::Uint64 | Kind::Fixed64 => int::make(IntType::U64, bits as i64),
            Kind::Sint64 => int::make(IntType::I64, (bits >> 1) as i64 ^ -((bits & 1) as i64)),
            Kind::Bool => Value::Bool(bits != 0),
        }
    }

    /// The bits a number (or an `Int`, for 64-bit kinds) is written as.
    fn bits(self, v: &Value) -> u64 {
        let n = v.as_number().unwrap_or(0.0);
        let whole = int::as_int(v).map_or_else(|| from_f64(n), |i| i.bits);
        match self {
            Kind::Float => u64::from((n as f32).to_bits()),
            Kind::Double => n.to_bits(),
            Kind::Int32 | Kind::Uint32 | Kind::Fixed32 | Kind::Sfixed32 => u64::from(whole as u32),
            Kind::Sint32 => {
                let i = whole as i32;
                u64::from(((i << 1) ^ (i >> 31)) as u32)
            }
            Kind::Int64 | Kind::Uint64 | Kind::Fixed64 | Kind::Sfixed64 => whole as u64,
            Kind::Sint64 => ((whole << 1) ^ (whole >> 63)) as u64,
            Kind::Bool => u64::from(n != 0.0 || matches!(v, Value::Bool(true))),
        }
    }

    /// Reads one packed value.
    fn read_packed(self, b: &[u8], p: &mut usize) -> Option<u64> {
        match self.wire() {
            Wire::I32 => read_fixed::<4>(b, p),
            Wire::I64 => read_fixed::<8>(b, p),
            _ => read_varint(b, p),
        }
    }

    fn write_packed(self, out: &mut Vec<u8>, bits: u64) {
        match self.wire() {
            Wire::I32 => out.extend_from_slice(&(bits as u32).to_le_bytes()),
            Wire::I64 => out.extend_from_slice(&bits.to_le_bytes()),
            _ => write_varint(out, bits),
        }
    }
}

/// A double as the original's C++ cast to a 64-bit integer (saturating, NaN as 0).
fn from_f64(n: f64) -> i64 {
    if n < 0.0 { n as i64 } else { n as u64 as i64 }
}

// ---------------------------------------------------------------- script API

fn fail<T>(msg: &str) -> JsResult<T> {
    Err(make_error(ErrorKind::Error, msg))
}

fn proto() -> Option<Obj> {
    realm::registered("protobuf.Message.prototype").and_then(|v| v.as_object().cloned())
}

fn message_value(m: Message) -> Value {
    Value::Object(Obj::new(proto(), ObjectKind::Host(Box::new(m))))
}

fn as_message(v: &Value) -> Option<Message> {
    v.as_object().and_then(|o| o.with_host(|m: &mut Message| m.clone()))
}

fn with_message<R>(this: &Value, f: impl FnOnce(&mut Message) -> R) -> JsResult<R> {
    match this.as_object().and_then(|o| o.with_host(f)) {
        Some(r) => Ok(r),
        None => Err(make_error(ErrorKind::TypeError, "this is not a protobuf.Message")),
    }
}

/// The field number (argument #1).
fn field_of(args: &[Value]) -> JsResult<i32> {
    match args.first() {
        Some(Value::Number(n)) => Ok(*n as i32),
        Some(_) => fail("argument #1 expects a number"),
        None => fail("requires 1 or more arguments"),
    }
}

/// The value (argument #2) of a setter; a missing one is an error.
fn value_of(args: &[Value]) -> JsResult<Value> {
    match args.get(1) {
        Some(v) => Ok(v.clone()),
        None => fail("requires 2 or more arguments"),
    }
}

fn array_of(args: &[Value]) -> JsResult<Vec<Value>> {
    let v = value_of(args)?;
    match v.as_object().filter(|o| o.is_array()).and_then(|o| o.array_elements()) {
        Some(values) => Ok(values),
        None => fail("argument #2 expects an array"),
    }
}

/// Defines `name` on `proto` as a method running `f` (which may capture).
fn def(proto: &Obj, name: &str, length: u32, f: impl Fn(&Value, &[Value]) -> JsResult<Value> + 'static) {
    let func = function::native_function(name, length, Rc::new(move |this, args, _| f(this, args)), false);
    proto.define_hidden(name, Value::Object(func));
}

fn get_scalar(this: &Value, args: &[Value], kind: Kind) -> JsResult<Value> {
    let field = field_of(args)?;
    let bits = with_message(this, |m| m.last(field).map_or(0, |r| r.bits))?;
    Ok(kind.value(bits))
}

fn get_scalar_array(this: &Value, args: &[Value], kind: Kind) -> JsResult<Value> {
    let field = field_of(args)?;
    let out = with_message(this, |m| {
        let mut out = Vec::new();
        for r in m.all(field) {
            if r.wire != Wire::Len {
                out.push(kind.value(r.bits));
                continue;
            }
            let mut p = 0;
            while p < r.data.len() {
                out.push(kind.value(kind.read_packed(&r.data, &mut p)?));
            }
        }
        Some(out)
    })?;
    Ok(out.map_or(Value::Null, ops::new_array))
}

fn set_scalar(this: &Value, args: &[Value], kind: Kind) -> JsResult<Value> {
    let field = field_of(args)?;
    let v = value_of(args)?;
    let ok = match kind {
        Kind::Bool => matches!(v, Value::Bool(_)),
        Kind::Int64 | Kind::Uint64 | Kind::Sint64 | Kind::Fixed64 | Kind::Sfixed64 => {
            v.is_number() || int::as_int(&v).is_some()
        }
        _ => v.is_number(),
    };
    if !ok {
        return fail(if kind == Kind::Bool { "argument #2 expects a boolean" } else { "argument #2 expects a number" });
    }
    let bits = if kind == Kind::Bool { u64::from(v.truthy()) } else { kind.bits(&v) };
    with_message(this, |m| m.set(field, vec![Record::bits(kind.wire(), bits)]))?;
    Ok(this.clone())
}

fn set_scalar_array(this: &Value, args: &[Value], kind: Kind) -> JsResult<Value> {
    let field = field_of(args)?;
    let values = array_of(args)?;
    let mut packed = Vec::new();
    for v in &values {
        kind.write_packed(&mut packed, kind.bits(v));
    }
    with_message(this, |m| m.set(field, vec![Record::bytes(packed)]))?;
    Ok(this.clone())
}

fn text(r: &Record) -> Value {
    Value::string(String::from_utf8_lossy(&r.data).into_owned())
}

fn bytes(r: &Record) -> Value {
    event::data_value(r.data.clone().into())
}

fn decode_value(args: &[Value]) -> JsResult<Value> {
    let v = arg(args, 0);
    if v.is_null() {
        return Ok(Value::Null);
    }
    match event::as_data(&v) {
        Some(d) => Ok(Message::decode(&d.to_vec()).map_or(Value::Null, message_value)),
        None => fail("argument #1 expects an instance of pipy::Data"),
    }
}

fn encode_value(args: &[Value]) -> JsResult<Value> {
    let v = arg(args, 0);
    if v.is_null() {
        return Ok(Value::Null);
    }
    match as_message(&v) {
        Some(m) => Ok(event::data_value(m.encode().into())),
        None => fail("argument #1 expects an instance of pipy::Protobuf::Message"),
    }
}

fn install_getters(proto: &Obj) {
    def(proto, "getWireType", 1, |t, args| {
        let field = field_of(args)?;
        let name = with_message(t, |m| m.last(field).map_or("", |r| r.wire.name()))?;
        Ok(Value::str(name))
    });
    for (kind, name) in KINDS {
        let fixed = matches!(kind, Kind::Fixed32 | Kind::Fixed64 | Kind::Sfixed32 | Kind::Sfixed64);
        if !fixed {
            def(proto, &format!("get{name}"), 1, move |t, args| get_scalar(t, args, kind));
        }
        def(proto, &format!("get{name}Array"), 1, move |t, args| get_scalar_array(t, args, kind));
    }
    def(proto, "getString", 1, |t, args| {
        let field = field_of(args)?;
        with_message(t, |m| m.last(field).filter(|r| r.wire == Wire::Len).map_or(Value::Undefined, text))
    });
    def(proto, "getBytes", 1, |t, args| {
        let field = field_of(args)?;
        with_message(t, |m| m.last(field).filter(|r| r.wire == Wire::Len).map_or(Value::Null, bytes))
    });
    def(proto, "getMessage", 1, |t, args| {
        let field = field_of(args)?;
        let data = with_message(t, |m| m.last(field).filter(|r| r.wire == Wire::Len).map(|r| r.data.clone()))?;
        Ok(data.and_then(|d| Message::decode(&d)).map_or(Value::Null, message_value))
    });
    def(proto, "getStringArray", 1, |t, args| {
        let field = field_of(args)?;
        with_message(t, |m| ops::new_array(m.all(field).iter().map(text).collect()))
    });
    def(proto, "getBytesArray", 1, |t, args| {
        let field = field_of(args)?;
        with_message(t, |m| ops::new_array(m.all(field).iter().map(bytes).collect()))
    });
    def(proto, "getMessageArray", 1, |t, args| {
        let field = field_of(args)?;
        let all =
            with_message(t, |m| m.all(field).iter().map(|r| Message::decode(&r.data)).collect::<Option<Vec<_>>>())?;
        Ok(all.map_or(Value::Null, |msgs| ops::new_array(msgs.into_iter().map(message_value).collect())))
    });
}

fn install_setters(proto: &Obj) {
    for (kind, name) in KINDS {
        def(proto, &format!("set{name}"), 2, move |t, args| set_scalar(t, args, kind));
        def(proto, &format!("set{name}Array"), 2, move |t, args| set_scalar_array(t, args, kind));
    }
    def(proto, "setString", 2, |t, args| {
        let field = field_of(args)?;
        let Value::String(s) = value_of(args)? else { return fail("argument #2 expects a string") };
        with_message(t, |m| m.set(field, vec![Record::bytes(s.to_rust_string().into_bytes())]))?;
        Ok(t.clone())
    });
    def(proto, "setBytes", 2, |t, args| {
        let field = field_of(args)?;
        let Some(d) = event::as_data(&value_of(args)?) else {
            return fail("argument #2 expects an instance of pipy::Data");
        };
        with_message(t, |m| m.set(field, vec![Record::bytes(d.to_vec())]))?;
        Ok(t.clone())
    });
    def(proto, "setMessage", 2, |t, args| {
        let field = field_of(args)?;
        let Some(inner) = as_message(&value_of(args)?) else {
            return fail("argument #2 expects an instance of pipy::Protobuf::Message");
        };
        with_message(t, |m| m.set(field, vec![Record::bytes(inner.encode())]))?;
        Ok(t.clone())
    });
    def(proto, "setStringArray", 2, |t, args| {
        let field = field_of(args)?;
        let mut records = Vec::new();
        for v in array_of(args)? {
            records.push(Record::bytes(ops::to_rust_string(&v)?.into_bytes()));
        }
        with_message(t, |m| m.set(field, records))?;
        Ok(t.clone())
    });
    def(proto, "setBytesArray", 2, |t, args| {
        let field = field_of(args)?;
        let records = array_of(args)?
            .iter()
            .map(|v| Record::bytes(event::as_data(v).map(|d| d.to_vec()).unwrap_or_default()))
            .collect();
        with_message(t, |m| m.set(field, records))?;
        Ok(t.clone())
    });
    def(proto, "setMessageArray", 2, |t, args| {
        let field = field_of(args)?;
        let records = array_of(args)?
            .iter()
            .map(|v| Record::bytes(as_message(v).map(|m| m.encode()).unwrap_or_default()))
            .collect();
        with_message(t, |m| m.set(field, records))?;
        Ok(t.clone())
    });
}

pub fn install() {
    let proto = util::class_prototype();
    install_getters(&proto);
    install_setters(&proto);
    realm::register("protobuf.Message.prototype", Value::Object(proto.clone()));
    let ns = Obj::ordinary();
    util::namespace_class(&ns, "Message", 0, &proto, |proto, _| {
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(Message::default())))))
    });
    util::method(&ns, "decode", 1, |_, args| decode_value(args));
    util::method(&ns, "encode", 1, |_, args| encode_value(args));
    util::global("protobuf", Value::Object(ns));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_malformed_bytes() {
        let bytes = [0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i', 0x1d, 1, 2, 3, 4, 0x21, 1, 2, 3, 4, 5, 6, 7, 8];
        let m = Message::decode(&bytes).expect("a message");
        assert_eq!(m.encode(), bytes);
        for cut in 1..bytes.len() {
            if ![3, 7, 12].contains(&cut) {
                assert!(Message::decode(&bytes[..cut]).is_none(), "cut at {cut}");
            }
        }
        assert!(Message::decode(&[0x0b]).is_none());
        assert!(Message::decode(&[0x08, 0x01, 0x0d, 0, 0, 0, 0]).is_none());
        assert!(Message::decode(&[0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).is_none());
        assert!(Message::decode(&[0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).is_none());
    }

    #[test]
    fn zigzag_and_float_bits() {
        assert_eq!(Kind::Sint32.bits(&Value::num(-3.0)), 5);
        assert_eq!(Kind::Sint64.bits(&Value::num(-4.0)), 7);
        assert_eq!(Kind::Float.bits(&Value::num(1.5)), 0x3fc0_0000);
        assert_eq!(Kind::Int32.bits(&Value::num(-1.0)), 0xffff_ffff);
    }
}
