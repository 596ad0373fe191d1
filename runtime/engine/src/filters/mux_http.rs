//! `muxHTTP(selector?, options?).to(sub)`: the HTTP/1 client side. Requests from every stream
//! whose selector gives the same key share upstream *sessions* — one sub-pipeline each (usually
//! `connect`), kept in the engine's one upstream pool (`crate::pool`). A session carries one stream's messages at a time
//! (`maxQueue` streams may share it; the default, 1, gives concurrent streams their own), its
//! responses are decoded and handed back in request order, and it closes after `maxIdle` seconds
//! unused. The default key is the inbound connection, so one client connection maps to one
//! upstream connection. A session that fails before answering turns into the original's
//! synthesized response (`502 Connection Refused`, `504 Gateway Timeout`, …).

use super::{BuildCx, FilterSpec, arg, check_options, joint_factory, option, parse_duration, parse_size};
use crate::http::h2::client::{self, ClientConn, Reply};
use crate::http::h2::heads;
use crate::http::js::{request_head_of, response_head_of, response_head_value, tail_value};
use crate::pipeline::context::Flow;
use crate::pipeline::data::Data;
use crate::pipeline::event::{Event, StreamError};
use crate::pipeline::{Cx, Filter, FilterFactory, Layout, Outbox, Output, Pipeline, StageHandle, SubSlot, deliver_all};
use crate::pool::{Lease, Pool, PoolOptions, Pooled, Session, SessionKey};
use bytes::Bytes;
use pipy_protocols::http1::{self as http, RequestEncoder, ResponseDecoder};
use pipy_value::{JsResult, Value};
use rustc_hash::FxHashMap;
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

const OPTIONS: &[&str] = &[
    "version",
    "bufferSize",
    "maxHeaderSize",
    "maxIdle",
    "maxQueue",
    "maxMessages",
    "ping",
    "connectionWindowSize",
    "streamWindowSize",
];

struct Config {
    selector: Value,
    options: PoolOptions,
    buffer_size: usize,
    /// `maxHeaderSize`: the HTTP/1 response decoder's limits.
    limits: http::Limits,
    version: Version,
    h2: client::Settings,
    /// `ping(ack)`: gives a Data (or a Promise of one) to send a PING on an HTTP/2 session,
    /// called when the session starts and with each PING's ACK; nothing stops the pings.
    ping: Value,
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
    let version = version_of(&option(&opts, "version")?)?;
    let mut h2 = client::Settings::default();
    let limits = match parse_size(&option(&opts, "maxHeaderSize")?)? {
        Some(n) => {
            h2.max_header_list = u32::try_from(n).unwrap_or(u32::MAX);
            http::Limits::from_max_header_size(n)
        }
        None => http::Limits::default(),
    };
    if let Some(n) = parse_size(&option(&opts, "connectionWindowSize")?)? {
        h2.connection_window = crate::http::h2::window_size("muxHTTP", n)?;
    }
    if let Some(n) = parse_size(&option(&opts, "streamWindowSize")?)? {
        h2.stream_window = crate::http::h2::window_size("muxHTTP", n)?;
    }
    let ping = option(&opts, "ping")?;
    if !ping.is_nullish() && !ping.is_callable() {
        return Err(pipy_value::error::type_error("muxHTTP(): options.ping must be a function"));
    }
    let cfg = Config { selector, options, buffer_size, limits, version, h2, ping, pool: Pool::new() };
    Ok(joint_factory("muxHTTP", cfg, sub, make))
}

fn make(cfg: &Rc<Config>, sub: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(MuxHttp {
        cfg: cfg.clone(),
        sub: sub.cloned(),
        session: None,
        request: None,
        last: None,
        key_object: None,
    })
}

/// Which protocol a session speaks.
#[derive(Clone)]
enum Version {
    Http1,
    Http2,
    /// A function to call when the session opens (it may return a Promise).
    Chosen(Value),
}

