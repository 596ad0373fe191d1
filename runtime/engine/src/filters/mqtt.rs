//! MQTT 3.1.1 (protocol level 4) and 5.0 (level 5) packets ↔ Messages.
//!
//! `decodeMQTT({protocolLevel})` turns each packet into a Message: the head has `type`
//! (`'CONNECT'`, `'PUBLISH'`, …) and the packet's fixed and variable header fields (`qos`, `dup`,
//! `retain`, `topicName`, `packetIdentifier`, `protocolLevel`, `keepAlive`, `sessionPresent`,
//! `reasonCode`, and for level 5 `properties` by name); the body is a PUBLISH payload; the
//! MessageEnd payload carries what the other packets hold after their header (CONNECT: `{clientID,
//! cleanStart, will, username, password}`; SUBSCRIBE: `{topicFilters: [{filter, qos}]}`; SUBACK
//! and UNSUBACK: the reason codes; UNSUBSCRIBE: the filters). The level is learned from a CONNECT
//! or given (a number or a function giving one) for the broker's side. `encodeMQTT()` writes
//! such Messages back. Malformed or oversized packets end the stream with a `ProtocolError`.

use super::packet::{Collect, Collected, Cut, PacketCodec, PacketDecoder, put_varint};
use super::{BuildCx, FilterSpec, arg, factory, option};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, attr, error, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "decodeMQTT",
        params: "(options?)",
        help: "Decodes MQTT 3.1.1/5.0 packets into Messages (head: type and header fields; body: PUBLISH payload)",
        joint: false,
        options: &["protocolLevel"],
        build: build_decoder,
    },
    FilterSpec {
        name: "encodeMQTT",
        params: "(options?)",
        help: "Encodes Messages (as decodeMQTT makes them) into MQTT 3.1.1/5.0 packets",
        joint: false,
        options: &["protocolLevel"],
        build: build_encoder,
    },
];

const TYPES: [&str; 16] = [
    "",
    "CONNECT",
    "CONNACK",
    "PUBLISH",
    "PUBACK",
    "PUBREC",
    "PUBREL",
    "PUBCOMP",
    "SUBSCRIBE",
    "SUBACK",
    "UNSUBSCRIBE",
    "UNSUBACK",
    "PINGREQ",
    "PINGRESP",
    "DISCONNECT",
    "AUTH",
];

/// The largest packet read (MQTT allows 256 MB; a proxy has no use for more than this).
const MAX_PACKET: usize = 16 * 1024 * 1024;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Byte,
    Short,
    Int,
    VarInt,
    Text,
    Binary,
}

/// Level 5 properties: id, name, type (user properties, id 38, are handled apart).
const PROPERTIES: &[(u32, &str, Kind)] = &[
    (1, "payloadFormatIndicator", Kind::Byte),
    (2, "messageExpiryInterval", Kind::Int),
    (3, "contentType", Kind::Text),
    (8, "responseTopic", Kind::Text),
    (9, "correlationData", Kind::Binary),
    (11, "subscriptionIdentifier", Kind::VarInt),
    (17, "sessionExpiryInterval", Kind::Int),
    (18, "assignedClientIdentifier", Kind::Text),
    (19, "serverKeepAlive", Kind::Short),
    (21, "authenticationMethod", Kind::Text),
    (22, "authenticationData", Kind::Binary),
    (23, "requestProblemInfo", Kind::Byte),
    (24, "willDelayInterval", Kind::Int),
    (25, "requestResponseInfo", Kind::Byte),
    (26, "responseInfo", Kind::Text),
    (28, "serverReference", Kind::Text),
    (31, "reasonString", Kind::Text),
    (33, "receiveMaximum", Kind::Short),
    (34, "topicAliasMaximum", Kind::Short),
    (35, "topicAlias", Kind::Short),
    (36, "maximumQoS", Kind::Byte),
    (37, "retainAvailable", Kind::Byte),
    (39, "maximumPacketSize", Kind::Int),
    (40, "wildcardSubscriptionAvailable", Kind::Byte),
    (41, "subscriptionIdentifierAvailable", Kind::Byte),
    (42, "sharedSubscriptionAvailable", Kind::Byte),
];
const USER_PROPERTY: u32 = 38;

// ---- reading ----

