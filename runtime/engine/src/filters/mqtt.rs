//! MQTT 3.1.1 (protocol level 4) and 5.0 (level 5) packets ↔ Messages: glues
//! `pipy_protocols::mqtt` (bytes ↔ `Packet`) to pipeline events, converting packets to and from
//! script heads and payloads.
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

use super::packet::{Collect, Collected, Cut, PacketCodec, PacketDecoder};
use super::{BuildCx, FilterSpec, arg, factory, option};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_protocols::mqtt::{
    Connect, Framing, PROPERTY_DEFINITIONS, Packet, PacketType, Payload, Property, PropertyKind, PropertyValue,
    Subscription, USER_PROPERTY, Will, decode, encode, parse_fixed_header, property_definition,
};
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

// ---- packets to script values ----

fn set(o: &Obj, k: &str, v: Value) {
    o.define_value(k, v, attr::DEFAULT);
}

fn data(b: &[u8]) -> Value {
    event::data_value(Data::from(b))
}

fn number(n: impl Into<u64>) -> Value {
    Value::from(n.into() as usize)
}

/// The `properties` object: each property by name in wire order, and `userProperties` (an object
/// of the user properties' names and values) where the first user property was, so that
/// `encodeMQTT()` writes them back in the same order.
fn properties_value(properties: &[Property]) -> Value {
    let props = Obj::ordinary();
    let mut user: Option<Obj> = None;
    for property in properties {
        let value = match &property.value {
            PropertyValue::Utf8StringPair(name, value) => {
                let u = user.get_or_insert_with(|| {
                    let u = Obj::ordinary();
                    set(&props, "userProperties", Value::Object(u.clone()));
                    u
                });
                set(u, name, Value::str(value));
                continue;
            }
            PropertyValue::Byte(v) => number(*v),
            PropertyValue::TwoByteInteger(v) => number(*v),
            PropertyValue::FourByteInteger(v) => number(*v),
            PropertyValue::VariableByteInteger(v) => number(*v),
            PropertyValue::Utf8String(v) => Value::str(v),
            PropertyValue::BinaryData(v) => data(v),
        };
        if let Some(definition) = property_definition(property.identifier) {
            set(&props, definition.name, value);
        }
    }
    Value::Object(props)
}

/// The Message head: `type`, then the header fields the packet has.
fn head_value(p: &Packet) -> Value {
    let head = Obj::ordinary();
    set(&head, "type", Value::str(p.packet_type.name()));
    if p.packet_type == PacketType::Publish {
        set(&head, "qos", number(p.qos));
        set(&head, "dup", Value::Bool(p.dup));
        set(&head, "retain", Value::Bool(p.retain));
    }
    if let Some(level) = p.protocol_level {
        set(&head, "protocolLevel", number(level));
    }
    if let Some(keep_alive) = p.keep_alive {
        set(&head, "keepAlive", number(keep_alive));
    }
    if let Some(present) = p.session_present {
        set(&head, "sessionPresent", Value::Bool(present));
    }
    if let Some(topic) = &p.topic_name {
        set(&head, "topicName", Value::str(topic));
    }
    if let Some(id) = p.packet_identifier {
        set(&head, "packetIdentifier", number(id));
    }
    if let Some(code) = p.reason_code {
        set(&head, "reasonCode", number(code));
    }
    if let Some(properties) = &p.properties {
        set(&head, "properties", properties_value(properties));
    }
    Value::Object(head)
}

/// The MessageEnd payload: what the packet holds after its header (a PUBLISH's goes in the body).
fn payload_value(payload: &Payload) -> Value {
    match payload {
        Payload::None | Payload::Application(_) => Value::Undefined,
        Payload::Connect(c) => {
            let p = Obj::ordinary();
            set(&p, "clientID", Value::str(&c.client_identifier));
            set(&p, "cleanStart", Value::Bool(c.clean_start));
            if let Some(w) = &c.will {
                let will = Obj::ordinary();
                set(&will, "qos", number(w.qos));
                set(&will, "retain", Value::Bool(w.retain));
                if let Some(properties) = &w.properties {
                    set(&will, "properties", properties_value(properties));
                }
                set(&will, "topic", Value::str(&w.topic));
                set(&will, "payload", data(&w.payload));
                set(&p, "will", Value::Object(will));
            }
            if let Some(username) = &c.username {
                set(&p, "username", Value::str(username));
            }
            if let Some(password) = &c.password {
                set(&p, "password", data(password));
            }
            Value::Object(p)
        }
        Payload::Subscribe(filters) => {
            let items = filters
                .iter()
                .map(|s| {
                    let f = Obj::ordinary();
                    set(&f, "filter", Value::str(&s.filter));
                    set(&f, "qos", number(s.options & 3));
                    Value::Object(f)
                })
                .collect();
            let p = Obj::ordinary();
            set(&p, "topicFilters", Value::Object(Obj::array(items)));
            Value::Object(p)
        }
        Payload::Unsubscribe(filters) => Value::Object(Obj::array(filters.iter().map(|f| Value::str(f)).collect())),
        Payload::ReasonCodes(codes) => Value::Object(Obj::array(codes.iter().map(|&c| number(c)).collect())),
    }
}

