//! SOCKS, both ends.
//!
//! `acceptSOCKS(onConnect).to(sub)`: a SOCKS server for versions 4, 4a and 5 (no
//! authentication, CONNECT only). When a request is complete, `onConnect({id, ip, domain, port})`
//! decides: truthy grants it (the client gets the success reply and everything after streams
//! through `sub`, which usually `connect`s to the target), falsy refuses it (the refusal reply,
//! then the end). `sub` shares the caller's context.
//!
//! `connectSOCKS(target).to(sub)`: a SOCKS5 client. `target` (`'host:port'`, or a function giving
//! one) is asked of the SOCKS server at the other end of `sub`; the input waits until the server
//! grants it and then streams through, and what the server sends after its reply comes out. A
//! refusal ends the stream.

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
        name: "acceptSOCKS",
        params: "(onConnect)",
        help: "SOCKS 4/4a/5 server: onConnect({id, ip, domain, port}) grants a request; granted streams go through a sub-pipeline",
        joint: true,
        options: &[],
        build: build_server,
    },
    FilterSpec {
        name: "connectSOCKS",
        params: "(target)",
        help: "SOCKS5 client: asks the server behind the sub-pipeline for 'host:port', then streams through it",
        joint: true,
        options: &[],
        build: build_client,
    },
];

// ---- the protocol, as pure functions over bytes ----

/// A complete SOCKS request as the server read it.
#[derive(Debug, PartialEq, Eq)]
pub struct Request {
    pub version: u8,
    pub id: Option<String>,
    pub ip: Option<String>,
    pub domain: Option<String>,
    pub port: u16,
    /// Bytes of the buffer the request took.
    pub len: usize,
}

/// What the server makes of the bytes it has so far.
#[derive(Debug, PartialEq, Eq)]
pub enum Parsed<T> {
    /// Not enough bytes yet.
    More,
    Done(T),
    /// The reply to send before closing.
    Refuse(Vec<u8>),
}

/// SOCKS4 reply codes, and SOCKS5 ones.
const V4_GRANTED: u8 = 0x5a;
const V4_REJECTED: u8 = 0x5b;
const V5_OK: u8 = 0x00;
const V5_NOT_ALLOWED: u8 = 0x02;
const V5_BAD_COMMAND: u8 = 0x07;
const V5_BAD_ADDRESS: u8 = 0x08;
/// The longest user id or domain name accepted in a SOCKS4 request.
const V4_MAX_FIELD: usize = 255;

/// The server's reply for `version` with `code`.
pub fn reply(version: u8, code: u8) -> Vec<u8> {
    if version == 4 { vec![0, code, 0, 0, 0, 0, 0, 0] } else { vec![5, code, 0, 1, 0, 0, 0, 0, 0, 0] }
}

/// The success or refusal reply for `version`.
fn verdict(version: u8, granted: bool) -> Vec<u8> {
    match (version, granted) {
        (4, true) => reply(4, V4_GRANTED),
        (4, false) => reply(4, V4_REJECTED),
        (_, true) => reply(5, V5_OK),
        (_, false) => reply(5, V5_NOT_ALLOWED),
    }
}

/// A NUL-terminated field of at most `V4_MAX_FIELD` bytes at `at`: its text and the index after
/// the NUL.
fn nul_field(b: &[u8], at: usize) -> Parsed<(String, usize)> {
    match b.get(at..).and_then(|rest| rest.iter().position(|&c| c == 0)) {
        Some(n) if n <= V4_MAX_FIELD => {
            Parsed::Done((String::from_utf8_lossy(&b[at..at + n]).into_owned(), at + n + 1))
        }
        Some(_) => Parsed::Refuse(reply(4, V4_REJECTED)),
        None if b.len().saturating_sub(at) > V4_MAX_FIELD => Parsed::Refuse(reply(4, V4_REJECTED)),
        None => Parsed::More,
    }
}

