//! The one pool of upstream sessions, shared by every filter that multiplexes streams onto
//! sessions: `mux`/`muxQueue` (messages into a shared sub-pipeline), `muxHTTP` (HTTP/1 requests
//! onto upstream connections) and the HTTP/2 client (streams on one connection).
//!
//! A [`Pool`] belongs to one filter of one layout, so only filters at the same place share
//! sessions. It keeps its sessions by [`SessionKey`] (what the filter's selector gave: a primitive
//! by value, an object by identity, held weakly as the original does). A stream takes a
//! [`Lease`] on a session with room (`maxQueue` streams at once, `maxMessages` uses over its
//! life); dropping the lease lets go of it. A session nobody holds is closed when it has been
//! free for `maxIdle`, when it is used up, when its key object is gone, or at once when the worker
//! shuts down. What a session *is* (its sub-pipeline, its codec, how replies are routed) is the
//! filter's business: the pool holds it as `S` and only calls [`Session::close`].

use crate::net;
use pipy_value::object::WeakObj;
use pipy_value::{JsResult, Value};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::rc::{Rc, Weak};
use std::time::{Duration, Instant};

/// How a pool shares and recycles its sessions (`maxIdle`, `maxQueue`, `maxMessages`).
#[derive(Clone)]
pub struct PoolOptions {
    /// How long a session nobody holds stays open.
    pub max_idle: Duration,
    /// Streams a session takes at once (0: unlimited).
    pub max_queue: usize,
    /// Uses a session takes over its life (0: unlimited); what a use is, the filter says
    /// ([`Pooled::count_use`]).
    pub max_messages: usize,
    /// The options object as given, for what the filter reads itself (`mux`'s `outputCount`).
    pub extra: Value,
}

impl PoolOptions {
    /// The defaults of a filter: `max_queue` streams at once, a minute of idleness.
    pub fn with_max_queue(max_queue: usize) -> PoolOptions {
        PoolOptions { max_idle: Duration::from_secs(60), max_queue, max_messages: 0, extra: Value::Undefined }
    }

    /// Reads `maxIdle`, `maxQueue` and `maxMessages` of an options object over `defaults`.
    pub fn parse(options: &Value, defaults: PoolOptions) -> JsResult<PoolOptions> {
        use crate::filters::{option, parse_duration};
        let mut o = PoolOptions { extra: options.clone(), ..defaults };
        if let Some(s) = parse_duration(&option(options, "maxIdle")?)? {
            o.max_idle = Duration::from_secs_f64(s.max(0.0));
        }
        if let Value::Number(n) = option(options, "maxQueue")? {
            o.max_queue = n.max(0.0) as usize;
        }
        if let Value::Number(n) = option(options, "maxMessages")? {
            o.max_messages = n.max(0.0) as usize;
        }
        Ok(o)
    }
}

/// A session key: a primitive by value, an object by identity (held weakly, as the original does).
/// An inbound connection's object (the default key of muxHTTP) is marked, so its sessions close
/// when the connection does.
#[derive(Clone)]
pub enum SessionKey {
    Nullish,
    Bool(bool),
    Number(u64),
    String(String),
    Object(usize, Option<WeakObj>),
    Inbound(usize, WeakObj),
}

impl SessionKey {
    pub fn of(v: &Value) -> SessionKey {
        match v {
            Value::Undefined | Value::Null | Value::Hole => SessionKey::Nullish,
            Value::Bool(b) => SessionKey::Bool(*b),
            Value::Number(n) => SessionKey::Number(if *n == 0.0 { 0 } else { n.to_bits() }),
            Value::String(s) => SessionKey::String(s.to_rust_string()),
            Value::Object(o) if crate::net::inbound::is_open_inbound(o.addr()) => {
                SessionKey::Inbound(o.addr(), o.downgrade())
            }
            Value::Object(o) => SessionKey::Object(o.addr(), Some(o.downgrade())),
            Value::Symbol(s) => SessionKey::Object(Rc::as_ptr(&s.0) as usize, None),
        }
    }

