//! MQTT 3.1.1 (protocol level 4) and 5.0 (level 5) packets, sans-IO: [`parse_fixed_header`]
//! finds where a packet ends, [`decode`] reads one into a [`Packet`], [`encode`] writes one.
//!
//! A decoded packet keeps what was on the wire: an optional field is `Some` exactly when the
//! packet carried it (so a level 5 PUBACK without a reason code has none), and [`encode`] writes
//! the optional fields that are `Some` (a level 5 encoder fills in the reason code and the
//! properties). The protocol level decides how the bytes read, so [`decode`] takes it, and a
//! CONNECT sets it.

use crate::put_varint;

/// The largest packet read (MQTT allows 256 MB; a proxy has no use for more than this).
pub const MAX_PACKET: usize = 16 * 1024 * 1024;
/// The identifier of a user property (a UTF-8 string pair, which may occur more than once).
pub const USER_PROPERTY: u32 = 38;

/// The type of a control packet (the high four bits of its first byte).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PacketType {
    /// A client asks to connect.
    Connect = 1,
    /// The server answers a CONNECT.
    ConnAck = 2,
    /// An application message.
    Publish = 3,
    /// The answer to a QoS 1 PUBLISH.
    PubAck = 4,
    /// The first answer to a QoS 2 PUBLISH.
    PubRec = 5,
    /// The answer to a PUBREC.
    PubRel = 6,
    /// The answer to a PUBREL.
    PubComp = 7,
    /// A client subscribes to topic filters.
    Subscribe = 8,
    /// The server answers a SUBSCRIBE.
    SubAck = 9,
    /// A client unsubscribes from topic filters.
    Unsubscribe = 10,
    /// The server answers an UNSUBSCRIBE.
    UnsubAck = 11,
    /// A client's keep-alive ping.
    PingReq = 12,
    /// The server answers a PINGREQ.
    PingResp = 13,
    /// Either side ends the connection.
    Disconnect = 14,
    /// Level 5: an authentication exchange.
    Auth = 15,
}

/// The packet types by their code (the code is the index; 0 is reserved).
const PACKET_TYPES: [Option<PacketType>; 16] = [
    None,
    Some(PacketType::Connect),
    Some(PacketType::ConnAck),
    Some(PacketType::Publish),
    Some(PacketType::PubAck),
    Some(PacketType::PubRec),
    Some(PacketType::PubRel),
    Some(PacketType::PubComp),
    Some(PacketType::Subscribe),
    Some(PacketType::SubAck),
    Some(PacketType::Unsubscribe),
    Some(PacketType::UnsubAck),
    Some(PacketType::PingReq),
    Some(PacketType::PingResp),
    Some(PacketType::Disconnect),
    Some(PacketType::Auth),
];

impl PacketType {
    /// The type with this 4-bit code; None for the reserved 0 (and anything above 15).
    pub fn from_code(code: u8) -> Option<PacketType> {
        PACKET_TYPES.get(usize::from(code)).copied().flatten()
    }

    /// The 4-bit code.
    pub fn code(self) -> u8 {
        self as u8
    }

    /// The specification's name: `CONNECT`, `CONNACK`, `PUBLISH`, ….
    pub fn name(self) -> &'static str {
        match self {
            PacketType::Connect => "CONNECT",
            PacketType::ConnAck => "CONNACK",
            PacketType::Publish => "PUBLISH",
            PacketType::PubAck => "PUBACK",
            PacketType::PubRec => "PUBREC",
            PacketType::PubRel => "PUBREL",
            PacketType::PubComp => "PUBCOMP",
            PacketType::Subscribe => "SUBSCRIBE",
            PacketType::SubAck => "SUBACK",
            PacketType::Unsubscribe => "UNSUBSCRIBE",
            PacketType::UnsubAck => "UNSUBACK",
            PacketType::PingReq => "PINGREQ",
            PacketType::PingResp => "PINGRESP",
            PacketType::Disconnect => "DISCONNECT",
            PacketType::Auth => "AUTH",
        }
    }

    /// The type with this name (as [`PacketType::name`] gives it).
    pub fn from_name(name: &str) -> Option<PacketType> {
        PACKET_TYPES.iter().flatten().copied().find(|t| t.name() == name)
    }

    /// The fixed flags of the first byte (2 for PUBREL, SUBSCRIBE and UNSUBSCRIBE, else 0; a
    /// PUBLISH's flags are its own).
    fn fixed_flags(self) -> u8 {
        match self {
            PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe => 2,
            _ => 0,
        }
    }
}

