//! The `BGP` global of the original: `BGP.decode(data, enableAS4?)` reads the whole BGP-4
//! messages in a Data into an array of `{type, body}` objects, and `BGP.encode(message,
//! enableAS4?)` writes one such object as a message (Data). The wire format is
//! `pipy_protocols::bgp`; this module makes and reads the script objects, and installs itself for
//! the `decodeBGP()`/`encodeBGP()` filters.
//!
//! A message is `{type, body}`: `type` is `'OPEN'`, `'UPDATE'`, `'NOTIFICATION'`, `'KEEPALIVE'`,
//! `'ROUTE_REFRESH'` or another type's number, and is not enumerable (as the original's accessor
//! is not: `JSON.stringify` shows only the body). The body is `{version, myAS, holdTime,
//! identifier, parameters}` (OPEN; a parameter is `{name, value, code}`, a Capabilities parameter's
//! value an array of `{code, value}`), `{withdrawnRoutes, pathAttributes, destinations}` (UPDATE;
//! prefixes are `IPMask` objects, an attribute is `{name, value, code, optional, transitive,
//! partial}`), `{errorCode, errorSubcode, data}` (NOTIFICATION), `{afi, safi}` (ROUTE_REFRESH),
//! the bytes as Data (KEEPALIVE or another type with bytes), or null. Attribute values: ORIGIN,
//! MULTI_EXIT_DISC and LOCAL_PREF a number; AS_PATH an array of segments, an AS_SEQUENCE an array
//! of numbers and an AS_SET an object whose keys and values are the numbers; NEXT_HOP a string;
//! AGGREGATOR `[as, ip]`; others Data. A field with nothing on the wire is null, a name the type
//! has none for is undefined. Reading stops, silently, at a malformed or incomplete message.
//!
//! Encoding reads a plain object as the original reads one into its classes: a field that is
//! absent keeps its default, a present one is converted as the original converts it (numbers
//! truncated as C++ does on x86-64, addresses parsed by the original's lenient parser, which
//! keeps the bytes before the first bad one for NEXT_HOP and AGGREGATOR), and a `name` known for
//! a parameter or attribute wins over its `code`; a value that is Data is written as it is.
//!
//! Differences from the original: a ROUTE_REFRESH is written with a 2-byte AFI (the original
//! writes one byte, a message even it cannot read); `BGP.decode(null)` throws (the original
//! crashes); decoded `IPMask` objects print with `toString()` (the original's crash); an AS_SET
//! object lists its keys in JavaScript's order (numbers ascending; the original keeps wire order);
//! and the decoded objects' fields are plain properties, so what a script assigns reads back as
//! it was given (the original converts it to the field's type at once, and reads a number assigned
//! to `type` back as the name; encoding converts it the same way, so the bytes are the same). The
//! `decodeBGP` filter, unlike the original's, leaves the Data it reads unchanged.

use crate::util::{self, arg};
use pipy_engine::filters::bgp::{ScriptCodec, set_script_codec};
use pipy_engine::pipeline::event;
use pipy_protocols::bgp::{
    self, AsSegment, AttributeValue, Body, Capability, Message, Notification, Open, Parameter, ParameterValue,
    PathAttribute, Prefix, RouteRefresh, Update,
};
use pipy_value::error::{ErrorKind, make_error};
use pipy_value::{JsResult, Obj, PropKey, Value, attr, ops};
use std::net::Ipv4Addr;

fn fail<T>(msg: &str) -> JsResult<T> {
    Err(make_error(ErrorKind::Error, msg))
}

// ---- messages to script values ----

fn put(o: &Obj, k: &str, v: Value) {
    o.define_value(k, v, attr::DEFAULT);
}

fn num(n: impl Into<f64>) -> Value {
    Value::Number(n.into())
}

fn data(b: &[u8]) -> Value {
    event::data_value(b.to_vec().into())
}

fn ip_text(ip: [u8; 4]) -> Value {
    Value::string(Ipv4Addr::from(ip).to_string())
}

