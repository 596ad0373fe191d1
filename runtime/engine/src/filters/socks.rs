//! SOCKS, both ends: glues `pipy_protocols::socks` (the bytes) to pipeline events and scripts.
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
use pipy_protocols::socks::{
    Parsed, Request, V5_CLIENT_GREETING, V5_NO_AUTHENTICATION_CHOSEN, V5_OK, parse_v4, parse_v5_greeting,
    parse_v5_request, v5_connect_request, v5_reply_len, verdict,
};
use pipy_value::object::Obj;
use pipy_value::shape::attr;
use pipy_value::{JsResult, Value, error, ops};
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
                            cx.output(Event::Data(Data::from(&V5_NO_AUTHENTICATION_CHOSEN[..])));
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
        p.input(Event::Data(Data::from(&V5_CLIENT_GREETING[..])));
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
            if self.got[..2] != V5_NO_AUTHENTICATION_CHOSEN {
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