/// The wire type of a level 5 property's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropertyKind {
    /// One byte.
    Byte,
    /// A big-endian 16-bit integer.
    TwoByteInteger,
    /// A big-endian 32-bit integer.
    FourByteInteger,
    /// A variable byte integer (7 bits a byte).
    VariableByteInteger,
    /// A UTF-8 string (16-bit length first).
    Utf8String,
    /// Binary data (16-bit length first).
    BinaryData,
}

/// A level 5 property: its identifier, the name scripts know it by, and its wire type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PropertyDefinition {
    /// The identifier on the wire.
    pub identifier: u32,
    /// The specification's name, in camel case.
    pub name: &'static str,
    /// The type of its value.
    pub kind: PropertyKind,
}

/// A shorthand for the table below.
const fn define(identifier: u32, name: &'static str, kind: PropertyKind) -> PropertyDefinition {
    PropertyDefinition { identifier, name, kind }
}

/// Every level 5 property but the user property ([`USER_PROPERTY`], a string pair).
pub const PROPERTY_DEFINITIONS: &[PropertyDefinition] = &[
    define(1, "payloadFormatIndicator", PropertyKind::Byte),
    define(2, "messageExpiryInterval", PropertyKind::FourByteInteger),
    define(3, "contentType", PropertyKind::Utf8String),
    define(8, "responseTopic", PropertyKind::Utf8String),
    define(9, "correlationData", PropertyKind::BinaryData),
    define(11, "subscriptionIdentifier", PropertyKind::VariableByteInteger),
    define(17, "sessionExpiryInterval", PropertyKind::FourByteInteger),
    define(18, "assignedClientIdentifier", PropertyKind::Utf8String),
    define(19, "serverKeepAlive", PropertyKind::TwoByteInteger),
    define(21, "authenticationMethod", PropertyKind::Utf8String),
    define(22, "authenticationData", PropertyKind::BinaryData),
    define(23, "requestProblemInfo", PropertyKind::Byte),
    define(24, "willDelayInterval", PropertyKind::FourByteInteger),
    define(25, "requestResponseInfo", PropertyKind::Byte),
    define(26, "responseInfo", PropertyKind::Utf8String),
    define(28, "serverReference", PropertyKind::Utf8String),
    define(31, "reasonString", PropertyKind::Utf8String),
    define(33, "receiveMaximum", PropertyKind::TwoByteInteger),
    define(34, "topicAliasMaximum", PropertyKind::TwoByteInteger),
    define(35, "topicAlias", PropertyKind::TwoByteInteger),
    define(36, "maximumQoS", PropertyKind::Byte),
    define(37, "retainAvailable", PropertyKind::Byte),
    define(39, "maximumPacketSize", PropertyKind::FourByteInteger),
    define(40, "wildcardSubscriptionAvailable", PropertyKind::Byte),
    define(41, "subscriptionIdentifierAvailable", PropertyKind::Byte),
    define(42, "sharedSubscriptionAvailable", PropertyKind::Byte),
];

/// The definition of the property with this identifier (None for the user property and unknown
/// identifiers).
pub fn property_definition(identifier: u32) -> Option<&'static PropertyDefinition> {
    PROPERTY_DEFINITIONS.iter().find(|d| d.identifier == identifier)
}

/// A level 5 property's value, by wire type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropertyValue {
    /// One byte.
    Byte(u8),
    /// A 16-bit integer.
    TwoByteInteger(u16),
    /// A 32-bit integer.
    FourByteInteger(u32),
    /// A variable byte integer. The specification allows up to 268,435,455; the writer writes
    /// any value, in as many bytes as it takes.
    VariableByteInteger(u64),
    /// A UTF-8 string (invalid UTF-8 read is replaced).
    Utf8String(String),
    /// Binary data.
    BinaryData(Vec<u8>),
    /// A UTF-8 string pair (name, value): the user property.
    Utf8StringPair(String, String),
}