    /// The key as a value (what a session pipeline's onStart receives).
    pub fn value(&self) -> Value {
        match self {
            SessionKey::Nullish => Value::Undefined,
            SessionKey::Bool(b) => Value::Bool(*b),
            SessionKey::Number(n) => Value::Number(f64::from_bits(*n)),
            SessionKey::String(s) => Value::str(s),
            SessionKey::Object(_, w) => w.as_ref().and_then(|w| w.upgrade()).map(Value::Object).unwrap_or_default(),
            SessionKey::Inbound(_, w) => w.upgrade().map(Value::Object).unwrap_or_default(),
        }
    }

    /// An object key whose object died (its address may be reused by another object), or an
    /// inbound connection that closed: nothing can use its sessions again.
    pub fn gone(&self) -> bool {
        match self {
            SessionKey::Object(_, Some(w)) => !w.is_alive(),
            SessionKey::Inbound(addr, w) => !w.is_alive() || !crate::net::inbound::is_open_inbound(*addr),
            _ => false,
        }
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
            (SessionKey::Inbound(a, _), SessionKey::Inbound(b, _)) => a == b,
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
            SessionKey::Object(a, _) | SessionKey::Inbound(a, _) => a.hash(state),
        }
    }
}

/// What a pooled session must do for the pool.
pub trait Session: 'static {
    /// Ends the session's upstream. The pool calls it once, when it closes the session (idle for
    /// `maxIdle`, used up, its key object gone, the worker shutting down).
    fn close(&self);
}

/// A session in a pool, with what the pool counts about it.
pub struct Pooled<S: Session> {
    pool: Weak<Pool<S>>,
    key: SessionKey,
    options: PoolOptions,
    /// Leases held now.
    leases: Cell<usize>,
    /// Uses over its life (`maxMessages`).
    uses: Cell<usize>,
    /// Out of the pool: takes no new leases.
    retired: Cell<bool>,
    /// `Session::close` was called.
    closed: Cell<bool>,
    free_since: Cell<Instant>,
    /// One idle timer per session at most (its task, when it could be spawned now; a closed
    /// session stops it, so a session that ended with its client is freed at once, not after
    /// `maxIdle`).
    timer_armed: Cell<bool>,
    timer: RefCell<Option<tokio::task::AbortHandle>>,
    session: S,
}

impl<S: Session> Pooled<S> {
    pub fn session(&self) -> &S {
        &self.session
    }

    pub fn key(&self) -> &SessionKey {
        &self.key
    }

    pub fn options(&self) -> &PoolOptions {
        &self.options
    }

    /// Counts one use towards `maxMessages`.
    pub fn count_use(&self) {
        self.uses.set(self.uses.get() + 1);
    }

    /// Takes the session out of its pool: it gets no new leases (its upstream ended, or it
    /// became one stream's tunnel). Leases already held stay valid.
    pub fn retire(&self) {
        if self.retired.replace(true) {
            return;
        }
        if let Some(pool) = self.pool.upgrade() {
            pool.remove(self);
        }
    }

    pub fn is_retired(&self) -> bool {
        self.retired.get()
    }

    /// Retires the session and ends its upstream (once).
    pub fn close(&self) {
        self.retire();
        if !self.closed.replace(true) {
            if let Some(t) = self.timer.borrow_mut().take() {
                t.abort();
            }
            self.session.close();
        }
    }

    fn has_room(&self) -> bool {
        let o = &self.options;
        !self.retired.get()
            && (o.max_queue == 0 || self.leases.get() < o.max_queue)
            && (o.max_messages == 0 || self.uses.get() < o.max_messages)
    }

    fn used_up(&self) -> bool {
        self.options.max_messages > 0 && self.uses.get() >= self.options.max_messages
    }