/// A SOCKS4 or 4a CONNECT request (`b[0] == 4`).
pub fn parse_v4(b: &[u8]) -> Parsed<Request> {
    if b.len() < 8 {
        return Parsed::More;
    }
    if b[1] != 1 {
        return Parsed::Refuse(reply(4, V4_REJECTED));
    }
    let port = u16::from_be_bytes([b[2], b[3]]);
    let ip = [b[4], b[5], b[6], b[7]];
    let (id, next) = match nul_field(b, 8) {
        Parsed::Done(v) => v,
        Parsed::More => return Parsed::More,
        Parsed::Refuse(r) => return Parsed::Refuse(r),
    };
    let id = Some(id).filter(|s| !s.is_empty());
    // 4a: an address of 0.0.0.x (x ≠ 0) means a domain name follows.
    if ip[0] == 0 && ip[1] == 0 && ip[2] == 0 && ip[3] != 0 {
        return match nul_field(b, next) {
            Parsed::Done((domain, end)) => {
                Parsed::Done(Request { version: 4, id, ip: None, domain: Some(domain), port, len: end })
            }
            Parsed::More => Parsed::More,
            Parsed::Refuse(r) => Parsed::Refuse(r),
        };
    }
    let ip = Some(Ipv4Addr::from(ip).to_string());
    Parsed::Done(Request { version: 4, id, ip, domain: None, port, len: next })
}

/// A SOCKS5 greeting (`b[0] == 5`): the number of bytes it took, once the client offers
/// "no authentication" (the only method served).
pub fn parse_v5_greeting(b: &[u8]) -> Parsed<usize> {
    let Some(&n) = b.get(1) else { return Parsed::More };
    let len = 2 + n as usize;
    if b.len() < len {
        return Parsed::More;
    }
    if b[2..len].contains(&0) { Parsed::Done(len) } else { Parsed::Refuse(vec![5, 0xff]) }
}

/// A SOCKS5 CONNECT request.
pub fn parse_v5_request(b: &[u8]) -> Parsed<Request> {
    if b.len() < 5 {
        return Parsed::More;
    }
    if b[0] != 5 || b[2] != 0 {
        return Parsed::Refuse(reply(5, V5_BAD_COMMAND));
    }
    if b[1] != 1 {
        return Parsed::Refuse(reply(5, V5_BAD_COMMAND));
    }
    let (ip, domain, addr_end) = match b[3] {
        1 => {
            if b.len() < 8 {
                return Parsed::More;
            }
            (Some(Ipv4Addr::new(b[4], b[5], b[6], b[7]).to_string()), None, 8)
        }
        4 => {
            if b.len() < 20 {
                return Parsed::More;
            }
            let mut a = [0u8; 16];
            a.copy_from_slice(&b[4..20]);
            (Some(Ipv6Addr::from(a).to_string()), None, 20)
        }
        3 => {
            let end = 5 + b[4] as usize;
            if b.len() < end {
                return Parsed::More;
            }
            (None, Some(String::from_utf8_lossy(&b[5..end]).into_owned()), end)
        }
        _ => return Parsed::Refuse(reply(5, V5_BAD_ADDRESS)),
    };
    if b.len() < addr_end + 2 {
        return Parsed::More;
    }
    let port = u16::from_be_bytes([b[addr_end], b[addr_end + 1]]);
    Parsed::Done(Request { version: 5, id: None, ip, domain, port, len: addr_end + 2 })
}

/// The SOCKS5 CONNECT request a client sends for `host:port` (IPv6 hosts in brackets).
pub fn v5_connect_request(target: &str) -> Result<Vec<u8>, String> {
    let (host, port) = target.rsplit_once(':').ok_or_else(|| format!("invalid target: {target}"))?;
    let port: u16 = port.parse().map_err(|_| format!("invalid target: {target}"))?;
    let host = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
    let mut out = vec![5, 1, 0];
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        out.push(1);
        out.extend_from_slice(&ip.octets());
    } else if let Ok(ip) = host.parse::<Ipv6Addr>() {
        out.push(4);
        out.extend_from_slice(&ip.octets());
    } else {
        if host.is_empty() || host.len() > 255 {
            return Err(format!("invalid host name: {host}"));
        }
        out.push(3);
        out.push(host.len() as u8);
        out.extend_from_slice(host.as_bytes());
    }
    out.extend_from_slice(&port.to_be_bytes());
    Ok(out)
}