/// The `version` option: `1`, `2`, `'http/1.1'`, `'h2'`, … or a function giving one of those
/// (or a Promise of one).
fn version_of(v: &Value) -> JsResult<Version> {
    match v {
        Value::Undefined | Value::Null => Ok(Version::Http1),
        v if v.is_callable() => Ok(Version::Chosen(v.clone())),
        v => version_value(v),
    }
}

fn version_value(v: &Value) -> JsResult<Version> {
    match v {
        Value::Number(n) if *n == 1.0 => Ok(Version::Http1),
        Value::Number(n) if *n == 2.0 => Ok(Version::Http2),
        Value::String(s) => match s.to_rust_string().to_ascii_lowercase().as_str() {
            "h2" | "http/2" => Ok(Version::Http2),
            "http/1" | "http/1.0" | "http/1.1" => Ok(Version::Http1),
            other => Err(pipy_value::error::type_error(&format!("muxHTTP(): invalid HTTP version name '{other}'"))),
        },
        other => Err(pipy_value::error::type_error(&format!(
            "muxHTTP(): invalid HTTP version {}",
            pipy_value::ops::describe(other)
        ))),
    }
}

/// A session's protocol state.
enum Proto {
    /// The version is not known yet (a Promise): requests wait, in order.
    Deciding(Vec<(u32, StageHandle, Event)>),
    Http1(Box<Http1>),
    Http2(Box<Http2>),
}

/// HTTP/1: requests are encoded whole, one after another; responses come back in order.
struct Http1 {
    encoder: RequestEncoder,
    decoder: ResponseDecoder,
    /// Requests being collected.
    collecting: FxHashMap<u32, (Value, Data)>,
    /// Requesters waiting for responses, in request order; `bool` = its response has started.
    waiters: VecDeque<(StageHandle, bool)>,
}

/// HTTP/2: each request is a stream of its own, sent as it comes.
struct Http2 {
    conn: ClientConn,
    /// The requester of each open stream, and whether its response has started.
    requesters: FxHashMap<u32, Requester>,
    /// Streams whose requesters sent body bytes: their unsent bytes are followed after each
    /// drive (`Held`). Kept apart so a drive does not look at every stream of a busy session.
    senders: Vec<u32>,
}

/// Who waits for an HTTP/2 stream's response.
struct Requester {
    handle: StageHandle,
    /// Its response has started.
    started: bool,
    /// A CONNECT: once a 2xx answers, the stream is a tunnel (its answer "ends" at once; DATA
    /// both ways are the tunnel's bytes; the stream's end is the tunnel's end).
    connect: bool,
    tunnel: bool,
    /// Its request bytes waiting for the upstream's windows, counted in its flow.
    held: Held,
}

/// Request bytes of one HTTP/2 stream that wait for the upstream's windows, held in the flow of
/// the requester: what feeds it (its client's socket, or its own HTTP/2 stream's window) waits
/// while they are at the limit, so a request body is paced by the stream that carries it.
#[derive(Default)]
struct Held {
    flow: Option<Rc<Flow>>,
    n: usize,
}

impl Held {
    fn set(&mut self, n: usize) {
        let Some(flow) = &self.flow else { return };
        if n > self.n {
            flow.hold_up(true, n - self.n);
        } else if n < self.n {
            flow.hold_up(false, self.n - n);
        }
        self.n = n;
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        self.set(0);
    }
}