    /// A lease was dropped: a session nobody holds waits `maxIdle` for the next one, unless it
    /// can never be used again. Closing is never done here but from a task of its own: a lease
    /// is dropped inside a pipeline being torn down, and closing ends another pipeline.
    fn release(self: &Rc<Self>) {
        self.leases.set(self.leases.get().saturating_sub(1));
        if self.leases.get() > 0 || self.retired.get() {
            return;
        }
        self.free_since.set(Instant::now());
        if self.can_close_now() {
            arm_idle_timer(self, Duration::ZERO);
        } else if !self.timer_armed.get() {
            arm_idle_timer(self, self.options.max_idle);
        }
    }

    /// Free, and never to be leased again (or the worker is stopping).
    fn can_close_now(&self) -> bool {
        net::shutting_down() || self.used_up() || self.key.gone()
    }
}

/// Closes the session once it has been free for `maxIdle` (or at once when it can never be used
/// again); re-arms itself when it was used in between.
fn arm_idle_timer<S: Session>(pooled: &Rc<Pooled<S>>, delay: Duration) {
    pooled.timer_armed.set(true);
    let weak = Rc::downgrade(pooled);
    // Through the worker's spawner: a lease can be dropped outside the event loop (the REPL
    // drops its pipelines between turns).
    let task = net::spawn_local(async move {
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        let Some(pooled) = weak.upgrade() else { return };
        pooled.timer_armed.set(false);
        pooled.timer.borrow_mut().take();
        if pooled.retired.get() || pooled.leases.get() > 0 {
            return;
        }
        let idle = pooled.free_since.get().elapsed();
        let max_idle = pooled.options.max_idle;
        if idle < max_idle && !pooled.can_close_now() {
            arm_idle_timer(&pooled, max_idle - idle);
            return;
        }
        pooled.close();
    });
    *pooled.timer.borrow_mut() = task;
}

/// A stream's hold on a pooled session; dropping it lets go.
pub struct Lease<S: Session> {
    pooled: Rc<Pooled<S>>,
}

impl<S: Session> Lease<S> {
    /// The pooled session (for a weak reference its sub-pipeline's output can hold).
    pub fn pooled(&self) -> &Rc<Pooled<S>> {
        &self.pooled
    }
}

impl<S: Session> std::ops::Deref for Lease<S> {
    type Target = Pooled<S>;
    fn deref(&self) -> &Pooled<S> {
        &self.pooled
    }
}

impl<S: Session> Drop for Lease<S> {
    fn drop(&mut self) {
        self.pooled.release();
    }
}

struct Group<S: Session> {
    options: PoolOptions,
    /// Newest first: a new lease goes to the most recently opened session with room, so older
    /// ones can go idle.
    sessions: Vec<Rc<Pooled<S>>>,
}

/// The sessions of one multiplexing filter of a layout, by key.
pub struct Pool<S: Session> {
    groups: RefCell<HashMap<SessionKey, Group<S>>>,
}

/// What the worker asks of every pool: close idle sessions (it is shutting down), or those
/// keyed by a connection that closed.
trait CloseIdle {
    fn close_idle(&self);
    fn close_key(&self, key: &SessionKey);
}

thread_local! {
    /// Every pool of this thread, for the shutdown.
    static POOLS: RefCell<Vec<Weak<dyn CloseIdle>>> = const { RefCell::new(Vec::new()) };
}

/// When the worker shuts down, idle sessions close at once instead of after their idle time, so
/// they do not keep a draining worker alive (sessions in use close when they are let go).
fn close_all_idle() {
    let pools: Vec<Rc<dyn CloseIdle>> = POOLS.with(|p| {
        let mut p = p.borrow_mut();
        p.retain(|w| w.strong_count() > 0);
        p.iter().filter_map(Weak::upgrade).collect()
    });
    for pool in pools {
        pool.close_idle();
    }
}

/// An inbound connection closed: sessions keyed by it close now if nobody holds them (the ones
/// in use close when they are let go).
pub fn key_closed(key: &Value) {
    let Value::Object(o) = key else { return };
    let key = SessionKey::Inbound(o.addr(), o.downgrade());
    let pools: Vec<Rc<dyn CloseIdle>> = POOLS.with(|p| p.borrow().iter().filter_map(Weak::upgrade).collect());
    for pool in pools {
        pool.close_key(&key);
    }
}