/// A level 5 property.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Property {
    /// The identifier ([`PROPERTY_DEFINITIONS`], or [`USER_PROPERTY`]).
    pub identifier: u32,
    /// The value.
    pub value: PropertyValue,
}

/// A SUBSCRIBE's topic filter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    /// The topic filter.
    pub filter: String,
    /// The subscription options byte (bits 0-1: the maximum QoS; level 5 adds more bits).
    pub options: u8,
}

/// A CONNECT's will message.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Will {
    /// The QoS it is published with (0-3 as read, though 3 is malformed).
    pub qos: u8,
    /// Published retained.
    pub retain: bool,
    /// Level 5: the will properties.
    pub properties: Option<Vec<Property>>,
    /// The topic it is published to.
    pub topic: String,
    /// The message.
    pub payload: Vec<u8>,
}

/// A CONNECT's payload (and the connect flags, which say what it holds).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Connect {
    /// The client identifier.
    pub client_identifier: String,
    /// The clean start (clean session) flag.
    pub clean_start: bool,
    /// The will message.
    pub will: Option<Will>,
    /// The user name.
    pub username: Option<String>,
    /// The password.
    pub password: Option<Vec<u8>>,
}

/// What a packet holds after its variable header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Payload {
    /// Nothing (the other packet types).
    #[default]
    None,
    /// A CONNECT's.
    Connect(Connect),
    /// A PUBLISH's application message.
    Application(Vec<u8>),
    /// A SUBSCRIBE's topic filters.
    Subscribe(Vec<Subscription>),
    /// An UNSUBSCRIBE's topic filters.
    Unsubscribe(Vec<String>),
    /// A SUBACK's or UNSUBACK's reason codes (return codes at level 4).
    ReasonCodes(Vec<u8>),
}

/// A control packet. Header fields that a packet type does not have, or that were not on the
/// wire, are `None`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    /// The packet type.
    pub packet_type: PacketType,
    /// PUBLISH: the QoS (bits 1-2 of the first byte).
    pub qos: u8,
    /// PUBLISH: the duplicate delivery flag.
    pub dup: bool,
    /// PUBLISH: the retain flag.
    pub retain: bool,
    /// CONNECT: the protocol level (4 for 3.1.1, 5 for 5.0).
    pub protocol_level: Option<u8>,
    /// CONNECT: the keep-alive interval in seconds.
    pub keep_alive: Option<u16>,
    /// CONNACK: the session present flag.
    pub session_present: Option<bool>,
    /// PUBLISH: the topic name.
    pub topic_name: Option<String>,
    /// The packet identifier (a PUBLISH has one at QoS 1 and 2).
    pub packet_identifier: Option<u16>,
    /// The reason code (CONNACK's return code at level 4).
    pub reason_code: Option<u8>,
    /// Level 5: the properties, in wire order.
    pub properties: Option<Vec<Property>>,
    /// What follows the variable header.
    pub payload: Payload,
}

impl Packet {
    /// A packet of `packet_type` with no fields.
    pub fn new(packet_type: PacketType) -> Packet {
        Packet {
            packet_type,
            qos: 0,
            dup: false,
            retain: false,
            protocol_level: None,
            keep_alive: None,
            session_present: None,
            topic_name: None,
            packet_identifier: None,
            reason_code: None,
            properties: None,
            payload: Payload::None,
        }
    }
}

// ---- reading ----

/// The fixed header of a packet: its type and flags, and where it ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FixedHeader {
    /// The 4-bit packet type code (0 is reserved; [`decode`] refuses it).
    pub packet_type: u8,
    /// The low four bits of the first byte.
    pub flags: u8,
    /// The fixed header's length: where the variable header starts.
    pub header_length: usize,
    /// The whole packet's length: where the next packet starts.
    pub packet_length: usize,
}

