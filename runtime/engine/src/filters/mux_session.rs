//! Session pools for the mux family (`mux`/`muxQueue` here, `muxHTTP` later): many streams put
//! their messages into one shared *session* sub-pipeline and get its replies back in the order of
//! their requests (a FIFO of expected replies, which is also what HTTP/1 needs).
//!
//! A `SessionMap` belongs to one mux filter of one layout (so only filters at the same place share
//! sessions); it holds a pool of sessions per key. A source (one mux filter instance) `attach`es to
//! a session, `send`s whole requests with the number of reply messages it expects, `end_source`s
//! when its input ends and `detach`es when it goes away. A session keeps the context of the stream
//! that opened it. When no source has used it for `maxIdle` (or it served `maxMessages`, or its
//! object key is gone), the session gets a StreamEnd and is dropped; a session whose pipeline ends
//! is closed and the sources still waiting for replies get that StreamEnd.
//!
//! The pipeline of a session is made by the filter (`Session::open`), which gets the reply sink to
//! give as (or to wrap into) the pipeline's output: muxHTTP can put a response decoder in between.

use crate::pipeline::event::Event;
use crate::pipeline::{Pipeline, StageHandle};
use pipy_value::{JsResult, Value};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

/// How a pool shares and recycles its sessions.
#[derive(Clone)]
pub struct SessionOptions {
    /// How long a session with no sources stays open.
    pub max_idle: Duration,
    /// Sources a session takes at once (0: unlimited).
    pub max_queue: usize,
    /// Sources a session takes over its life (0: unlimited).
    pub max_messages: usize,
    /// The options object as given, for what the protocol reads itself (e.g. `outputCount`).
    pub extra: Value,
}

impl Default for SessionOptions {
    fn default() -> Self {
        SessionOptions { max_idle: Duration::from_secs(60), max_queue: 0, max_messages: 0, extra: Value::Undefined }
    }
}

impl SessionOptions {
    /// Reads `maxIdle`, `maxQueue` and `maxMessages` of an options object.
    pub fn parse(options: &Value) -> JsResult<SessionOptions> {
        let mut o = SessionOptions { extra: options.clone(), ..SessionOptions::default() };
        if let Some(s) = super::parse_duration(&super::option(options, "maxIdle")?)? {
            o.max_idle = Duration::from_secs_f64(s.max(0.0));
        }
        if let Value::Number(n) = super::option(options, "maxQueue")? {
            o.max_queue = n.max(0.0) as usize;
        }
        if let Value::Number(n) = super::option(options, "maxMessages")? {
            o.max_messages = n.max(0.0) as usize;
        }
        Ok(o)
    }
}

/// A session key: a primitive by value, an object by identity (held weakly, as the original does).
#[derive(Clone)]
pub enum SessionKey {
    Nullish,
    Bool(bool),
    Number(u64),
    String(String),
    Object(usize, Option<pipy_value::object::WeakObj>),
}

impl SessionKey {
    pub fn of(v: &Value) -> SessionKey {
        match v {
            Value::Undefined | Value::Null | Value::Hole => SessionKey::Nullish,
            Value::Bool(b) => SessionKey::Bool(*b),
            Value::Number(n) => SessionKey::Number(if *n == 0.0 { 0 } else { n.to_bits() }),
            Value::String(s) => SessionKey::String(s.to_rust_string()),
            Value::Object(o) => SessionKey::Object(o.addr(), Some(o.downgrade())),
            Value::Symbol(s) => SessionKey::Object(Rc::as_ptr(&s.0) as usize, None),
        }
    }

    /// The key as a value (what the session pipeline's onStart receives).
    pub fn value(&self) -> Value {
        match self {
            SessionKey::Nullish => Value::Undefined,
            SessionKey::Bool(b) => Value::Bool(*b),
            SessionKey::Number(n) => Value::Number(f64::from_bits(*n)),
            SessionKey::String(s) => Value::str(s),
            SessionKey::Object(_, w) => w.as_ref().and_then(|w| w.upgrade()).map(Value::Object).unwrap_or_default(),
        }
    }

    fn gone(&self) -> bool {
        matches!(self, SessionKey::Object(_, Some(w)) if !w.is_alive())
    }
}

