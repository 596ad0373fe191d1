//! `muxHTTP(selector?, options?).to(sub)`: the HTTP/1 client side. Requests from every stream
//! whose selector gives the same key share upstream *sessions* — one sub-pipeline each (usually
//! `connect`), kept in a per-thread pool. A session carries one stream's messages at a time
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
use bytes::Bytes;
use pipy_protocols::http1::{self as http, RequestEncoder, ResponseDecoder};
use pipy_value::{JsResult, Value, ops};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;
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
    max_idle: Duration,
    max_queue: usize,
    max_messages: usize,
    buffer_size: usize,
    /// Identifies this filter's pool (sessions are shared per filter, as in the original).
    pool_id: usize,
}

/// (the filter's pool id, the selector's key).
type PoolKey = (usize, Key);

thread_local! {
    static NEXT_POOL: Cell<usize> = const { Cell::new(1) };
    static POOLS: RefCell<HashMap<PoolKey, Vec<Rc<Session>>>> = RefCell::new(HashMap::new());
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Key {
    /// An object, by identity (the weak reference is checked before reuse).
    Object(usize),
    Text(String),
    None,
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
    let pool_id = NEXT_POOL.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    });
    let cfg =
        Config { selector, max_idle: Duration::from_secs_f64(max_idle), max_queue, max_messages, buffer_size, pool_id };
    Ok(joint_factory("muxHTTP", cfg, sub, make))
}

fn make(cfg: &Rc<Config>, sub: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(MuxHttp { cfg: cfg.clone(), sub: sub.cloned(), session: None, pending: None, key_object: None })
}

/// A pooled upstream session.
struct Session {
    pipeline: RefCell<Option<Rc<Pipeline>>>,
    encoder: RefCell<RequestEncoder>,
    decoder: RefCell<ResponseDecoder>,
    /// Requesters waiting for responses, in request order; `bool` = its response has started.
    waiters: RefCell<VecDeque<(StageHandle, bool)>>,
    share: Cell<usize>,
    messages: Cell<usize>,
    closed: Cell<bool>,
    /// Bumped on each use.
    epoch: Cell<u64>,
    /// When the last stream let go of the session.
    free_since: Cell<std::time::Instant>,
    /// One idle timer per session at most (not one per request).
    timer_armed: Cell<bool>,
    key: (usize, Key),
    key_object: Option<pipy_value::object::WeakObj>,
    /// The requester whose CONNECT or Upgrade the upstream accepted: the session is its raw
    /// tunnel from then on (and out of the pool).
    tunnel: RefCell<Option<StageHandle>>,
}

impl Session {
    fn leave_pool(&self) {
        POOLS.with(|p| {
            if let Some(list) = p.borrow_mut().get_mut(&self.key) {
                list.retain(|s| !std::ptr::eq(&**s, self));
            }
        });
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
    fn on_output(self: &Rc<Self>, e: Event) {
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
            self.deliver(ev);
        }
        if let Some(err) = failure {
            self.fail(err);
        }
    }