/// An upstream session: its sub-pipeline (usually `connect`) and the protocol state.
struct HttpSession {
    pipeline: RefCell<Option<Rc<Pipeline>>>,
    proto: RefCell<Proto>,
    buffer_size: usize,
    limits: http::Limits,
    h2_settings: client::Settings,
    /// The `ping` option, and the context it runs in (the opening stream's).
    ping: Value,
    context: RefCell<Option<Rc<crate::pipeline::context::Context>>>,
    /// The Data the last PING was asked with: what its ACK hands back.
    ping_data: RefCell<Value>,
    /// Ids of requests on this session.
    next_id: Cell<u32>,
    /// The upstream ended: the session takes no more requests.
    ended: Cell<bool>,
    /// HTTP/2: a drive is due at the end of this turn (see `schedule_pump`).
    pump_scheduled: Cell<bool>,
    /// HTTP/1: the requester whose CONNECT or Upgrade the upstream accepted: the session is
    /// its raw tunnel from then on (and out of the pool).
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

fn error_code_name(err: &Option<StreamError>) -> &'static str {
    match err {
        Some(StreamError::Code(c)) => c.name(),
        Some(StreamError::Value(_)) => "RuntimeError",
        None => "ConnectionReset",
    }
}

/// What a requester gets when its request fails: the end of a started response, or the
/// original's synthesized one (502, 504, …).
fn failed_response(out: &mut Outbox, h: StageHandle, started: bool, code: &str) {
    if !started {
        let head = http::status::error_response_head(code);
        out.push((h.clone(), Event::MessageStart(response_head_value(head))));
    }
    out.push((h, Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined }));
}

impl HttpSession {
    fn new(buffer_size: usize, limits: http::Limits, h2_settings: client::Settings, ping: Value) -> HttpSession {
        HttpSession {
            pipeline: RefCell::new(None),
            proto: RefCell::new(Proto::Deciding(Vec::new())),
            buffer_size,
            limits,
            h2_settings,
            ping,
            context: RefCell::new(None),
            ping_data: RefCell::new(Value::Undefined),
            next_id: Cell::new(1),
            ended: Cell::new(false),
            pump_scheduled: Cell::new(false),
            tunnel: RefCell::new(None),
        }
    }

    fn is_open(&self) -> bool {
        self.pipeline.borrow().is_some() || self.ended.get()
    }

    fn set_version(&self, pooled: &Rc<Pooled<HttpSession>>, v: &Version) {
        let next = match v {
            Version::Http2 => Proto::Http2(Box::new(Http2 {
                conn: ClientConn::new(self.h2_settings),
                requesters: FxHashMap::default(),
                senders: Vec::new(),
            })),
            _ => Proto::Http1(Box::new(Http1 {
                encoder: RequestEncoder::new(self.buffer_size),
                decoder: ResponseDecoder::with_limits(self.limits),
                collecting: FxHashMap::default(),
                waiters: VecDeque::new(),
            })),
        };
        let http2 = matches!(next, Proto::Http2(_));
        let old = std::mem::replace(&mut *self.proto.borrow_mut(), next);
        if let Proto::Deciding(queued) = old {
            for (id, h, e) in queued {
                self.request_event(pooled, id, &h, e);
            }
        }
        self.pump(pooled);
        if http2 {
            self.ask_ping(pooled, Value::Undefined);
        }
    }

    /// Calls the `ping` option (with the last PING's Data as its ACK, or nothing at the start)
    /// and sends a PING with the Data it gives, now or when its Promise settles.
    fn ask_ping(&self, pooled: &Rc<Pooled<HttpSession>>, ack: Value) {
        if !self.ping.is_callable() || self.ended.get() {
            return;
        }
        let Some(ctx) = self.context.borrow().clone() else { return };
        let r = {
            let _in = crate::pipeline::context::enter(&ctx);
            pipy_value::function::call(&self.ping, &Value::Undefined, &[ack])
        };
        match r {
            Ok(v) if crate::pipeline::event::as_data(&v).is_some() => self.send_ping(pooled, v),
            Ok(v) => {
                let weak = Rc::downgrade(pooled);
                crate::pipeline::on_settled(&v, move |r| {
                    if let (Some(pooled), Ok(v)) = (weak.upgrade(), r) {
                        if crate::pipeline::event::as_data(&v).is_some() {
                            pooled.session().send_ping(&pooled, v);
                        }
                    }
                });
            }
            Err(e) => crate::log::script_error(&e, "muxHTTP() ping"),
        }
    }

