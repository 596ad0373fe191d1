//! `muxFastCGI(selector?, options?).to(sub)`: the FastCGI client (web server) side, towards a
//! responder such as php-fpm. Each input Message is a request: its head is `{role, keepAlive,
//! params}` (role 1, the responder, by default; `keepAlive` sets FCGI_KEEP_CONN; params an object
//! whose values are sent as strings), sent as FCGI_BEGIN_REQUEST and FCGI_PARAMS, and its body
//! streams out as FCGI_STDIN. The response comes back as a Message with no head, FCGI_STDOUT as
//! its body (the CGI output: headers, a blank line, the content) and a tail `{appStatus,
//! protocolStatus, stderr}` (stderr a Data of what FCGI_STDERR carried), as in the original.
//!
//! Requests travel over upstream sessions — one sub-pipeline each (usually `connect`) — kept in
//! the engine's one upstream pool (`crate::pool`) by the selector's key (by default the inbound
//! connection), with the original's options `maxIdle` (seconds a free session stays, default
//! 60), `maxQueue` (streams sharing a session at once, default 1) and `maxMessages` (requests a
//! session carries in all); the options may be a function giving them. Requests on one session
//! get the lowest free request ids, and responses are routed by id, so a session with room for
//! several streams multiplexes them.
//!
//! Where this differs from the original: every Message of a stream is a request (the original
//! sends only a stream's first); a session that ends before a response is complete ends the
//! waiting streams with its error (`ConnectionRefused` when the responder is down, else
//! `ConnectionReset`), which `demuxHTTP` answers with the same 502 as the HTTP proxy — the
//! original leaves them waiting; a malformed response record is logged and ends the session
//! with a `ProtocolError`; FCGI_STDERR kept for a tail is capped at 1 MiB.

use super::mux_session::{eval_options, new_source_id};
use super::{BuildCx, FilterSpec, arg, check_options, joint_factory, option};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, ErrorCode, Event, StreamError};
use crate::pipeline::{Cx, Filter, FilterFactory, Outbox, Output, Pipeline, StageHandle, SubSlot, deliver_all};
use crate::pool::{Lease, Pool, PoolOptions, Pooled, Session, SessionKey};
use pipy_protocols::fastcgi::{self as fcgi, BeginRequest, EndRequest, Record, RecordDecoder};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, attr, error, ops};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::rc::{Rc, Weak};

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "muxFastCGI",
    params: "(selector?, options?)",
    help: "FastCGI client: sends request Messages (head: role, keepAlive, params) over pooled upstream sessions (a sub-pipeline each) chosen by selector",
    joint: true,
    options: OPTIONS,
    build,
}];

const OPTIONS: &[&str] = &["maxIdle", "maxQueue", "maxMessages"];

/// The most FCGI_STDERR bytes kept for a response's tail.
const MAX_STDERR: usize = 1 << 20;

struct Config {
    selector: Value,
    /// Parsed constant options, or a function giving them per new key.
    options: Result<PoolOptions, Value>,
    /// This filter's sessions.
    pool: Rc<Pool<FcgiSession>>,
}

fn parse_options(options: &Value) -> JsResult<PoolOptions> {
    check_options("muxFastCGI", options, OPTIONS)?;
    PoolOptions::parse(options, PoolOptions::with_max_queue(1))
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let (selector, options) = match (arg(args, 0), arg(args, 1)) {
        (f, o) if f.is_callable() => (f, o),
        (Value::Undefined | Value::Null, o) => (Value::Undefined, o),
        (o @ Value::Object(_), Value::Undefined) => (Value::Undefined, o),
        (v, _) => {
            return Err(error::type_error(&format!(
                "muxFastCGI(): the session selector must be a function, got {}",
                ops::describe(&v)
            )));
        }
    };
    let options = if options.is_callable() { Err(options) } else { Ok(parse_options(&options)?) };
    let cfg = Config { selector, options, pool: Pool::new() };
    Ok(joint_factory("muxFastCGI", cfg, SubSlot::new(None), |c, s| {
        Box::new(MuxFastCgi {
            cfg: c.clone(),
            sub: s.cloned(),
            id: new_source_id(),
            session: None,
            draining: Vec::new(),
            request: None,
            key_object: None,
            done: false,
        })
    }))
}