/// A bounds-checked cursor; every read fails (None) past the end.
struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(s)
    }
    fn u8(&mut self) -> Option<u32> {
        self.take(1).map(|s| s[0] as u32)
    }
    fn u16(&mut self) -> Option<u32> {
        self.take(2).map(|s| u16::from_be_bytes([s[0], s[1]]) as u32)
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn varint(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for i in 0..4 {
            let c = self.u8()?;
            v |= (c & 0x7f) << (7 * i);
            if c & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    fn binary(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()? as usize;
        self.take(n)
    }
    fn text(&mut self) -> Option<String> {
        self.binary().map(|b| String::from_utf8_lossy(b).into_owned())
    }
    fn rest(&mut self) -> &'a [u8] {
        let s = &self.b[self.pos.min(self.b.len())..];
        self.pos = self.b.len();
        s
    }
    fn done(&self) -> bool {
        self.pos >= self.b.len()
    }
}

fn set(o: &Obj, k: &str, v: Value) {
    o.define_value(k, v, attr::DEFAULT);
}

fn data(b: &[u8]) -> Value {
    event::data_value(Data::from(b))
}

fn read_properties(r: &mut Reader<'_>) -> Option<Value> {
    let n = r.varint()? as usize;
    let mut p = Reader { b: r.take(n)?, pos: 0 };
    let props = Obj::ordinary();
    let mut user: Option<Obj> = None;
    while !p.done() {
        let id = p.varint()?;
        if id == USER_PROPERTY {
            let (k, v) = (p.text()?, p.text()?);
            let u = user.get_or_insert_with(Obj::ordinary);
            set(u, &k, Value::str(&v));
            continue;
        }
        let &(_, name, kind) = PROPERTIES.iter().find(|(i, _, _)| *i == id)?;
        let v = match kind {
            Kind::Byte => Value::from(p.u8()? as usize),
            Kind::Short => Value::from(p.u16()? as usize),
            Kind::Int => Value::from(p.u32()? as usize),
            Kind::VarInt => Value::from(p.varint()? as usize),
            Kind::Text => Value::str(&p.text()?),
            Kind::Binary => data(p.binary()?),
        };
        set(&props, name, v);
    }
    if let Some(u) = user {
        set(&props, "userProperties", Value::Object(u));
    }
    Some(Value::Object(props))
}

/// A decoded packet: head, body (PUBLISH payload) and MessageEnd payload.
struct Packet {
    head: Obj,
    body: Vec<u8>,
    payload: Value,
}

/// Decodes one packet of type `kind` with `flags` from its remaining bytes; `level` is updated by
/// a CONNECT.
fn decode_packet(kind: usize, flags: u32, b: &[u8], level: &mut u32) -> Option<Packet> {
    let head = Obj::ordinary();
    set(&head, "type", Value::str(TYPES.get(kind).copied().filter(|t| !t.is_empty())?));
    let mut r = Reader { b, pos: 0 };
    let mut body = Vec::new();
    let mut payload = Value::Undefined;
    let v5 = |level: u32| level >= 5;
    match kind {
        1 => {
            r.text()?; // "MQTT" (or "MQIsdp")
            *level = r.u8()?;
            let cf = r.u8()?;
            set(&head, "protocolLevel", Value::from(*level as usize));
            set(&head, "keepAlive", Value::from(r.u16()? as usize));
            if v5(*level) {
                set(&head, "properties", read_properties(&mut r)?);
            }
            let p = Obj::ordinary();
            set(&p, "clientID", Value::str(&r.text()?));
            set(&p, "cleanStart", Value::Bool(cf & 0x02 != 0));
            if cf & 0x04 != 0 {
                let will = Obj::ordinary();
                set(&will, "qos", Value::from(((cf >> 3) & 3) as usize));
                set(&will, "retain", Value::Bool(cf & 0x20 != 0));
                if v5(*level) {
                    set(&will, "properties", read_properties(&mut r)?);
                }
                set(&will, "topic", Value::str(&r.text()?));
                set(&will, "payload", data(r.binary()?));
                set(&p, "will", Value::Object(will));
            }
            if cf & 0x80 != 0 {
                set(&p, "username", Value::str(&r.text()?));
            }
            if cf & 0x40 != 0 {
                set(&p, "password", data(r.binary()?));
            }
            payload = Value::Object(p);
        }
        2 => {
            set(&head, "sessionPresent", Value::Bool(r.u8()? & 1 != 0));
            set(&head, "reasonCode", Value::from(r.u8()? as usize));
            if v5(*level) && !r.done() {
                set(&head, "properties", read_properties(&mut r)?);
            }
        }
        3 => {
            let qos = (flags >> 1) & 3;
            set(&head, "qos", Value::from(qos as usize));
            set(&head, "dup", Value::Bool(flags & 8 != 0));
            set(&head, "retain", Value::Bool(flags & 1 != 0));
            set(&head, "topicName", Value::str(&r.text()?));
            if qos > 0 {
                set(&head, "packetIdentifier", Value::from(r.u16()? as usize));
            }
            if v5(*level) {
                set(&head, "properties", read_properties(&mut r)?);
            }
            body = r.rest().to_vec();
        }
        4..=7 => {
            set(&head, "packetIdentifier", Value::from(r.u16()? as usize));
            if !r.done() {
                set(&head, "reasonCode", Value::from(r.u8()? as usize));
                if v5(*level) && !r.done() {
                    set(&head, "properties", read_properties(&mut r)?);
                }
            }
        }
        8 | 10 => {
            set(&head, "packetIdentifier", Value::from(r.u16()? as usize));
            if v5(*level) {
                set(&head, "properties", read_properties(&mut r)?);
            }
            let mut items = Vec::new();
            while !r.done() {
                let filter = Value::str(&r.text()?);
                if kind == 8 {
                    let f = Obj::ordinary();
                    set(&f, "filter", filter);
                    set(&f, "qos", Value::from((r.u8()? & 3) as usize));
                    items.push(Value::Object(f));
                } else {
                    items.push(filter);
                }
            }
            let list = Value::Object(Obj::array(items));
            payload = if kind == 8 {
                let p = Obj::ordinary();
                set(&p, "topicFilters", list);
                Value::Object(p)
            } else {
                list
            };
        }
        9 | 11 => {
            set(&head, "packetIdentifier", Value::from(r.u16()? as usize));
            if v5(*level) {
                set(&head, "properties", read_properties(&mut r)?);
            }
            payload = Value::Object(Obj::array(r.rest().iter().map(|&c| Value::from(c as usize)).collect()));
        }
        12 | 13 => {}
        14 | 15 => {
            if !r.done() {
                set(&head, "reasonCode", Value::from(r.u8()? as usize));
                if v5(*level) && !r.done() {
                    set(&head, "properties", read_properties(&mut r)?);
                }
            }
        }
        _ => return None,
    }
    Some(Packet { head, body, payload })
}

/// Where a packet at the start of `b` stands: its type, flags, header length and total length.
enum Framed {
    More,
    Packet { kind: usize, flags: u32, start: usize, end: usize },
    Invalid,
}

fn frame(b: &[u8]) -> Framed {
    let Some(&first) = b.first() else { return Framed::More };
    let mut len = 0usize;
    for i in 0..4 {
        let Some(&c) = b.get(1 + i) else { return Framed::More };
        len |= ((c & 0x7f) as usize) << (7 * i);
        if c & 0x80 == 0 {
            if len > MAX_PACKET {
                return Framed::Invalid;
            }
            let start = 2 + i;
            return Framed::Packet {
                kind: (first >> 4) as usize,
                flags: (first & 0x0f) as u32,
                start,
                end: start + len,
            };
        }
    }
    Framed::Invalid
}

/// Decodes every whole packet at the start of `b` (for tests and fuzzing): how many, or None at
/// the first malformed one.
pub fn decode_all(b: &[u8], mut level: u32) -> Option<usize> {
    let mut pos = 0;
    let mut n = 0;
    while let Framed::Packet { kind, flags, start, end } = frame(&b[pos..]) {
        if b.len() - pos < end {
            break;
        }
        decode_packet(kind, flags, &b[pos + start..pos + end], &mut level)?;
        pos += end;
        n += 1;
    }
    if matches!(frame(&b[pos..]), Framed::Invalid) { None } else { Some(n) }
}

// ---- writing ----

fn put_binary(out: &mut Vec<u8>, b: &[u8]) {
    let n = b.len().min(u16::MAX as usize);
    out.extend_from_slice(&(n as u16).to_be_bytes());
    out.extend_from_slice(&b[..n]);
}

fn get(o: &Value, k: &str) -> JsResult<Value> {
    if o.is_object() { ops::get_str(o, k) } else { Ok(Value::Undefined) }
}

fn num(o: &Value, k: &str) -> JsResult<u32> {
    let v = get(o, k)?;
    Ok(if v.is_nullish() { 0 } else { ops::to_number(&v)? as u32 })
}

fn text(o: &Value, k: &str) -> JsResult<Option<String>> {
    let v = get(o, k)?;
    if v.is_nullish() { Ok(None) } else { ops::to_rust_string(&v).map(Some) }
}

fn bytes(v: &Value) -> JsResult<Vec<u8>> {
    match event::as_data(v) {
        Some(d) => Ok(d.to_vec()),
        None if v.is_nullish() => Ok(Vec::new()),
        None => Ok(ops::to_rust_string(v)?.into_bytes()),
    }
}

fn put_properties(out: &mut Vec<u8>, props: &Value) -> JsResult<()> {
    let mut p = Vec::new();
    for &(id, name, kind) in PROPERTIES {
        let v = get(props, name)?;
        if v.is_nullish() {
            continue;
        }
        put_varint(&mut p, u64::from(id));
        match kind {
            Kind::Byte => p.push(ops::to_number(&v)? as u8),
            Kind::Short => p.extend_from_slice(&(ops::to_number(&v)? as u16).to_be_bytes()),
            Kind::Int => p.extend_from_slice(&(ops::to_number(&v)? as u32).to_be_bytes()),
            Kind::VarInt => put_varint(&mut p, ops::to_number(&v)? as u64),
            Kind::Text => put_binary(&mut p, ops::to_rust_string(&v)?.as_bytes()),
            Kind::Binary => put_binary(&mut p, &bytes(&v)?),
        }
    }
    let user = get(props, "userProperties")?;
    if let Value::Object(u) = &user {
        for k in ops::own_enumerable_keys(u) {
            let key = k.to_rust_string();
            let v = ops::to_rust_string(&ops::get_str(&user, &key)?)?;
            put_varint(&mut p, u64::from(USER_PROPERTY));
            put_binary(&mut p, key.as_bytes());
            put_binary(&mut p, v.as_bytes());
        }
    }
    put_varint(out, p.len() as u64);
    out.extend_from_slice(&p);
    Ok(())
}

/// Encodes a packet from a head, body and payload at `level` (a CONNECT sets the level).
fn encode_packet(head: &Value, body: &[u8], payload: &Value, level: &mut u32) -> JsResult<Vec<u8>> {
    let t = text(head, "type")?.unwrap_or_default();
    let Some(kind) = TYPES.iter().position(|x| !x.is_empty() && *x == t) else {
        return Err(error::type_error(&format!("encodeMQTT(): unknown packet type '{t}'")));
    };
    let props = get(head, "properties")?;
    let mut v = Vec::new();
    let mut flags = 0u8;
    match kind {
        1 => {
            *level = match num(head, "protocolLevel")? {
                0 => *level,
                n => n,
            };
            let will = get(payload, "will")?;
            let username = text(payload, "username")?;
            let password = get(payload, "password")?;
            let mut cf = 0u8;
            if get(payload, "cleanStart")?.truthy() {
                cf |= 0x02;
            }
            if will.is_object() {
                cf |= 0x04 | ((num(&will, "qos")? as u8 & 3) << 3);
                if get(&will, "retain")?.truthy() {
                    cf |= 0x20;
                }
            }
            if username.is_some() {
                cf |= 0x80;
            }
            if !password.is_nullish() {
                cf |= 0x40;
            }
            put_binary(&mut v, b"MQTT");
            v.push(*level as u8);
            v.push(cf);
            v.extend_from_slice(&(num(head, "keepAlive")? as u16).to_be_bytes());
            if *level >= 5 {
                put_properties(&mut v, &props)?;
            }
            put_binary(&mut v, text(payload, "clientID")?.unwrap_or_default().as_bytes());
            if will.is_object() {
                if *level >= 5 {
                    put_properties(&mut v, &get(&will, "properties")?)?;
                }
                put_binary(&mut v, text(&will, "topic")?.unwrap_or_default().as_bytes());
                put_binary(&mut v, &bytes(&get(&will, "payload")?)?);
            }
            if let Some(u) = username {
                put_binary(&mut v, u.as_bytes());
            }
            if !password.is_nullish() {
                put_binary(&mut v, &bytes(&password)?);
            }
        }
        2 => {
            v.push(get(head, "sessionPresent")?.truthy() as u8);
            v.push(num(head, "reasonCode")? as u8);
            if *level >= 5 {
                put_properties(&mut v, &props)?;
            }
        }
        3 => {
            let qos = num(head, "qos")? as u8 & 3;
            flags = qos << 1 | (get(head, "dup")?.truthy() as u8) << 3 | get(head, "retain")?.truthy() as u8;
            put_binary(&mut v, text(head, "topicName")?.unwrap_or_default().as_bytes());
            if qos > 0 {
                v.extend_from_slice(&(num(head, "packetIdentifier")? as u16).to_be_bytes());
            }
            if *level >= 5 {
                put_properties(&mut v, &props)?;
            }
            v.extend_from_slice(body);
        }
        4..=7 => {
            if kind == 6 {
                flags = 2;
            }
            v.extend_from_slice(&(num(head, "packetIdentifier")? as u16).to_be_bytes());
            if *level >= 5 {
                v.push(num(head, "reasonCode")? as u8);
                put_properties(&mut v, &props)?;
            }
        }
        8..=11 => {
            if kind == 8 || kind == 10 {
                flags = 2;
            }
            v.extend_from_slice(&(num(head, "packetIdentifier")? as u16).to_be_bytes());
            if *level >= 5 {
                put_properties(&mut v, &props)?;
            }
            let list = if kind == 8 { get(payload, "topicFilters")? } else { payload.clone() };
            let items = list.as_object().and_then(|o| o.array_elements()).unwrap_or_default();
            for item in &items {
                match kind {
                    8 => {
                        put_binary(&mut v, text(item, "filter")?.unwrap_or_default().as_bytes());
                        v.push(num(item, "qos")? as u8 & 3);
                    }
                    10 => put_binary(&mut v, ops::to_rust_string(item)?.as_bytes()),
                    _ => v.push(ops::to_number(item)? as u8),
                }
            }
        }
        12 | 13 => {}
        _ => {
            if *level >= 5 {
                v.push(num(head, "reasonCode")? as u8);
                put_properties(&mut v, &props)?;
            }
        }
    }
    let mut out = vec![(kind as u8) << 4 | flags];
    put_varint(&mut out, v.len() as u64);
    out.extend_from_slice(&v);
    Ok(out)
}

// ---- the filters ----

/// `options.protocolLevel`: a number, or a function giving one (asked at the first packet).
fn level_option(args: &[Value]) -> JsResult<Value> {
    let v = option(&arg(args, 0), "protocolLevel")?;
    if !v.is_nullish() && !matches!(v, Value::Number(_)) && !v.is_callable() {
        return Err(error::type_error("MQTT: options.protocolLevel must be a number or a function"));
    }
    Ok(v)
}

fn initial_level(cx: &mut Cx<'_>, v: &Value) -> u32 {
    let v = if v.is_callable() { cx.call(v, &[]).unwrap_or_default() } else { v.clone() };
    match v {
        Value::Number(n) if n >= 3.0 => n as u32,
        _ => 4,
    }
}

fn build_decoder(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let level = level_option(args)?;
    Ok(factory("decodeMQTT", level, |l, _| {
        Box::new(PacketDecoder::new(MqttCodec { level_option: l.clone(), level: None }))
    }))
}

struct MqttCodec {
    level_option: Rc<Value>,
    /// The protocol level: from the option at the first packet, then from a CONNECT.
    level: Option<u32>,
}

impl PacketCodec for MqttCodec {
    fn cut(&mut self, cx: &mut Cx<'_>, b: &[u8], out: &mut Vec<Event>) -> Cut {
        let (kind, flags, start, end) = match frame(b) {
            Framed::More => return Cut::More,
            Framed::Invalid => return Cut::Invalid,
            Framed::Packet { kind, flags, start, end } => (kind, flags, start, end),
        };
        if b.len() < end {
            return Cut::More;
        }
        let mut level = match self.level {
            Some(l) => l,
            None => initial_level(cx, &self.level_option.clone()),
        };
        let packet = decode_packet(kind, flags, &b[start..end], &mut level);
        self.level = Some(level);
        let Some(p) = packet else { return Cut::Invalid };
        out.push(Event::MessageStart(Value::Object(p.head)));
        if !p.body.is_empty() {
            out.push(Event::Data(Data::from(p.body)));
        }
        out.push(Event::MessageEnd { tail: Value::Undefined, payload: p.payload });
        Cut::Packet(end)
    }
    fn reset(&mut self) {
        self.level = None;
    }
}

fn build_encoder(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let level = level_option(args)?;
    Ok(factory("encodeMQTT", level, |l, _| {
        Box::new(Encoder { level_option: l.clone(), level: None, collect: Collect::default() })
    }))
}

struct Encoder {
    level_option: Rc<Value>,
    level: Option<u32>,
    collect: Collect,
}

impl Filter for Encoder {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match self.collect.push(e) {
            Collected::Pending => {}
            Collected::Message { head, body, payload, .. } => {
                let mut level = match self.level {
                    Some(l) => l,
                    None => initial_level(cx, &self.level_option.clone()),
                };
                let r = encode_packet(&event::script_value(&head), &body.to_vec(), &payload, &mut level);
                self.level = Some(level);
                match r {
                    Ok(bytes) => cx.output(Event::Data(Data::from(bytes))),
                    Err(err) => cx.throw(err),
                }
            }
            Collected::End { end, .. } => {
                self.level = None;
                cx.output(end);
            }
        }
    }
}