    fn send_ping(&self, pooled: &Rc<Pooled<HttpSession>>, data: Value) {
        let sent = match &mut *self.proto.borrow_mut() {
            Proto::Http2(h2) => h2.conn.ping(),
            _ => false,
        };
        if sent {
            *self.ping_data.borrow_mut() = data;
            self.pump(pooled);
        }
    }

    /// Starts the session's sub-pipeline; it keeps the context of the stream that opened it, as
    /// the original does. The version is settled first when it is a function.
    fn open(pooled: &Rc<Pooled<HttpSession>>, layout: &Rc<Layout>, cx: &mut Cx<'_>, version: &Version) -> bool {
        let decided = match version {
            Version::Chosen(f) => {
                let Some(v) = cx.eval(f, &[]) else { return false };
                let weak = Rc::downgrade(pooled);
                let settle = move |r: Result<Value, Value>| {
                    let Some(pooled) = weak.upgrade() else { return };
                    let v = r.ok().and_then(|v| version_value(&v).ok()).unwrap_or(Version::Http1);
                    pooled.session().set_version(&pooled, &v);
                };
                if crate::pipeline::on_settled(&v, settle) {
                    None
                } else {
                    match version_value(&v) {
                        Ok(v) => Some(v),
                        Err(e) => {
                            cx.throw(e);
                            return false;
                        }
                    }
                }
            }
            v => Some(v.clone()),
        };
        let weak: Weak<Pooled<HttpSession>> = Rc::downgrade(pooled);
        // An HTTP/2 session carries streams of many clients, each paced by its own window
        // (`release_taken`): its reading must not wait on the flow of the client that opened it.
        let context = if matches!(decided, Some(Version::Http2)) {
            cx.context().fork_with_own_flow()
        } else {
            cx.context().clone()
        };
        let p = Pipeline::new(
            layout,
            context,
            Output::Func(Box::new(move |e| {
                if let Some(pooled) = weak.upgrade() {
                    pooled.session().on_output(&pooled, e);
                }
            })),
        );
        *pooled.session().pipeline.borrow_mut() = Some(p.clone());
        *pooled.session().context.borrow_mut() = Some(cx.context().clone());
        p.start(&[]);
        match decided {
            Some(v) => pooled.session().set_version(pooled, &v),
            // Gets the connection going (a TLS handshake, whose ALPN may settle the version).
            None => p.input(Event::Data(Data::new())),
        }
        true
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

    /// Whether request `id` is a CONNECT on HTTP/2 (its stream becomes the tunnel).
    fn is_h2_connect(&self, id: u32) -> bool {
        match &*self.proto.borrow() {
            Proto::Http2(h2) => h2.requesters.get(&id).is_some_and(|r| r.connect),
            Proto::Deciding(queued) => queued.iter().any(|(i, _, e)| {
                *i == id
                    && matches!(e, Event::MessageStart(head)
                        if request_head_of(head).is_ok_and(|h| h.method.eq_ignore_ascii_case("CONNECT")))
            }),
            Proto::Http1(_) => false,
        }
    }

    /// A new request on this session: its id.
    fn begin(&self) -> u32 {
        let id = self.next_id.get();
        self.next_id.set(id.wrapping_add(1).max(1));
        id
    }

    /// An event of request `id` from requester `h`.
    fn request_event(&self, pooled: &Rc<Pooled<HttpSession>>, id: u32, h: &StageHandle, e: Event) {
        let mut out = Outbox::new();
        let mut bytes = Vec::new();
        {
            let mut proto = self.proto.borrow_mut();
            match &mut *proto {
                Proto::Deciding(queued) => queued.push((id, h.clone(), e)),
                Proto::Http1(h1) => match e {
                    Event::MessageStart(head) => {
                        h1.collecting.insert(id, (head, Data::new()));
                    }
                    Event::Data(d) => {
                        if let Some((_, body)) = h1.collecting.get_mut(&id) {
                            body.push(&d);
                        }
                    }
                    Event::MessageEnd { .. } => {
                        let Some((head, body)) = h1.collecting.remove(&id) else { return };
                        let head = match request_head_of(&head) {
                            Ok(head) => head,
                            Err(e) => {
                                crate::log::error(&format!("muxHTTP(): {}", pipy_value::ops::describe(&e)));
                                failed_response(&mut out, h.clone(), false, "RuntimeError");
                                drop(proto);
                                return deliver_all(out);
                            }
                        };
                        let info = h1.encoder.head(&head);
                        for c in body.chunks() {
                            h1.encoder.body(c.clone(), &mut bytes);
                        }
                        h1.encoder.end(&mut bytes);
                        if let Some(info) = info {
                            h1.decoder.push_request(info);
                        }
                        h1.waiters.push_back((h.clone(), false));
                    }
                    Event::StreamEnd(_) => {
                        h1.collecting.remove(&id);
                    }
                },
                Proto::Http2(h2) => {
                    match e {
                        Event::MessageStart(head) => match heads::request_of(&head) {
                            Ok(req) => {
                                let connect = req.method() == ::http::Method::CONNECT;
                                h2.conn.start(id, req);
                                let r = Requester {
                                    handle: h.clone(),
                                    started: false,
                                    connect,
                                    tunnel: false,
                                    held: Held::default(),
                                };
                                h2.requesters.insert(id, r);
                            }
                            Err(e) => {
                                crate::log::error(&format!("muxHTTP(): {}", pipy_value::ops::describe(&e)));
                                failed_response(&mut out, h.clone(), false, "RuntimeError");
                            }
                        },
                        Event::Data(d) => {
                            h2.conn.data(id, &d);
                            if let Some(r) = h2.requesters.get_mut(&id)
                                && r.held.flow.is_none()
                            {
                                r.held.flow = h.pipeline().map(|p| p.context.flow.clone());
                                h2.senders.push(id);
                            }
                        }
                        // A CONNECT's request goes on as the tunnel's bytes.
                        Event::MessageEnd { .. } if h2.requesters.get(&id).is_some_and(|r| r.connect) => {}
                        Event::MessageEnd { tail, .. } => {
                            h2.conn.end_request(id, heads::trailers_of(&tail).ok().flatten())
                        }
                        Event::StreamEnd(_) if h2.requesters.get(&id).is_some_and(|r| r.tunnel) => {
                            // The tunnel's client side ended: END_STREAM; the other side may go on.
                            h2.conn.end_request(id, None);
                        }
                        Event::StreamEnd(_) => {
                            // The requester is gone: a stream still open is cancelled.
                            if h2.requesters.remove(&id).is_some() {
                                h2.conn.cancel(id);
                            }
                        }
                    }
                }
            }
        }
        self.send(bytes);
        deliver_all(out);
        Self::schedule_pump(pooled);
    }

    /// HTTP/2: drives the connection once this turn is over (a microtask), so a request's
    /// events that arrive together are framed together (a GET's head and end become one
    /// HEADERS frame with END_STREAM) and many streams' frames go out in one write.
    fn schedule_pump(pooled: &Rc<Pooled<HttpSession>>) {
        let s = pooled.session();
        if !matches!(*s.proto.borrow(), Proto::Http2(_)) || s.pump_scheduled.replace(true) {
            return;
        }
        let weak = Rc::downgrade(pooled);
        pipy_value::realm::enqueue_microtask(Box::new(move || {
            if let Some(pooled) = weak.upgrade() {
                pooled.session().pump_scheduled.set(false);
                pooled.session().pump(&pooled);
            }
        }));
    }

    /// HTTP/2: drives the connection, writes what it produced, hands back responses.
    fn pump(&self, pooled: &Rc<Pooled<HttpSession>>) {
        let mut out = Outbox::new();
        let mut bytes = Vec::new();
        let closed;
        let mut pong = false;
        // Response bytes handed to requesters: their windows open as the requesters keep up.
        let mut taken: Vec<(u32, usize, StageHandle)> = Vec::new();
        {
            let mut proto = self.proto.borrow_mut();
            let Proto::Http2(h2) = &mut *proto else { return };
            let mut replies = Vec::new();
            h2.conn.drive(&mut replies);
            bytes.extend(h2.conn.take_output());
            for r in replies {
                match r {
                    Reply::Head { id, head } => {
                        if let Some(r) = h2.requesters.get_mut(&id) {
                            r.started = true;
                            let accepted = response_head_of(&head).is_ok_and(|h| (200..300).contains(&h.status));
                            r.tunnel = r.connect && accepted;
                            out.push((r.handle.clone(), Event::MessageStart(head)));
                            if r.tunnel {
                                let end = Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined };
                                out.push((r.handle.clone(), end));
                            }
                        }
                    }
                    Reply::Body { id, data } => {
                        if let Some(r) = h2.requesters.get(&id) {
                            taken.push((id, data.len(), r.handle.clone()));
                            out.push((r.handle.clone(), Event::Data(data)));
                        }
                    }
                    Reply::End { id, tail } => {
                        if let Some(r) = h2.requesters.remove(&id) {
                            let e = if r.tunnel {
                                Event::end()
                            } else {
                                Event::MessageEnd { tail, payload: Value::Undefined }
                            };
                            out.push((r.handle, e));
                        }
                    }
                    Reply::Pong => pong = true,
                    Reply::Failed { id, reason } => {
                        if let Some(r) = h2.requesters.remove(&id) {
                            let code = match reason {
                                Some(r) if r == h2::Reason::REFUSED_STREAM => "ConnectionRefused",
                                _ => "ConnectionReset",
                            };
                            if r.tunnel {
                                let err = StreamError::Code(crate::pipeline::event::ErrorCode::ConnectionReset);
                                out.push((r.handle, Event::StreamEnd(Some(err))));
                            } else {
                                failed_response(&mut out, r.handle, r.started, code);
                            }
                        }
                    }
                }
            }
            // Request bodies that went out (or are waiting) since: their requesters' flows
            // follow.
            let Http2 { conn, requesters, senders } = &mut **h2;
            senders.retain(|id| match requesters.get_mut(id) {
                Some(r) => {
                    r.held.set(conn.backlog(*id));
                    true
                }
                None => false,
            });
            closed = h2.conn.is_closed();
        }
        self.send(bytes);
        deliver_all(out);
        if !taken.is_empty() {
            self.release_taken(pooled, taken);
        }
        if closed && !self.ended.get() {
            self.fail(pooled, None);
        }
        if pong {
            let ack = std::mem::take(&mut *self.ping_data.borrow_mut());
            self.ask_ping(pooled, ack);
        }
    }