impl PartialEq for SessionKey {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (SessionKey::Nullish, SessionKey::Nullish) => true,
            (SessionKey::Bool(a), SessionKey::Bool(b)) => a == b,
            (SessionKey::Number(a), SessionKey::Number(b)) => a == b,
            (SessionKey::String(a), SessionKey::String(b)) => a == b,
            (SessionKey::Object(a, _), SessionKey::Object(b, _)) => a == b,
            _ => false,
        }
    }
}
impl Eq for SessionKey {}
impl Hash for SessionKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        std::mem::discriminant(self).hash(state);
        match self {
            SessionKey::Nullish => {}
            SessionKey::Bool(b) => b.hash(state),
            SessionKey::Number(n) => n.hash(state),
            SessionKey::String(s) => s.hash(state),
            SessionKey::Object(a, _) => a.hash(state),
        }
    }
}

struct Pool {
    options: SessionOptions,
    sessions: Vec<Rc<Session>>,
}

/// The sessions of one mux filter of a layout, by key.
#[derive(Default)]
pub struct SessionMap {
    pools: RefCell<HashMap<SessionKey, Pool>>,
    recycling: Cell<bool>,
}

impl SessionMap {
    pub fn new() -> Rc<SessionMap> {
        Rc::new(SessionMap::default())
    }

    /// A session for `key`: an open one with room, or a new (not yet open) one. `options` is
    /// asked for only when the key has no pool yet.
    pub fn alloc(
        self: &Rc<Self>,
        key: &SessionKey,
        options: impl FnOnce() -> Option<SessionOptions>,
    ) -> Option<Rc<Session>> {
        // An object key whose object died: its address may be reused, so its pool is retired.
        let stale = self.pools.borrow().get_key_value(key).is_some_and(|(k, _)| k.gone());
        if stale {
            let old = self.pools.borrow_mut().remove(key);
            for s in old.map(|p| p.sessions).unwrap_or_default() {
                s.closed.set(true);
                let p = s.state.borrow_mut().pipeline.take();
                if let Some(p) = p {
                    p.input(Event::end());
                }
            }
        }
        if !self.pools.borrow().contains_key(key) {
            // Asked without holding the map: the options may come from a script function.
            let options = options()?;
            self.pools.borrow_mut().entry(key.clone()).or_insert(Pool { options, sessions: Vec::new() });
        }
        let mut pools = self.pools.borrow_mut();
        let pool = pools.get_mut(key)?;
        pool.sessions.retain(|s| !s.closed.get());
        let (max_queue, max_messages) = (pool.options.max_queue, pool.options.max_messages);
        for s in &pool.sessions {
            let st = s.state.borrow();
            if (max_queue == 0 || st.share_count < max_queue)
                && (max_messages == 0 || s.message_count.get() < max_messages)
            {
                drop(st);
                s.message_count.set(s.message_count.get() + 1);
                return Some(s.clone());
            }
        }
        let s = Rc::new(Session {
            map: Rc::downgrade(self),
            key: key.clone(),
            options: pool.options.clone(),
            closed: Cell::new(false),
            end: RefCell::new(None),
            message_count: Cell::new(1),
            state: RefCell::new(State::default()),
        });
        pool.sessions.push(s.clone());
        drop(pools);
        self.schedule_recycling();
        Some(s)
    }

    /// Sessions alive in every pool (for tests and diagnostics).
    pub fn session_count(&self) -> usize {
        self.pools.borrow().values().map(|p| p.sessions.len()).sum()
    }

    fn remove(&self, session: &Session) {
        let mut pools = self.pools.borrow_mut();
        if let Some(pool) = pools.get_mut(&session.key) {
            pool.sessions.retain(|s| !std::ptr::eq(&**s, session));
            if pool.sessions.is_empty() {
                pools.remove(&session.key);
            }
        }
    }