fn list<T>(items: &Option<Vec<T>>, f: impl Fn(&T) -> Value) -> Value {
    match items {
        Some(items) => Value::Object(Obj::array(items.iter().map(f).collect())),
        None => Value::Null,
    }
}

fn prefix_value(p: &Prefix) -> Value {
    crate::netmask::ipv4_mask(p.length, p.address)
}

fn name_value(name: Option<&'static str>) -> Value {
    name.map_or(Value::Undefined, Value::str)
}

fn parameter_value(p: &Parameter) -> Value {
    let o = Obj::ordinary();
    put(&o, "name", name_value(bgp::parameter_name(i32::from(p.code))));
    let value = match &p.value {
        ParameterValue::Empty => Value::Null,
        ParameterValue::Raw(b) => data(b),
        ParameterValue::Capabilities(caps) => Value::Object(Obj::array(
            caps.iter()
                .map(|c| {
                    let cap = Obj::ordinary();
                    put(&cap, "code", num(c.code));
                    put(&cap, "value", data(c.value.as_deref().unwrap_or_default()));
                    Value::Object(cap)
                })
                .collect(),
        )),
    };
    put(&o, "value", value);
    put(&o, "code", num(p.code));
    Value::Object(o)
}

fn attribute_value(a: &PathAttribute) -> Value {
    let o = Obj::ordinary();
    put(&o, "name", name_value(bgp::attribute_name(i32::from(a.code))));
    let value = match &a.value {
        AttributeValue::Empty => Value::Null,
        AttributeValue::Discarded => Value::Undefined,
        AttributeValue::Origin(n) => num(*n),
        AttributeValue::AsPath(segments) => Value::Object(Obj::array(
            segments
                .iter()
                .map(|s| match s {
                    AsSegment::Sequence(asns) => Value::Object(Obj::array(asns.iter().map(|&n| num(n)).collect())),
                    AsSegment::Set(asns) => {
                        let set = Obj::ordinary();
                        for &n in asns {
                            // The original's key is the number as a C int.
                            put(&set, &(n as i32).to_string(), num(n));
                        }
                        Value::Object(set)
                    }
                    AsSegment::TypeOnly => Value::Null,
                })
                .collect(),
        )),
        AttributeValue::NextHop(ip) => ip_text(*ip),
        AttributeValue::Number(n) => num(*n),
        AttributeValue::Aggregator(asn, ip) => Value::Object(Obj::array(vec![num(*asn), ip_text(*ip)])),
        AttributeValue::Raw(b) => data(b),
    };
    put(&o, "value", value);
    put(&o, "code", num(a.code));
    put(&o, "optional", Value::Bool(a.optional));
    put(&o, "transitive", Value::Bool(a.transitive));
    put(&o, "partial", Value::Bool(a.partial));
    Value::Object(o)
}

fn body_value(body: &Body) -> Value {
    let o = Obj::ordinary();
    match body {
        Body::Raw(b) => return data(b),
        Body::Open(m) => {
            put(&o, "version", num(m.version));
            put(&o, "myAS", num(m.my_as));
            put(&o, "holdTime", num(m.hold_time));
            put(&o, "identifier", m.identifier.map_or(Value::Undefined, ip_text));
            put(&o, "parameters", list(&m.parameters, parameter_value));
        }
        Body::Update(m) => {
            put(&o, "withdrawnRoutes", list(&m.withdrawn_routes, prefix_value));
            put(&o, "pathAttributes", list(&m.path_attributes, attribute_value));
            put(&o, "destinations", list(&m.destinations, prefix_value));
        }
        Body::Notification(m) => {
            put(&o, "errorCode", num(m.error_code));
            put(&o, "errorSubcode", num(m.error_subcode));
            put(&o, "data", m.data.as_deref().map_or(Value::Null, data));
        }
        Body::RouteRefresh(m) => {
            put(&o, "afi", num(m.afi));
            put(&o, "safi", num(m.safi));
        }
    }
    Value::Object(o)
}