/// Where a packet at the start of a buffer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// The fixed header is not complete yet.
    More,
    /// The fixed header (the packet itself may not be complete yet).
    Packet(FixedHeader),
    /// A remaining length longer than four bytes or larger than [`MAX_PACKET`].
    Invalid,
}

/// Reads the fixed header at the start of `b`.
pub fn parse_fixed_header(b: &[u8]) -> Framing {
    let Some(&first) = b.first() else { return Framing::More };
    let mut remaining = 0usize;
    for i in 0..4 {
        let Some(&c) = b.get(1 + i) else { return Framing::More };
        remaining |= ((c & 0x7f) as usize) << (7 * i);
        if c & 0x80 == 0 {
            if remaining > MAX_PACKET {
                return Framing::Invalid;
            }
            let header_length = 2 + i;
            return Framing::Packet(FixedHeader {
                packet_type: first >> 4,
                flags: first & 0x0f,
                header_length,
                packet_length: header_length + remaining,
            });
        }
    }
    Framing::Invalid
}

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
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|s| s[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|s| u16::from_be_bytes([s[0], s[1]]))
    }
    fn u32(&mut self) -> Option<u32> {
        self.take(4).map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }
    fn varint(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for i in 0..4 {
            let c = self.u8()?;
            v |= u32::from(c & 0x7f) << (7 * i);
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

/// Reads a property list (its length first); None at an unknown identifier or a short read.
fn read_properties(r: &mut Reader<'_>) -> Option<Vec<Property>> {
    let n = r.varint()? as usize;
    let mut p = Reader { b: r.take(n)?, pos: 0 };
    let mut properties = Vec::new();
    while !p.done() {
        let identifier = p.varint()?;
        let value = if identifier == USER_PROPERTY {
            PropertyValue::Utf8StringPair(p.text()?, p.text()?)
        } else {
            match property_definition(identifier)?.kind {
                PropertyKind::Byte => PropertyValue::Byte(p.u8()?),
                PropertyKind::TwoByteInteger => PropertyValue::TwoByteInteger(p.u16()?),
                PropertyKind::FourByteInteger => PropertyValue::FourByteInteger(p.u32()?),
                PropertyKind::VariableByteInteger => PropertyValue::VariableByteInteger(u64::from(p.varint()?)),
                PropertyKind::Utf8String => PropertyValue::Utf8String(p.text()?),
                PropertyKind::BinaryData => PropertyValue::BinaryData(p.binary()?.to_vec()),
            }
        };
        properties.push(Property { identifier, value });
    }
    Some(properties)
}

/// Decodes the packet `fixed` heads from `remaining`, the bytes after its fixed header, at
/// protocol `level` (a CONNECT sets `level` to its own). None when the packet is malformed.
pub fn decode(fixed: &FixedHeader, remaining: &[u8], level: &mut u32) -> Option<Packet> {
    let packet_type = PacketType::from_code(fixed.packet_type)?;
    let mut packet = Packet::new(packet_type);
    let mut r = Reader { b: remaining, pos: 0 };
    let v5 = |level: u32| level >= 5;
    match packet_type {
        PacketType::Connect => {
            r.text()?; // "MQTT" (or "MQIsdp")
            let protocol_level = r.u8()?;
            *level = u32::from(protocol_level);
            let flags = r.u8()?;
            packet.protocol_level = Some(protocol_level);
            packet.keep_alive = Some(r.u16()?);
            if v5(*level) {
                packet.properties = Some(read_properties(&mut r)?);
            }
            let mut connect =
                Connect { client_identifier: r.text()?, clean_start: flags & 0x02 != 0, ..Connect::default() };
            if flags & 0x04 != 0 {
                let mut will = Will { qos: (flags >> 3) & 3, retain: flags & 0x20 != 0, ..Will::default() };
                if v5(*level) {
                    will.properties = Some(read_properties(&mut r)?);
                }
                will.topic = r.text()?;
                will.payload = r.binary()?.to_vec();
                connect.will = Some(will);
            }
            if flags & 0x80 != 0 {
                connect.username = Some(r.text()?);
            }
            if flags & 0x40 != 0 {
                connect.password = Some(r.binary()?.to_vec());
            }
            packet.payload = Payload::Connect(connect);
        }
        PacketType::ConnAck => {
            packet.session_present = Some(r.u8()? & 1 != 0);
            packet.reason_code = Some(r.u8()?);
            if v5(*level) && !r.done() {
                packet.properties = Some(read_properties(&mut r)?);
            }
        }
        PacketType::Publish => {
            packet.qos = (fixed.flags >> 1) & 3;
            packet.dup = fixed.flags & 8 != 0;
            packet.retain = fixed.flags & 1 != 0;
            packet.topic_name = Some(r.text()?);
            if packet.qos > 0 {
                packet.packet_identifier = Some(r.u16()?);
            }
            if v5(*level) {
                packet.properties = Some(read_properties(&mut r)?);
            }
            packet.payload = Payload::Application(r.rest().to_vec());
        }
        PacketType::PubAck | PacketType::PubRec | PacketType::PubRel | PacketType::PubComp => {
            packet.packet_identifier = Some(r.u16()?);
            if !r.done() {
                packet.reason_code = Some(r.u8()?);
                if v5(*level) && !r.done() {
                    packet.properties = Some(read_properties(&mut r)?);
                }
            }
        }
        PacketType::Subscribe | PacketType::Unsubscribe => {
            packet.packet_identifier = Some(r.u16()?);
            if v5(*level) {
                packet.properties = Some(read_properties(&mut r)?);
            }
            if packet_type == PacketType::Subscribe {
                let mut filters = Vec::new();
                while !r.done() {
                    filters.push(Subscription { filter: r.text()?, options: r.u8()? });
                }
                packet.payload = Payload::Subscribe(filters);
            } else {
                let mut filters = Vec::new();
                while !r.done() {
                    filters.push(r.text()?);
                }
                packet.payload = Payload::Unsubscribe(filters);
            }
        }
        PacketType::SubAck | PacketType::UnsubAck => {
            packet.packet_identifier = Some(r.u16()?);
            if v5(*level) {
                packet.properties = Some(read_properties(&mut r)?);
            }
            packet.payload = Payload::ReasonCodes(r.rest().to_vec());
        }
        PacketType::PingReq | PacketType::PingResp => {}
        PacketType::Disconnect | PacketType::Auth => {
            if !r.done() {
                packet.reason_code = Some(r.u8()?);
                if v5(*level) && !r.done() {
                    packet.properties = Some(read_properties(&mut r)?);
                }
            }
        }
    }
    Some(packet)
}

/// Decodes every whole packet at the start of `b` (for tests and fuzzing): how many, or None at
/// the first malformed one.
pub fn decode_all(b: &[u8], mut level: u32) -> Option<usize> {
    let mut pos = 0;
    let mut n = 0;
    while let Framing::Packet(fixed) = parse_fixed_header(&b[pos..]) {
        if b.len() - pos < fixed.packet_length {
            break;
        }
        decode(&fixed, &b[pos + fixed.header_length..pos + fixed.packet_length], &mut level)?;
        pos += fixed.packet_length;
        n += 1;
    }
    if matches!(parse_fixed_header(&b[pos..]), Framing::Invalid) { None } else { Some(n) }
}

// ---- writing ----

/// Appends binary data or a string with its 16-bit length (cut at 65,535 bytes).
fn put_binary(out: &mut Vec<u8>, b: &[u8]) {
    let n = b.len().min(u16::MAX as usize);
    out.extend_from_slice(&(n as u16).to_be_bytes());
    out.extend_from_slice(&b[..n]);
}

/// Appends a property list with its length.
fn put_properties(out: &mut Vec<u8>, properties: &[Property]) {
    let mut p = Vec::new();
    for property in properties {
        put_varint(&mut p, u64::from(property.identifier));
        match &property.value {
            PropertyValue::Byte(v) => p.push(*v),
            PropertyValue::TwoByteInteger(v) => p.extend_from_slice(&v.to_be_bytes()),
            PropertyValue::FourByteInteger(v) => p.extend_from_slice(&v.to_be_bytes()),
            PropertyValue::VariableByteInteger(v) => put_varint(&mut p, *v),
            PropertyValue::Utf8String(v) => put_binary(&mut p, v.as_bytes()),
            PropertyValue::BinaryData(v) => put_binary(&mut p, v),
            PropertyValue::Utf8StringPair(name, value) => {
                put_binary(&mut p, name.as_bytes());
                put_binary(&mut p, value.as_bytes());
            }
        }
    }
    put_varint(out, p.len() as u64);
    out.extend_from_slice(&p);
}

/// Appends the reason code and properties that end an acknowledgement, DISCONNECT or AUTH: both
/// when there are properties, the reason code alone when there are none.
fn put_reason_and_properties(out: &mut Vec<u8>, packet: &Packet) {
    if packet.reason_code.is_some() || packet.properties.is_some() {
        out.push(packet.reason_code.unwrap_or(0));
    }
    if let Some(properties) = &packet.properties {
        put_properties(out, properties);
    }
}

/// The connect flags byte for `connect`.
fn connect_flags(connect: &Connect) -> u8 {
    let mut flags = 0u8;
    if connect.clean_start {
        flags |= 0x02;
    }
    if let Some(will) = &connect.will {
        flags |= 0x04 | ((will.qos & 3) << 3);
        if will.retain {
            flags |= 0x20;
        }
    }
    if connect.username.is_some() {
        flags |= 0x80;
    }
    if connect.password.is_some() {
        flags |= 0x40;
    }
    flags
}

/// Appends the payload.
fn put_payload(out: &mut Vec<u8>, payload: &Payload) {
    match payload {
        Payload::None => {}
        Payload::Connect(connect) => {
            put_binary(out, connect.client_identifier.as_bytes());
            if let Some(will) = &connect.will {
                if let Some(properties) = &will.properties {
                    put_properties(out, properties);
                }
                put_binary(out, will.topic.as_bytes());
                put_binary(out, &will.payload);
            }
            if let Some(username) = &connect.username {
                put_binary(out, username.as_bytes());
            }
            if let Some(password) = &connect.password {
                put_binary(out, password);
            }
        }
        Payload::Application(bytes) => out.extend_from_slice(bytes),
        Payload::Subscribe(filters) => {
            for s in filters {
                put_binary(out, s.filter.as_bytes());
                out.push(s.options);
            }
        }
        Payload::Unsubscribe(filters) => {
            for filter in filters {
                put_binary(out, filter.as_bytes());
            }
        }
        Payload::ReasonCodes(codes) => out.extend_from_slice(codes),
    }
}

/// Encodes `packet`. Fields a packet type requires but `packet` lacks are written as zero (or
/// empty); a CONNECT without a protocol level is written at level 4 (protocol name `MQTT`).
pub fn encode(packet: &Packet) -> Vec<u8> {
    let mut v = Vec::new();
    let mut flags = packet.packet_type.fixed_flags();
    match packet.packet_type {
        PacketType::Connect => {
            let no_connect = Connect::default();
            let connect = match &packet.payload {
                Payload::Connect(c) => c,
                _ => &no_connect,
            };
            put_binary(&mut v, b"MQTT");
            v.push(packet.protocol_level.unwrap_or(4));
            v.push(connect_flags(connect));
            v.extend_from_slice(&packet.keep_alive.unwrap_or(0).to_be_bytes());
            if let Some(properties) = &packet.properties {
                put_properties(&mut v, properties);
            }
        }
        PacketType::ConnAck => {
            v.push(u8::from(packet.session_present.unwrap_or(false)));
            v.push(packet.reason_code.unwrap_or(0));
            if let Some(properties) = &packet.properties {
                put_properties(&mut v, properties);
            }
        }
        PacketType::Publish => {
            let qos = packet.qos & 3;
            flags = qos << 1 | u8::from(packet.dup) << 3 | u8::from(packet.retain);
            put_binary(&mut v, packet.topic_name.as_deref().unwrap_or_default().as_bytes());
            if qos > 0 {
                v.extend_from_slice(&packet.packet_identifier.unwrap_or(0).to_be_bytes());
            }
            if let Some(properties) = &packet.properties {
                put_properties(&mut v, properties);
            }
        }
        PacketType::PubAck | PacketType::PubRec | PacketType::PubRel | PacketType::PubComp => {
            v.extend_from_slice(&packet.packet_identifier.unwrap_or(0).to_be_bytes());
            put_reason_and_properties(&mut v, packet);
        }
        PacketType::Subscribe | PacketType::SubAck | PacketType::Unsubscribe | PacketType::UnsubAck => {
            v.extend_from_slice(&packet.packet_identifier.unwrap_or(0).to_be_bytes());
            if let Some(properties) = &packet.properties {
                put_properties(&mut v, properties);
            }
        }
        PacketType::PingReq | PacketType::PingResp => {}
        PacketType::Disconnect | PacketType::Auth => put_reason_and_properties(&mut v, packet),
    }
    put_payload(&mut v, &packet.payload);
    let mut out = vec![packet.packet_type.code() << 4 | flags];
    put_varint(&mut out, v.len() as u64);
    out.extend_from_slice(&v);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes the single packet in `b` at `level`.
    fn decode_one(b: &[u8], level: &mut u32) -> Option<Packet> {
        let Framing::Packet(fixed) = parse_fixed_header(b) else { return None };
        assert_eq!(fixed.packet_length, b.len());
        decode(&fixed, &b[fixed.header_length..], level)
    }

    fn properties() -> Vec<Property> {
        let p = |identifier, value| Property { identifier, value };
        vec![
            p(1, PropertyValue::Byte(1)),
            p(2, PropertyValue::FourByteInteger(4_000_000_000)),
            p(3, PropertyValue::Utf8String("text/plain".into())),
            p(9, PropertyValue::BinaryData(vec![0, 1, 2])),
            p(11, PropertyValue::VariableByteInteger(268_435_455)),
            p(33, PropertyValue::TwoByteInteger(10)),
            p(USER_PROPERTY, PropertyValue::Utf8StringPair("region".into(), "eu".into())),
            p(USER_PROPERTY, PropertyValue::Utf8StringPair("region".into(), "us".into())),
        ]
    }

    fn session(level: u8) -> Vec<Packet> {
        let v5 = level >= 5;
        let props = |p: Vec<Property>| v5.then_some(p);
        let mut connect = Packet::new(PacketType::Connect);
        connect.protocol_level = Some(level);
        connect.keep_alive = Some(60);
        connect.properties = props(properties());
        connect.payload = Payload::Connect(Connect {
            client_identifier: "c1".into(),
            clean_start: true,
            will: Some(Will {
                qos: 1,
                retain: true,
                properties: props(vec![Property { identifier: 24, value: PropertyValue::FourByteInteger(5) }]),
                topic: "w".into(),
                payload: b"bye".to_vec(),
            }),
            username: Some("u".into()),
            password: Some(b"p".to_vec()),
        });
        let mut connack = Packet::new(PacketType::ConnAck);
        connack.session_present = Some(true);
        connack.reason_code = Some(0);
        connack.properties = props(vec![]);
        let mut publish = Packet::new(PacketType::Publish);
        publish.qos = 2;
        publish.dup = true;
        publish.retain = true;
        publish.topic_name = Some("a/b".into());
        publish.packet_identifier = Some(7);
        publish.properties = props(properties());
        publish.payload = Payload::Application(b"hello".to_vec());
        let mut pubrel = Packet::new(PacketType::PubRel);
        pubrel.packet_identifier = Some(7);
        pubrel.reason_code = Some(146);
        pubrel.properties = props(vec![]);
        let mut subscribe = Packet::new(PacketType::Subscribe);
        subscribe.packet_identifier = Some(1);
        subscribe.properties = props(vec![]);
        subscribe.payload = Payload::Subscribe(vec![
            Subscription { filter: "a/#".into(), options: 1 },
            Subscription { filter: "b".into(), options: 0 },
        ]);
        let mut suback = Packet::new(PacketType::SubAck);
        suback.packet_identifier = Some(1);
        suback.properties = props(vec![]);
        suback.payload = Payload::ReasonCodes(vec![1, 0x80]);
        let mut unsubscribe = Packet::new(PacketType::Unsubscribe);
        unsubscribe.packet_identifier = Some(2);
        unsubscribe.properties = props(vec![]);
        unsubscribe.payload = Payload::Unsubscribe(vec!["a/#".into()]);
        let mut disconnect = Packet::new(PacketType::Disconnect);
        disconnect.reason_code = v5.then_some(4);
        disconnect.properties = props(vec![]);
        vec![
            connect,
            connack,
            publish,
            pubrel,
            subscribe,
            suback,
            unsubscribe,
            Packet::new(PacketType::PingReq),
            disconnect,
        ]
    }

    #[test]
    fn packets_round_trip_at_levels_4_and_5() {
        for level in [4, 5] {
            let packets = session(level);
            let bytes: Vec<u8> = packets.iter().flat_map(encode).collect();
            assert_eq!(decode_all(&bytes, 4), Some(packets.len()), "level {level}");
            let mut at = 0;
            // The CONNECT sets the level the rest is read at.
            let mut read_level = 3;
            for want in &packets {
                let Framing::Packet(fixed) = parse_fixed_header(&bytes[at..]) else { panic!("framing") };
                let end = at + fixed.packet_length;
                let got = decode(&fixed, &bytes[at + fixed.header_length..end], &mut read_level);
                assert_eq!(got.as_ref(), Some(want), "level {level}");
                assert_eq!(encode(want), bytes[at..end].to_vec());
                at = end;
            }
            assert_eq!(read_level, u32::from(level));
        }
    }

    #[test]
    fn fixed_headers_and_malformed_packets() {
        assert_eq!(parse_fixed_header(&[]), Framing::More);
        assert_eq!(parse_fixed_header(&[0x30, 0x80]), Framing::More);
        assert_eq!(
            parse_fixed_header(&[0x32, 0x80, 0x01]),
            Framing::Packet(FixedHeader { packet_type: 3, flags: 2, header_length: 3, packet_length: 131 })
        );
        assert_eq!(parse_fixed_header(&[0xf0, 0xff, 0xff, 0xff, 0xff, 0x7f]), Framing::Invalid);
        assert_eq!(parse_fixed_header(&[0xf0, 0xff, 0xff, 0xff, 0x7f]), Framing::Invalid); // > MAX_PACKET
        assert_eq!(decode_all(&[0xf0, 0xff, 0xff, 0xff, 0xff, 0x7f], 4), None);
        let mut level = 5;
        // Type 0 is reserved; an unknown property identifier; a property list longer than the packet.
        assert_eq!(decode_one(&[0x00, 0x00], &mut level), None);
        assert_eq!(decode_one(&[0x20, 0x05, 0x00, 0x00, 0x02, 0x63, 0x00], &mut level), None);
        assert_eq!(decode_one(&[0x20, 0x04, 0x00, 0x00, 0x05, 0x01], &mut level), None);
        // Optional fields are there only when the packet carried them.
        let puback = decode_one(&[0x40, 0x02, 0x00, 0x01], &mut level).expect("puback");
        assert_eq!((puback.packet_identifier, puback.reason_code, &puback.properties), (Some(1), None, &None));
        assert_eq!(encode(&puback), [0x40, 0x02, 0x00, 0x01]);
        let mut level = 4;
        let puback = decode_one(&[0x40, 0x03, 0x00, 0x01, 0x10], &mut level).expect("puback");
        assert_eq!((puback.reason_code, puback.properties), (Some(0x10), None));
        // A will that runs past the packet.
        let connect = [&[0x10, 0x0f, 0x00, 0x04][..], b"MQTT", &[4, 0x04, 0, 60, 0, 1, b'c', 0, 9]].concat();
        assert_eq!(decode_one(&connect, &mut level), None);
        assert_eq!(PacketType::from_name("UNSUBACK"), Some(PacketType::UnsubAck));
        assert_eq!(PacketType::from_name(""), None);
        assert_eq!(PacketType::from_code(0), None);
    }
}