    /// Checks the pools periodically while any exist; idle sessions are ended.
    fn schedule_recycling(self: &Rc<Self>) {
        if self.recycling.replace(true) {
            return;
        }
        let weak = Rc::downgrade(self);
        let started = super::task::spawn(async move {
            loop {
                let Some(map) = weak.upgrade() else { return };
                let tick = map
                    .pools
                    .borrow()
                    .values()
                    .map(|p| p.options.max_idle)
                    .min()
                    .unwrap_or(Duration::from_secs(1))
                    .clamp(Duration::from_millis(10), Duration::from_secs(1));
                drop(map);
                tokio::time::sleep(tick).await;
                let Some(map) = weak.upgrade() else { return };
                if map.recycle() == 0 {
                    map.recycling.set(false);
                    return;
                }
            }
        });
        if started.is_none() {
            // Before the event loop runs: try again when a session is next freed or allocated.
            self.recycling.set(false);
        }
    }

    /// Ends sessions that are free and expired; returns how many sessions remain.
    fn recycle(&self) -> usize {
        let now = Instant::now();
        let mut expired = Vec::new();
        for (key, pool) in self.pools.borrow().iter() {
            for s in &pool.sessions {
                let st = s.state.borrow();
                if st.share_count > 0 {
                    continue;
                }
                let idle = st.free_since.map(|t| now.duration_since(t) >= pool.options.max_idle).unwrap_or(true);
                let used_up = pool.options.max_messages > 0 && s.message_count.get() >= pool.options.max_messages;
                if idle || used_up || key.gone() || st.pipeline.is_none() {
                    expired.push(s.clone());
                }
            }
        }
        for s in expired {
            let p = s.close();
            if let Some(p) = p {
                p.input(Event::end());
            }
        }
        self.session_count()
    }
}

/// A reply expected by a source.
struct Receiver {
    source: u64,
    remaining: u32,
    started: bool,
}

struct Source {
    handle: StageHandle,
    pending: u32,
    /// The source's input ended while replies were pending: output after the last one.
    eos: Option<Event>,
    /// The session ended while replies were due: the source got that StreamEnd already.
    ended: bool,
}

#[derive(Default)]
struct State {
    pipeline: Option<Rc<Pipeline>>,
    share_count: usize,
    free_since: Option<Instant>,
    receivers: VecDeque<Receiver>,
    sources: HashMap<u64, Source>,
}

/// One shared session sub-pipeline.
pub struct Session {
    map: Weak<SessionMap>,
    key: SessionKey,
    options: SessionOptions,
    closed: Cell<bool>,
    /// The StreamEnd its pipeline ended with.
    end: RefCell<Option<Event>>,
    message_count: Cell<usize>,
    state: RefCell<State>,
}

thread_local! {
    static NEXT_SOURCE: Cell<u64> = const { Cell::new(1) };
}

/// A new source id (one per mux filter instance).
pub fn new_source_id() -> u64 {
    NEXT_SOURCE.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    })
}

impl Session {
    pub fn key(&self) -> &SessionKey {
        &self.key
    }

    pub fn options(&self) -> &SessionOptions {
        &self.options
    }

    pub fn is_open(&self) -> bool {
        self.state.borrow().pipeline.is_some()
    }

    pub fn is_closed(&self) -> bool {
        self.closed.get()
    }

    /// The StreamEnd the session's pipeline ended with, if it did.
    pub fn end_event(&self) -> Option<Event> {
        self.end.borrow().clone()
    }

    /// Opens the session: `make` builds its pipeline with the given reply sink as (or inside) its
    /// output; it is then started with the key as its argument.
    pub fn open(self: &Rc<Self>, make: impl FnOnce(Box<dyn FnMut(Event)>) -> Rc<Pipeline>) {
        let weak = Rc::downgrade(self);
        let sink: Box<dyn FnMut(Event)> = Box::new(move |e| {
            if let Some(s) = weak.upgrade() {
                s.on_reply(e);
            }
        });
        let p = make(sink);
        self.state.borrow_mut().pipeline = Some(p.clone());
        p.start(&[self.key.value()]);
    }

    /// A source starts using this session; its replies are emitted from `handle`.
    pub fn attach(&self, source: u64, handle: StageHandle) {
        let mut st = self.state.borrow_mut();
        if st.sources.contains_key(&source) {
            return;
        }
        st.sources.insert(source, Source { handle, pending: 0, eos: None, ended: false });
        st.share_count += 1;
        st.free_since = None;
    }