/// The script object of a message: `{type, body}` with `type` not enumerable.
pub fn message_value(m: &Message) -> Value {
    let o = Obj::ordinary();
    let t = bgp::message_type_name(m.msg_type).map_or_else(|| num(m.msg_type), Value::str);
    o.define_value("type", t, attr::HIDDEN);
    put(&o, "body", m.body.as_ref().map_or(Value::Null, body_value));
    Value::Object(o)
}

// ---- script values to messages, converting as the original does ----

/// C++ `int(d)` on x86-64: NaN and what does not fit become `INT_MIN`.
fn c_int(d: f64) -> i32 {
    if d.is_nan() || d >= 2_147_483_648.0 || d <= -2_147_483_649.0 { i32::MIN } else { d.trunc() as i32 }
}

/// C++ `int64_t(d)` on x86-64: NaN and what does not fit become `INT64_MIN`.
fn c_int64(d: f64) -> i64 {
    /// 2^63.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if (-LIMIT..LIMIT).contains(&d) { d.trunc() as i64 } else { i64::MIN }
}

/// C++ `uint32_t(d)` as GCC does it on x86-64 (through a 64-bit integer).
fn c_uint32(d: f64) -> u32 {
    c_int64(d) as u32
}

/// The property `k` of `o` if `o` is an object that has it (the original only sets fields that
/// the object has, leaving the others at their defaults).
fn field(o: &Value, k: &str) -> JsResult<Option<Value>> {
    match o {
        Value::Object(obj) if ops::has_property(obj, &PropKey::str(k)) => ops::get_str(o, k).map(Some),
        _ => Ok(None),
    }
}

/// A C++ `int` field.
fn int_field(o: &Value, k: &str, default: i32) -> JsResult<i32> {
    match field(o, k)? {
        Some(v) => Ok(c_int(ops::to_number(&v)?)),
        None => Ok(default),
    }
}

fn bool_field(o: &Value, k: &str) -> JsResult<bool> {
    Ok(field(o, k)?.is_some_and(|v| v.truthy()))
}

/// A string field: null and undefined are none, anything else is converted.
fn str_field(o: &Value, k: &str) -> JsResult<Option<String>> {
    match field(o, k)? {
        Some(v) if !v.is_nullish() => ops::to_rust_string(&v).map(Some),
        _ => Ok(None),
    }
}

fn elements(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::Object(o) => o.array_elements(),
        _ => None,
    }
}

fn array_field(o: &Value, k: &str) -> JsResult<Option<Vec<Value>>> {
    Ok(field(o, k)?.and_then(|v| elements(&v)))
}

fn data_bytes(v: &Value) -> Option<Vec<u8>> {
    event::as_data(v).map(|d| d.to_vec())
}

/// The original's `get_dec_uint8`: a lone `0`, or up to three digits (none reads as 0); -1 when
/// over 255.
fn dec_u8(s: &[u8], p: &mut usize) -> i32 {
    if s.get(*p) == Some(&b'0') {
        *p += 1;
        return 0;
    }
    let mut n = 0;
    for _ in 0..3 {
        match s.get(*p) {
            Some(c @ b'0'..=b'9') => {
                n = n * 10 + i32::from(c - b'0');
                *p += 1;
            }
            _ => break,
        }
    }
    if n < 256 { n } else { -1 }
}

/// The byte at `p`, the end of the string (or a NUL, where C would see it) being 0.
fn at(s: &[u8], p: usize) -> u8 {
    s.get(p).copied().unwrap_or(0)
}

/// The original's `get_ip_v4`: fills `ip` part by part, stopping at the first bad part (so the
/// parts before it stay).
fn parse_ipv4(s: &str, ip: &mut [u8; 4]) -> bool {
    let s = s.as_bytes();
    let mut p = 0;
    for (i, byte) in ip.iter_mut().enumerate() {
        let n = dec_u8(s, &mut p);
        let c = at(s, p);
        if n < 0 || (i <= 2 && c != b'.') || (i == 3 && c != 0) {
            return false;
        }
        *byte = n as u8;
        p += 1;
    }
    true
}

