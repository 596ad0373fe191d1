//! `demuxHTTP` and `serveHTTP` over HTTP/2: once a connection starts with the HTTP/2 preface
//! (prior knowledge, or after ALPN chose `h2` in `acceptTLS`), its streams go through
//! `crate::http::h2::server`. Each stream is a request like an HTTP/1 one: a sub-pipeline of its
//! own for `demuxHTTP` (its first output message is the response), or a call of the handler for
//! `serveHTTP`; responses go out as soon as they are ready, in any order.

use super::Server;
use crate::http::h2::server::{Incoming, ServerConn, Settings};
use crate::http::h2::{PREFACE, heads};
use crate::http::js::{response_head_of, response_head_value};
use crate::pipeline::context::Flow;
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event, Message, StreamError};
use crate::pipeline::{Cx, Pipeline, Settled};
use pipy_protocols::http1 as http;
use pipy_value::{Value, error};
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// The HTTP/2 side of a server filter.
pub(super) struct H2 {
    conn: ServerConn,
    streams: FxHashMap<u32, H2Stream>,
    /// After an h2c upgrade: how much of the client's preface is still to come (it was
    /// replayed to the connection already, so the real one is checked and skipped).
    preface_left: usize,
    /// Responses wait for the end of the current turn before they are framed (see `schedule`).
    scheduled: bool,
    /// Response bytes waiting for the client's windows, as counted in the connection's flow
    /// (so what feeds the responses — an upstream connection — stops reading past the limit,
    /// and a client that does not read costs bounded memory).
    counted: usize,
    flow: Option<Rc<Flow>>,
    /// serveHTTP with a constant answer: its HTTP/2 form, made once.
    constant: Option<heads::Constant>,
    /// Requests taken (`maxMessages`).
    requests: u64,
    /// What the last drive brought, kept for its capacity.
    incoming: Vec<Incoming>,
}

impl Drop for H2 {
    fn drop(&mut self) {
        if let Some(f) = &self.flow {
            f.hold(false, self.counted);
        }
    }
}

/// The wake token of a scheduled drive (stream ids, used for promises, stay below it).
const DRIVE: u32 = u32::MAX - 1;
/// The wake token of a graceful stop or a reload: GOAWAY, then close once open streams finish
/// (clients start no new streams here and move to the new pipelines).
const GOAWAY: u32 = super::DRAIN;

/// The wake token bit of a stream whose request body may go on (`h2_paced`); stream ids stay
/// under it.
const PACED: u32 = crate::http::h2::server::ID_LIMIT;

#[derive(Default)]
struct H2Stream {
    /// serveHTTP: the request being collected.
    request: Option<Message>,
    /// demuxHTTP: the stream's sub-pipeline.
    pipeline: Option<Rc<Pipeline>>,
    /// The response has started (a MessageStart went to the connection).
    started: bool,
    /// The response is complete.
    done: bool,
    /// serveHTTP: the handler's promise.
    waiting: Option<Settled>,
    /// A CONNECT request; `tunnel` once a 2xx answered it (the stream then carries raw bytes
    /// both ways until either side ends it).
    connect: bool,
    tunnel: bool,
    /// demuxHTTP: request bytes taken while what the stream sent on was at its limit, and the
    /// wait for room (their window opens after it).
    unreleased: usize,
    pacing: Option<Pacing>,
}

/// The wait of a paced stream, stopped when the stream goes.
struct Pacing(tokio::task::AbortHandle);

impl Drop for Pacing {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl H2 {
    /// A connection that started with the preface (prior knowledge, or ALPN `h2`).
    pub(super) fn new(settings: Settings) -> H2 {
        H2 {
            conn: ServerConn::new(settings),
            streams: FxHashMap::default(),
            preface_left: 0,
            scheduled: false,
            counted: 0,
            flow: None,
            constant: None,
            requests: 0,
            incoming: Vec::new(),
        }
    }