    /// A source is gone (or done): replies still due to it are dropped.
    pub fn detach(&self, source: u64) {
        let mut st = self.state.borrow_mut();
        if st.sources.remove(&source).is_some() {
            st.share_count = st.share_count.saturating_sub(1);
            if st.share_count == 0 {
                st.free_since = Some(Instant::now());
                drop(st);
                if let Some(m) = self.map.upgrade() {
                    m.schedule_recycling();
                }
            }
        }
    }

    /// Writes a whole request into the session; `replies` messages are expected back for it.
    pub fn send(&self, source: u64, events: Vec<Event>, replies: u32) {
        let p = {
            let mut st = self.state.borrow_mut();
            if replies > 0 {
                st.receivers.push_back(Receiver { source, remaining: replies, started: false });
                if let Some(s) = st.sources.get_mut(&source) {
                    s.pending += 1;
                }
            }
            st.pipeline.clone()
        };
        if let Some(p) = p {
            p.input_all(events);
        }
    }

    /// The source's input ended. True: output `eos` now (and the source is detached); false:
    /// the session emits it after the replies still due (or the source already got the session's
    /// own StreamEnd).
    pub fn end_source(&self, source: u64, eos: Event) -> bool {
        {
            let mut st = self.state.borrow_mut();
            if let Some(s) = st.sources.get_mut(&source) {
                if s.pending > 0 {
                    s.eos = Some(eos);
                    return false;
                }
            }
        }
        let ended = self.state.borrow().sources.get(&source).is_some_and(|s| s.ended);
        self.detach(source);
        !ended
    }

    /// Marks the session closed and takes it out of its pool; returns its pipeline to drop.
    fn close(&self) -> Option<Rc<Pipeline>> {
        self.closed.set(true);
        if let Some(m) = self.map.upgrade() {
            m.remove(self);
        }
        self.state.borrow_mut().pipeline.take()
    }

    fn on_reply(&self, e: Event) {
        let mut out: Vec<(StageHandle, Event)> = Vec::new();
        let end = e.is_stream_end();
        {
            let mut st = self.state.borrow_mut();
            let st = &mut *st;
            let mut finished = None;
            if let Some(r) = st.receivers.front_mut() {
                let to = st.sources.get(&r.source).map(|s| s.handle.clone());
                let mut emit = |e: Event| {
                    if let Some(h) = &to {
                        out.push((h.clone(), e));
                    }
                };
                match &e {
                    Event::MessageStart(_) => {
                        if !r.started {
                            r.started = true;
                            emit(e.clone());
                        }
                    }
                    Event::Data(_) => {
                        if r.started {
                            emit(e.clone());
                        }
                    }
                    Event::MessageEnd { .. } | Event::StreamEnd(_) => {
                        if r.started {
                            r.started = false;
                            emit(if end {
                                Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined }
                            } else {
                                e.clone()
                            });
                            r.remaining = r.remaining.saturating_sub(1);
                            if r.remaining == 0 {
                                finished = Some(r.source);
                            }
                        }
                    }
                }
            }
            if let Some(id) = finished {
                st.receivers.pop_front();
                if let Some(s) = st.sources.get_mut(&id) {
                    s.pending = s.pending.saturating_sub(1);
                    if s.pending == 0 {
                        if let Some(eos) = s.eos.take() {
                            out.push((s.handle.clone(), eos));
                            st.sources.remove(&id);
                            st.share_count = st.share_count.saturating_sub(1);
                            if st.share_count == 0 {
                                st.free_since = Some(Instant::now());
                            }
                        }
                    }
                }
            }
            if end {
                // The session is over: everyone still waiting gets its end.
                let mut told = std::collections::HashSet::new();
                for r in st.receivers.drain(..) {
                    if told.insert(r.source) {
                        if let Some(s) = st.sources.get_mut(&r.source) {
                            s.pending = 0;
                            s.eos = None;
                            s.ended = true;
                            out.push((s.handle.clone(), e.clone()));
                        }
                    }
                }
            }
        }
        let dropped = if end {
            *self.end.borrow_mut() = Some(e);
            self.close()
        } else {
            None
        };
        for (h, e) in out {
            h.emit(e);
        }
        drop(dropped);
    }
}

/// Evaluates a mux options argument: an object, or a function returning one.
pub fn eval_options(v: &Value) -> JsResult<Value> {
    if v.is_callable() { pipy_value::function::call(v, &Value::Undefined, &[]) } else { Ok(v.clone()) }
}