    /// HTTP/2: opens the windows of streams whose requesters took their bytes and have room
    /// to go on (what they send to their client, queued or held, is under the limit); the
    /// others open when their requester's flow drains. A slow client thus slows its own
    /// streams, and the shared upstream connection goes on for everyone else.
    fn release_taken(&self, pooled: &Rc<Pooled<HttpSession>>, taken: Vec<(u32, usize, StageHandle)>) {
        let mut waits: Vec<(Rc<Flow>, u32, usize)> = Vec::new();
        let mut released = 0;
        {
            let mut proto = self.proto.borrow_mut();
            let Proto::Http2(h2) = &mut *proto else { return };
            for (id, n, h) in taken {
                let flow = h.pipeline().map(|p| p.context.flow.clone());
                match flow {
                    Some(f) if f.downstream_full() => waits.push((f, id, n)),
                    _ => {
                        h2.conn.release(id, n);
                        released += n;
                    }
                }
            }
        }
        for (flow, id, n) in waits {
            let weak = Rc::downgrade(pooled);
            tokio::task::spawn_local(async move {
                flow.room_downstream().await;
                if let Some(pooled) = weak.upgrade() {
                    if let Proto::Http2(h2) = &mut *pooled.session().proto.borrow_mut() {
                        h2.conn.release(id, n);
                    }
                    Self::schedule_pump(&pooled);
                }
            });
        }
        // The WINDOW_UPDATEs go out with the next drive. One is due now only when enough was
        // released that the server may be running out of window (it gets an update when half
        // of a window was released; a window is never less than 4 times this).
        let due = (self.h2_settings.stream_window as usize / 4).min(16 << 10);
        if released >= due {
            Self::schedule_pump(pooled);
        }
    }

