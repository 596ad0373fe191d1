//! The HTTP/1 server side: `demuxHTTP().to(sub)`, and the engine of `serveHTTP(handler)`
//! (`serve_http.rs`).
//!
//! Both decode requests from the connection's Data and encode responses back, in request order
//! (pipelined requests wait for the ones before them). `serveHTTP` answers each complete request
//! with its handler (a Message, or a function returning a Message or a Promise of one);
//! `demuxHTTP` streams each request into its own sub-pipeline with a copy of the context and
//! takes the first message that sub-pipeline outputs as the response. The two differ only in how
//! a response is produced, so `serveHTTP` is this filter with a handler.

mod h2;

use super::{BuildCx, FilterSpec, arg, check_options, joint_factory, option, parse_size};
use crate::http::js::{request_head_value, response_head_of, tail_value};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event, Message, StreamError};
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, Settled, SubContext, SubSlot, await_value};
use bytes::Bytes;
use pipy_protocols::http1::{self as http, RequestDecoder, RequestInfo, ResponseEncoder};
use pipy_value::{JsResult, Value, error};
use std::collections::VecDeque;
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "demuxHTTP",
    params: "(options?)",
    help: "HTTP server: streams each request into its own sub-pipeline (copied context); its output is the response",
    joint: true,
    options: OPTIONS,
    build: build_demux,
}];

pub(super) const OPTIONS: &[&str] =
    &["bufferSize", "maxHeaderSize", "maxMessages", "headerTimeout", "connectionWindowSize", "streamWindowSize"];

/// How long a request head may take to arrive once it has started (nginx's client_header_timeout
/// and its default); then the client gets 408 and the connection closes.
const HEADER_TIMEOUT: f64 = 60.0;
/// The wake token of the header timer (request ids use the rest).
const HEADER_TIMER: u32 = u32::MAX;
/// The wake token of draining (a graceful stop, or a reload): HTTP/1 closes when idle and after
/// the answer in flight otherwise; HTTP/2 sends GOAWAY.
const DRAIN: u32 = u32::MAX - 2;

pub(super) struct Config {
    /// serveHTTP's handler; None for demuxHTTP.
    handler: Option<Value>,
    /// A constant handler's response, converted once: requests are then answered without
    /// building script objects for them.
    constant: Option<(http::ResponseHead, Data)>,
    buffer_size: usize,
    limits: http::Limits,
    header_timeout: std::time::Duration,
    /// Requests a connection takes (0: no limit); the last one's answer closes it (HTTP/1) or a
    /// GOAWAY follows it (HTTP/2).
    max_messages: u64,
    /// HTTP/2 windows and header list limit.
    h2: crate::http::h2::Settings,
}

pub(super) fn config(name: &str, opts: &Value, handler: Option<Value>) -> JsResult<Config> {
    check_options(name, opts, OPTIONS)?;
    let buffer_size = parse_size(&option(opts, "bufferSize")?)?.unwrap_or(0);
    let limits = match parse_size(&option(opts, "maxHeaderSize")?)? {
        Some(n) => http::Limits::from_max_header_size(n),
        None => http::Limits::default(),
    };
    let header_timeout = super::parse_duration(&option(opts, "headerTimeout")?)?.unwrap_or(HEADER_TIMEOUT).max(0.001);
    let max_messages = match option(opts, "maxMessages")? {
        Value::Number(n) if n >= 1.0 => n as u64,
        _ => 0,
    };
    let mut h2 = crate::http::h2::Settings::default();
    if let Some(n) = parse_size(&option(opts, "maxHeaderSize")?)? {
        h2.max_header_list = u32::try_from(n).unwrap_or(u32::MAX);
    }
    if let Some(n) = parse_size(&option(opts, "connectionWindowSize")?)? {
        h2.connection_window = crate::http::h2::window_size(name, n)?;
    }
    if let Some(n) = parse_size(&option(opts, "streamWindowSize")?)? {
        h2.stream_window = crate::http::h2::window_size(name, n)?;
    }
    let constant = match handler.as_ref().and_then(event::as_message) {
        Some(m) => Some((response_head_of(&m.head)?, m.body)),
        None => None,
    };
    Ok(Config {
        handler,
        constant,
        buffer_size,
        limits,
        header_timeout: std::time::Duration::from_secs_f64(header_timeout),
        max_messages,
        h2,
    })
}