/// The original's `get_cidr`: `a.b.c.d/n` (no `/n` meaning /32), or None.
fn parse_cidr(s: &str) -> Option<(u8, [u8; 4])> {
    let s = s.as_bytes();
    let mut ip = [0u8; 4];
    let mut p = 0;
    for (i, byte) in ip.iter_mut().enumerate() {
        if i > 0 {
            p += 1;
        }
        let n = dec_u8(s, &mut p);
        let c = at(s, p);
        if n < 0 || (i <= 2 && c != b'.') || (i == 3 && c != b'/' && c != 0) {
            return None;
        }
        *byte = n as u8;
    }
    let mask = if at(s, p) == b'/' {
        p += 1;
        let m = dec_u8(s, &mut p);
        if !(0..=32).contains(&m) || at(s, p) != 0 {
            return None;
        }
        m as u8
    } else {
        32
    };
    Some((mask, ip))
}

/// An address the original reads with `get_ip_v4` and keeps whatever it filled in.
fn lenient_ipv4(v: &Value) -> JsResult<[u8; 4]> {
    let mut ip = [0u8; 4];
    parse_ipv4(&ops::to_rust_string(v)?, &mut ip);
    Ok(ip)
}

fn prefix_of(v: &Value) -> Prefix {
    let found = match v {
        Value::String(s) => parse_cidr(&s.to_rust_string()),
        _ => crate::netmask::ipv4_of(v).flatten(),
    };
    let (length, address) = found.unwrap_or_default();
    Prefix { length, address }
}

fn prefixes(o: &Value, k: &str) -> JsResult<Option<Vec<Prefix>>> {
    Ok(array_field(o, k)?.map(|items| items.iter().filter(|v| !matches!(v, Value::Hole)).map(prefix_of).collect()))
}

/// The items of a list the original walks skipping holes and undefined.
fn present(items: Vec<Value>) -> impl Iterator<Item = Value> {
    items.into_iter().filter(|v| !matches!(v, Value::Hole | Value::Undefined))
}

fn capability_of(v: &Value) -> JsResult<Capability> {
    let code = int_field(v, "code", 0)? as u8;
    let value = field(v, "value")?.and_then(|v| data_bytes(&v));
    Ok(Capability { code, value })
}

fn parameter_of(v: &Value) -> JsResult<Parameter> {
    let code = int_field(v, "code", 0)?;
    let name = str_field(v, "name")?;
    let code = name.as_deref().and_then(bgp::parameter_code).map_or(code, i32::from);
    let value = field(v, "value")?.unwrap_or_default();
    let value = if let Some(b) = data_bytes(&value) {
        ParameterValue::Raw(b)
    } else if let (true, Some(items)) = (code == i32::from(bgp::CAPABILITIES), elements(&value)) {
        ParameterValue::Capabilities(present(items).map(|c| capability_of(&c)).collect::<JsResult<_>>()?)
    } else {
        ParameterValue::Empty
    };
    Ok(Parameter { code: code as u8, value })
}

fn segment_of(v: &Value) -> JsResult<AsSegment> {
    let asns = |keys: Vec<Value>| -> JsResult<Vec<u32>> {
        keys.iter().take(0xff).map(|k| Ok(c_uint32(ops::to_number(k)?))).collect()
    };
    Ok(match v {
        Value::Object(o) if o.is_array() => AsSegment::Sequence(asns(o.array_elements().unwrap_or_default())?),
        Value::Object(o) => AsSegment::Set(asns(ops::own_enumerable_keys(o).into_iter().map(Value::String).collect())?),
        _ => AsSegment::TypeOnly,
    })
}