    /// After `Upgrade: h2c`, with the request replayed as stream 1.
    pub(super) fn upgraded(replay: &[u8], settings: Settings) -> H2 {
        H2 {
            conn: ServerConn::upgraded(settings, replay),
            streams: FxHashMap::default(),
            preface_left: PREFACE.len(),
            scheduled: false,
            counted: 0,
            flow: None,
            constant: None,
            requests: 0,
            incoming: Vec::new(),
        }
    }

    /// Takes the part of `b` that is the client's preface after an upgrade; false when `b`
    /// is not the preface at all.
    fn skip_preface(&mut self, b: &mut &[u8]) -> bool {
        if self.preface_left == 0 {
            return true;
        }
        let start = PREFACE.len() - self.preface_left;
        let n = self.preface_left.min(b.len());
        if b[..n] != PREFACE[start..start + n] {
            return false;
        }
        self.preface_left -= n;
        *b = &b[n..];
        true
    }
}

impl Server {
    /// Bytes (or, with `None`, the end) from the client on an HTTP/2 connection.
    pub(super) fn h2_input(&mut self, cx: &mut Cx<'_>, data: Option<&Data>) {
        let Some(h2) = self.h2.as_mut() else { return };
        match data {
            Some(d) => {
                for c in d.chunks() {
                    let mut b = &c[..];
                    if !h2.skip_preface(&mut b) {
                        crate::log::debug("[http2] no connection preface after the h2c upgrade");
                        return self.close(cx);
                    }
                    h2.conn.feed(b);
                }
            }
            None => h2.conn.end(),
        }
        self.h2_drive(cx);
    }

    /// `Upgrade: h2c` on a request with no body, first on its connection: answers 101 and
    /// goes on in HTTP/2 with the request as stream 1. False when the request cannot be
    /// upgraded (a bad `HTTP2-Settings`); it is then served as HTTP/1.
    pub(super) fn h2c_upgrade(&mut self, cx: &mut Cx<'_>, head: &http::RequestHead) -> bool {
        let Some(replay) = crate::http::h2::upgrade::replay(head) else { return false };
        cx.output(Event::Data(Data::from(
            &b"HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: h2c\r\n\r\n"[..],
        )));
        self.sniffing = false;
        self.h2 = Some(Box::new(H2::upgraded(&replay, self.cfg.h2)));
        self.h2_drive(cx);
        true
    }

    /// The client has sent the preface (the HTTP/1 decoder saw it whole).
    pub(super) fn h2_preface_seen(&mut self) {
        if let Some(h2) = self.h2.as_mut() {
            h2.preface_left = 0;
        }
    }

    /// Polls the connection, hands what arrived to the streams, writes what it produced.
    pub(super) fn h2_drive(&mut self, cx: &mut Cx<'_>) {
        for _ in 0..64 {
            let Some(h2) = self.h2.as_mut() else { return };
            // One list reused: a drive can bring a hundred requests, and their heads are large.
            let mut incoming = std::mem::take(&mut h2.incoming);
            h2.conn.drive(&mut incoming);
            let out = h2.conn.take_output();
            if !out.is_empty() {
                let mut d = Data::new();
                for b in out {
                    d.push_bytes(b);
                }
                cx.output(Event::Data(d));
            }
            if incoming.is_empty() {
                h2.incoming = incoming;
                break;
            }
            for ev in incoming.drain(..) {
                self.h2_incoming(cx, ev);
            }
            if let Some(h2) = self.h2.as_mut() {
                h2.incoming = incoming;
            }
        }
        if let Some(h2) = self.h2.as_mut() {
            let backlog = h2.conn.backlog();
            if backlog != h2.counted {
                let flow = h2.flow.get_or_insert_with(|| cx.context().flow.clone());
                if backlog > h2.counted {
                    flow.hold(true, backlog - h2.counted);
                } else {
                    flow.hold(false, h2.counted - backlog);
                }
                h2.counted = backlog;
            }
        }
        if self.h2.as_ref().is_some_and(|h| h.conn.is_closed()) {
            self.close(cx);
        }
    }