/// The length of a complete SOCKS5 reply at the start of `b`, or None while it is incomplete.
pub fn v5_reply_len(b: &[u8]) -> Option<usize> {
    let len = match *b.get(3)? {
        1 => 10,
        4 => 22,
        3 => 7 + *b.get(4)? as usize,
        _ => 10,
    };
    (b.len() >= len).then_some(len)
}

// ---- acceptSOCKS ----

fn build_server(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let f = arg(args, 0);
    if !f.is_callable() {
        return Err(error::type_error("acceptSOCKS(): onConnect must be a function"));
    }
    Ok(joint_factory("acceptSOCKS", f, SubSlot::new(None), |f, slot| {
        Box::new(SocksServer {
            on_connect: f.clone(),
            slot: slot.cloned(),
            buf: Vec::new(),
            state: ServerState::Start,
            sub: None,
        })
    }))
}

#[derive(PartialEq, Eq)]
enum ServerState {
    Start,
    /// SOCKS5: greeting answered, waiting for the request.
    V5Request,
    Tunnel,
    Closed,
}

struct SocksServer {
    on_connect: Rc<Value>,
    slot: Option<Rc<SubSlot>>,
    buf: Vec<u8>,
    state: ServerState,
    sub: Option<Rc<Pipeline>>,
}

impl SocksServer {
    fn refuse(&mut self, cx: &mut Cx<'_>, bytes: Vec<u8>) {
        self.state = ServerState::Closed;
        self.buf.clear();
        cx.output(Event::Data(Data::from(bytes)));
        cx.output(Event::end());
    }

    /// Asks `onConnect`; on a grant replies, starts the tunnel and passes it what followed.
    fn decide(&mut self, cx: &mut Cx<'_>, req: Request) {
        let info = Obj::ordinary();
        let text = |s: &Option<String>| s.as_deref().map(Value::str).unwrap_or_default();
        info.define_value("id", text(&req.id), attr::DEFAULT);
        info.define_value("ip", text(&req.ip), attr::DEFAULT);
        info.define_value("domain", text(&req.domain), attr::DEFAULT);
        info.define_value("port", Value::from(req.port as usize), attr::DEFAULT);
        let f = (*self.on_connect).clone();
        let Some(granted) = cx.call(&f, &[Value::Object(info)]) else {
            return self.refuse(cx, verdict(req.version, false));
        };
        if !granted.truthy() {
            return self.refuse(cx, verdict(req.version, false));
        }
        let Some(layout) = super::sub_layout(cx, self.slot.as_ref(), "acceptSOCKS") else {
            return self.refuse(cx, verdict(req.version, false));
        };
        cx.output(Event::Data(Data::from(verdict(req.version, true))));
        self.state = ServerState::Tunnel;
        let p = cx.sub(&layout, SubContext::Share, 0);
        p.start(&[]);
        self.sub = Some(p.clone());
        let rest = self.buf.split_off(req.len.min(self.buf.len()));
        self.buf.clear();
        if !rest.is_empty() {
            p.input(Event::Data(Data::from(rest)));
        }
    }

    fn advance(&mut self, cx: &mut Cx<'_>) {
        loop {
            match self.state {
                ServerState::Start => match self.buf.first() {
                    None => return,
                    Some(4) => match parse_v4(&self.buf) {
                        Parsed::More => return,
                        Parsed::Refuse(r) => return self.refuse(cx, r),
                        Parsed::Done(req) => return self.decide(cx, req),
                    },
                    Some(5) => match parse_v5_greeting(&self.buf) {
                        Parsed::More => return,
                        Parsed::Refuse(r) => return self.refuse(cx, r),
                        Parsed::Done(n) => {
                            self.buf.drain(..n);
                            cx.output(Event::Data(Data::from(&[5u8, 0][..])));
                            self.state = ServerState::V5Request;
                        }
                    },
                    // Not SOCKS: nothing sensible to answer.
                    Some(_) => {
                        self.state = ServerState::Closed;
                        self.buf.clear();
                        return cx.output(Event::end());
                    }
                },
                ServerState::V5Request => match parse_v5_request(&self.buf) {
                    Parsed::More => return,
                    Parsed::Refuse(r) => return self.refuse(cx, r),
                    Parsed::Done(req) => return self.decide(cx, req),
                },
                ServerState::Tunnel | ServerState::Closed => return,
            }
        }
    }
}