fn attribute_value_of(code: i32, value: &Value) -> JsResult<AttributeValue> {
    if let Some(b) = data_bytes(value) {
        return Ok(AttributeValue::Raw(b));
    }
    let number = |v: &Value| -> JsResult<u32> { Ok(c_uint32(ops::to_number(v)?)) };
    Ok(match u8::try_from(code) {
        Ok(bgp::ORIGIN) => AttributeValue::Origin(c_int(ops::to_number(value)?) as u8),
        Ok(bgp::AS_PATH) => match elements(value) {
            Some(items) => AttributeValue::AsPath(
                items.iter().filter(|v| !matches!(v, Value::Hole)).map(segment_of).collect::<JsResult<_>>()?,
            ),
            None => AttributeValue::Empty,
        },
        Ok(bgp::NEXT_HOP) => AttributeValue::NextHop(lenient_ipv4(value)?),
        Ok(bgp::MULTI_EXIT_DISC | bgp::LOCAL_PREF) => AttributeValue::Number(number(value)?),
        Ok(bgp::AGGREGATOR) => {
            let items = elements(value).unwrap_or_default();
            let asn = match items.first() {
                Some(v) => number(v)?,
                None => 0,
            };
            let ip = match items.get(1) {
                Some(v) => lenient_ipv4(v)?,
                None => [0; 4],
            };
            AttributeValue::Aggregator(asn, ip)
        }
        _ => AttributeValue::Empty,
    })
}

fn attribute_of(v: &Value) -> JsResult<PathAttribute> {
    let code = int_field(v, "code", 0)?;
    let name = str_field(v, "name")?;
    let code = name.as_deref().and_then(bgp::attribute_code).map_or(code, i32::from);
    let value = attribute_value_of(code, &field(v, "value")?.unwrap_or_default())?;
    Ok(PathAttribute {
        optional: bool_field(v, "optional")?,
        transitive: bool_field(v, "transitive")?,
        partial: bool_field(v, "partial")?,
        code: code as u8,
        value,
    })
}

fn open_of(b: &Value) -> JsResult<Open> {
    let version = int_field(b, "version", 4)? as u8;
    let my_as = int_field(b, "myAS", 0)? as u16;
    let hold_time = int_field(b, "holdTime", 0)? as u16;
    let mut identifier = [0u8; 4];
    if let Some(s) = str_field(b, "identifier")? {
        if !parse_ipv4(&s, &mut identifier) {
            identifier = [0; 4];
        }
    }
    let parameters = match array_field(b, "parameters")? {
        Some(items) => Some(present(items).map(|p| parameter_of(&p)).collect::<JsResult<_>>()?),
        None => None,
    };
    Ok(Open { version, my_as, hold_time, identifier: Some(identifier), parameters })
}

fn update_of(b: &Value) -> JsResult<Update> {
    let withdrawn_routes = prefixes(b, "withdrawnRoutes")?;
    let path_attributes = match array_field(b, "pathAttributes")? {
        Some(items) => Some(present(items).map(|a| attribute_of(&a)).collect::<JsResult<_>>()?),
        None => None,
    };
    let destinations = prefixes(b, "destinations")?;
    Ok(Update { withdrawn_routes, path_attributes, destinations })
}

/// The message a script object describes (see the notes at the top of this file).
pub fn message_of(v: &Value) -> JsResult<Message> {
    let msg_type = match field(v, "type")? {
        None => i32::from(bgp::KEEPALIVE),
        Some(Value::String(s)) => bgp::message_type_code(&s.to_rust_string()).map_or(-1, i32::from),
        Some(t) => c_int64(ops::to_number(&t)?) as i32,
    };
    let body = field(v, "body")?.filter(|b| b.is_object());
    let body = match (u8::try_from(msg_type), body) {
        (_, None) => None,
        (Ok(bgp::OPEN), Some(b)) => Some(Body::Open(open_of(&b)?)),
        (Ok(bgp::UPDATE), Some(b)) => Some(Body::Update(update_of(&b)?)),
        (Ok(bgp::NOTIFICATION), Some(b)) => Some(Body::Notification(Notification {
            error_code: int_field(&b, "errorCode", 0)? as u8,
            error_subcode: int_field(&b, "errorSubcode", 0)? as u8,
            data: field(&b, "data")?.and_then(|d| data_bytes(&d)),
        })),
        (Ok(bgp::ROUTE_REFRESH), Some(b)) => Some(Body::RouteRefresh(RouteRefresh {
            afi: int_field(&b, "afi", 0)? as u16,
            safi: int_field(&b, "safi", 0)? as u8,
        })),
        (_, Some(b)) => data_bytes(&b).map(Body::Raw),
    };
    Ok(Message { msg_type, body })
}