/// What a request's head asks: FCGI_BEGIN_REQUEST's body and the encoded params.
fn request_of(head: &Value) -> JsResult<(BeginRequest, Vec<u8>)> {
    let head = event::script_value(head);
    let role = match option(&head, "role")? {
        Value::Undefined | Value::Null => fcgi::RESPONDER,
        v => ops::to_number(&v).map(|n| if n.is_finite() { n as i64 as u16 } else { fcgi::RESPONDER })?,
    };
    let flags = if option(&head, "keepAlive")?.truthy() { fcgi::KEEP_CONN } else { 0 };
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    let params = option(&head, "params")?;
    if let Value::Object(o) = &params {
        for k in ops::own_enumerable_keys(o) {
            let name = k.to_rust_string();
            let v = ops::get_str(&params, &name)?;
            let value = ops::to_string(&v)?.to_rust_string();
            pairs.push((name.into_bytes(), value.into_bytes()));
        }
    }
    let mut encoded = Vec::new();
    fcgi::write_params(pairs.iter().map(|(n, v)| (n.as_slice(), v.as_slice())), &mut encoded);
    Ok((BeginRequest { role, flags }, encoded))
}

/// The tail of a response: `{appStatus, protocolStatus, stderr}`.
fn tail_value(end: &EndRequest, stderr: Vec<u8>) -> Value {
    let t = Obj::ordinary();
    t.define_value("appStatus", Value::Number(f64::from(end.app_status as i32)), attr::DEFAULT);
    t.define_value("protocolStatus", Value::from(usize::from(end.protocol_status)), attr::DEFAULT);
    t.define_value("stderr", event::data_value(Data::from(stderr)), attr::DEFAULT);
    Value::Object(t)
}

/// A request waiting for its response.
struct Waiter {
    /// The stream (filter instance) that sent it.
    source: u64,
    handle: StageHandle,
    started: bool,
    stdout_ended: bool,
    stderr: Vec<u8>,
}

/// An upstream session: its sub-pipeline and the requests in flight on it, by id.
struct FcgiSession {
    pipeline: RefCell<Option<Rc<Pipeline>>>,
    decoder: RefCell<RecordDecoder>,
    waiters: RefCell<BTreeMap<u16, Waiter>>,
    /// Streams whose input ended while their responses were due: their StreamEnd, output
    /// after their last response.
    ends: RefCell<HashMap<u64, (StageHandle, Event)>>,
    /// The upstream ended (with this error, if any): the session takes no more requests.
    ended: Cell<bool>,
    end_error: RefCell<Option<StreamError>>,
}

impl Session for FcgiSession {
    fn close(&self) {
        let p = self.pipeline.borrow_mut().take();
        if let Some(p) = p {
            p.input(Event::end());
        }
    }
}

impl FcgiSession {
    fn new() -> FcgiSession {
        FcgiSession {
            pipeline: RefCell::new(None),
            decoder: RefCell::new(RecordDecoder::new()),
            waiters: RefCell::new(BTreeMap::new()),
            ends: RefCell::new(HashMap::new()),
            ended: Cell::new(false),
            end_error: RefCell::new(None),
        }
    }

    fn is_open(&self) -> bool {
        self.pipeline.borrow().is_some() || self.ended.get()
    }

    /// A new request of stream `source`, answered through `handle`: the lowest id not in
    /// flight (None when all 65535 are).
    fn open_request(&self, source: u64, handle: StageHandle) -> Option<u16> {
        let mut waiters = self.waiters.borrow_mut();
        let id = (1..=u16::MAX).find(|id| !waiters.contains_key(id))?;
        waiters.insert(id, Waiter { source, handle, started: false, stdout_ended: false, stderr: Vec::new() });
        Some(id)
    }

    /// Stream `source`'s input ended with `eos`. True: output it now; false: it goes out after
    /// the stream's last response.
    fn end_stream(&self, source: u64, handle: StageHandle, eos: Event) -> bool {
        if self.waiters.borrow().values().any(|w| w.source == source) {
            self.ends.borrow_mut().insert(source, (handle, eos));
            false
        } else {
            true
        }
    }

    fn send(&self, bytes: Vec<u8>) {
        let p = self.pipeline.borrow().clone();
        if let (Some(p), false) = (p, bytes.is_empty()) {
            p.input(Event::Data(Data::from(bytes)));
        }
    }

    /// Output of the session's sub-pipeline: response records to hand back.
    fn on_output(&self, pooled: &Rc<Pooled<FcgiSession>>, e: Event) {
        match e {
            Event::Data(d) => {
                let mut records = Vec::new();
                let mut result = Ok(());
                {
                    let mut decoder = self.decoder.borrow_mut();
                    for c in d.chunks() {
                        result = decoder.feed(c, &mut records);
                        if result.is_err() {
                            break;
                        }
                    }
                }
                let mut out = Outbox::new();
                for r in records {
                    if result.is_err() {
                        break;
                    }
                    result = self.route(r, &mut out);
                }
                deliver_all(out);
                if let Err(err) = result {
                    crate::log::error(&format!("[muxFastCGI] malformed FastCGI record from upstream: {err}"));
                    let p = self.pipeline.borrow_mut().take();
                    self.fail(pooled, Some(StreamError::Code(ErrorCode::ProtocolError)));
                    if let Some(p) = p {
                        p.input(Event::end());
                    }
                }
            }
            Event::StreamEnd(err) => self.fail(pooled, err),
            Event::MessageStart(_) | Event::MessageEnd { .. } => {}
        }
    }