// ---- script values to packets ----

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

/// The properties of a `properties` object, in its key order (as the original walks the object):
/// each key naming a property gives that property, and `userProperties` gives the user
/// properties in its own key order; other keys are skipped.
fn properties_of(props: &Value) -> JsResult<Vec<Property>> {
    let mut properties = Vec::new();
    let Value::Object(o) = props else { return Ok(properties) };
    for k in ops::own_enumerable_keys(o) {
        let key = k.to_rust_string();
        let v = get(props, &key)?;
        if v.is_nullish() {
            continue;
        }
        if key == "userProperties" {
            if let Value::Object(u) = &v {
                for k in ops::own_enumerable_keys(u) {
                    let name = k.to_rust_string();
                    let value = ops::to_rust_string(&ops::get_str(&v, &name)?)?;
                    properties.push(Property {
                        identifier: USER_PROPERTY,
                        value: PropertyValue::Utf8StringPair(name, value),
                    });
                }
            }
            continue;
        }
        let Some(definition) = PROPERTY_DEFINITIONS.iter().find(|d| d.name == key) else { continue };
        let value = match definition.kind {
            PropertyKind::Byte => PropertyValue::Byte(ops::to_number(&v)? as u8),
            PropertyKind::TwoByteInteger => PropertyValue::TwoByteInteger(ops::to_number(&v)? as u16),
            PropertyKind::FourByteInteger => PropertyValue::FourByteInteger(ops::to_number(&v)? as u32),
            PropertyKind::VariableByteInteger => PropertyValue::VariableByteInteger(ops::to_number(&v)? as u64),
            PropertyKind::Utf8String => PropertyValue::Utf8String(ops::to_rust_string(&v)?),
            PropertyKind::BinaryData => PropertyValue::BinaryData(bytes(&v)?),
        };
        properties.push(Property { identifier: definition.identifier, value });
    }
    Ok(properties)
}