    fn h2_incoming(&mut self, cx: &mut Cx<'_>, ev: Incoming) {
        let serve = self.cfg.handler.is_some();
        let Some(h2) = self.h2.as_mut() else { return };
        match ev {
            Incoming::Request { id, parts, connect } => {
                let mut s = H2Stream { connect, ..H2Stream::default() };
                h2.requests += 1;
                if self.cfg.max_messages > 0 && h2.requests >= self.cfg.max_messages {
                    // The last request this connection takes (`maxMessages`): GOAWAY after it.
                    h2.conn.shutdown();
                }
                if self.cfg.constant.is_some() {
                    // A constant answer needs nothing of the request.
                    h2.streams.insert(id, s);
                    return;
                }
                let head = heads::request_head(parts);
                if serve {
                    s.request = Some(Message { head, ..Message::default() });
                    h2.streams.insert(id, s);
                } else {
                    let Some(p) = self.start_request(cx, id, head) else { return };
                    s.pipeline = Some(p);
                    if let Some(h2) = self.h2.as_mut() {
                        h2.streams.insert(id, s);
                    }
                }
            }
            Incoming::Body { id, data } => {
                let n = data.len();
                let Some(s) = h2.streams.get_mut(&id) else { return h2.conn.release(id, n) };
                let Some(p) = s.pipeline.clone() else {
                    // serveHTTP collects the request whole; a constant answer drops it.
                    if let Some(m) = &mut s.request
                        && self.cfg.constant.is_none()
                    {
                        m.body.push(&data);
                    }
                    return h2.conn.release(id, n);
                };
                p.input(Event::Data(data));
                // The window opens again once what the stream sent on has room to go: a slow
                // upstream holds back its own stream, not the connection.
                let Some(h2) = self.h2.as_mut() else { return };
                let Some(s) = h2.streams.get_mut(&id) else { return h2.conn.release(id, n) };
                let flow = p.context.flow.clone();
                if s.unreleased == 0 && !flow.upstream_full() {
                    h2.conn.release(id, n);
                } else {
                    s.unreleased += n;
                    if s.pacing.is_none() {
                        let handle = cx.handle();
                        let task = tokio::task::spawn_local(async move {
                            flow.room_upstream().await;
                            handle.wake(PACED | id);
                        });
                        s.pacing = Some(Pacing(task.abort_handle()));
                    }
                }
            }
            Incoming::End { id, tail } => {
                if let Some((head, body)) = &self.cfg.constant {
                    let answer = h2.constant.get_or_insert_with(|| heads::constant_response(head, body));
                    h2.conn.respond_constant(id, answer);
                    h2.streams.remove(&id);
                    return;
                }
                let Some(s) = h2.streams.get_mut(&id) else { return };
                if let Some(mut m) = s.request.take() {
                    m.tail = tail;
                    self.h2_answer(cx, id, m);
                } else if let Some(p) = s.pipeline.clone() {
                    p.input(Event::MessageEnd { tail, payload: Value::Undefined });
                }
            }
            Incoming::Reset { id } => {
                // The client gave up on the stream: its pipeline goes.
                h2.streams.remove(&id);
            }
            Incoming::TunnelEnd { id } => {
                if let Some(p) = h2.streams.get(&id).and_then(|s| s.pipeline.clone()) {
                    p.input(Event::end());
                }
            }
        }
    }

    /// serveHTTP: runs the handler for stream `id`.
    fn h2_answer(&mut self, cx: &mut Cx<'_>, id: u32, req: Message) {
        match self.call_handler(cx, id, req) {
            Some(Ok(v)) => self.h2_set_response(cx, id, &v),
            Some(Err(settled)) => {
                if let Some(s) = self.h2.as_mut().and_then(|h| h.streams.get_mut(&id)) {
                    s.waiting = Some(settled);
                }
            }
            None => {}
        }
    }

    fn h2_set_response(&mut self, cx: &mut Cx<'_>, id: u32, v: &Value) {
        match event::as_message(v) {
            Some(m) => self.h2_respond_message(id, m),
            None => cx.throw(error::type_error(&format!(
                "serveHTTP(): the handler did not return a Message (got {})",
                pipy_value::ops::describe(v)
            ))),
        }
    }

