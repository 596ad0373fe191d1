//! Thrift messages ↔ Messages, in the binary (strict and old) and compact protocols, bare or in
//! framed transport: glues `pipy_protocols::thrift` (the bytes) to pipeline events and script
//! values.
//!
//! `decodeThrift()` turns each message into a Message whose head is `{seqID, type ('call',
//! 'reply', 'exception', 'oneway'), name, protocol ('binary' | 'compact' | 'old')}` (with
//! `framed: true` when it came in a frame) and whose body is the message's payload struct, as raw
//! bytes. With `payload: true` its `MessageEnd` also carries the message decoded as the original
//! gives it: `{protocol, type, seqID, name, fields}`, where a struct is an array of fields `{id,
//! type, value}` (`type` a name: `BOOL`, `I8`, `I16`, `I32`, `I64`, `DOUBLE`, `BINARY`, `STRUCT`,
//! `MAP`, `SET`, `LIST`, `UUID`), a list or set is `{elementType, elements}`, a map `{keyType,
//! valueType, pairs: [[key, value], …]}`, an `I64` an `Int`, a `BINARY` a string when it is UTF-8
//! (else a Data) and a `UUID` its text. The `framed` option picks the transport: by default each
//! message's is told by its first bytes (see `Framing::Auto`), `true` or `false` fixes it.
//! Bytes that are not Thrift are logged and end the stream with a `ProtocolError`.
//!
//! `encodeThrift()` writes a Message whose `MessageEnd` has a payload object (or an array of
//! them) from that object, as the original does (what it lacks of the header comes from the
//! head), else the header for the head's protocol in front of the body. A message is framed when
//! the `framed` option says so, or without the option when its head (or payload) has `framed`.

use super::packet::{Collect, Collected, Cut, PacketCodec, PacketDecoder};
use super::{BuildCx, FilterSpec, factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_protocols::thrift::{
    Field, Framing, Header, MESSAGE_TYPES, Parsed, Protocol, Type, Val, decode_struct, encode_struct, frame_length,
    parse, write_header,
};
use pipy_value::int::{self, IntType};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, attr, error, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "decodeThrift",
        params: "(options?)",
        help: "Decodes Thrift messages (binary or compact protocol, bare or framed) into Messages (head: seqID, type, name, protocol, framed; body: the payload struct's bytes); options: payload (true: the MessageEnd's payload is the message decoded to {protocol, type, seqID, name, fields}), framed (true/false; by default told per message)",
        joint: false,
        options: &["payload", "framed"],
        build: build_decoder,
    },
    FilterSpec {
        name: "encodeThrift",
        params: "(options?)",
        help: "Encodes Messages into Thrift messages: a MessageEnd's payload object ({protocol, type, seqID, name, fields}) if it has one, else the head's header before the body; options: framed (true/false; by default as the head's framed says)",
        joint: false,
        options: &["framed"],
        build: build_encoder,
    },
];

/// The deepest nesting of script values written (a value that contains itself would not end).
const MAX_DEPTH: usize = 64;

fn head_value(h: &Header, framed: bool) -> Value {
    let o = Obj::ordinary();
    o.define_value("seqID", Value::Number(f64::from(h.seq)), attr::DEFAULT);
    o.define_value("type", Value::str(MESSAGE_TYPES[usize::from(h.kind - 1)]), attr::DEFAULT);
    o.define_value("name", Value::str(&h.name), attr::DEFAULT);
    o.define_value("protocol", Value::str(h.protocol.name()), attr::DEFAULT);
    if framed {
        o.define_value("framed", Value::Bool(true), attr::DEFAULT);
    }
    Value::Object(o)
}

// ---- Thrift values → script values ----