impl Filter for SocksServer {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match self.state {
            ServerState::Tunnel => {
                if let Some(p) = &self.sub {
                    p.input(e);
                }
            }
            ServerState::Closed => {}
            ServerState::Start | ServerState::V5Request => match e {
                Event::Data(d) => {
                    self.buf.extend_from_slice(&d.to_vec());
                    self.advance(cx);
                }
                Event::StreamEnd(_) => {
                    self.state = ServerState::Closed;
                    cx.output(e);
                }
                Event::MessageStart(_) | Event::MessageEnd { .. } => {}
            },
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, _tag: u32, e: Event) {
        cx.output(e);
    }
}

// ---- connectSOCKS ----

fn build_client(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let target = arg(args, 0);
    if !matches!(target, Value::String(_)) && !target.is_callable() {
        return Err(error::type_error("connectSOCKS(): target must be 'host:port' or a function giving one"));
    }
    Ok(joint_factory("connectSOCKS", target, SubSlot::new(None), |t, slot| {
        Box::new(SocksClient {
            target: t.clone(),
            slot: slot.cloned(),
            sub: None,
            request: Vec::new(),
            state: ClientState::Idle,
            got: Vec::new(),
            held: super::HeldInput::default(),
        })
    }))
}

#[derive(PartialEq, Eq)]
enum ClientState {
    Idle,
    Greeting,
    Connecting,
    Tunnel,
    Closed,
}

struct SocksClient {
    target: Rc<Value>,
    slot: Option<Rc<SubSlot>>,
    sub: Option<Rc<Pipeline>>,
    /// The CONNECT request, sent once the server accepts the greeting.
    request: Vec<u8>,
    state: ClientState,
    /// What the server sent so far during the handshake.
    got: Vec<u8>,
    held: super::HeldInput,
}

impl SocksClient {
    fn start(&mut self, cx: &mut Cx<'_>) -> bool {
        let mut t = (*self.target).clone();
        if t.is_callable() {
            match cx.call(&t, &[]) {
                Some(v) => t = v,
                None => return false,
            }
        }
        let Value::String(_) = &t else {
            cx.throw(error::type_error("connectSOCKS(): the target is not (or did not give) a 'host:port' string"));
            return false;
        };
        let text = match ops::to_rust_string(&t) {
            Ok(s) => s,
            Err(e) => {
                cx.throw(e);
                return false;
            }
        };
        match v5_connect_request(&text) {
            Ok(r) => self.request = r,
            Err(m) => {
                cx.throw(error::type_error(&format!("connectSOCKS(): {m}")));
                return false;
            }
        }
        let Some(layout) = super::sub_layout(cx, self.slot.as_ref(), "connectSOCKS") else { return false };
        let p = cx.sub(&layout, SubContext::Share, 0);
        p.start(&[]);
        self.sub = Some(p.clone());
        self.state = ClientState::Greeting;
        p.input(Event::Data(Data::from(&[5u8, 1, 0][..])));
        true
    }

    fn fail(&mut self, cx: &mut Cx<'_>) {
        self.state = ClientState::Closed;
        cx.output(Event::end());
    }
}