    /// One response record to its requester.
    fn route(&self, r: Record, out: &mut Outbox) -> Result<(), fcgi::Error> {
        let mut waiters = self.waiters.borrow_mut();
        let id = r.request_id;
        let start = |w: &mut Waiter, out: &mut Outbox| {
            if !w.started {
                w.started = true;
                out.push((w.handle.clone(), Event::MessageStart(Value::Null)));
            }
        };
        match r.kind {
            fcgi::STDOUT => {
                let Some(w) = waiters.get_mut(&id) else { return Ok(()) };
                start(w, out);
                if w.stdout_ended {
                } else if r.content.is_empty() {
                    w.stdout_ended = true;
                } else {
                    out.push((w.handle.clone(), Event::Data(Data::from(r.content))));
                }
            }
            fcgi::STDERR => {
                let Some(w) = waiters.get_mut(&id) else { return Ok(()) };
                start(w, out);
                let room = MAX_STDERR.saturating_sub(w.stderr.len());
                w.stderr.extend_from_slice(&r.content[..r.content.len().min(room)]);
            }
            fcgi::END_REQUEST => {
                let end = EndRequest::parse(&r.content)?;
                let Some(mut w) = waiters.remove(&id) else { return Ok(()) };
                start(&mut w, out);
                let tail = tail_value(&end, std::mem::take(&mut w.stderr));
                out.push((w.handle, Event::MessageEnd { tail, payload: Value::Undefined }));
                if !waiters.values().any(|o| o.source == w.source) {
                    if let Some(end) = self.ends.borrow_mut().remove(&w.source) {
                        out.push(end);
                    }
                }
            }
            // Management records and anything else are no business of a request.
            _ => {}
        }
        Ok(())
    }

    /// The upstream ended: every request still waiting ends with its error.
    fn fail(&self, pooled: &Pooled<FcgiSession>, err: Option<StreamError>) {
        self.ended.set(true);
        pooled.retire();
        let err = err.unwrap_or(StreamError::Code(ErrorCode::ConnectionReset));
        *self.end_error.borrow_mut() = Some(err.clone());
        let waiting: Vec<Waiter> = std::mem::take(&mut *self.waiters.borrow_mut()).into_values().collect();
        self.ends.borrow_mut().clear();
        // One end per stream, however many of its requests were waiting.
        let mut told = Vec::new();
        let mut out = Outbox::new();
        for w in waiting {
            if !told.contains(&w.source) {
                told.push(w.source);
                out.push((w.handle, Event::StreamEnd(Some(err.clone()))));
            }
        }
        let p = self.pipeline.borrow_mut().take();
        deliver_all(out);
        drop(p);
    }

    /// Starts the session's sub-pipeline; it keeps the context of the stream that opened it.
    fn open(pooled: &Rc<Pooled<FcgiSession>>, layout: &Rc<crate::pipeline::Layout>, cx: &Cx<'_>) {
        let weak: Weak<Pooled<FcgiSession>> = Rc::downgrade(pooled);
        let p = Pipeline::new(
            layout,
            cx.context().clone(),
            Output::Func(Box::new(move |e| {
                if let Some(pooled) = weak.upgrade() {
                    pooled.session().on_output(&pooled, e);
                }
            })),
        );
        *pooled.session().pipeline.borrow_mut() = Some(p.clone());
        p.start(&[]);
    }
}

struct MuxFastCgi {
    cfg: Rc<Config>,
    sub: Option<Rc<SubSlot>>,
    /// This stream's id in its sessions.
    id: u64,
    session: Option<Lease<FcgiSession>>,
    /// Earlier sessions that take no new requests but still owe this stream a response.
    draining: Vec<Lease<FcgiSession>>,
    /// The request being sent (between its MessageStart and MessageEnd).
    request: Option<u16>,
    /// Keeps a selector's object key alive while this stream uses the session.
    key_object: Option<Value>,
    /// The input ended: later events are ignored.
    done: bool,
}