fn build_demux(cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    // The 0.x form names its sub-pipeline: demuxHTTP('request', options?).
    let (sub, opts) = match arg(args, 0) {
        v @ Value::String(_) => (cx.sub_slot(&v)?, arg(args, 1)),
        v => (SubSlot::new(None), v),
    };
    let cfg = config("demuxHTTP", &opts, None)?;
    Ok(joint_factory("demuxHTTP", cfg, sub, make))
}

pub(super) fn make(cfg: &Rc<Config>, sub: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    let mut decoder = RequestDecoder::with_limits(cfg.limits);
    // demuxHTTP can tunnel (a CONNECT or Upgrade its sub-pipeline accepts): the bytes after such
    // a request wait for the answer.
    decoder.set_hold_tunnel(cfg.handler.is_none());
    Box::new(Server {
        cfg: cfg.clone(),
        sub: sub.cloned(),
        decoder,
        encoder: ResponseEncoder::new(cfg.buffer_size),
        queue: VecDeque::new(),
        next_id: 0,
        input_ended: false,
        closed: false,
        decoded: Vec::new(),
        reading_body: false,
        heads_seen: 0,
        header_timer: None,
        tunnel: None,
        sniffing: true,
        held: Data::new(),
        h2: None,
        drain: None,
        draining: false,
    })
}

/// One request waiting for (or holding) its response.
struct Slot {
    id: u32,
    info: RequestInfo,
    /// serveHTTP: the request being collected.
    request: Option<Message>,
    /// demuxHTTP: the request's sub-pipeline.
    pipeline: Option<Rc<Pipeline>>,
    /// The response's events so far.
    response: Vec<Event>,
    complete: bool,
    waiting: Option<Settled>,
}

struct Server {
    cfg: Rc<Config>,
    sub: Option<Rc<SubSlot>>,
    decoder: RequestDecoder,
    encoder: ResponseEncoder,
    queue: VecDeque<Slot>,
    next_id: u32,
    input_ended: bool,
    closed: bool,
    decoded: Vec<http::Event<http::RequestHead>>,
    /// Between a request's head and its end.
    reading_body: bool,
    /// Heads decoded so far (the header timer checks that no new one arrived).
    heads_seen: u64,
    /// The header timer: its task and the `heads_seen` it was armed at.
    header_timer: Option<(tokio::task::AbortHandle, u64)>,
    /// An accepted tunnel: the request id and its sub-pipeline, which now gets the connection's
    /// raw bytes and whose output goes out raw.
    tunnel: Option<(u32, Rc<Pipeline>)>,
    /// The first bytes are not known yet to be HTTP/1 or the HTTP/2 preface.
    sniffing: bool,
    /// Bytes held while they could still be the start of the preface.
    held: Data,
    /// The connection speaks HTTP/2.
    h2: Option<Box<h2::H2>>,
    /// Registered to be told when the worker stops or reloads.
    drain: Option<crate::net::DrainTicket>,
    /// Told: the connection takes no request after those it has begun.
    draining: bool,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some((t, _)) = self.header_timer.take() {
            t.abort();
        }
    }
}

impl Server {
    /// Part of a request head has arrived but not all of it.
    fn head_in_progress(&self) -> bool {
        !self.reading_body && !self.decoder.is_idle()
    }

    fn arm_header_timer(&mut self, cx: &mut Cx<'_>) {
        if !self.head_in_progress() {
            if let Some((t, _)) = self.header_timer.take() {
                t.abort();
            }
            return;
        }
        if self.header_timer.as_ref().is_some_and(|(_, seen)| *seen == self.heads_seen) {
            return;
        }
        if let Some((t, _)) = self.header_timer.take() {
            t.abort();
        }
        if !crate::net::in_event_loop() {
            return;
        }
        let handle = cx.handle();
        let delay = self.cfg.header_timeout;
        let task = tokio::task::spawn_local(async move {
            tokio::time::sleep(delay).await;
            handle.wake(HEADER_TIMER);
        });
        self.header_timer = Some((task.abort_handle(), self.heads_seen));
    }

