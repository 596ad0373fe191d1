//! The PROXY protocol (HAProxy's, versions 1 and 2), both ends.
//!
//! `acceptProxyProtocol(onConnect).to(sub)` reads the header at the start of the input and calls
//! `onConnect(header)` with `{version, command (v2), protocol, sourceAddress, sourcePort,
//! targetAddress, targetPort}`; truthy starts `sub` with the rest of the stream, falsy (or a
//! malformed header) ends the stream. `connectProxyProtocol(header).to(sub)` writes a header made
//! from such an object (or a function giving one; `version: 2` for the binary form, version 1
//! otherwise) in front of its input into `sub`. Both share the caller's context.

use super::{BuildCx, FilterSpec, arg, joint_factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, SubContext, SubSlot};
use pipy_value::object::Obj;
use pipy_value::shape::attr;
use pipy_value::{JsResult, Value, error, ops};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "acceptProxyProtocol",
        params: "(onConnect)",
        help: "Reads a PROXY protocol (v1/v2) header; onConnect(header) decides whether the rest streams through a sub-pipeline",
        joint: true,
        options: &[],
        build: build_server,
    },
    FilterSpec {
        name: "connectProxyProtocol",
        params: "(header)",
        help: "Writes a PROXY protocol header (an object, or a function giving one) before the input into a sub-pipeline",
        joint: true,
        options: &[],
        build: build_client,
    },
];

const V1_PREFIX: &[u8] = b"PROXY ";
const V2_SIGNATURE: &[u8] = b"\r\n\r\n\0\r\nQUIT\n";
/// The longest version 1 header, CRLF included (the specification's limit).
const V1_MAX: usize = 107;

/// A PROXY protocol header, as scripts see it.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Header {
    pub version: u8,
    /// Version 2 only: `LOCAL` or `PROXY`.
    pub command: Option<&'static str>,
    pub protocol: String,
    pub source_address: Option<String>,
    pub source_port: u16,
    pub target_address: Option<String>,
    pub target_port: u16,
}

/// What the server makes of the bytes so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed {
    More,
    /// The header and the number of bytes it took.
    Done(Header, usize),
    Invalid,
}

/// Reads a version 1 or 2 header at the start of `b`.
pub fn parse(b: &[u8]) -> Parsed {
    let n = b.len().min(V2_SIGNATURE.len());
    if b[..n] == V2_SIGNATURE[..n] {
        return if n < V2_SIGNATURE.len() { Parsed::More } else { parse_v2(b) };
    }
    let n = b.len().min(V1_PREFIX.len());
    if b[..n] != V1_PREFIX[..n] {
        return Parsed::Invalid;
    }
    match b.windows(2).position(|w| w == b"\r\n") {
        Some(end) if end + 2 <= V1_MAX => parse_v1(&b[V1_PREFIX.len()..end], end + 2),
        Some(_) => Parsed::Invalid,
        None if b.len() >= V1_MAX => Parsed::Invalid,
        None => Parsed::More,
    }
}

fn parse_v1(line: &[u8], len: usize) -> Parsed {
    let Ok(line) = std::str::from_utf8(line) else { return Parsed::Invalid };
    let mut parts = line.split(' ');
    let protocol = parts.next().unwrap_or_default();
    let mut h = Header { version: 1, protocol: protocol.to_string(), ..Header::default() };
    match protocol {
        "UNKNOWN" => return Parsed::Done(h, len),
        "TCP4" | "TCP6" => {}
        _ => return Parsed::Invalid,
    }
    let fields: Vec<&str> = parts.collect();
    let [src, dst, sport, dport] = fields[..] else { return Parsed::Invalid };
    let valid = |a: &str| {
        if protocol == "TCP4" { a.parse::<Ipv4Addr>().is_ok() } else { a.parse::<Ipv6Addr>().is_ok() }
    };
    let (Ok(sport), Ok(dport)) = (sport.parse::<u16>(), dport.parse::<u16>()) else { return Parsed::Invalid };
    if !valid(src) || !valid(dst) {
        return Parsed::Invalid;
    }
    h.source_address = Some(src.to_string());
    h.target_address = Some(dst.to_string());
    h.source_port = sport;
    h.target_port = dport;
    Parsed::Done(h, len)
}