impl Filter for SocksClient {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.state == ClientState::Idle && !self.start(cx) {
            return self.fail(cx);
        }
        match self.state {
            ClientState::Tunnel => {
                if let Some(p) = &self.sub {
                    p.input(e);
                }
            }
            ClientState::Closed | ClientState::Idle => {}
            ClientState::Greeting | ClientState::Connecting => self.held.hold(e),
        }
    }

    /// The tunnel opened (the only wake these filters ask for): in goes what was held.
    fn wake(&mut self, _cx: &mut Cx<'_>, _token: u32) {
        self.held.release_into(self.sub.as_ref());
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, _tag: u32, e: Event) {
        match self.state {
            ClientState::Tunnel => return cx.output(e),
            ClientState::Closed | ClientState::Idle => return,
            ClientState::Greeting | ClientState::Connecting => {}
        }
        let d = match e {
            Event::Data(d) => d,
            Event::StreamEnd(_) => {
                self.state = ClientState::Closed;
                return cx.output(e);
            }
            Event::MessageStart(_) | Event::MessageEnd { .. } => return,
        };
        self.got.extend_from_slice(&d.to_vec());
        if self.state == ClientState::Greeting {
            if self.got.len() < 2 {
                return;
            }
            if self.got[..2] != [5, 0] {
                return self.fail(cx);
            }
            self.got.drain(..2);
            self.state = ClientState::Connecting;
            if let Some(p) = self.sub.clone() {
                p.input(Event::Data(Data::from(std::mem::take(&mut self.request))));
            }
        }
        if self.state == ClientState::Connecting {
            if self.got.len() >= 2 && (self.got[0] != 5 || self.got[1] != V5_OK) {
                return self.fail(cx);
            }
            let Some(n) = v5_reply_len(&self.got) else { return };
            let rest = self.got.split_off(n);
            self.got.clear();
            self.state = ClientState::Tunnel;
            if !rest.is_empty() {
                cx.output(Event::Data(Data::from(rest)));
            }
            cx.handle().wake(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn socks4_and_4a_requests() {
        let mut b = vec![4, 1, 0, 80, 10, 0, 0, 1];
        assert_eq!(parse_v4(&b), Parsed::More);
        b.extend_from_slice(b"bob\0extra");
        let Parsed::Done(r) = parse_v4(&b) else { panic!("v4") };
        assert_eq!((r.ip.as_deref(), r.id.as_deref(), r.port, r.len), (Some("10.0.0.1"), Some("bob"), 80, 12));
        let b = [&[4u8, 1, 1, 187, 0, 0, 0, 9, 0][..], b"example.com\0"].concat();
        let Parsed::Done(r) = parse_v4(&b) else { panic!("4a") };
        assert_eq!((r.domain.as_deref(), r.ip, r.port, r.len), (Some("example.com"), None, 443, b.len()));
        assert_eq!(parse_v4(&[4, 2, 0, 80, 1, 2, 3, 4, 0]), Parsed::Refuse(reply(4, V4_REJECTED)));
        // A user id that never ends is refused once it is longer than any allowed.
        let long = [&[4u8, 1, 0, 80, 1, 2, 3, 4][..], &[b'a'; 300]].concat();
        assert_eq!(parse_v4(&long), Parsed::Refuse(reply(4, V4_REJECTED)));
    }

    #[test]
    fn socks5_greetings_and_requests() {
        assert_eq!(parse_v5_greeting(&[5]), Parsed::More);
        assert_eq!(parse_v5_greeting(&[5, 2, 2, 0]), Parsed::Done(4));
        assert_eq!(parse_v5_greeting(&[5, 1, 2]), Parsed::Refuse(vec![5, 0xff]));
        let req = v5_connect_request("example.com:8080").expect("request");
        assert_eq!(req[..5], [5, 1, 0, 3, 11]);
        let Parsed::Done(r) = parse_v5_request(&req) else { panic!("domain") };
        assert_eq!((r.domain.as_deref(), r.port, r.len), (Some("example.com"), 8080, req.len()));
        let req = v5_connect_request("[::1]:443").expect("v6");
        let Parsed::Done(r) = parse_v5_request(&req) else { panic!("v6") };
        assert_eq!((r.ip.as_deref(), r.port), (Some("::1"), 443));
        let req = v5_connect_request("127.0.0.1:1").expect("v4");
        assert_eq!(parse_v5_request(&req[..6]), Parsed::More);
        assert_eq!(parse_v5_request(&[5, 2, 0, 1, 0, 0, 0, 0, 0, 0]), Parsed::Refuse(reply(5, V5_BAD_COMMAND)));
        assert_eq!(parse_v5_request(&[5, 1, 0, 9, 0]), Parsed::Refuse(reply(5, V5_BAD_ADDRESS)));
        assert!(v5_connect_request("no-port").is_err());
        assert_eq!(v5_reply_len(&reply(5, 0)), Some(10));
        assert_eq!(v5_reply_len(&[5, 0, 0, 3, 4, b'a']), None);
    }
}
