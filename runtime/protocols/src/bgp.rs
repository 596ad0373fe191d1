//! BGP-4 messages (RFC 4271, with ROUTE-REFRESH from RFC 2918), sans-IO, read and written as the
//! original Pipy's `BGP` codec reads and writes them: [`parse_header`] finds where a message ends,
//! [`decode_body`] reads what follows the 19-byte header into a [`Body`], [`decode_all`] reads
//! whole messages off a buffer, and [`encode`] writes one [`Message`].
//!
//! What the original does, and so this module does: the 16-byte marker is not checked; a header
//! whose length is below 19 is malformed; an OPEN, UPDATE, NOTIFICATION or ROUTE-REFRESH with no
//! bytes after the header has a body with every field at its default, a KEEPALIVE or an unknown
//! type with none has no body, and one with bytes keeps them as [`Body::Raw`]. Bytes after what an
//! OPEN or ROUTE-REFRESH holds are ignored. Address prefixes are IPv4 only; a prefix longer than
//! 32 bits, a truncated field, an AS_PATH segment type other than 1 or 2, or a known attribute
//! whose value is too short is malformed (and bytes after what a known attribute holds are
//! ignored). `as4` chooses 4-byte AS numbers in AS_PATH and AGGREGATOR (RFC 6793).
//!
//! The encoder clamps as the original does: an optional parameter's or a capability's value to
//! 255 bytes, all the parameters to 255, an attribute's value to 65535 (written with the
//! extended-length flag when over 255), the withdrawn routes and the attributes to 65535 each, and
//! the whole message to 4096 bytes. Unlike the original, a ROUTE-REFRESH is written with its AFI in
//! two bytes (the original writes one byte, which even it cannot read back).

/// The length of the header: the 16-byte marker, the 2-byte length and the type.
pub const HEADER_LEN: usize = 19;
/// The largest message [`encode`] writes (RFC 4271); longer payloads are cut.
pub const MAX_MESSAGE_LEN: usize = 4096;

/// Message type codes.
pub const OPEN: u8 = 1;
pub const UPDATE: u8 = 2;
pub const NOTIFICATION: u8 = 3;
pub const KEEPALIVE: u8 = 4;
pub const ROUTE_REFRESH: u8 = 5;

/// The optional parameter type code of capabilities (RFC 5492).
pub const CAPABILITIES: u8 = 2;

/// Path attribute type codes.
pub const ORIGIN: u8 = 1;
pub const AS_PATH: u8 = 2;
pub const NEXT_HOP: u8 = 3;
pub const MULTI_EXIT_DISC: u8 = 4;
pub const LOCAL_PREF: u8 = 5;
pub const ATOMIC_AGGREGATE: u8 = 6;
pub const AGGREGATOR: u8 = 7;

const MESSAGE_TYPES: [(u8, &str); 5] = [
    (OPEN, "OPEN"),
    (UPDATE, "UPDATE"),
    (NOTIFICATION, "NOTIFICATION"),
    (KEEPALIVE, "KEEPALIVE"),
    (ROUTE_REFRESH, "ROUTE_REFRESH"),
];

const ATTRIBUTE_TYPES: [(u8, &str); 7] = [
    (ORIGIN, "ORIGIN"),
    (AS_PATH, "AS_PATH"),
    (NEXT_HOP, "NEXT_HOP"),
    (MULTI_EXIT_DISC, "MULTI_EXIT_DISC"),
    (LOCAL_PREF, "LOCAL_PREF"),
    (ATOMIC_AGGREGATE, "ATOMIC_AGGREGATE"),
    (AGGREGATOR, "AGGREGATOR"),
];