fn uuid_text(u: &[u8; 16]) -> String {
    let hex: String = u.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

fn object(entries: Vec<(&str, Value)>) -> Value {
    let o = Obj::ordinary();
    for (k, v) in entries {
        o.define_value(k, v, attr::DEFAULT);
    }
    Value::Object(o)
}

fn array(items: Vec<Value>) -> Value {
    Value::Object(Obj::array(items))
}

fn script_of(v: &Val) -> Value {
    match v {
        Val::Bool(b) => Value::Bool(*b),
        Val::I8(i) => Value::Number(f64::from(*i)),
        Val::I16(i) => Value::Number(f64::from(*i)),
        Val::I32(i) => Value::Number(f64::from(*i)),
        Val::I64(i) => int::make(IntType::I64, *i),
        Val::Double(d) => Value::Number(*d),
        Val::Binary(b) => match std::str::from_utf8(b) {
            Ok(s) => Value::str(s),
            Err(_) => event::data_value(Data::from(&b[..])),
        },
        Val::Uuid(u) => Value::str(&uuid_text(u)),
        Val::Struct(fields) => fields_value(fields),
        Val::Map { key, value, pairs } => object(vec![
            ("keyType", Value::str(key.name())),
            ("valueType", Value::str(value.name())),
            ("pairs", array(pairs.iter().map(|(k, v)| array(vec![script_of(k), script_of(v)])).collect())),
        ]),
        Val::Set(t, items) | Val::List(t, items) => object(vec![
            ("elementType", Value::str(t.name())),
            ("elements", array(items.iter().map(script_of).collect())),
        ]),
    }
}

fn fields_value(fields: &[Field]) -> Value {
    array(
        fields
            .iter()
            .map(|f| {
                object(vec![
                    ("id", Value::Number(f64::from(f.id))),
                    ("type", Value::str(f.value.ty().name())),
                    ("value", script_of(&f.value)),
                ])
            })
            .collect(),
    )
}

fn message_value(h: &Header, fields: &[Field]) -> Value {
    object(vec![
        ("protocol", Value::str(h.protocol.name())),
        ("type", Value::str(MESSAGE_TYPES[usize::from(h.kind - 1)])),
        ("seqID", Value::Number(f64::from(h.seq))),
        ("name", Value::str(&h.name)),
        ("fields", fields_value(fields)),
    ])
}

// ---- script values → Thrift values ----

fn get(v: &Value, key: &str) -> JsResult<Value> {
    if v.is_object() { ops::get_str(v, key) } else { Ok(Value::Undefined) }
}

fn type_value(v: &Value) -> JsResult<Type> {
    if v.is_nullish() {
        return Ok(Type::I32);
    }
    let name = ops::to_rust_string(v)?;
    Type::parse(&name).ok_or_else(|| error::type_error(&format!("encodeThrift(): unknown Thrift type '{name}'")))
}

fn elements(v: &Value) -> JsResult<Vec<Value>> {
    match v.as_object() {
        Some(o) if o.is_array() => Ok(o.array_elements().unwrap_or_default()),
        _ => Ok(Vec::new()),
    }
}

fn i64_of(v: &Value) -> JsResult<i64> {
    if let Some(i) = int::as_int(v) {
        return Ok(i.bits);
    }
    if let Value::String(_) = v {
        if let Ok(i) = ops::to_rust_string(v)?.trim().parse::<i64>() {
            return Ok(i);
        }
    }
    let n = ops::to_number(v)?;
    Ok(if n.is_finite() { n.trunc() as i64 } else { 0 })
}

fn uuid_of(v: &Value) -> JsResult<[u8; 16]> {
    let mut u = [0u8; 16];
    if let Some(d) = event::as_data(v) {
        let b = d.to_vec();
        if b.len() == 16 {
            u.copy_from_slice(&b);
        }
        return Ok(u);
    }
    if v.is_nullish() {
        return Ok(u);
    }
    let text = ops::to_rust_string(v)?;
    let digits: Vec<u8> = text.bytes().filter(|c| *c != b'-').collect();
    let bytes = std::str::from_utf8(&digits).ok().and_then(crate::pipeline::data::decode_hex);
    match bytes {
        Some(b) if b.len() == 16 => u.copy_from_slice(&b),
        _ => return Err(error::type_error(&format!("encodeThrift(): '{text}' is not a UUID"))),
    }
    Ok(u)
}

fn val_of(t: Type, v: &Value, depth: usize) -> JsResult<Val> {
    if depth > MAX_DEPTH {
        return Err(error::type_error(&format!("encodeThrift(): values nested deeper than {MAX_DEPTH}")));
    }
    let number = |v: &Value| -> JsResult<f64> {
        match int::as_int(v) {
            Some(i) => Ok(i.number()),
            None => ops::to_number(v),
        }
    };
    let int32 = |v: &Value| -> JsResult<i32> { Ok(i64_of(v)? as i32) };
    Ok(match t {
        Type::Bool => Val::Bool(v.truthy()),
        Type::I8 => Val::I8(int32(v)? as i8),
        Type::I16 => Val::I16(int32(v)? as i16),
        Type::I32 => Val::I32(int32(v)?),
        Type::I64 => Val::I64(i64_of(v)?),
        Type::Double => Val::Double(number(v)?),
        Type::Uuid => Val::Uuid(uuid_of(v)?),
        Type::Binary => Val::Binary(match event::as_data(v) {
            Some(d) => d.to_vec(),
            None if v.is_nullish() => Vec::new(),
            None => ops::to_rust_string(v)?.into_bytes(),
        }),
        Type::Struct => Val::Struct(fields_of(v, depth + 1)?),
        Type::Map => {
            let (key, value) = (type_value(&get(v, "keyType")?)?, type_value(&get(v, "valueType")?)?);
            let mut pairs = Vec::new();
            for p in elements(&get(v, "pairs")?)? {
                let kv = elements(&p)?;
                let (k, x) = (kv.first().cloned().unwrap_or_default(), kv.get(1).cloned().unwrap_or_default());
                pairs.push((val_of(key, &k, depth + 1)?, val_of(value, &x, depth + 1)?));
            }
            Val::Map { key, value, pairs }
        }
        Type::Set | Type::List => {
            let et = type_value(&get(v, "elementType")?)?;
            let items =
                elements(&get(v, "elements")?)?.iter().map(|e| val_of(et, e, depth + 1)).collect::<JsResult<_>>()?;
            if t == Type::Set { Val::Set(et, items) } else { Val::List(et, items) }
        }
    })
}

/// The fields of a struct given as an array of `{id, type, value}` (anything else in it is
/// skipped, as the original does).
fn fields_of(v: &Value, depth: usize) -> JsResult<Vec<Field>> {
    let mut fields = Vec::new();
    for f in elements(v)? {
        if !f.is_object() {
            continue;
        }
        let id = get(&f, "id")?;
        let id = if id.is_nullish() { 0 } else { ops::to_int32(&id)? as i16 };
        let t = type_value(&get(&f, "type")?)?;
        fields.push(Field { id, value: val_of(t, &get(&f, "value")?, depth)? });
    }
    Ok(fields)
}

/// The header of a message: each item from the first of `sources` that has it.
fn header_of(sources: &[&Value]) -> JsResult<Header> {
    let pick = |k: &str| -> JsResult<Value> {
        for s in sources {
            let v = get(s, k)?;
            if !v.is_nullish() {
                return Ok(v);
            }
        }
        Ok(Value::Undefined)
    };
    let text = |k: &str| -> JsResult<String> {
        let v = pick(k)?;
        if v.is_nullish() { Ok(String::new()) } else { ops::to_rust_string(&v) }
    };
    let t = text("type")?;
    let kind = match MESSAGE_TYPES.iter().position(|x| *x == t) {
        Some(i) => i as u8 + 1,
        None if t.is_empty() => 1,
        None => return Err(error::type_error(&format!("encodeThrift(): unknown message type '{t}'"))),
    };
    let seq = pick("seqID")?;
    let seq = if seq.is_nullish() { 0 } else { i64_of(&seq)? as i32 };
    let protocol = Protocol::parse(&text("protocol")?).unwrap_or(Protocol::Binary);
    Ok(Header { protocol, kind, name: text("name")?, seq })
}

// ---- the decoder ----

struct DecodeOptions {
    payload: bool,
    framing: Framing,
}

fn build_decoder(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let options = super::arg(args, 0);
    super::check_options("decodeThrift", &options, &["payload", "framed"])?;
    let framed = super::option(&options, "framed")?;
    let framing = match framed {
        Value::Undefined | Value::Null => Framing::Auto,
        v if v.truthy() => Framing::Framed,
        _ => Framing::Bare,
    };
    let config = DecodeOptions { payload: super::option(&options, "payload")?.truthy(), framing };
    Ok(factory("decodeThrift", config, |c, _| Box::new(PacketDecoder::new(ThriftCodec(c.clone())))))
}

struct ThriftCodec(Rc<DecodeOptions>);

fn malformed(why: &str) -> Cut {
    crate::log::error(&format!("decodeThrift(): malformed Thrift input: {why}"));
    Cut::Invalid
}

impl PacketCodec for ThriftCodec {
    fn cut(&mut self, _cx: &mut Cx<'_>, b: &[u8], out: &mut Vec<Event>) -> Cut {
        match parse(b, self.0.framing) {
            Parsed::More => Cut::More,
            Parsed::Invalid(why) => malformed(&why),
            Parsed::Done(m) => {
                let body = b.get(m.body.clone()).unwrap_or_default();
                let payload = if self.0.payload {
                    match decode_struct(body, m.header.protocol) {
                        Ok(fields) => message_value(&m.header, &fields),
                        Err(why) => return malformed(&why),
                    }
                } else {
                    Value::Undefined
                };
                out.push(Event::MessageStart(head_value(&m.header, m.framed)));
                if !body.is_empty() {
                    out.push(Event::Data(Data::from(body)));
                }
                out.push(Event::MessageEnd { tail: Value::Undefined, payload });
                Cut::Packet(m.len)
            }
        }
    }

    fn cut_short(&mut self, rest: &[u8]) {
        crate::log::error(&format!(
            "decodeThrift(): the stream ended inside a message ({} bytes of it unread)",
            rest.len()
        ));
    }
}

// ---- the encoder ----

fn build_encoder(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let options = super::arg(args, 0);
    super::check_options("encodeThrift", &options, &["framed"])?;
    let framed = match super::option(&options, "framed")? {
        Value::Undefined | Value::Null => None,
        v => Some(v.truthy()),
    };
    Ok(factory("encodeThrift", framed, |c, _| Box::new(Encoder { framed: **c, collect: Collect::default() })))
}

struct Encoder {
    /// The `framed` option.
    framed: Option<bool>,
    collect: Collect,
}

impl Encoder {
    /// Appends a message of `bytes`, framed if the option (or else `sources`) says so.
    fn put(&self, out: &mut Vec<u8>, bytes: Vec<u8>, sources: &[&Value]) -> JsResult<()> {
        let framed = match self.framed {
            Some(f) => f,
            None => {
                let mut f = false;
                for s in sources {
                    f |= get(s, "framed")?.truthy();
                }
                f
            }
        };
        if framed {
            out.extend_from_slice(&frame_length(bytes.len()));
        }
        out.extend_from_slice(&bytes);
        Ok(())
    }

    fn encode(&self, head: &Value, body: Data, payload: &Value) -> JsResult<Vec<u8>> {
        let head = event::script_value(head);
        let payload = event::script_value(payload);
        let mut out = Vec::new();
        if payload.is_object() {
            let messages = match payload.as_object() {
                Some(o) if o.is_array() => o.array_elements().unwrap_or_default(),
                _ => vec![payload.clone()],
            };
            for m in messages.iter().filter(|m| m.is_object()) {
                let h = header_of(&[m, &head])?;
                let fields = fields_of(&get(m, "fields")?, 0)?;
                let mut bytes = write_header(&h);
                encode_struct(&mut bytes, h.protocol, &fields);
                self.put(&mut out, bytes, &[m, &head])?;
            }
        } else {
            let mut bytes = write_header(&header_of(&[&head])?);
            bytes.extend_from_slice(&body.to_vec());
            self.put(&mut out, bytes, &[&head])?;
        }
        Ok(out)
    }
}

impl Filter for Encoder {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match self.collect.push(e) {
            Collected::Pending => {}
            Collected::Message { head, body, payload, .. } => match self.encode(&head, body, &payload) {
                Ok(bytes) => cx.output(Event::Data(Data::from(bytes))),
                Err(err) => cx.throw(err),
            },
            Collected::End { end, .. } => cx.output(end),
        }
    }
}