    fn h2_respond_message(&mut self, id: u32, m: Message) {
        let Some(h2) = self.h2.as_mut() else { return };
        let mut events = Vec::new();
        m.into_events(&mut events);
        for e in events {
            h2.conn.respond(id, e);
        }
        h2.streams.remove(&id);
    }

    /// Drives the connection once the current turn is over (a microtask), so a response's
    /// events that arrive together are framed together: its head and an empty end become one
    /// HEADERS frame with END_STREAM, and many small writes one.
    fn h2_schedule(&mut self, cx: &mut Cx<'_>) {
        let Some(h2) = self.h2.as_mut() else { return };
        if h2.scheduled {
            return;
        }
        h2.scheduled = true;
        let handle = cx.handle();
        pipy_value::realm::enqueue_microtask(Box::new(move || handle.wake(DRIVE)));
    }

    /// A promise a serveHTTP handler returned has settled, or a scheduled drive is due.
    pub(super) fn h2_wake(&mut self, cx: &mut Cx<'_>, id: u32) {
        if id == DRIVE {
            if let Some(h2) = self.h2.as_mut() {
                h2.scheduled = false;
            }
            return self.h2_drive(cx);
        }
        if id == GOAWAY {
            if let Some(h2) = self.h2.as_mut() {
                h2.conn.shutdown();
            }
            return self.h2_drive(cx);
        }
        if id & PACED != 0 {
            return self.h2_paced(cx, id & !PACED);
        }
        let Some(s) = self.h2.as_mut().and_then(|h| h.streams.get_mut(&id)) else { return };
        let Some(w) = s.waiting.take() else { return };
        let r = w.borrow_mut().take();
        match r {
            Some(Ok(v)) => self.h2_set_response(cx, id, &v),
            Some(Err(e)) => cx.throw(e),
            None => s.waiting = Some(w),
        }
        self.h2_drive(cx);
    }

    /// What stream `id` sent on has room again: its window opens by what it took meanwhile.
    fn h2_paced(&mut self, cx: &mut Cx<'_>, id: u32) {
        let Some(h2) = self.h2.as_mut() else { return };
        let Some(s) = h2.streams.get_mut(&id) else { return };
        s.pacing = None;
        let n = std::mem::take(&mut s.unreleased);
        h2.conn.release(id, n);
        self.h2_drive(cx);
    }

    /// demuxHTTP: what a stream's sub-pipeline output; its first message is the response.
    pub(super) fn h2_sub_output(&mut self, cx: &mut Cx<'_>, id: u32, e: Event) {
        let Some(h2) = self.h2.as_mut() else { return };
        let Some(s) = h2.streams.get_mut(&id) else { return };
        if s.done {
            return;
        }
        match e {
            Event::MessageStart(head) if !s.started => {
                s.started = true;
                s.tunnel = s.connect && response_head_of(&head).is_ok_and(|h| (200..300).contains(&h.status));
                h2.conn.respond(id, Event::MessageStart(head));
            }
            Event::Data(_) if s.started => h2.conn.respond(id, e),
            Event::MessageEnd { .. } if s.started => {
                s.done = !s.tunnel;
                h2.conn.respond(id, e);
            }
            Event::StreamEnd(_) if s.tunnel => {
                h2.conn.respond(id, e);
                s.done = true;
            }
            Event::StreamEnd(err) => {
                if s.started {
                    h2.conn.respond(id, Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
                } else {
                    // No response: the original's synthesized one (502, 504, …).
                    let code = match &err {
                        Some(StreamError::Code(c)) => c.name(),
                        Some(StreamError::Value(_)) => "RuntimeError",
                        None => "ConnectionReset",
                    };
                    let head = response_head_value(http::status::error_response_head(code));
                    h2.conn.respond(id, Event::MessageStart(head));
                    h2.conn.respond(id, Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
                }
                s.done = true;
            }
            _ => {}
        }
        if s.done {
            // Request bytes held back for a stream answered before its body ended: its window
            // opens again, or the client would stall on the rest of a body nobody waits for.
            let held = std::mem::take(&mut s.unreleased);
            h2.streams.remove(&id);
            h2.conn.release(id, held);
        }
        self.h2_schedule(cx);
    }
}