fn parse_v2(b: &[u8]) -> Parsed {
    if b.len() < 16 {
        return Parsed::More;
    }
    let len = 16 + u16::from_be_bytes([b[14], b[15]]) as usize;
    if b.len() < len {
        return Parsed::More;
    }
    if b[12] >> 4 != 2 {
        return Parsed::Invalid;
    }
    let command = match b[12] & 0x0f {
        0 => "LOCAL",
        1 => "PROXY",
        _ => return Parsed::Invalid,
    };
    let protocol = match b[13] {
        0x00 => "UNKNOWN",
        0x11 => "TCP4",
        0x12 => "UDP4",
        0x21 => "TCP6",
        0x22 => "UDP6",
        0x31 => "UNIX",
        0x32 => "UNIX_DGRAM",
        _ => return Parsed::Invalid,
    };
    let mut h = Header { version: 2, command: Some(command), protocol: protocol.to_string(), ..Header::default() };
    let a = &b[16..len];
    match b[13] >> 4 {
        1 if a.len() >= 12 => {
            h.source_address = Some(Ipv4Addr::new(a[0], a[1], a[2], a[3]).to_string());
            h.target_address = Some(Ipv4Addr::new(a[4], a[5], a[6], a[7]).to_string());
            h.source_port = u16::from_be_bytes([a[8], a[9]]);
            h.target_port = u16::from_be_bytes([a[10], a[11]]);
        }
        2 if a.len() >= 36 => {
            let ip = |s: &[u8]| {
                let mut o = [0u8; 16];
                o.copy_from_slice(s);
                Ipv6Addr::from(o).to_string()
            };
            h.source_address = Some(ip(&a[0..16]));
            h.target_address = Some(ip(&a[16..32]));
            h.source_port = u16::from_be_bytes([a[32], a[33]]);
            h.target_port = u16::from_be_bytes([a[34], a[35]]);
        }
        1 | 2 => return Parsed::Invalid,
        // UNSPEC and UNIX: no inet addresses to report.
        _ => {}
    }
    Parsed::Done(h, len)
}

/// Writes `h` in version 1 (text) or 2 (binary) form. Missing or unparsable addresses are
/// written as zero addresses.
pub fn build(h: &Header) -> Vec<u8> {
    let v6 = matches!(h.protocol.as_str(), "TCP6" | "UDP6");
    if h.version == 2 {
        let cmd = if h.command == Some("LOCAL") { 0 } else { 1 };
        let proto = match h.protocol.as_str() {
            "UDP4" => 0x12,
            "TCP6" => 0x21,
            "UDP6" => 0x22,
            _ => 0x11,
        };
        let mut out = V2_SIGNATURE.to_vec();
        out.push(0x20 | cmd);
        out.push(proto);
        if v6 {
            let ip = |a: &Option<String>| {
                a.as_deref().and_then(|s| s.parse::<Ipv6Addr>().ok()).unwrap_or(Ipv6Addr::UNSPECIFIED)
            };
            out.extend_from_slice(&36u16.to_be_bytes());
            out.extend_from_slice(&ip(&h.source_address).octets());
            out.extend_from_slice(&ip(&h.target_address).octets());
        } else {
            let ip = |a: &Option<String>| {
                a.as_deref().and_then(|s| s.parse::<Ipv4Addr>().ok()).unwrap_or(Ipv4Addr::UNSPECIFIED)
            };
            out.extend_from_slice(&12u16.to_be_bytes());
            out.extend_from_slice(&ip(&h.source_address).octets());
            out.extend_from_slice(&ip(&h.target_address).octets());
        }
        out.extend_from_slice(&h.source_port.to_be_bytes());
        out.extend_from_slice(&h.target_port.to_be_bytes());
        return out;
    }
    let protocol = if h.protocol.is_empty() { "TCP4" } else { h.protocol.as_str() };
    let zero = if v6 { "::" } else { "0.0.0.0" };
    format!(
        "PROXY {protocol} {} {} {} {}\r\n",
        h.source_address.as_deref().unwrap_or(zero),
        h.target_address.as_deref().unwrap_or(zero),
        h.source_port,
        h.target_port
    )
    .into_bytes()
}

