//! HTTP tunnels, both ends.
//!
//! `acceptHTTPTunnel(handler).to(sub)`, inside a `demuxHTTP` sub-pipeline: answers a CONNECT or
//! Upgrade (WebSocket) request with the handler's Message (or the Message itself). When the
//! answer accepts the tunnel (2xx for CONNECT, 101 for an upgrade) `demuxHTTP` stops parsing
//! HTTP on that connection and everything the client sends streams into `sub`; what `sub`
//! outputs goes back to the client as it is.
//!
//! `connectHTTPTunnel(target, {onState}).to(sub)`: sends the handshake request (a Message, or
//! `CONNECT host:port` for a string) into `sub` (typically `muxHTTP` → `connect` to a proxy),
//! holds its own input until the answer, and then streams the input through `sub` and what
//! comes back out, without the answer's head. A refused tunnel ends the stream. `onState` hears
//! `connecting`, `connected` and `closed`.

use super::{BuildCx, FilterSpec, arg, joint_factory};
use crate::http::js::{request_head_of, request_head_value, response_head_of};
use crate::pipeline::event::{self, Event, Message};
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, Settled, SubContext, SubSlot, await_value};
use pipy_protocols::http1::{RequestHead, TunnelKind};
use pipy_value::{JsResult, Value, error};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "acceptHTTPTunnel",
    params: "(handler)",
    help: "Inside demuxHTTP: answers CONNECT/Upgrade with handler's Message; an accepted tunnel streams through a sub-pipeline",
    joint: true,
    options: &[],
    build,
}];

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let handler = arg(args, 0);
    if handler.is_nullish() {
        return Err(error::type_error(
            "acceptHTTPTunnel(): a handler (a Message or a function giving one) is required",
        ));
    }
    Ok(joint_factory("acceptHTTPTunnel", handler, SubSlot::new(None), make))
}

fn make(handler: &Rc<Value>, slot: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(AcceptTunnel {
        handler: handler.clone(),
        slot: slot.cloned(),
        request: None,
        answered: false,
        waiting: None,
        sub: None,
    })
}

struct AcceptTunnel {
    handler: Rc<Value>,
    slot: Option<Rc<SubSlot>>,
    /// The request being collected.
    request: Option<Message>,
    answered: bool,
    /// The handler's Promise, until it settles.
    waiting: Option<Settled>,
    sub: Option<Rc<Pipeline>>,
}

impl AcceptTunnel {
    fn answer(&mut self, cx: &mut Cx<'_>, req: Message) {
        self.answered = true;
        let handler = (*self.handler).clone();
        let reply = if handler.is_callable() {
            match cx.call(&handler, &[event::message_value(req)]) {
                Some(v) => v,
                None => return,
            }
        } else {
            handler
        };
        // A Promise answers when it settles (see `wake`).
        if let Some(settled) = await_value(&reply, cx.handle(), 0) {
            self.waiting = Some(settled);
            return;
        }
        self.reply(cx, reply);
    }

    fn reply(&mut self, cx: &mut Cx<'_>, reply: Value) {
        // Nothing returned accepts with an empty answer (status 200), as in Pipy.
        let m = if reply.is_nullish() {
            Message::default()
        } else if let Some(m) = event::as_message(&reply) {
            m
        } else {
            return cx.throw(error::type_error("acceptHTTPTunnel(): the handler did not return a Message"));
        };
        let mut out = Vec::new();
        m.into_events(&mut out);
        cx.output_all(out);
    }

    fn tunnel(&mut self, cx: &mut Cx<'_>) -> Option<Rc<Pipeline>> {
        if self.sub.is_none() {
            let layout = super::sub_layout(cx, self.slot.as_ref(), "acceptHTTPTunnel")?;
            let p = cx.sub(&layout, SubContext::Share, 0);
            p.start(&[]);
            self.sub = Some(p);
        }
        self.sub.clone()
    }
}

impl Filter for AcceptTunnel {
    fn wake(&mut self, cx: &mut Cx<'_>, _token: u32) {
        let Some(w) = self.waiting.take() else { return };
        let settled = w.borrow_mut().take();
        match settled {
            Some(Ok(v)) => self.reply(cx, v),
            Some(Err(e)) => cx.throw(e),
            None => self.waiting = Some(w),
        }
    }

    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if !self.answered {
            match e {
                Event::MessageStart(head) => self.request = Some(Message { head, ..Message::default() }),
                Event::Data(d) => {
                    if let Some(m) = &mut self.request {
                        m.body.push(&d);
                    }
                }
                Event::MessageEnd { tail, .. } => {
                    if let Some(mut m) = self.request.take() {
                        m.tail = tail;
                        self.answer(cx, m);
                    }
                }
                Event::StreamEnd(_) => cx.output(e),
            }
            return;
        }
        // The tunnel: raw bytes (and the end) into the sub-pipeline.
        match e {
            Event::Data(_) | Event::StreamEnd(_) => {
                if let Some(p) = self.tunnel(cx) {
                    p.input(e);
                }
            }
            _ => {}
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, _tag: u32, e: Event) {
        if matches!(e, Event::Data(_) | Event::StreamEnd(_)) {
            cx.output(e);
        }
    }
}