    fn slot(&mut self, id: u32) -> Option<&mut Slot> {
        self.queue.iter_mut().find(|s| s.id == id)
    }

    fn on_request_event(&mut self, cx: &mut Cx<'_>, e: http::Event<http::RequestHead>) {
        if self.h2.is_some() {
            // Upgraded to HTTP/2 (h2c) in this batch: what the decoder made of the bytes
            // after the request belongs to the HTTP/2 connection.
            match e {
                http::Event::Http2Preface => self.h2_preface_seen(),
                http::Event::Tunnel(b) => self.h2_input(cx, Some(&Data::from(b))),
                _ => {}
            }
            return;
        }
        match e {
            http::Event::Head { head, info }
                if info.tunnel == Some(http::TunnelKind::Http2)
                    && info.body == http::BodyKind::Empty
                    && self.queue.is_empty()
                    && self.h2c_upgrade(cx, &head) => {}
            http::Event::Head { head, info } => {
                self.reading_body = true;
                self.heads_seen += 1;
                let id = self.next_id;
                self.next_id = self.next_id.wrapping_add(1);
                let mut req_info = RequestInfo::from_head(&head);
                if self.draining || (self.cfg.max_messages > 0 && self.heads_seen >= self.cfg.max_messages) {
                    // The last request this connection takes: its answer closes it.
                    req_info.is_final = true;
                }
                if info.expect_continue && self.queue.is_empty() {
                    cx.output(Event::Data(Data::from(&b"HTTP/1.1 100 Continue\r\n\r\n"[..])));
                }
                let head_value = if self.cfg.constant.is_some() { Value::Undefined } else { request_head_value(head) };
                let mut slot = Slot {
                    id,
                    info: req_info,
                    request: None,
                    pipeline: None,
                    response: Vec::new(),
                    complete: false,
                    waiting: None,
                };
                if self.queue.capacity() == 0 {
                    // One request at a time is the rule; pipelining grows the queue.
                    self.queue.reserve_exact(1);
                }
                if self.cfg.handler.is_some() {
                    slot.request = Some(Message { head: head_value, ..Message::default() });
                    self.queue.push_back(slot);
                } else {
                    let Some(p) = self.start_request(cx, id, head_value) else { return };
                    slot.pipeline = Some(p);
                    self.queue.push_back(slot);
                }
            }
            http::Event::Body(b) => {
                let Some(slot) = self.queue.back_mut() else { return };
                if let Some(m) = &mut slot.request {
                    if self.cfg.constant.is_none() {
                        m.body.push_bytes(b);
                    }
                } else if let Some(p) = slot.pipeline.clone() {
                    p.input(Event::Data(Data::from(b)));
                }
            }
            http::Event::End(tail) => {
                self.reading_body = false;
                let tail = tail_value(tail);
                let Some(slot) = self.queue.back_mut() else { return };
                if let Some(mut m) = slot.request.take() {
                    if self.cfg.constant.is_some() {
                        slot.complete = true;
                        self.flush(cx);
                        return;
                    }
                    m.tail = tail;
                    let id = slot.id;
                    self.answer(cx, id, m);
                } else if let Some(p) = slot.pipeline.clone() {
                    p.input(Event::MessageEnd { tail, payload: Value::Undefined });
                }
            }
            http::Event::Tunnel(b) if self.tunnel.is_some() => {
                if let Some((_, p)) = &self.tunnel {
                    p.input(Event::Data(Data::from(b)));
                }
            }
            http::Event::Tunnel(_) | http::Event::Http2Preface => {
                // A preface after HTTP/1 requests (HTTP/2 must start the connection), or
                // tunnel bytes serveHTTP has no use for: close rather than misparse.
                self.fail_with(cx, 501, "Not Implemented");
            }
        }
    }