impl<S: Session> CloseIdle for Pool<S> {
    fn close_key(&self, key: &SessionKey) {
        let free: Vec<Rc<Pooled<S>>> = match self.groups.borrow().get(key) {
            Some(g) => g.sessions.iter().filter(|s| s.leases.get() == 0).cloned().collect(),
            None => return,
        };
        for s in free {
            s.close();
        }
    }

    fn close_idle(&self) {
        let idle: Vec<Rc<Pooled<S>>> = self
            .groups
            .borrow()
            .values()
            .flat_map(|g| g.sessions.iter())
            .filter(|s| s.leases.get() == 0)
            .cloned()
            .collect();
        for s in idle {
            s.close();
        }
    }
}

impl<S: Session> Pool<S> {
    pub fn new() -> Rc<Pool<S>> {
        let pool = Rc::new(Pool { groups: RefCell::new(HashMap::new()) });
        let weak: Weak<dyn CloseIdle> = Rc::downgrade(&pool) as Weak<dyn CloseIdle>;
        POOLS.with(|p| p.borrow_mut().push(weak));
        net::on_shutdown(close_all_idle);
        pool
    }

    /// A lease on a session for `key`: one with room, or a new one made by `new`. `options` is
    /// asked for (and may fail) only when the key has no group yet; it may call into a script,
    /// so the pool is not borrowed while it runs.
    pub fn lease(
        self: &Rc<Self>,
        key: &SessionKey,
        options: impl FnOnce() -> Option<PoolOptions>,
        new: impl FnOnce() -> S,
    ) -> Option<Lease<S>> {
        // An object key whose object died: its address may be reused, so its group is retired.
        let stale = self.groups.borrow().get_key_value(key).is_some_and(|(k, _)| k.gone());
        if stale {
            let old = self.groups.borrow_mut().remove(key);
            for s in old.map(|g| g.sessions).unwrap_or_default() {
                s.close();
            }
        }
        if !self.groups.borrow().contains_key(key) {
            let options = options()?;
            self.groups.borrow_mut().entry(key.clone()).or_insert(Group { options, sessions: Vec::new() });
        }
        let found = {
            let groups = self.groups.borrow();
            let group = groups.get(key)?;
            group.sessions.iter().find(|s| s.has_room()).cloned()
        };
        let pooled = match found {
            Some(s) => s,
            None => {
                let options = self.groups.borrow().get(key)?.options.clone();
                let s = Rc::new(Pooled {
                    pool: Rc::downgrade(self),
                    key: key.clone(),
                    options,
                    leases: Cell::new(0),
                    uses: Cell::new(0),
                    retired: Cell::new(false),
                    closed: Cell::new(false),
                    free_since: Cell::new(Instant::now()),
                    timer_armed: Cell::new(false),
                    timer: RefCell::new(None),
                    session: new(),
                });
                self.groups.borrow_mut().get_mut(key)?.sessions.insert(0, s.clone());
                s
            }
        };
        pooled.leases.set(pooled.leases.get() + 1);
        Some(Lease { pooled })
    }

    /// Sessions in the pool (for tests and diagnostics).
    pub fn session_count(&self) -> usize {
        self.groups.borrow().values().map(|g| g.sessions.len()).sum()
    }