    /// Output of the session's sub-pipeline: responses to decode and hand back.
    fn on_output(&self, pooled: &Rc<Pooled<HttpSession>>, e: Event) {
        let mut decoded = Vec::new();
        let mut failure: Option<Option<StreamError>> = None;
        {
            let mut proto = self.proto.borrow_mut();
            match (&mut *proto, e) {
                (Proto::Http2(h2), Event::Data(d)) => {
                    for c in d.chunks() {
                        h2.conn.feed(c);
                    }
                }
                (Proto::Http2(h2), Event::StreamEnd(err)) => {
                    h2.conn.end();
                    failure = Some(err);
                }
                (Proto::Http1(h1), Event::Data(d)) => {
                    for c in d.chunks() {
                        if let Err(err) = h1.decoder.feed(c.clone(), &mut decoded) {
                            crate::log::debug(&format!("[muxHTTP] bad response: {err}"));
                            failure = Some(Some(StreamError::Code(crate::pipeline::event::ErrorCode::ProtocolError)));
                            break;
                        }
                    }
                }
                (Proto::Http1(h1), Event::StreamEnd(err)) => {
                    let _ = h1.decoder.finish(&mut decoded);
                    failure = Some(err);
                }
                (Proto::Deciding(_), Event::StreamEnd(err)) => failure = Some(err),
                _ => {}
            }
        }
        if !decoded.is_empty() {
            self.deliver(pooled, decoded);
        }
        self.pump(pooled);
        if let Some(err) = failure {
            self.fail(pooled, err);
        }
    }