impl MuxFastCgi {
    fn pool_options(cfg: &Config, cx: &mut Cx<'_>) -> Option<PoolOptions> {
        match &cfg.options {
            Ok(o) => Some(o.clone()),
            Err(f) => {
                let r = eval_options(f).and_then(|v| {
                    if matches!(v, Value::Object(_)) {
                        parse_options(&v)
                    } else {
                        Err(error::type_error("muxFastCGI(): the options callback did not return an object"))
                    }
                });
                match r {
                    Ok(o) => Some(o),
                    Err(e) => {
                        cx.throw(e);
                        None
                    }
                }
            }
        }
    }

    /// The session to send on: the current one while it lasts, else one from the pool.
    fn session(&mut self, cx: &mut Cx<'_>) -> Option<Rc<Pooled<FcgiSession>>> {
        if let Some(lease) = &self.session {
            if !lease.session().ended.get() && !lease.pooled().is_retired() {
                return Some(lease.pooled().clone());
            }
        }
        let id = self.id;
        let owes = |l: &Lease<FcgiSession>| {
            !l.session().ended.get() && l.session().waiters.borrow().values().any(|w| w.source == id)
        };
        self.draining.retain(owes);
        if let Some(old) = self.session.take().filter(owes) {
            self.draining.push(old);
        }
        let key_value = if self.cfg.selector.is_undefined() {
            cx.context().inbound_value()
        } else {
            let sel = self.cfg.selector.clone();
            cx.eval(&sel, &[])?
        };
        let key = SessionKey::of(&key_value);
        let cfg = self.cfg.clone();
        let lease = cfg.pool.lease(&key, || Self::pool_options(&cfg, cx), FcgiSession::new)?;
        let pooled = lease.pooled().clone();
        if !pooled.session().is_open() {
            let Some(layout) = super::sub_layout(cx, self.sub.as_ref(), "muxFastCGI") else {
                pooled.retire();
                return None;
            };
            FcgiSession::open(&pooled, &layout, cx);
        }
        if pooled.session().ended.get() {
            // The session ended while starting: so does this stream.
            let err = pooled.session().end_error.borrow().clone();
            cx.output(Event::StreamEnd(err));
            return None;
        }
        self.key_object = Some(key_value);
        self.session = Some(lease);
        Some(pooled)
    }

    fn current(&self) -> Option<Rc<Pooled<FcgiSession>>> {
        self.session.as_ref().map(|l| l.pooled().clone())
    }

    /// Ends the body of the request being sent (an empty FCGI_STDIN).
    fn end_request(&mut self) {
        let (Some(id), Some(s)) = (self.request.take(), self.current()) else { return };
        let mut bytes = Vec::new();
        fcgi::write_record(fcgi::STDIN, id, &[], &mut bytes);
        s.session().send(bytes);
    }
}

impl Filter for MuxFastCgi {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.done {
            return;
        }
        match e {
            Event::MessageStart(head) => {
                if self.request.is_some() {
                    return;
                }
                let (begin, params) = match request_of(&head) {
                    Ok(v) => v,
                    Err(err) => return cx.throw(err),
                };
                let Some(s) = self.session(cx) else { return };
                let Some(id) = s.session().open_request(self.id, cx.handle()) else {
                    crate::log::error("[muxFastCGI] all 65535 request ids of a session are in use");
                    return cx.fail(ErrorCode::BufferOverflow);
                };
                s.count_use();
                if begin.flags & fcgi::KEEP_CONN == 0 {
                    // The responder closes the connection after this response: later requests
                    // go to a new session, even if the close has not come yet.
                    s.retire();
                }
                self.request = Some(id);
                let mut bytes = Vec::new();
                fcgi::write_record(fcgi::BEGIN_REQUEST, id, &begin.to_bytes(), &mut bytes);
                if !params.is_empty() {
                    fcgi::write_record(fcgi::PARAMS, id, &params, &mut bytes);
                }
                fcgi::write_record(fcgi::PARAMS, id, &[], &mut bytes);
                s.session().send(bytes);
            }
            Event::Data(d) => {
                let (Some(id), Some(s)) = (self.request, self.current()) else { return };
                if !d.is_empty() {
                    let mut bytes = Vec::new();
                    fcgi::write_record(fcgi::STDIN, id, &d.to_vec(), &mut bytes);
                    s.session().send(bytes);
                }
            }
            // The end of the request's body.
            Event::MessageEnd { .. } => self.end_request(),
            // A request cut short is ended too, as in the original; the stream's end goes out
            // after its responses.
            Event::StreamEnd(_) => {
                self.done = true;
                self.end_request();
                let now = match self.current() {
                    Some(s) if !s.session().ended.get() => s.session().end_stream(self.id, cx.handle(), e.clone()),
                    _ => true,
                };
                if now {
                    cx.output(e);
                }
            }
        }
    }
}