/// The packet a Message's head, body and payload describe, at `level` (a CONNECT's
/// `protocolLevel` sets the level). The fields are read in the order they are written.
fn packet_of(head: &Value, body: &[u8], payload: &Value, level: &mut u32) -> JsResult<Packet> {
    let t = text(head, "type")?.unwrap_or_default();
    let Some(packet_type) = PacketType::from_name(&t) else {
        return Err(error::type_error(&format!("encodeMQTT(): unknown packet type '{t}'")));
    };
    let props = get(head, "properties")?;
    let mut packet = Packet::new(packet_type);
    match packet_type {
        PacketType::Connect => {
            *level = match num(head, "protocolLevel")? {
                0 => *level,
                n => n,
            };
            let will = get(payload, "will")?;
            let username = text(payload, "username")?;
            let password = get(payload, "password")?;
            let clean_start = get(payload, "cleanStart")?.truthy();
            let will_flags = if will.is_object() {
                Some((num(&will, "qos")? as u8 & 3, get(&will, "retain")?.truthy()))
            } else {
                None
            };
            packet.protocol_level = Some(*level as u8);
            packet.keep_alive = Some(num(head, "keepAlive")? as u16);
            if *level >= 5 {
                packet.properties = Some(properties_of(&props)?);
            }
            let client_identifier = text(payload, "clientID")?.unwrap_or_default();
            let will = match will_flags {
                Some((qos, retain)) => {
                    let properties = if *level >= 5 { Some(properties_of(&get(&will, "properties")?)?) } else { None };
                    let topic = text(&will, "topic")?.unwrap_or_default();
                    let payload = bytes(&get(&will, "payload")?)?;
                    Some(Will { qos, retain, properties, topic, payload })
                }
                None => None,
            };
            let password = if password.is_nullish() { None } else { Some(bytes(&password)?) };
            packet.payload = Payload::Connect(Connect { client_identifier, clean_start, will, username, password });
        }
        PacketType::ConnAck => {
            packet.session_present = Some(get(head, "sessionPresent")?.truthy());
            packet.reason_code = Some(num(head, "reasonCode")? as u8);
            if *level >= 5 {
                packet.properties = Some(properties_of(&props)?);
            }
        }
        PacketType::Publish => {
            packet.qos = num(head, "qos")? as u8 & 3;
            packet.dup = get(head, "dup")?.truthy();
            packet.retain = get(head, "retain")?.truthy();
            packet.topic_name = Some(text(head, "topicName")?.unwrap_or_default());
            if packet.qos > 0 {
                packet.packet_identifier = Some(num(head, "packetIdentifier")? as u16);
            }
            if *level >= 5 {
                packet.properties = Some(properties_of(&props)?);
            }
            packet.payload = Payload::Application(body.to_vec());
        }
        PacketType::PubAck | PacketType::PubRec | PacketType::PubRel | PacketType::PubComp => {
            packet.packet_identifier = Some(num(head, "packetIdentifier")? as u16);
            if *level >= 5 {
                packet.reason_code = Some(num(head, "reasonCode")? as u8);
                packet.properties = Some(properties_of(&props)?);
            }
        }
        PacketType::Subscribe | PacketType::SubAck | PacketType::Unsubscribe | PacketType::UnsubAck => {
            packet.packet_identifier = Some(num(head, "packetIdentifier")? as u16);
            if *level >= 5 {
                packet.properties = Some(properties_of(&props)?);
            }
            let list =
                if packet_type == PacketType::Subscribe { get(payload, "topicFilters")? } else { payload.clone() };
            let items = list.as_object().and_then(|o| o.array_elements()).unwrap_or_default();
            packet.payload = match packet_type {
                PacketType::Subscribe => Payload::Subscribe(
                    items
                        .iter()
                        .map(|item| {
                            let filter = text(item, "filter")?.unwrap_or_default();
                            Ok(Subscription { filter, options: num(item, "qos")? as u8 & 3 })
                        })
                        .collect::<JsResult<_>>()?,
                ),
                PacketType::Unsubscribe => {
                    Payload::Unsubscribe(items.iter().map(ops::to_rust_string).collect::<JsResult<_>>()?)
                }
                _ => Payload::ReasonCodes(
                    items.iter().map(|item| Ok(ops::to_number(item)? as u8)).collect::<JsResult<_>>()?,
                ),
            };
        }
        PacketType::PingReq | PacketType::PingResp => {}
        PacketType::Disconnect | PacketType::Auth => {
            if *level >= 5 {
                packet.reason_code = Some(num(head, "reasonCode")? as u8);
                packet.properties = Some(properties_of(&props)?);
            }
        }
    }
    Ok(packet)
}

// ---- the filters ----

/// `options.protocolLevel`: a number, or a function giving one (asked at the first packet).
fn level_option(filter: &str, args: &[Value]) -> JsResult<Value> {
    super::check_options(filter, &arg(args, 0), &["protocolLevel"])?;
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
    let level = level_option("decodeMQTT", args)?;
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
        let fixed = match parse_fixed_header(b) {
            Framing::More => return Cut::More,
            Framing::Invalid => return Cut::Invalid,
            Framing::Packet(fixed) => fixed,
        };
        if b.len() < fixed.packet_length {
            return Cut::More;
        }
        let mut level = match self.level {
            Some(l) => l,
            None => initial_level(cx, &self.level_option.clone()),
        };
        let packet = decode(&fixed, &b[fixed.header_length..fixed.packet_length], &mut level);
        self.level = Some(level);
        let Some(p) = packet else { return Cut::Invalid };
        out.push(Event::MessageStart(head_value(&p)));
        if let Payload::Application(body) = &p.payload {
            if !body.is_empty() {
                out.push(Event::Data(Data::from(&body[..])));
            }
        }
        out.push(Event::MessageEnd { tail: Value::Undefined, payload: payload_value(&p.payload) });
        Cut::Packet(fixed.packet_length)
    }
    fn reset(&mut self) {
        self.level = None;
    }
}

fn build_encoder(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let level = level_option("encodeMQTT", args)?;
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
                let packet = packet_of(&event::script_value(&head), &body.to_vec(), &payload, &mut level);
                self.level = Some(level);
                match packet {
                    Ok(packet) => cx.output(Event::Data(Data::from(encode(&packet)))),
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