    fn deliver(&self, ev: http::Event<http::ResponseHead>) {
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
                    self.leave_pool();
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
    fn fail(&self, err: Option<StreamError>) {
        self.closed.set(true);
        self.leave_pool();
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

fn key_of(v: &Value) -> (Key, Option<pipy_value::object::WeakObj>) {
    match v {
        Value::Object(o) => (Key::Object(o.addr()), Some(o.downgrade())),
        Value::Undefined | Value::Null => (Key::None, None),
        other => (Key::Text(ops::to_rust_string(other).unwrap_or_default()), None),
    }
}

fn open_session(
    cfg: &Config,
    layout: &Rc<Layout>,
    ctx: &Rc<crate::pipeline::context::Context>,
    key: (usize, Key),
    key_object: Option<pipy_value::object::WeakObj>,
) -> Rc<Session> {
    let s = Rc::new(Session {
        pipeline: RefCell::new(None),
        encoder: RefCell::new(RequestEncoder::new(cfg.buffer_size)),
        decoder: RefCell::new(ResponseDecoder::new()),
        waiters: RefCell::new(VecDeque::new()),
        share: Cell::new(0),
        messages: Cell::new(0),
        closed: Cell::new(false),
        epoch: Cell::new(0),
        free_since: Cell::new(std::time::Instant::now()),
        timer_armed: Cell::new(false),
        key: key.clone(),
        key_object,
        tunnel: RefCell::new(None),
    });
    let weak = Rc::downgrade(&s);
    // The session keeps the context of the stream that opened it, as the original does.
    let p = Pipeline::new(
        layout,
        ctx.clone(),
        Output::Func(Box::new(move |e| {
            if let Some(s) = weak.upgrade() {
                s.on_output(e);
            }
        })),
    );
    *s.pipeline.borrow_mut() = Some(p.clone());
    POOLS.with(|pl| {
        let mut pools = pl.borrow_mut();
        if pools.is_empty() {
            crate::net::on_shutdown(close_idle_sessions);
        }
        pools.entry(key).or_default().insert(0, s.clone())
    });
    p.start(&[]);
    s
}

fn alloc(cfg: &Config, key: (usize, Key)) -> Option<Rc<Session>> {
    POOLS.with(|p| {
        let mut pools = p.borrow_mut();
        let list = pools.get_mut(&key)?;
        list.retain(|s| !s.closed.get() && s.key_object.as_ref().is_none_or(|w| w.is_alive()));
        list.iter()
            .find(|s| {
                (cfg.max_queue == 0 || s.share.get() < cfg.max_queue)
                    && (cfg.max_messages == 0 || s.messages.get() < cfg.max_messages)
            })
            .cloned()
    })
}

fn release(s: &Rc<Session>, max_idle: Duration) {
    s.share.set(s.share.get().saturating_sub(1));
    if s.share.get() > 0 || s.closed.get() {
        return;
    }
    if crate::net::shutting_down() {
        return close_idle(s);
    }
    s.free_since.set(std::time::Instant::now());
    if !s.timer_armed.get() {
        arm_idle_timer(s, max_idle, max_idle);
    }
}

/// Closes the session once it has been unused for `max_idle`; re-arms itself when it was used
/// in between.
fn arm_idle_timer(s: &Rc<Session>, delay: Duration, max_idle: Duration) {
    s.timer_armed.set(true);
    let weak = Rc::downgrade(s);
    // Through the worker's spawner: a session can be released outside the event loop (the
    // REPL drops its pipelines between turns).
    crate::net::spawn_local(async move {
        tokio::time::sleep(delay).await;
        let Some(s) = weak.upgrade() else { return };
        s.timer_armed.set(false);
        if s.closed.get() || s.share.get() > 0 {
            return;
        }
        let idle = s.free_since.get().elapsed();
        if idle < max_idle {
            arm_idle_timer(&s, max_idle - idle, max_idle);
            return;
        }
        close_idle(&s);
    });
}

/// Takes an unused session out of its pool and ends its upstream connection.
fn close_idle(s: &Rc<Session>) {
    s.closed.set(true);
    POOLS.with(|p| {
        if let Some(list) = p.borrow_mut().get_mut(&s.key) {
            list.retain(|x| !Rc::ptr_eq(x, s));
        }
    });
    let p = s.pipeline.borrow_mut().take();
    if let Some(p) = p {
        p.input(Event::end());
    }
}

/// When the worker shuts down, idle pooled connections close at once instead of after their
/// idle time, so they do not keep a draining worker alive (sessions still in use close when
/// they are released).
fn close_idle_sessions() {
    let idle: Vec<Rc<Session>> = POOLS
        .with(|p| p.borrow().values().flatten().filter(|s| s.share.get() == 0 && !s.closed.get()).cloned().collect());
    for s in idle {
        close_idle(&s);
    }
}

struct MuxHttp {
    cfg: Rc<Config>,
    sub: Option<Rc<SubSlot>>,
    session: Option<Rc<Session>>,
    /// The request being collected (sent whole, so streams sharing a session never interleave).
    pending: Option<(Value, Data)>,
    /// Keeps a selector's object key alive while this stream uses the session.
    key_object: Option<Value>,
}

impl Drop for MuxHttp {
    fn drop(&mut self) {
        if let Some(s) = self.session.take() {
            release(&s, self.cfg.max_idle);
        }
    }
}

impl MuxHttp {
    fn session(&mut self, cx: &mut Cx<'_>) -> Option<Rc<Session>> {
        if let Some(s) = &self.session {
            if !s.closed.get() {
                return Some(s.clone());
            }
            let old = self.session.take();
            if let Some(s) = old {
                release(&s, self.cfg.max_idle);
            }
        }
        let key_value = if self.cfg.selector.is_undefined() {
            cx.context().inbound.borrow().clone()
        } else {
            let sel = self.cfg.selector.clone();
            cx.eval(&sel, &[])?
        };
        let (k, weak) = key_of(&key_value);
        let key = (self.cfg.pool_id, k);
        let s = match alloc(&self.cfg, key.clone()) {
            Some(s) => s,
            None => {
                let layout = match self.sub.as_ref().map(|s| s.layout()) {
                    Some(Ok(l)) => l,
                    Some(Err(e)) => {
                        cx.throw(e);
                        return None;
                    }
                    None => {
                        cx.throw(pipy_value::error::type_error("muxHTTP(): missing .to(...)"));
                        return None;
                    }
                };
                open_session(&self.cfg, &layout, cx.context(), key, weak)
            }
        };
        s.share.set(s.share.get() + 1);
        s.epoch.set(s.epoch.get() + 1);
        self.key_object = Some(key_value);
        self.session = Some(s.clone());
        Some(s)
    }
}

impl Filter for MuxHttp {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::MessageStart(head) => self.pending = Some((head, Data::new())),
            Event::Data(d) => {
                if let Some((_, body)) = &mut self.pending {
                    body.push(&d);
                } else if let Some(s) = self.session.as_ref().filter(|s| s.tunnel.borrow().is_some()) {
                    // Our tunnel: the client's bytes go upstream as they are.
                    s.send(d.chunks().cloned().collect());
                }
            }
            Event::MessageEnd { .. } => {
                let Some((head, body)) = self.pending.take() else { return };
                let head = match request_head_of(&head) {
                    Ok(h) => h,
                    Err(e) => return cx.throw(e),
                };
                let Some(s) = self.session(cx) else { return };
                let mut out = Vec::new();
                let info = {
                    let mut enc = s.encoder.borrow_mut();
                    let info = enc.head(&head);
                    for c in body.chunks() {
                        enc.body(c.clone(), &mut out);
                    }
                    enc.end(&mut out);
                    info
                };
                if let Some(info) = info {
                    s.decoder.borrow_mut().push_request(info);
                }
                s.messages.set(s.messages.get() + 1);
                s.waiters.borrow_mut().push_back((cx.handle(), false));
                s.send(out);
            }
            Event::StreamEnd(_) => {
                if let Some(s) = self.session.as_ref().filter(|s| s.tunnel.borrow().is_some()) {
                    let p = s.pipeline.borrow().clone();
                    if let Some(p) = p {
                        p.input(Event::end());
                    }
                }
            }
        }
    }
}