pub static CLIENT_SPECS: &[FilterSpec] = &[FilterSpec {
    name: "connectHTTPTunnel",
    params: "(target, options?)",
    help: "Opens an HTTP tunnel (CONNECT, or an Upgrade request) through a sub-pipeline and streams the input through it",
    joint: true,
    options: &["onState"],
    build: build_client,
}];

/// What `connectHTTPTunnel` is configured with: the handshake (a `Message`, a `host:port`
/// string, or a function giving either) and the `onState` callback.
struct ClientConfig {
    handshake: Value,
    on_state: Value,
}

fn build_client(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let handshake = arg(args, 0);
    if handshake.is_nullish() {
        return Err(error::type_error(
            "connectHTTPTunnel(): a target is required (a CONNECT Message, 'host:port', or a function giving one)",
        ));
    }
    super::check_options("connectHTTPTunnel", &arg(args, 1), &["onState"])?;
    let on_state = super::option(&arg(args, 1), "onState")?;
    if !on_state.is_nullish() && !on_state.is_callable() {
        return Err(error::type_error("connectHTTPTunnel(): options.onState must be a function"));
    }
    Ok(joint_factory("connectHTTPTunnel", ClientConfig { handshake, on_state }, SubSlot::new(None), make_client))
}

fn make_client(config: &Rc<ClientConfig>, slot: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(ConnectTunnel {
        config: config.clone(),
        slot: slot.cloned(),
        sub: None,
        kind: None,
        response: None,
        open: false,
        closed: false,
        held: super::HeldInput::default(),
    })
}

/// The client end of an HTTP tunnel: sends the handshake request into the sub-pipeline, holds the
/// input until the answer comes, then streams both ways; a refused tunnel ends the stream.
struct ConnectTunnel {
    config: Rc<ClientConfig>,
    slot: Option<Rc<SubSlot>>,
    sub: Option<Rc<Pipeline>>,
    /// The tunnel the handshake asks for (CONNECT or an upgrade).
    kind: Option<TunnelKind>,
    /// The answer's status, once its head came.
    response: Option<u16>,
    open: bool,
    closed: bool,
    held: super::HeldInput,
}

impl ConnectTunnel {
    fn state(&mut self, cx: &mut Cx<'_>, state: &str) {
        let f = self.config.on_state.clone();
        if f.is_callable() {
            cx.call(&f, &[Value::str(state)]);
        }
    }

    /// Starts the sub-pipeline with the handshake request; false after reporting an error.
    fn open(&mut self, cx: &mut Cx<'_>) -> bool {
        let mut h = self.config.handshake.clone();
        if h.is_callable() {
            match cx.call(&h, &[]) {
                Some(v) => h = v,
                None => return false,
            }
        }
        let msg = if let Some(m) = event::as_message(&h) {
            m
        } else if let Value::String(target) = &h {
            let head = RequestHead {
                method: "CONNECT".into(),
                path: target.to_rust_string(),
                protocol: "HTTP/1.1".into(),
                headers: Vec::new(),
            };
            Message { head: request_head_value(head), ..Message::default() }
        } else {
            cx.throw(error::type_error(
                "connectHTTPTunnel(): the target is not (and did not give) a Message or a 'host:port' string",
            ));
            return false;
        };
        match request_head_of(&msg.head) {
            Ok(head) => self.kind = head.tunnel_kind(),
            Err(e) => {
                cx.throw(e);
                return false;
            }
        }
        let Some(layout) = super::sub_layout(cx, self.slot.as_ref(), "connectHTTPTunnel") else {
            return false;
        };
        let p = cx.sub(&layout, SubContext::Clone, 0);
        p.start(&[]);
        self.sub = Some(p.clone());
        let mut evs = Vec::new();
        msg.into_events(&mut evs);
        p.input_all(evs);
        self.state(cx, "connecting");
        true
    }
}

impl Filter for ConnectTunnel {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.closed {
            return;
        }
        if self.sub.is_none() && !self.open(cx) {
            self.closed = true;
            return cx.output(Event::end());
        }
        if self.open {
            if let Some(p) = &self.sub {
                p.input(e);
            }
            return;
        }
        self.held.hold(e)
    }

    /// The tunnel opened (the only wake these filters ask for): in goes what was held.
    fn wake(&mut self, _cx: &mut Cx<'_>, _token: u32) {
        self.held.release_into(self.sub.as_ref());
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, _tag: u32, e: Event) {
        if self.closed {
            return;
        }
        if self.open {
            return cx.output(e);
        }
        match e {
            Event::StreamEnd(_) => {
                self.closed = true;
                self.state(cx, "closed");
                cx.output(e);
            }
            Event::MessageStart(head) => {
                if self.response.is_none() {
                    match response_head_of(&head) {
                        Ok(h) => self.response = Some(h.status),
                        Err(err) => cx.throw(err),
                    }
                }
            }
            Event::MessageEnd { .. } => {
                let status = self.response.take().unwrap_or(0);
                if self.kind.is_some_and(|k| k.accepted_by(status)) {
                    self.open = true;
                    self.state(cx, "connected");
                    cx.handle().wake(0);
                } else {
                    self.closed = true;
                    self.state(cx, "closed");
                    cx.output(Event::end());
                }
            }
            Event::Data(_) => {}
        }
    }
}