fn header_value(h: &Header) -> Value {
    let o = Obj::ordinary();
    let text = |s: Option<&str>| s.map(Value::str).unwrap_or_default();
    o.define_value("version", Value::from(h.version as usize), attr::DEFAULT);
    if h.command.is_some() {
        o.define_value("command", text(h.command), attr::DEFAULT);
    }
    o.define_value("protocol", Value::str(&h.protocol), attr::DEFAULT);
    if h.source_address.is_some() {
        o.define_value("sourceAddress", text(h.source_address.as_deref()), attr::DEFAULT);
        o.define_value("sourcePort", Value::from(h.source_port as usize), attr::DEFAULT);
        o.define_value("targetAddress", text(h.target_address.as_deref()), attr::DEFAULT);
        o.define_value("targetPort", Value::from(h.target_port as usize), attr::DEFAULT);
    }
    Value::Object(o)
}

fn header_of(v: &Value) -> JsResult<Header> {
    let text = |k: &str| -> JsResult<Option<String>> {
        let x = ops::get_str(v, k)?;
        if x.is_nullish() { Ok(None) } else { ops::to_rust_string(&x).map(Some) }
    };
    let number = |k: &str| -> JsResult<u16> {
        let x = ops::get_str(v, k)?;
        Ok(if x.is_nullish() { 0 } else { ops::to_number(&x)? as u16 })
    };
    let command = match text("command")?.as_deref() {
        Some("LOCAL") => Some("LOCAL"),
        _ => Some("PROXY"),
    };
    Ok(Header {
        version: if number("version")? == 2 { 2 } else { 1 },
        command,
        protocol: text("protocol")?.unwrap_or_else(|| "TCP4".into()),
        source_address: text("sourceAddress")?,
        source_port: number("sourcePort")?,
        target_address: text("targetAddress")?,
        target_port: number("targetPort")?,
    })
}

// ---- acceptProxyProtocol ----

fn build_server(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let f = arg(args, 0);
    if !f.is_callable() {
        return Err(error::type_error("acceptProxyProtocol(): onConnect must be a function"));
    }
    Ok(joint_factory("acceptProxyProtocol", f, SubSlot::new(None), |f, slot| {
        Box::new(ProxyServer { on_connect: f.clone(), slot: slot.cloned(), buf: Vec::new(), sub: None, done: false })
    }))
}

struct ProxyServer {
    on_connect: Rc<Value>,
    slot: Option<Rc<SubSlot>>,
    buf: Vec<u8>,
    sub: Option<Rc<Pipeline>>,
    /// The header was read (the stream goes to `sub`) or refused (the rest is dropped).
    done: bool,
}

impl ProxyServer {
    fn refuse(&mut self, cx: &mut Cx<'_>) {
        self.done = true;
        self.buf.clear();
        cx.output(Event::end());
    }
}

impl Filter for ProxyServer {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if let Some(p) = &self.sub {
            return p.input(e);
        }
        if self.done {
            return;
        }
        let d = match e {
            Event::Data(d) => d,
            Event::StreamEnd(_) => {
                self.done = true;
                return cx.output(e);
            }
            Event::MessageStart(_) | Event::MessageEnd { .. } => return,
        };
        self.buf.extend_from_slice(&d.to_vec());
        let (header, len) = match parse(&self.buf) {
            Parsed::More => return,
            Parsed::Invalid => return self.refuse(cx),
            Parsed::Done(h, len) => (h, len),
        };
        let f = (*self.on_connect).clone();
        let granted = cx.call(&f, &[header_value(&header)]).is_some_and(|v| v.truthy());
        if !granted {
            return self.refuse(cx);
        }
        let Some(layout) = super::sub_layout(cx, self.slot.as_ref(), "acceptProxyProtocol") else {
            return self.refuse(cx);
        };
        self.done = true;
        let p = cx.sub(&layout, SubContext::Share, 0);
        p.start(&[]);
        self.sub = Some(p.clone());
        let rest = self.buf.split_off(len);
        self.buf.clear();
        if !rest.is_empty() {
            p.input(Event::Data(Data::from(rest)));
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, _tag: u32, e: Event) {
        cx.output(e);
    }
}