// ---- the namespace ----

/// The optional `enableAS4` argument.
fn as4_arg(args: &[Value]) -> JsResult<bool> {
    match arg(args, 1) {
        Value::Undefined | Value::Null => Ok(false),
        Value::Bool(b) => Ok(b),
        _ => fail("argument #2 expects a boolean"),
    }
}

fn bgp_decode(_: &Value, args: &[Value]) -> JsResult<Value> {
    if args.is_empty() {
        return fail("requires 1 or more arguments");
    }
    let Some(d) = event::as_data(&arg(args, 0)) else { return fail("argument #1 expects an instance of pipy::Data") };
    let as4 = as4_arg(args)?;
    let (messages, _) = bgp::decode_all(&d.to_vec(), as4);
    Ok(Value::Object(Obj::array(messages.iter().map(message_value).collect())))
}

fn bgp_encode(_: &Value, args: &[Value]) -> JsResult<Value> {
    if args.is_empty() {
        return fail("requires 1 or more arguments");
    }
    let v = arg(args, 0);
    if !matches!(v, Value::Object(_) | Value::Null) {
        return fail("argument #1 expects an object");
    }
    let as4 = as4_arg(args)?;
    Ok(data(&bgp::encode(&message_of(&v)?, as4)))
}

pub fn install() {
    let ns = Obj::ordinary();
    util::method(&ns, "decode", 2, bgp_decode);
    util::method(&ns, "encode", 2, bgp_encode);
    util::global("BGP", Value::Object(ns));
    set_script_codec(ScriptCodec { to_value: message_value, from_value: message_of });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_as_cpp_does_them() {
        assert_eq!((c_int(1e10), c_int(-129.9), c_int(f64::NAN), c_int(2.7)), (i32::MIN, -129, i32::MIN, 2));
        assert_eq!((c_uint32(-1.0), c_uint32(1e10), c_uint32(1e20), c_uint32(f64::NAN)), (u32::MAX, 0x540b_e400, 0, 0));
        assert_eq!(c_int64(-3.5) as i32 as u8, 0xfd);
    }

    #[test]
    fn lenient_addresses() {
        let ip = |s: &str| {
            let mut ip = [0u8; 4];
            let ok = parse_ipv4(s, &mut ip);
            (ok, ip)
        };
        assert_eq!(ip("1.2.3.4"), (true, [1, 2, 3, 4]));
        assert_eq!(ip("1.2.3"), (false, [1, 2, 0, 0]));
        assert_eq!(ip("1.2.3.4.5"), (false, [1, 2, 3, 0]));
        assert_eq!(ip(".1.2.3"), (true, [0, 1, 2, 3]));
        assert_eq!(ip("01.2.3.4"), (false, [0; 4]));
        assert_eq!(ip("1.2.3.256"), (false, [1, 2, 3, 0]));
        assert_eq!(parse_cidr("10.0.0.0"), Some((32, [10, 0, 0, 0])));
        assert_eq!(parse_cidr("10.1.2.3/20"), Some((20, [10, 1, 2, 3])));
        assert_eq!(parse_cidr("1.2.3.4/"), Some((0, [1, 2, 3, 4])));
        for bad in ["x", "1.2.3.4/33", "1.2.3.4/08", "10.0.0.0/ 8", "10.0.0/8", "::1/64", ""] {
            assert_eq!(parse_cidr(bad), None, "{bad}");
        }
    }
}