    /// demuxHTTP: the sub-pipeline of request `id` (HTTP/1 or an HTTP/2 stream), started with
    /// the request's head; None after reporting a missing or broken `.to(...)`. An HTTP/2
    /// stream's context has a flow of its own (its request body is paced by its own window).
    fn start_request(&self, cx: &mut Cx<'_>, id: u32, head: Value) -> Option<Rc<Pipeline>> {
        let layout = super::sub_layout(cx, self.sub.as_ref(), "demuxHTTP")?;
        let context =
            if self.h2.is_some() { SubContext::Given(cx.context().fork_for_stream()) } else { SubContext::Clone };
        let p = cx.sub(&layout, context, id);
        p.start(&[]);
        p.input(Event::MessageStart(head));
        Some(p)
    }

    /// serveHTTP: calls the handler with request `id` (or takes it as the answer when it is not
    /// a function); the answer, or a Promise to wait for (it wakes this filter with `id`).
    /// None when the handler threw.
    fn call_handler(&self, cx: &mut Cx<'_>, id: u32, req: Message) -> Option<Result<Value, Settled>> {
        let handler = self.cfg.handler.clone()?;
        let result = if handler.is_callable() { cx.call(&handler, &[event::message_value(req)])? } else { handler };
        Some(match await_value(&result, cx.handle(), id) {
            Some(settled) => Err(settled),
            None => Ok(result),
        })
    }

    /// serveHTTP: runs the handler for request `id`.
    fn answer(&mut self, cx: &mut Cx<'_>, id: u32, req: Message) {
        let result = match self.call_handler(cx, id, req) {
            Some(Ok(v)) => v,
            Some(Err(settled)) => {
                if let Some(s) = self.slot(id) {
                    s.waiting = Some(settled);
                }
                return;
            }
            None => return,
        };
        self.set_response(cx, id, &result);
    }

    fn set_response(&mut self, cx: &mut Cx<'_>, id: u32, v: &Value) {
        let events = match event::as_message(v) {
            Some(m) => {
                let mut out = Vec::new();
                m.into_events(&mut out);
                out
            }
            None => {
                return cx.throw(error::type_error(&format!(
                    "serveHTTP(): the handler did not return a Message (got {})",
                    pipy_value::ops::describe(v)
                )));
            }
        };
        if let Some(s) = self.slot(id) {
            s.response = events;
            s.complete = true;
        }
        self.flush(cx);
    }

    /// Writes complete responses at the head of the queue.
    fn flush(&mut self, cx: &mut Cx<'_>) {
        while self.queue.front().is_some_and(|s| s.complete) && !self.closed {
            let Some(slot) = self.queue.pop_front() else { break };
            let mut out: Vec<Bytes> = Vec::new();
            let mut outcome = http::EncodeOutcome::default();
            let mut started = false;
            if slot.response.is_empty() {
                if let Some((head, body)) = &self.cfg.constant {
                    self.encoder.head(head, Some(&slot.info));
                    for c in body.chunks() {
                        self.encoder.body(c.clone(), &mut out);
                    }
                    outcome = self.encoder.end(&mut out);
                }
            }
            for e in slot.response {
                match e {
                    Event::MessageStart(head) => {
                        let head = match response_head_of(&head) {
                            Ok(h) => h,
                            Err(err) => return cx.throw(err),
                        };
                        self.encoder.head(&head, Some(&slot.info));
                        started = true;
                    }
                    Event::Data(d) if started => {
                        for c in d.chunks() {
                            self.encoder.body(c.clone(), &mut out);
                        }
                    }
                    Event::MessageEnd { .. } if started => {
                        outcome = self.encoder.end(&mut out);
                        break;
                    }
                    _ => {}
                }
            }
            let mut d = Data::new();
            for b in out {
                d.push_bytes(b);
            }
            if !d.is_empty() {
                cx.output(Event::Data(d));
            }
            if let (Some(_), Some(p)) = (outcome.tunnel, slot.pipeline.clone()) {
                // Accepted: what the client sent after the request, and all it sends from now
                // on, goes to the request's sub-pipeline as it is.
                let mut held = Vec::new();
                self.decoder.set_tunnel(&mut held);
                self.tunnel = Some((slot.id, p.clone()));
                for ev in held {
                    if let http::Event::Tunnel(b) = ev {
                        p.input(Event::Data(Data::from(b)));
                    }
                }
                if self.input_ended {
                    p.input(Event::end());
                }
                return;
            }
            if outcome.close || slot.info.tunnel.is_some() {
                // A tunnel request that was refused leaves the stream unparseable: close.
                self.close(cx);
            }
        }
        if self.input_ended && self.queue.is_empty() && !self.closed {
            self.close(cx);
        }
        if self.queue.is_empty() && self.decoder.is_idle() {
            // Between requests a keep-alive connection keeps only small buffers.
            if self.queue.capacity() > 1 {
                self.queue = VecDeque::new();
            }
            self.decoder.release_buffers();
        }
    }