fn name_of(table: &[(u8, &'static str)], code: i32) -> Option<&'static str> {
    table.iter().find(|(c, _)| i32::from(*c) == code).map(|(_, n)| *n)
}

fn code_of(table: &[(u8, &'static str)], name: &str) -> Option<u8> {
    table.iter().find(|(_, n)| *n == name).map(|(c, _)| *c)
}

/// The name of a message type (`OPEN`, `UPDATE`, `NOTIFICATION`, `KEEPALIVE`, `ROUTE_REFRESH`).
pub fn message_type_name(code: i32) -> Option<&'static str> {
    name_of(&MESSAGE_TYPES, code)
}

/// The message type with this name, as [`message_type_name`] gives it.
pub fn message_type_code(name: &str) -> Option<u8> {
    code_of(&MESSAGE_TYPES, name)
}

/// The name of an optional parameter type (only `Capabilities` has one).
pub fn parameter_name(code: i32) -> Option<&'static str> {
    (code == i32::from(CAPABILITIES)).then_some("Capabilities")
}

/// The optional parameter type with this name.
pub fn parameter_code(name: &str) -> Option<u8> {
    (name == "Capabilities").then_some(CAPABILITIES)
}

/// The name of a path attribute type (`ORIGIN` … `AGGREGATOR`, codes 1 to 7).
pub fn attribute_name(code: i32) -> Option<&'static str> {
    name_of(&ATTRIBUTE_TYPES, code)
}

/// The path attribute type with this name, as [`attribute_name`] gives it.
pub fn attribute_code(name: &str) -> Option<u8> {
    code_of(&ATTRIBUTE_TYPES, name)
}

/// A message: its type and what follows the header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The type. Decoding gives 0 to 255; for encoding it is what a script gave, of which the
    /// header holds the low 8 bits while the whole number chooses the body's layout, as in the
    /// original.
    pub msg_type: i32,
    /// None: nothing after the header.
    pub body: Option<Body>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Open(Open),
    Update(Update),
    Notification(Notification),
    RouteRefresh(RouteRefresh),
    /// The bytes of a KEEPALIVE or of an unknown type, kept as they are.
    Raw(Vec<u8>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Open {
    pub version: u8,
    pub my_as: u16,
    pub hold_time: u16,
    /// The BGP identifier (None only in an OPEN with no bytes after its header; written as 0).
    pub identifier: Option<[u8; 4]>,
    /// None when there are no parameter bytes.
    pub parameters: Option<Vec<Parameter>>,
}

impl Default for Open {
    fn default() -> Open {
        Open { version: 4, my_as: 0, hold_time: 0, identifier: None, parameters: None }
    }
}

/// An OPEN's optional parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    pub code: u8,
    pub value: ParameterValue,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParameterValue {
    /// No bytes.
    Empty,
    /// The bytes of a parameter other than capabilities.
    Raw(Vec<u8>),
    /// A Capabilities parameter (type 2) with bytes.
    Capabilities(Vec<Capability>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Capability {
    pub code: u8,
    /// Decoding always gives the bytes (maybe none); encoding writes a zero length for None.
    pub value: Option<Vec<u8>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Update {
    /// None (as each list here) when the message has none.
    pub withdrawn_routes: Option<Vec<Prefix>>,
    pub path_attributes: Option<Vec<PathAttribute>>,
    /// The NLRI.
    pub destinations: Option<Vec<Prefix>>,
}

/// An IPv4 address prefix. Decoding keeps the bits past the length as they were sent; encoding
/// writes them as zeros.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Prefix {
    /// 0 to 32.
    pub length: u8,
    pub address: [u8; 4],
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathAttribute {
    pub optional: bool,
    pub transitive: bool,
    pub partial: bool,
    pub code: u8,
    pub value: AttributeValue,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttributeValue {
    /// No bytes.
    Empty,
    /// An ATOMIC_AGGREGATE that has bytes: the original reads no value for it.
    Discarded,
    Origin(u8),
    AsPath(Vec<AsSegment>),
    NextHop([u8; 4]),
    /// MULTI_EXIT_DISC or LOCAL_PREF.
    Number(u32),
    Aggregator(u32, [u8; 4]),
    /// The bytes of an attribute of another type (or, for encoding, bytes given as they are).
    Raw(Vec<u8>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AsSegment {
    /// AS_SET (segment type 1).
    Set(Vec<u32>),
    /// AS_SEQUENCE (segment type 2).
    Sequence(Vec<u32>),
    /// Encoding only: the lone type byte 1 that the original writes for a segment that is
    /// neither a list nor a set.
    TypeOnly,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Notification {
    pub error_code: u8,
    pub error_subcode: u8,
    /// None when there are no data bytes.
    pub data: Option<Vec<u8>>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RouteRefresh {
    pub afi: u16,
    pub safi: u8,
}

/// A message header read off the front of a buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    /// The whole message's length, header included (19 to 65535).
    pub length: usize,
    pub msg_type: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// Fewer than 19 bytes.
    More,
    /// The length field is below 19.
    Invalid,
    Header(Header),
}

/// Why a message could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Malformed(pub &'static str);

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "malformed BGP message: {}", self.0)
    }
}

/// Reads the header at the front of `b`.
pub fn parse_header(b: &[u8]) -> Framing {
    let Some(h) = b.get(..HEADER_LEN) else { return Framing::More };
    let length = usize::from(u16::from_be_bytes([h[16], h[17]]));
    if length < HEADER_LEN { Framing::Invalid } else { Framing::Header(Header { length, msg_type: h[18] }) }
}

struct Reader<'a> {
    b: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn new(b: &'a [u8], what: &'static str) -> Reader<'a> {
        Reader { b, what }
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if self.b.len() < n {
            return Err(Malformed(self.what));
        }
        let (head, rest) = self.b.split_at(n);
        self.b = rest;
        Ok(head)
    }
    fn u8(&mut self) -> Result<u8, Malformed> {
        Ok(self.take(1)?[0])
    }
    fn u16(&mut self) -> Result<u16, Malformed> {
        let b = self.take(2)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn u32(&mut self) -> Result<u32, Malformed> {
        let b = self.take(4)?;
        Ok(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn ipv4(&mut self) -> Result<[u8; 4], Malformed> {
        let b = self.take(4)?;
        Ok([b[0], b[1], b[2], b[3]])
    }
    fn asn(&mut self, as4: bool) -> Result<u32, Malformed> {
        if as4 { self.u32() } else { self.u16().map(u32::from) }
    }
    fn eof(&self) -> bool {
        self.b.is_empty()
    }
}

/// Reads what follows a header of type `msg_type` (`body` is the `length - 19` bytes after it).
pub fn decode_body(msg_type: u8, body: &[u8], as4: bool) -> Result<Option<Body>, Malformed> {
    if body.is_empty() {
        return Ok(match msg_type {
            OPEN => Some(Body::Open(Open::default())),
            UPDATE => Some(Body::Update(Update::default())),
            NOTIFICATION => Some(Body::Notification(Notification::default())),
            ROUTE_REFRESH => Some(Body::RouteRefresh(RouteRefresh::default())),
            _ => None,
        });
    }
    Ok(Some(match msg_type {
        OPEN => Body::Open(decode_open(body)?),
        UPDATE => Body::Update(decode_update(body, as4)?),
        NOTIFICATION => {
            let mut r = Reader::new(body, "NOTIFICATION shorter than its error codes");
            let error_code = r.u8()?;
            let error_subcode = r.u8()?;
            let data = (!r.b.is_empty()).then(|| r.b.to_vec());
            Body::Notification(Notification { error_code, error_subcode, data })
        }
        ROUTE_REFRESH => {
            let mut r = Reader::new(body, "ROUTE_REFRESH shorter than 4 bytes");
            let afi = r.u16()?;
            r.u8()?;
            let safi = r.u8()?;
            Body::RouteRefresh(RouteRefresh { afi, safi })
        }
        _ => Body::Raw(body.to_vec()),
    }))
}

fn decode_open(body: &[u8]) -> Result<Open, Malformed> {
    let mut r = Reader::new(body, "OPEN shorter than its fields");
    let version = r.u8()?;
    let my_as = r.u16()?;
    let hold_time = r.u16()?;
    let identifier = r.ipv4()?;
    let size = r.u8()?;
    r.what = "OPEN parameters run past the message";
    let params = r.take(usize::from(size))?;
    let parameters = if params.is_empty() {
        None
    } else {
        let mut r = Reader::new(params, "OPEN parameter runs past the parameters");
        let mut list = Vec::new();
        while !r.eof() {
            list.push(decode_parameter(&mut r)?);
        }
        Some(list)
    };
    Ok(Open { version, my_as, hold_time, identifier: Some(identifier), parameters })
}

fn decode_parameter(r: &mut Reader<'_>) -> Result<Parameter, Malformed> {
    let code = r.u8()?;
    let length = r.u8()?;
    let data = r.take(usize::from(length))?;
    let value = if data.is_empty() {
        ParameterValue::Empty
    } else if code == CAPABILITIES {
        let mut r = Reader::new(data, "capability runs past its parameter");
        let mut caps = Vec::new();
        while !r.eof() {
            let code = r.u8()?;
            let length = r.u8()?;
            caps.push(Capability { code, value: Some(r.take(usize::from(length))?.to_vec()) });
        }
        ParameterValue::Capabilities(caps)
    } else {
        ParameterValue::Raw(data.to_vec())
    };
    Ok(Parameter { code, value })
}

fn decode_prefix(r: &mut Reader<'_>) -> Result<Prefix, Malformed> {
    let length = r.u8()?;
    if length > 32 {
        return Err(Malformed("address prefix longer than 32 bits"));
    }
    let n = usize::from(length).div_ceil(8);
    let mut address = [0u8; 4];
    address[..n].copy_from_slice(r.take(n)?);
    Ok(Prefix { length, address })
}

fn decode_prefixes(b: &[u8], what: &'static str) -> Result<Option<Vec<Prefix>>, Malformed> {
    if b.is_empty() {
        return Ok(None);
    }
    let mut r = Reader::new(b, what);
    let mut list = Vec::new();
    while !r.eof() {
        list.push(decode_prefix(&mut r)?);
    }
    Ok(Some(list))
}

fn decode_update(body: &[u8], as4: bool) -> Result<Update, Malformed> {
    let mut r = Reader::new(body, "UPDATE withdrawn routes run past the message");
    let n = usize::from(r.u16()?);
    let withdrawn = r.take(n)?;
    r.what = "UPDATE path attributes run past the message";
    let n = usize::from(r.u16()?);
    let attributes = r.take(n)?;
    let withdrawn_routes = decode_prefixes(withdrawn, "withdrawn route runs past its field")?;
    let path_attributes = if attributes.is_empty() {
        None
    } else {
        let mut r = Reader::new(attributes, "path attribute runs past its field");
        let mut list = Vec::new();
        while !r.eof() {
            list.push(decode_attribute(&mut r, as4)?);
        }
        Some(list)
    };
    let destinations = decode_prefixes(r.b, "destination runs past the message")?;
    Ok(Update { withdrawn_routes, path_attributes, destinations })
}

fn decode_attribute(r: &mut Reader<'_>, as4: bool) -> Result<PathAttribute, Malformed> {
    let flags = r.u8()?;
    let code = r.u8()?;
    let length = if flags & 0x10 != 0 { usize::from(r.u16()?) } else { usize::from(r.u8()?) };
    let data = r.take(length)?;
    let mut v = Reader::new(data, "path attribute value too short");
    let value = if data.is_empty() {
        AttributeValue::Empty
    } else {
        match code {
            ORIGIN => AttributeValue::Origin(v.u8()?),
            AS_PATH => {
                let mut segments = Vec::new();
                while !v.eof() {
                    let kind = v.u8()?;
                    let count = v.u8()?;
                    let asns = (0..count).map(|_| v.asn(as4)).collect::<Result<Vec<u32>, Malformed>>()?;
                    segments.push(match kind {
                        1 => AsSegment::Set(asns),
                        2 => AsSegment::Sequence(asns),
                        _ => return Err(Malformed("AS_PATH segment type is neither 1 nor 2")),
                    });
                }
                AttributeValue::AsPath(segments)
            }
            NEXT_HOP => AttributeValue::NextHop(v.ipv4()?),
            MULTI_EXIT_DISC | LOCAL_PREF => AttributeValue::Number(v.u32()?),
            ATOMIC_AGGREGATE => AttributeValue::Discarded,
            AGGREGATOR => {
                let asn = v.asn(as4)?;
                AttributeValue::Aggregator(asn, v.ipv4()?)
            }
            _ => AttributeValue::Raw(data.to_vec()),
        }
    };
    Ok(PathAttribute {
        optional: flags & 0x80 != 0,
        transitive: flags & 0x40 != 0,
        partial: flags & 0x20 != 0,
        code,
        value,
    })
}

/// Reads the whole messages at the front of `b`: the messages, and the error that stopped the
/// reading if one did (what follows a malformed message is not read; an incomplete message at
/// the end is left unread, without an error).
pub fn decode_all(b: &[u8], as4: bool) -> (Vec<Message>, Option<Malformed>) {
    let mut messages = Vec::new();
    let mut rest = b;
    loop {
        let header = match parse_header(rest) {
            Framing::More => return (messages, None),
            Framing::Invalid => return (messages, Some(Malformed("length below 19"))),
            Framing::Header(h) => h,
        };
        let Some(body) = rest.get(HEADER_LEN..header.length) else { return (messages, None) };
        match decode_body(header.msg_type, body, as4) {
            Ok(body) => messages.push(Message { msg_type: i32::from(header.msg_type), body }),
            Err(e) => return (messages, Some(e)),
        }
        rest = &rest[header.length..];
    }
}

/// Appends `b` cut to `limit` bytes (as the original clamps).
fn put_clamped(out: &mut Vec<u8>, b: &[u8], limit: usize) {
    out.extend_from_slice(&b[..b.len().min(limit)]);
}

fn put_prefix(out: &mut Vec<u8>, p: &Prefix) {
    let n = usize::from(p.length).div_ceil(8).min(4);
    let mut address = p.address;
    let spare = n * 8 - usize::from(p.length).min(32);
    if n > 0 && spare > 0 {
        address[n - 1] &= 0xffu8 << spare;
    }
    out.push(p.length);
    out.extend_from_slice(&address[..n]);
}

fn put_asn(out: &mut Vec<u8>, asn: u32, as4: bool) {
    if as4 {
        out.extend_from_slice(&asn.to_be_bytes());
    } else {
        out.extend_from_slice(&(asn as u16).to_be_bytes());
    }
}

fn parameter_bytes(value: &ParameterValue) -> Vec<u8> {
    match value {
        ParameterValue::Empty => Vec::new(),
        ParameterValue::Raw(b) => b.clone(),
        ParameterValue::Capabilities(caps) => {
            let mut out = Vec::new();
            for cap in caps {
                out.push(cap.code);
                match &cap.value {
                    Some(b) => {
                        let b = &b[..b.len().min(0xff)];
                        out.push(b.len() as u8);
                        out.extend_from_slice(b);
                    }
                    None => out.push(0),
                }
            }
            out
        }
    }
}

fn attribute_bytes(value: &AttributeValue, as4: bool) -> Vec<u8> {
    let mut out = Vec::new();
    match value {
        AttributeValue::Empty | AttributeValue::Discarded => {}
        AttributeValue::Origin(n) => out.push(*n),
        AttributeValue::AsPath(segments) => {
            for segment in segments {
                let (kind, asns) = match segment {
                    AsSegment::Set(a) => (1, a),
                    AsSegment::Sequence(a) => (2, a),
                    AsSegment::TypeOnly => {
                        out.push(1);
                        continue;
                    }
                };
                let asns = &asns[..asns.len().min(0xff)];
                out.push(kind);
                out.push(asns.len() as u8);
                for &asn in asns {
                    put_asn(&mut out, asn, as4);
                }
            }
        }
        AttributeValue::NextHop(ip) => out.extend_from_slice(ip),
        AttributeValue::Number(n) => out.extend_from_slice(&n.to_be_bytes()),
        AttributeValue::Aggregator(asn, ip) => {
            put_asn(&mut out, *asn, as4);
            out.extend_from_slice(ip);
        }
        AttributeValue::Raw(b) => out.extend_from_slice(b),
    }
    out
}

fn put_attribute(out: &mut Vec<u8>, a: &PathAttribute, as4: bool) {
    let value = attribute_bytes(&a.value, as4);
    let value = &value[..value.len().min(0xffff)];
    let flags = u8::from(a.optional) << 7 | u8::from(a.transitive) << 6 | u8::from(a.partial) << 5;
    if value.len() > 0xff {
        out.extend_from_slice(&[flags | 0x10, a.code]);
        out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    } else {
        out.extend_from_slice(&[flags, a.code, value.len() as u8]);
    }
    out.extend_from_slice(value);
}

fn payload(body: &Body, as4: bool) -> Vec<u8> {
    let mut out = Vec::new();
    match body {
        Body::Open(m) => {
            out.push(m.version);
            out.extend_from_slice(&m.my_as.to_be_bytes());
            out.extend_from_slice(&m.hold_time.to_be_bytes());
            out.extend_from_slice(&m.identifier.unwrap_or_default());
            let mut params = Vec::new();
            for p in m.parameters.iter().flatten() {
                let value = parameter_bytes(&p.value);
                let value = &value[..value.len().min(0xff)];
                params.extend_from_slice(&[p.code, value.len() as u8]);
                params.extend_from_slice(value);
            }
            let params = &params[..params.len().min(0xff)];
            out.push(params.len() as u8);
            out.extend_from_slice(params);
        }
        Body::Update(m) => {
            let mut withdrawn = Vec::new();
            for p in m.withdrawn_routes.iter().flatten() {
                put_prefix(&mut withdrawn, p);
            }
            let mut attributes = Vec::new();
            for a in m.path_attributes.iter().flatten() {
                put_attribute(&mut attributes, a, as4);
            }
            for part in [&withdrawn, &attributes] {
                let part = &part[..part.len().min(0xffff)];
                out.extend_from_slice(&(part.len() as u16).to_be_bytes());
                out.extend_from_slice(part);
            }
            for p in m.destinations.iter().flatten() {
                put_prefix(&mut out, p);
            }
        }
        Body::Notification(m) => {
            out.extend_from_slice(&[m.error_code, m.error_subcode]);
            out.extend_from_slice(m.data.as_deref().unwrap_or_default());
        }
        Body::RouteRefresh(m) => {
            out.extend_from_slice(&m.afi.to_be_bytes());
            out.extend_from_slice(&[0, m.safi]);
        }
        Body::Raw(b) => out.extend_from_slice(b),
    }
    out
}

/// Writes a message (the payload cut so that the whole is at most 4096 bytes).
pub fn encode(m: &Message, as4: bool) -> Vec<u8> {
    let body = m.body.as_ref().map(|b| payload(b, as4)).unwrap_or_default();
    let mut out = Vec::with_capacity(HEADER_LEN + body.len().min(MAX_MESSAGE_LEN));
    out.extend_from_slice(&[0xff; 16]);
    let n = body.len().min(MAX_MESSAGE_LEN - HEADER_LEN);
    out.extend_from_slice(&((n + HEADER_LEN) as u16).to_be_bytes());
    out.push(m.msg_type as u8);
    put_clamped(&mut out, &body, n);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::XorShift;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).filter_map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok()).collect()
    }

    fn to_hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    const MARKER: &str = "ffffffffffffffffffffffffffffffff";

    fn open() -> Message {
        Message {
            msg_type: 1,
            body: Some(Body::Open(Open {
                version: 4,
                my_as: 65001,
                hold_time: 90,
                identifier: Some([10, 0, 0, 1]),
                parameters: Some(vec![
                    Parameter {
                        code: CAPABILITIES,
                        value: ParameterValue::Capabilities(vec![
                            Capability { code: 1, value: Some(vec![0, 1, 0, 1]) },
                            Capability { code: 65, value: Some(vec![0, 0, 0xfd, 0xe9]) },
                        ]),
                    },
                    Parameter { code: 5, value: ParameterValue::Raw(vec![0xab]) },
                    Parameter { code: 6, value: ParameterValue::Empty },
                ]),
            })),
        }
    }

    fn update(as4: bool) -> Message {
        let attr = |flags: u8, code: u8, value: AttributeValue| PathAttribute {
            optional: flags & 0x80 != 0,
            transitive: flags & 0x40 != 0,
            partial: flags & 0x20 != 0,
            code,
            value,
        };
        let big = if as4 { 4_200_000_000 } else { 65002 };
        Message {
            msg_type: 2,
            body: Some(Body::Update(Update {
                withdrawn_routes: Some(vec![Prefix { length: 16, address: [10, 1, 0, 0] }]),
                path_attributes: Some(vec![
                    attr(0x40, ORIGIN, AttributeValue::Origin(0)),
                    attr(
                        0x40,
                        AS_PATH,
                        AttributeValue::AsPath(vec![
                            AsSegment::Sequence(vec![65001, big]),
                            AsSegment::Set(vec![100, 200]),
                        ]),
                    ),
                    attr(0x40, NEXT_HOP, AttributeValue::NextHop([192, 168, 0, 1])),
                    attr(0x80, MULTI_EXIT_DISC, AttributeValue::Number(100)),
                    attr(0x40, LOCAL_PREF, AttributeValue::Number(u32::MAX)),
                    attr(0x40, ATOMIC_AGGREGATE, AttributeValue::Empty),
                    attr(0xc0, AGGREGATOR, AttributeValue::Aggregator(big, [1, 2, 3, 4])),
                    attr(0xa0, 99, AttributeValue::Raw(vec![1, 2, 3])),
                    attr(0xc0, 100, AttributeValue::Raw(vec![7; 300])),
                ]),
                destinations: Some(vec![
                    Prefix { length: 0, address: [0; 4] },
                    Prefix { length: 12, address: [172, 16, 0, 0] },
                    Prefix { length: 32, address: [1, 2, 3, 4] },
                ]),
            })),
        }
    }

    fn session(as4: bool) -> Vec<Message> {
        vec![
            open(),
            update(as4),
            Message { msg_type: 2, body: Some(Body::Update(Update::default())) },
            Message { msg_type: 4, body: None },
            Message { msg_type: 4, body: Some(Body::Raw(vec![1, 2])) },
            Message {
                msg_type: 3,
                body: Some(Body::Notification(Notification {
                    error_code: 6,
                    error_subcode: 2,
                    data: Some(b"bye".to_vec()),
                })),
            },
            Message { msg_type: 3, body: Some(Body::Notification(Notification::default())) },
            Message { msg_type: 5, body: Some(Body::RouteRefresh(RouteRefresh { afi: 258, safi: 1 })) },
            Message { msg_type: 9, body: Some(Body::Raw(vec![9, 9])) },
            Message { msg_type: 0, body: None },
        ]
    }

    #[test]
    fn messages_round_trip_with_and_without_as4() {
        for as4 in [false, true] {
            let messages = session(as4);
            let mut bytes = Vec::new();
            for m in &messages {
                bytes.extend(encode(m, as4));
            }
            let (back, err) = decode_all(&bytes, as4);
            assert_eq!(err, None);
            assert_eq!(back, messages);
            // One byte short: the last message is left unread, without an error.
            let (back, err) = decode_all(&bytes[..bytes.len() - 1], as4);
            assert_eq!((back.len(), err), (messages.len() - 1, None));
        }
    }

    #[test]
    fn bytes_as_the_original_writes_them() {
        assert_eq!(
            to_hex(&encode(&open(), false)),
            format!("{MARKER}00300104fde9005a0a00000113020c01040001000141040000fde90501ab0600")
        );
        assert_eq!(to_hex(&encode(&Message { msg_type: 4, body: None }, false)), format!("{MARKER}001304"));
        let rr = Message { msg_type: 5, body: Some(Body::RouteRefresh(RouteRefresh { afi: 1, safi: 1 })) };
        assert_eq!(to_hex(&encode(&rr, false)), format!("{MARKER}00170500010001"));
        // Host bits are cleared; a /0 is one byte.
        let u = Message {
            msg_type: 2,
            body: Some(Body::Update(Update {
                destinations: Some(vec![
                    Prefix { length: 25, address: [1, 2, 3, 255] },
                    Prefix { length: 0, address: [9; 4] },
                ]),
                ..Update::default()
            })),
        };
        assert_eq!(to_hex(&encode(&u, false)), format!("{MARKER}001d0200000000190102038000"));
        // The header holds the low 8 bits of the type.
        assert_eq!(to_hex(&encode(&Message { msg_type: 300, body: None }, false)), format!("{MARKER}00132c"));
    }

    #[test]
    fn clamps() {
        let huge = Message { msg_type: 4, body: Some(Body::Raw(vec![0x78; 5000])) };
        let b = encode(&huge, false);
        assert_eq!((b.len(), &b[16..19]), (4096, &[0x10, 0x00, 0x04][..]));
        let params = Message {
            msg_type: 1,
            body: Some(Body::Open(Open {
                parameters: Some(vec![
                    Parameter { code: 1, value: ParameterValue::Raw(vec![0x78; 300]) },
                    Parameter { code: 2, value: ParameterValue::Raw(vec![0x79; 100]) },
                ]),
                ..Open::default()
            })),
        };
        let b = encode(&params, false);
        assert_eq!(b.len(), 19 + 10 + 255);
        assert_eq!(&b[28..31], &[0xff, 1, 0xff]);
    }

    #[test]
    fn headers_and_malformed_messages() {
        assert_eq!(parse_header(&hex(MARKER)), Framing::More);
        assert_eq!(parse_header(&hex(&format!("{MARKER}001204"))), Framing::Invalid);
        // The marker is not checked.
        let zeros = hex("00000000000000000000000000000000001304");
        assert_eq!(parse_header(&zeros), Framing::Header(Header { length: 19, msg_type: 4 }));
        let bad = |body: &str| {
            let b = hex(&format!("{MARKER}{:04x}{body}", 18 + body.len() / 2));
            decode_all(&b, false)
        };
        for body in [
            "0301",                           // NOTIFICATION without a subcode
            "05000100",                       // ROUTE_REFRESH of 3 bytes
            "020002210a0000",                 // a /33
            "02000000054003020a0b",           // short NEXT_HOP
            "020000000740020403010001",       // AS_PATH segment type 3
            "0104fde9005a0a00000104050a0000", // parameter past the parameters
        ] {
            let (messages, err) = bad(body);
            assert!(messages.is_empty() && err.is_some(), "{body}");
        }
        // What a known attribute does not read, and what follows an OPEN, is ignored.
        let (m, err) = bad("020000000540010201ff");
        assert_eq!(err, None);
        let Some(Body::Update(u)) = &m[0].body else { panic!("an UPDATE") };
        assert_eq!(u.path_attributes.as_ref().map(|a| a[0].value.clone()), Some(AttributeValue::Origin(1)));
        let (m, err) = bad("0104fde9005a0a00000100ff");
        assert_eq!((m.len(), err), (1, None));
        // An ATOMIC_AGGREGATE with bytes has no value; an empty ORIGIN is empty.
        let (m, _) = bad("020000000740060101400100");
        let Some(Body::Update(u)) = &m[0].body else { panic!("an UPDATE") };
        let values: Vec<_> = u.path_attributes.iter().flatten().map(|a| a.value.clone()).collect();
        assert_eq!(values, [AttributeValue::Discarded, AttributeValue::Empty]);
    }

    #[test]
    fn random_bytes_and_mutations_never_panic() {
        let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let len = rng.below(80);
            let mut b: Vec<u8> = (0..len).map(|_| rng.next_u64() as u8).collect();
            if b.len() >= HEADER_LEN && rng.below(2) == 0 {
                b[16..18].copy_from_slice(&(len as u16).to_be_bytes());
                b[18] = 1 + rng.below(5) as u8;
            }
            for as4 in [false, true] {
                let _ = decode_all(&b, as4);
                if let Some(body) = b.get(HEADER_LEN..) {
                    let _ = decode_body(b[18], body, as4);
                }
            }
        }
        let mut good = Vec::new();
        for m in session(true) {
            good.extend(encode(&m, true));
        }
        for _ in 0..20_000 {
            let mut b = good.clone();
            for _ in 0..1 + rng.below(3) {
                let i = rng.below(b.len());
                b[i] = rng.next_u64() as u8;
            }
            b.truncate(rng.below(b.len() + 1));
            let _ = decode_all(&b, rng.below(2) == 0);
        }
    }
}