    /// HTTP/1: decoded responses to their requesters, in order.
    fn deliver(&self, pooled: &Pooled<HttpSession>, events: Vec<http::Event<http::ResponseHead>>) {
        let mut out = Outbox::new();
        {
            let mut proto = self.proto.borrow_mut();
            let Proto::Http1(h1) = &mut *proto else { return };
            for ev in events {
                if let http::Event::Tunnel(b) = &ev {
                    if let Some(h) = self.tunnel.borrow().as_ref() {
                        out.push((h.clone(), Event::Data(Data::from(b.clone()))));
                    }
                    continue;
                }
                let Some(handle) = h1.waiters.front().map(|(h, _)| h.clone()) else { continue };
                match ev {
                    http::Event::Head { head, info } => {
                        if let Some(w) = h1.waiters.front_mut() {
                            w.1 = true;
                        }
                        if info.tunnel.is_some() {
                            *self.tunnel.borrow_mut() = Some(handle.clone());
                            pooled.retire();
                        }
                        out.push((handle, Event::MessageStart(response_head_value(head))));
                    }
                    http::Event::Body(b) => out.push((handle, Event::Data(Data::from(b)))),
                    http::Event::End(tail) => {
                        h1.waiters.pop_front();
                        out.push((handle, Event::MessageEnd { tail: tail_value(tail), payload: Value::Undefined }));
                    }
                    http::Event::Tunnel(_) | http::Event::Http2Preface => {}
                }
            }
        }
        deliver_all(out);
    }