    fn close(&mut self, cx: &mut Cx<'_>) {
        if !self.closed {
            self.closed = true;
            self.queue.clear();
            cx.output(Event::end());
        }
    }

    /// A request that cannot be parsed: answer with a status and close, as nginx does.
    fn fail_with(&mut self, cx: &mut Cx<'_>, status: u16, text: &str) {
        // Earlier requests still get their answers first when they are ready.
        self.queue.retain(|s| s.complete);
        self.flush(cx);
        if self.closed {
            return;
        }
        let body = format!("{status} {text}\n");
        let raw = format!(
            "HTTP/1.1 {status} {text}\r\ncontent-type: text/plain\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        cx.output(Event::Data(Data::from(raw.as_bytes())));
        self.close(cx);
    }
}

impl Server {
    /// Decides from the first bytes whether the connection is HTTP/2 with prior knowledge (the
    /// preface) or HTTP/1; returns the bytes for HTTP/1, or None when they went to HTTP/2 or are
    /// held until enough arrive.
    fn sniff(&mut self, cx: &mut Cx<'_>, d: Data) -> Option<Data> {
        let preface = crate::http::h2::PREFACE;
        let mut all = std::mem::take(&mut self.held);
        all.push(&d);
        let head = all.peek(preface.len());
        if head[..] != preface[..head.len()] {
            self.sniffing = false;
            return Some(all);
        }
        if head.len() < preface.len() {
            self.held = all;
            return None;
        }
        self.sniffing = false;
        self.h2 = Some(Box::new(h2::H2::new(self.cfg.h2)));
        self.h2_input(cx, Some(&all));
        None
    }
}

impl Server {
    /// The worker stops or has reloaded: an idle connection closes now; one with a request
    /// begun closes after that request's answer, which says `connection: close`. A tunnel runs
    /// on until it ends (the stop's grace period bounds it).
    fn drain(&mut self, cx: &mut Cx<'_>) {
        self.draining = true;
        if self.closed || self.tunnel.is_some() {
            return;
        }
        if self.queue.is_empty() && self.decoder.is_idle() && self.held.is_empty() {
            self.close(cx);
        } else if let Some(last) = self.queue.back_mut() {
            last.info.is_final = true;
        }
    }
}

impl Filter for Server {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.closed {
            return;
        }
        if self.drain.is_none() && crate::net::in_event_loop() {
            self.drain = Some(crate::net::on_drain(cx.handle(), DRAIN));
        }
        if self.h2.is_some() {
            match e {
                Event::Data(d) => self.h2_input(cx, Some(&d)),
                Event::StreamEnd(_) => self.h2_input(cx, None),
                _ => {}
            }
            return;
        }
        let e = match e {
            Event::Data(d) if self.sniffing => match self.sniff(cx, d) {
                Some(d) => Event::Data(d),
                None => return,
            },
            Event::StreamEnd(err) if self.sniffing && !self.held.is_empty() => {
                self.sniffing = false;
                let held = std::mem::take(&mut self.held);
                self.process(cx, Event::Data(held));
                Event::StreamEnd(err)
            }
            e => e,
        };
        match e {
            Event::Data(d) => {
                let mut result = Ok(());
                for c in d.chunks() {
                    result = self.decoder.feed(c.clone(), &mut self.decoded);
                    if result.is_err() {
                        break;
                    }
                }
                let events = std::mem::take(&mut self.decoded);
                for ev in events {
                    self.on_request_event(cx, ev);
                }
                if self.h2.is_some() {
                    // Bytes the decoder held after an h2c upgrade are HTTP/2's.
                    let mut held = Vec::new();
                    self.decoder.set_tunnel(&mut held);
                    for ev in held {
                        self.on_request_event(cx, ev);
                    }
                    return;
                }
                if let Err(err) = result {
                    crate::log::debug(&format!("[http] bad request: {err}"));
                    self.fail_with(cx, err.status(), err.status_text());
                } else {
                    self.arm_header_timer(cx);
                }
            }
            Event::StreamEnd(_) if self.tunnel.is_some() => {
                self.input_ended = true;
                if let Some((_, p)) = &self.tunnel {
                    p.input(e);
                }
            }
            Event::StreamEnd(_) => {
                self.input_ended = true;
                // A request cut short is dropped; answered ones still go out.
                if self.queue.back().is_some_and(|s| s.request.is_some()) {
                    self.queue.pop_back();
                }
                self.flush(cx);
            }
            _ => {}
        }
    }

