//! `muxHTTP(selector?, options?).to(sub)`: the HTTP/1 client side. Requests from every stream
//! whose selector gives the same key share upstream *sessions* — one sub-pipeline each (usually
//! `connect`), kept in the engine's one upstream pool (`crate::pool`). A session carries one stream's messages at a time
//! (`maxQueue` streams may share it; the default, 1, gives concurrent streams their own), its
//! responses are decoded and handed back in request order, and it closes after `maxIdle` seconds
//! unused. The default key is the inbound connection, so one client connection maps to one
//! upstream connection. A session that fails before answering turns into the original's
//! synthesized response (`502 Connection Refused`, `504 Gateway Timeout`, …).

use super::{BuildCx, FilterSpec, arg, check_options, joint_factory, option, parse_duration, parse_size};
use crate::http::js::{request_head_of, response_head_value, tail_value};
use crate::pipeline::data::Data;
use crate::pipeline::event::{Event, StreamError};
use crate::pipeline::{Cx, Filter, FilterFactory, Layout, Output, Pipeline, StageHandle, SubSlot};
use crate::pool::{Lease, Pool, PoolOptions, Pooled, Session, SessionKey};
use bytes::Bytes;
use pipy_protocols::http1::{self as http, RequestEncoder, ResponseDecoder};
use pipy_value::{JsResult, Value};
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use std::time::Duration;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "muxHTTP",
    params: "(selector?, options?)",
    help: "HTTP client: sends requests over pooled upstream sessions (a sub-pipeline each) chosen by selector",
    joint: true,
    options: OPTIONS,
    build,
}];

const OPTIONS: &[&str] = &["version", "bufferSize", "maxHeaderSize", "maxIdle", "maxQueue", "maxMessages", "ping"];

struct Config {
    selector: Value,
    options: PoolOptions,
    buffer_size: usize,
    /// This filter's sessions (shared per filter, as in the original).
    pool: Rc<Pool<HttpSession>>,
}

fn build(cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    // 0.x: muxHTTP('session-pipeline', selector?, options?)
    let (sub, selector, opts) = match arg(args, 0) {
        v @ Value::String(_) => (cx.sub_slot(&v)?, arg(args, 1), arg(args, 2)),
        v if v.is_callable() || v.is_nullish() => (SubSlot::new(None), v, arg(args, 1)),
        v if !v.is_object() => (SubSlot::new(None), v, arg(args, 1)),
        v => (SubSlot::new(None), Value::Undefined, v),
    };
    check_options("muxHTTP", &opts, OPTIONS)?;
    let max_idle = parse_duration(&option(&opts, "maxIdle")?)?.unwrap_or(60.0).max(0.0);
    let max_queue = match option(&opts, "maxQueue")? {
        Value::Number(n) if n >= 0.0 => n as usize,
        _ => 1,
    };
    let max_messages = match option(&opts, "maxMessages")? {
        Value::Number(n) if n >= 0.0 => n as usize,
        _ => 0,
    };
    let buffer_size = parse_size(&option(&opts, "bufferSize")?)?.unwrap_or(0);
    let options =
        PoolOptions { max_idle: Duration::from_secs_f64(max_idle), max_queue, max_messages, extra: Value::Undefined };
    let cfg = Config { selector, options, buffer_size, pool: Pool::new() };
    Ok(joint_factory("muxHTTP", cfg, sub, make))
}

fn make(cfg: &Rc<Config>, sub: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(MuxHttp { cfg: cfg.clone(), sub: sub.cloned(), session: None, pending: None, key_object: None })
}

/// An upstream session: its sub-pipeline (usually `connect`), the request encoder and response
/// decoder, and the requesters waiting for responses.
struct HttpSession {
    pipeline: RefCell<Option<Rc<Pipeline>>>,
    encoder: RefCell<RequestEncoder>,
    decoder: RefCell<ResponseDecoder>,
    /// Requesters waiting for responses, in request order; `bool` = its response has started.
    waiters: RefCell<VecDeque<(StageHandle, bool)>>,
    /// The upstream ended: the session takes no more requests.
    ended: Cell<bool>,
    /// The requester whose CONNECT or Upgrade the upstream accepted: the session is its raw
    /// tunnel from then on (and out of the pool).
    tunnel: RefCell<Option<StageHandle>>,
}