    fn remove(&self, session: &Pooled<S>) {
        let mut groups = self.groups.borrow_mut();
        if let Some(group) = groups.get_mut(&session.key) {
            group.sessions.retain(|s| !std::ptr::eq(&**s, session));
            if group.sessions.is_empty() {
                groups.remove(&session.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A session that counts how often the pool closed it.
    struct Probe(Rc<Cell<u32>>);

    impl Session for Probe {
        fn close(&self) {
            self.0.set(self.0.get() + 1);
        }
    }

    fn options(max_queue: usize, max_messages: usize, max_idle_ms: u64) -> Option<PoolOptions> {
        Some(PoolOptions {
            max_idle: Duration::from_millis(max_idle_ms),
            max_queue,
            max_messages,
            extra: Value::Undefined,
        })
    }

    fn key(s: &str) -> SessionKey {
        SessionKey::String(s.into())
    }

    #[test]
    fn streams_share_a_session_up_to_max_queue_and_keys_keep_sessions_apart() {
        let closed = Rc::new(Cell::new(0));
        let pool: Rc<Pool<Probe>> = Pool::new();
        let new = || Probe(closed.clone());
        let a = pool.lease(&key("k"), || options(2, 0, 60_000), new).expect("a lease");
        let b = pool.lease(&key("k"), || options(2, 0, 60_000), new).expect("a lease");
        assert!(Rc::ptr_eq(a.pooled(), b.pooled()), "maxQueue 2: the second stream shares the session");
        let c = pool.lease(&key("k"), || options(2, 0, 60_000), new).expect("a lease");
        assert!(!Rc::ptr_eq(a.pooled(), c.pooled()), "the session is full: a new one opens");
        let d = pool.lease(&key("other"), || options(2, 0, 60_000), new).expect("a lease");
        assert!(!Rc::ptr_eq(a.pooled(), d.pooled()) && !Rc::ptr_eq(c.pooled(), d.pooled()));
        assert_eq!(pool.session_count(), 3);
        assert_eq!(closed.get(), 0);
    }

    #[test]
    fn a_used_up_or_retired_session_takes_no_new_lease() {
        let closed = Rc::new(Cell::new(0));
        let pool: Rc<Pool<Probe>> = Pool::new();
        let new = || Probe(closed.clone());
        let a = pool.lease(&key("k"), || options(0, 1, 60_000), new).expect("a lease");
        a.count_use();
        let b = pool.lease(&key("k"), || options(0, 1, 60_000), new).expect("a lease");
        assert!(!Rc::ptr_eq(a.pooled(), b.pooled()), "maxMessages 1: a used-up session is not shared");
        b.retire();
        assert!(b.is_retired());
        let c = pool.lease(&key("k"), || options(0, 1, 60_000), new).expect("a lease");
        assert!(!Rc::ptr_eq(b.pooled(), c.pooled()), "a retired session is out of the pool");
        assert_eq!(pool.session_count(), 2, "the retired one left the pool");
    }

    #[test]
    fn options_are_asked_once_per_key_and_a_refusal_gives_no_lease() {
        let pool: Rc<Pool<Probe>> = Pool::new();
        let closed = Rc::new(Cell::new(0));
        assert!(pool.lease(&key("k"), || None, || Probe(closed.clone())).is_none());
        let asked = Cell::new(0);
        let ask = || {
            asked.set(asked.get() + 1);
            options(1, 0, 60_000)
        };
        let _a = pool.lease(&key("k"), ask, || Probe(closed.clone()));
        let ask = || {
            asked.set(asked.get() + 1);
            options(1, 0, 60_000)
        };
        let _b = pool.lease(&key("k"), ask, || Probe(closed.clone()));
        assert_eq!(asked.get(), 1, "the key's group keeps its options");
    }

    #[test]
    fn a_free_session_closes_after_max_idle_and_a_used_up_one_at_once() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().expect("a runtime");
        let local = tokio::task::LocalSet::new();
        local.block_on(&rt, async {
            let closed = Rc::new(Cell::new(0));
            let pool: Rc<Pool<Probe>> = Pool::new();
            let new = || Probe(closed.clone());
            let idle = pool.lease(&key("idle"), || options(1, 0, 30), new).expect("a lease");
            let spent = pool.lease(&key("spent"), || options(1, 1, 60_000), new).expect("a lease");
            spent.count_use();
            drop(idle);
            drop(spent);
            assert_eq!(closed.get(), 0, "nothing closes inside the drop");
            tokio::time::sleep(Duration::from_millis(5)).await;
            assert_eq!(closed.get(), 1, "the used-up session closes on the next turn");
            assert_eq!(pool.session_count(), 1);
            tokio::time::sleep(Duration::from_millis(60)).await;
            assert_eq!(closed.get(), 2, "the idle one closes after maxIdle");
            assert_eq!(pool.session_count(), 0);
        });
    }
}