// ---- connectProxyProtocol ----

fn build_client(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let h = arg(args, 0);
    if !matches!(h, Value::Object(_)) {
        return Err(error::type_error(
            "connectProxyProtocol(): a header object (or a function giving one) is required",
        ));
    }
    Ok(joint_factory("connectProxyProtocol", h, SubSlot::new(None), |h, slot| {
        Box::new(ProxyClient { header: h.clone(), slot: slot.cloned(), sub: None, failed: false })
    }))
}

struct ProxyClient {
    header: Rc<Value>,
    slot: Option<Rc<SubSlot>>,
    sub: Option<Rc<Pipeline>>,
    failed: bool,
}

impl ProxyClient {
    fn start(&mut self, cx: &mut Cx<'_>) -> Option<Rc<Pipeline>> {
        let mut h = (*self.header).clone();
        if h.is_callable() {
            h = cx.call(&h, &[])?;
        }
        if !matches!(h, Value::Object(_)) {
            cx.throw(error::type_error("connectProxyProtocol(): the header is not (or did not give) an object"));
            return None;
        }
        let header = match header_of(&h) {
            Ok(x) => x,
            Err(e) => {
                cx.throw(e);
                return None;
            }
        };
        let layout = super::sub_layout(cx, self.slot.as_ref(), "connectProxyProtocol")?;
        let p = cx.sub(&layout, SubContext::Share, 0);
        p.start(&[]);
        p.input(Event::Data(Data::from(build(&header))));
        Some(p)
    }
}

impl Filter for ProxyClient {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.failed {
            return;
        }
        if self.sub.is_none() {
            self.sub = self.start(cx);
            if self.sub.is_none() {
                self.failed = true;
                return cx.output(Event::end());
            }
        }
        if let Some(p) = &self.sub {
            p.input(e);
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, _tag: u32, e: Event) {
        cx.output(e);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_1_headers() {
        let b = b"PROXY TCP4 192.168.0.1 192.168.0.11 56324 443\r\nGET /";
        let Parsed::Done(h, n) = parse(b) else { panic!("v1") };
        assert_eq!(n, b.len() - 5);
        assert_eq!(h.source_address.as_deref(), Some("192.168.0.1"));
        assert_eq!((h.source_port, h.target_port, h.protocol.as_str()), (56324, 443, "TCP4"));
        assert_eq!(build(&h), b[..n].to_vec());
        assert_eq!(parse(b"PROXY TCP4 1.2.3.4"), Parsed::More);
        assert_eq!(parse(b"PROX"), Parsed::More);
        assert!(matches!(parse(b"PROXY UNKNOWN\r\n"), Parsed::Done(_, 15)));
        assert_eq!(parse(b"GET / HTTP/1.1\r\n"), Parsed::Invalid);
        assert_eq!(parse(b"PROXY TCP4 1.2.3.4 ::1 1 2\r\n"), Parsed::Invalid);
        assert_eq!(parse(&[b"PROXY TCP4 ".as_slice(), &[b'1'; 120]].concat()), Parsed::Invalid);
    }

    #[test]
    fn version_2_headers() {
        let h = Header {
            version: 2,
            command: Some("PROXY"),
            protocol: "TCP6".into(),
            source_address: Some("2001:db8::1".into()),
            source_port: 1000,
            target_address: Some("::1".into()),
            target_port: 8443,
        };
        let mut b = build(&h);
        assert_eq!(b.len(), 16 + 36);
        b.extend_from_slice(b"rest");
        assert_eq!(parse(&b[..20]), Parsed::More);
        assert_eq!(parse(&b), Parsed::Done(h, 52));
        let v4 = Header { version: 2, command: Some("LOCAL"), protocol: "TCP4".into(), ..Header::default() };
        let Parsed::Done(back, 28) = parse(&build(&v4)) else { panic!("v2 v4") };
        assert_eq!((back.command, back.source_address.as_deref()), (Some("LOCAL"), Some("0.0.0.0")));
        let mut bad = build(&v4);
        bad[12] = 0x31;
        assert_eq!(parse(&bad), Parsed::Invalid);
    }
}