    fn wake(&mut self, cx: &mut Cx<'_>, id: u32) {
        if id == DRAIN && self.h2.is_none() {
            return self.drain(cx);
        }
        if self.h2.is_some() {
            return self.h2_wake(cx, id);
        }
        if id == HEADER_TIMER {
            let armed_at = self.header_timer.take().map(|(_, seen)| seen);
            if armed_at == Some(self.heads_seen) && self.head_in_progress() && !self.closed {
                self.fail_with(cx, 408, "Request Timeout");
            }
            return;
        }
        let Some(slot) = self.slot(id) else { return };
        let Some(w) = slot.waiting.take() else { return };
        let r = w.borrow_mut().take();
        match r {
            Some(Ok(v)) => self.set_response(cx, id, &v),
            Some(Err(e)) => cx.throw(e),
            None => {
                if let Some(s) = self.slot(id) {
                    s.waiting = Some(w);
                }
            }
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, id: u32, e: Event) {
        if self.h2.is_some() {
            return self.h2_sub_output(cx, id, e);
        }
        if self.tunnel.as_ref().is_some_and(|(t, _)| *t == id) {
            // Tunnel bytes back to the client, as they are.
            match e {
                Event::Data(_) => cx.output(e),
                Event::StreamEnd(_) => {
                    self.tunnel = None;
                    self.close(cx);
                }
                _ => {}
            }
            return;
        }
        let Some(slot) = self.slot(id) else { return };
        if slot.complete {
            return;
        }
        match e {
            Event::StreamEnd(err) => {
                if slot.response.iter().any(|e| matches!(e, Event::MessageStart(_))) {
                    // The response was cut short: close the connection after what was sent.
                    slot.response.push(Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
                } else {
                    let code = match &err {
                        Some(StreamError::Code(c)) => c.name(),
                        Some(StreamError::Value(_)) => "RuntimeError",
                        None => "ConnectionReset",
                    };
                    let head = http::status::error_response_head(code);
                    slot.response = vec![
                        Event::MessageStart(crate::http::js::response_head_value(head)),
                        Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined },
                    ];
                }
                slot.complete = true;
                slot.pipeline = None;
            }
            Event::MessageEnd { .. } => {
                if slot.response.is_empty() {
                    return;
                }
                slot.response.push(e);
                slot.complete = true;
            }
            Event::MessageStart(_) => {
                slot.response.clear();
                slot.response.push(e);
            }
            Event::Data(_) => {
                if !slot.response.is_empty() {
                    slot.response.push(e);
                }
            }
        }
        if slot.complete {
            self.flush(cx);
        }
    }
}