    /// The upstream ended: every requester still waiting gets an answer or an end.
    fn fail(&self, pooled: &Pooled<HttpSession>, err: Option<StreamError>) {
        self.ended.set(true);
        pooled.retire();
        let mut out = Outbox::new();
        if let Some(h) = self.tunnel.borrow_mut().take() {
            out.push((h, Event::StreamEnd(err.clone())));
        }
        let code = error_code_name(&err);
        let waiting: Vec<(StageHandle, bool)> = match &mut *self.proto.borrow_mut() {
            Proto::Http1(h1) => h1.waiters.drain(..).collect(),
            Proto::Http2(h2) => {
                let mut v: Vec<(u32, Requester)> = h2.requesters.drain().collect();
                v.sort_unstable_by_key(|(id, _)| *id);
                v.into_iter().map(|(_, r)| (r.handle, r.started)).collect()
            }
            Proto::Deciding(queued) => {
                let mut seen = Vec::new();
                for (id, h, _) in queued.drain(..) {
                    if !seen.iter().any(|(i, _)| *i == id) {
                        seen.push((id, h));
                    }
                }
                seen.into_iter().map(|(_, h)| (h, false)).collect()
            }
        };
        for (h, started) in waiting {
            failed_response(&mut out, h, started, code);
        }
        let p = self.pipeline.borrow_mut().take();
        deliver_all(out);
        drop(p);
    }
}

struct MuxHttp {
    cfg: Rc<Config>,
    sub: Option<Rc<SubSlot>>,
    session: Option<Lease<HttpSession>>,
    /// The request in progress on the session.
    request: Option<u32>,
    /// The last request sent, whose response may still be due.
    last: Option<u32>,
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
            cx.context().inbound_value()
        } else {
            let sel = self.cfg.selector.clone();
            cx.eval(&sel, &[])?
        };
        let key = SessionKey::of(&key_value);
        let (pool, options) = (self.cfg.pool.clone(), self.cfg.options.clone());
        let (buffer_size, limits, h2, ping) =
            (self.cfg.buffer_size, self.cfg.limits, self.cfg.h2, self.cfg.ping.clone());
        let lease = pool.lease(&key, || Some(options), || HttpSession::new(buffer_size, limits, h2, ping))?;
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
            if !HttpSession::open(&pooled, &layout, cx, &self.cfg.version) {
                pooled.retire();
                return None;
            }
        }
        self.key_object = Some(key_value);
        self.session = Some(lease);
        Some(pooled)
    }
}

impl Filter for MuxHttp {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::MessageStart(_) => {
                let Some(s) = self.session(cx) else { return };
                let id = s.session().begin();
                self.request = Some(id);
                self.last = Some(id);
                s.count_use();
                s.session().request_event(&s, id, &cx.handle(), e);
            }
            Event::Data(d) => {
                let Some(lease) = &self.session else { return };
                let s = lease.pooled().clone();
                if s.session().tunnel.borrow().is_some() {
                    // Our HTTP/1 tunnel: the client's bytes go upstream as they are.
                    return s.session().send(d.chunks().cloned().collect());
                }
                if let Some(id) = self.request {
                    s.session().request_event(&s, id, &cx.handle(), Event::Data(d));
                }
            }
            Event::MessageEnd { .. } => {
                let Some(id) = self.request else { return };
                let Some(s) = self.session.as_ref().map(|l| l.pooled().clone()) else { return };
                // An HTTP/2 CONNECT's stream stays the way in for the tunnel's bytes.
                if !s.session().is_h2_connect(id) {
                    self.request = None;
                }
                s.session().request_event(&s, id, &cx.handle(), e);
            }
            Event::StreamEnd(_) => {
                let Some(s) = self.session.as_ref().map(|l| l.pooled().clone()) else { return };
                self.request = None;
                if let Some(id) = self.last.take() {
                    // A request cut short is dropped; an HTTP/2 stream still open is cancelled.
                    s.session().request_event(&s, id, &cx.handle(), e);
                }
                if s.session().tunnel.borrow().is_some() {
                    let p = s.session().pipeline.borrow().clone();
                    if let Some(p) = p {
                        p.input(Event::end());
                    }
                }
            }
        }
    }
}