impl Session for HttpSession {
    fn close(&self) {
        let p = self.pipeline.borrow_mut().take();
        if let Some(p) = p {
            p.input(Event::end());
        }
    }
}

impl HttpSession {
    fn new(buffer_size: usize) -> HttpSession {
        HttpSession {
            pipeline: RefCell::new(None),
            encoder: RefCell::new(RequestEncoder::new(buffer_size)),
            decoder: RefCell::new(ResponseDecoder::new()),
            waiters: RefCell::new(VecDeque::new()),
            ended: Cell::new(false),
            tunnel: RefCell::new(None),
        }
    }

    fn is_open(&self) -> bool {
        self.pipeline.borrow().is_some() || self.ended.get()
    }

    /// Starts the session's sub-pipeline; it keeps the context of the stream that opened it, as
    /// the original does.
    fn open(pooled: &Rc<Pooled<HttpSession>>, layout: &Rc<Layout>, ctx: &Rc<crate::pipeline::context::Context>) {
        let weak: Weak<Pooled<HttpSession>> = Rc::downgrade(pooled);
        let p = Pipeline::new(
            layout,
            ctx.clone(),
            Output::Func(Box::new(move |e| {
                if let Some(pooled) = weak.upgrade() {
                    pooled.session().on_output(&pooled, e);
                }
            })),
        );
        *pooled.session().pipeline.borrow_mut() = Some(p.clone());
        p.start(&[]);
    }

    fn send(&self, bytes: Vec<Bytes>) {
        let p = self.pipeline.borrow().clone();
        if let Some(p) = p {
            let mut d = Data::new();
            for b in bytes {
                d.push_bytes(b);
            }
            if !d.is_empty() {
                p.input(Event::Data(d));
            }
        }
    }

    /// Output of the session's sub-pipeline: decode responses and hand them back.
    fn on_output(&self, pooled: &Pooled<HttpSession>, e: Event) {
        let mut decoded = Vec::new();
        let mut failure: Option<Option<StreamError>> = None;
        match e {
            Event::Data(d) => {
                let mut dec = self.decoder.borrow_mut();
                for c in d.chunks() {
                    if let Err(err) = dec.feed(c.clone(), &mut decoded) {
                        crate::log::debug(&format!("[muxHTTP] bad response: {err}"));
                        failure = Some(Some(StreamError::Code(crate::pipeline::event::ErrorCode::ProtocolError)));
                        break;
                    }
                }
            }
            Event::StreamEnd(err) => {
                let _ = self.decoder.borrow_mut().finish(&mut decoded);
                failure = Some(err);
            }
            _ => {}
        }
        for ev in decoded {
            self.deliver(pooled, ev);
        }
        if let Some(err) = failure {
            self.fail(pooled, err);
        }
    }

    fn deliver(&self, pooled: &Pooled<HttpSession>, ev: http::Event<http::ResponseHead>) {
        if let http::Event::Tunnel(b) = &ev {
            if let Some(h) = self.tunnel.borrow().as_ref() {
                h.emit(Event::Data(Data::from(b.clone())));
            }
            return;
        }
        let front = self.waiters.borrow().front().map(|(h, _)| h.clone());
        let Some(handle) = front else { return };
        match ev {
            http::Event::Head { head, info } => {
                if let Some(w) = self.waiters.borrow_mut().front_mut() {
                    w.1 = true;
                }
                if info.tunnel.is_some() {
                    *self.tunnel.borrow_mut() = Some(handle.clone());
                    pooled.retire();
                }
                handle.emit(Event::MessageStart(response_head_value(head)));
            }
            http::Event::Body(b) => handle.emit(Event::Data(Data::from(b))),
            http::Event::End(tail) => {
                self.waiters.borrow_mut().pop_front();
                handle.emit(Event::MessageEnd { tail: tail_value(tail), payload: Value::Undefined });
            }
            http::Event::Tunnel(_) => {}
            http::Event::Http2Preface => {}
        }
    }

    /// The upstream ended: every requester still waiting gets an answer or an end.
    fn fail(&self, pooled: &Pooled<HttpSession>, err: Option<StreamError>) {
        self.ended.set(true);
        pooled.retire();
        if let Some(h) = self.tunnel.borrow_mut().take() {
            h.emit(Event::StreamEnd(err.clone()));
        }
        let waiters: Vec<_> = self.waiters.borrow_mut().drain(..).collect();
        let code = match &err {
            Some(StreamError::Code(c)) => c.name(),
            Some(StreamError::Value(_)) => "RuntimeError",
            None => "ConnectionReset",
        };
        for (h, started) in waiters {
            if started {
                h.emit(Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
            } else {
                let head = http::status::error_response_head(code);
                h.emit(Event::MessageStart(response_head_value(head)));
                h.emit(Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
            }
        }
        let p = self.pipeline.borrow_mut().take();
        drop(p);
    }
}

struct MuxHttp {
    cfg: Rc<Config>,
    sub: Option<Rc<SubSlot>>,
    session: Option<Lease<HttpSession>>,
    /// The request being collected (sent whole, so streams sharing a session never interleave).
    pending: Option<(Value, Data)>,
    /// Keeps a selector's object key alive while this stream uses the session.
    key_object: Option<Value>,
}

impl MuxHttp {
    fn session(&mut self, cx: &mut Cx<'_>) -> Option<Rc<Pooled<HttpSession>>> {
        if let Some(lease) = &self.session {
            if !lease.session().ended.get() {
                return Some(lease.pooled().clone());
            }
            self.session = None;
        }
        let key_value = if self.cfg.selector.is_undefined() {
            cx.context().inbound.borrow().clone()
        } else {
            let sel = self.cfg.selector.clone();
            cx.eval(&sel, &[])?
        };
        let key = SessionKey::of(&key_value);
        let (pool, options, buffer_size) = (self.cfg.pool.clone(), self.cfg.options.clone(), self.cfg.buffer_size);
        let lease = pool.lease(&key, || Some(options), || HttpSession::new(buffer_size))?;
        let pooled = lease.pooled().clone();
        if !pooled.session().is_open() {
            let layout = match self.sub.as_ref().map(|s| s.layout()) {
                Some(Ok(l)) => l,
                Some(Err(e)) => {
                    pooled.retire();
                    cx.throw(e);
                    return None;
                }
                None => {
                    pooled.retire();
                    cx.throw(pipy_value::error::type_error("muxHTTP(): missing .to(...)"));
                    return None;
                }
            };
            HttpSession::open(&pooled, &layout, cx.context());
        }
        self.key_object = Some(key_value);
        self.session = Some(lease);
        Some(pooled)
    }
}

impl Filter for MuxHttp {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::MessageStart(head) => self.pending = Some((head, Data::new())),
            Event::Data(d) => {
                if let Some((_, body)) = &mut self.pending {
                    body.push(&d);
                } else if let Some(s) = self.session.as_ref().filter(|s| s.session().tunnel.borrow().is_some()) {
                    // Our tunnel: the client's bytes go upstream as they are.
                    s.session().send(d.chunks().cloned().collect());
                }
            }
            Event::MessageEnd { .. } => {
                let Some((head, body)) = self.pending.take() else { return };
                let head = match request_head_of(&head) {
                    Ok(h) => h,
                    Err(e) => return cx.throw(e),
                };
                let Some(s) = self.session(cx) else { return };
                let session = s.session();
                let mut out = Vec::new();
                let info = {
                    let mut enc = session.encoder.borrow_mut();
                    let info = enc.head(&head);
                    for c in body.chunks() {
                        enc.body(c.clone(), &mut out);
                    }
                    enc.end(&mut out);
                    info
                };
                if let Some(info) = info {
                    session.decoder.borrow_mut().push_request(info);
                }
                s.count_use();
                session.waiters.borrow_mut().push_back((cx.handle(), false));
                session.send(out);
            }
            Event::StreamEnd(_) => {
                if let Some(s) = self.session.as_ref().filter(|s| s.session().tunnel.borrow().is_some()) {
                    let p = s.session().pipeline.borrow().clone();
                    if let Some(p) = p {
                        p.input(Event::end());
                    }
                }
            }
        }
    }
}
