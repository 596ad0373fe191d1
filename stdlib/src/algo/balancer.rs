//! What `algo.RoundRobinLoadBalancer`, `algo.LeastWorkLoadBalancer` and
//! `algo.HashingLoadBalancer` share: target lists, health checks against "unhealthy" caches, and
//! borrowing. `next(borrower?, key?, unhealthy?)` (alias `borrow`) hands out a resource `{ id }`;
//! a borrower keeps its resource, whatever the algorithm would pick, until the resource is freed
//! (`resource.free()`), the borrower goes away, or its target turns unhealthy.
//!
//! Borrowers are keyed by identity (objects) or by value (primitives). An object borrower is held
//! weakly: a session whose borrower has been dropped is closed lazily, on a later `next()` (a
//! periodic sweep, or when the same address shows up again). Primitive borrowers are held until
//! `free()`. Each algorithm lives in its own file and plugs in through `Algo`.

use super::hashing::Hashing;
use super::least_work::LeastWork;
use super::round_robin::RoundRobin;
use super::{ValueKey, cache, default_borrower, instance_proto, key_of, with_this};
use crate::util::{self, arg};
use pipy_value::function::NativeFn;
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, ops};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

/// A target list's entry as the constructors and `set()` read it: `(target, weight)`.
pub(crate) type TargetSpec = (Rc<str>, f64);

/// The balancing algorithm of one balancer.
pub(crate) enum Algo {
    RoundRobin(RoundRobin),
    LeastWork(LeastWork),
    Hashing(Hashing),
}

impl Algo {
    fn select(&mut self, key: &Value, healthy: &dyn Fn(&str) -> bool) -> Option<Rc<str>> {
        match self {
            Algo::RoundRobin(a) => a.select(key, healthy),
            Algo::LeastWork(a) => a.select(key, healthy),
            Algo::Hashing(a) => a.select(key, healthy),
        }
    }
    fn deselect(&mut self, id: &str) {
        if let Algo::LeastWork(a) = self {
            a.deselect(id);
        }
    }
}

enum Borrower {
    Object(pipy_value::object::WeakObj),
    Value,
}

struct Session {
    borrower: Borrower,
    resource: Option<Obj>,
}

impl Session {
    fn is_dead(&self) -> bool {
        matches!(&self.borrower, Borrower::Object(w) if !w.is_alive())
    }
}

pub(crate) struct Balancer {
    pub(crate) algo: Algo,
    unhealthy: Option<Obj>,
    sessions: HashMap<ValueKey, Session>,
    /// Resources returned by closed sessions, reused by the next session on the same target.
    idle: HashMap<Rc<str>, Vec<Obj>>,
    sweep_at: usize,
    resource_proto: Obj,
}

/// The host state of a balancer object (shared with its resources, which hold it weakly).
pub(crate) struct BalancerHost(pub(crate) Rc<RefCell<Balancer>>);

/// What a balancer object holds, for the cycle collector: the objects it keeps (the
/// unhealthy-target cache, the resources of open sessions and idle ones, the resource prototype).
/// Only when the object is the balancer's one owner, as it is unless an operation is under way.
pub(crate) fn trace(h: &BalancerHost, v: &mut pipy_value::cycles::Visitor<'_>) {
    if Rc::strong_count(&h.0) != 1 {
        return;
    }
    let Ok(b) = h.0.try_borrow() else { return v.busy() };
    for o in b.unhealthy.iter().chain(b.sessions.values().filter_map(|s| s.resource.as_ref())) {
        v.object(o);
    }
    for o in b.idle.values().flatten() {
        v.object(o);
    }
    v.object(&b.resource_proto);
}

struct ResourceState {
    id: Rc<str>,
    balancer: Weak<RefCell<Balancer>>,
    /// The session holding this resource, if any.
    session: Option<ValueKey>,
    /// A borrower-less selection not yet undone by `free()`.
    unfreed: bool,
}

impl Balancer {
    fn is_healthy(&self, id: &str, extra: Option<&Obj>) -> bool {
        healthy_in(self.unhealthy.as_ref(), extra, id)
    }

    fn new_resource(&self, id: Rc<str>, session: Option<ValueKey>, this: &Rc<RefCell<Balancer>>) -> Obj {
        let unfreed = session.is_none();
        let state = ResourceState { id, balancer: Rc::downgrade(this), session, unfreed };
        Obj::new(Some(self.resource_proto.clone()), ObjectKind::Host(Box::new(state)))
    }

    fn close_session(&mut self, key: &ValueKey) {
        let Some(session) = self.sessions.remove(key) else { return };
        if let Some(res) = session.resource {
            if let Some(id) = res.with_host(|r: &mut ResourceState| {
                r.session = None;
                r.id.clone()
            }) {
                self.algo.deselect(&id);
                self.idle.entry(id).or_default().push(res);
            }
        }
    }

    /// Closes the sessions of borrowers that no longer exist; amortised over `next()` calls.
    fn sweep(&mut self) {
        if self.sessions.len() < self.sweep_at {
            return;
        }
        let dead: Vec<ValueKey> = self.sessions.iter().filter(|(_, s)| s.is_dead()).map(|(k, _)| k.clone()).collect();
        for k in dead {
            self.close_session(&k);
        }
        self.sweep_at = (self.sessions.len() * 2).max(64);
    }
}

fn healthy_in(own: Option<&Obj>, extra: Option<&Obj>, id: &str) -> bool {
    let bad = |c: Option<&Obj>| c.and_then(|c| cache::lookup(c, &Value::str(id))).is_some_and(|v| v.truthy());
    !bad(own) && !bad(extra)
}

fn borrow(this: &Rc<RefCell<Balancer>>, borrower: &Value, key: &Value, unhealthy: Option<&Obj>) -> Value {
    let mut lb = this.borrow_mut();
    let own = lb.unhealthy.clone();
    let healthy = |id: &str| healthy_in(own.as_ref(), unhealthy, id);
    if borrower.is_nullish() {
        return match lb.algo.select(key, &healthy) {
            Some(id) => Value::Object(lb.new_resource(id, None, this)),
            None => Value::Undefined,
        };
    }
    lb.sweep();
    let k = key_of(borrower);
    if lb.sessions.get(&k).is_some_and(Session::is_dead) {
        lb.close_session(&k);
    }
    let current = lb.sessions.get(&k).and_then(|s| s.resource.clone());
    if let Some(res) = current {
        let id = res.with_host(|r: &mut ResourceState| r.id.clone());
        if id.is_some_and(|id| lb.is_healthy(&id, unhealthy)) {
            return Value::Object(res);
        }
        lb.close_session(&k);
    }
    let borrower_ref = match borrower {
        Value::Object(o) => Borrower::Object(o.downgrade()),
        _ => Borrower::Value,
    };
    let session = lb.sessions.entry(k.clone()).or_insert(Session { borrower: borrower_ref, resource: None });
    // Keep a strong handle on primitive borrowers' sessions only through the key itself.
    let _ = &session.borrower;
    let Some(id) = lb.algo.select(key, &healthy) else { return Value::Undefined };
    let reused = lb.idle.get_mut(&id).and_then(Vec::pop);
    let res = match reused {
        Some(res) => {
            res.with_host(|r: &mut ResourceState| r.session = Some(k.clone()));
            res
        }
        None => lb.new_resource(id, Some(k.clone()), this),
    };
    if let Some(s) = lb.sessions.get_mut(&k) {
        s.resource = Some(res.clone());
    }
    Value::Object(res)
}

/// The balancer state of `this`.
pub(crate) fn balancer_of(this: &Value, what: &str) -> JsResult<Rc<RefCell<Balancer>>> {
    with_this(this, what, |h: &mut BalancerHost| h.0.clone())
}

/// The optional "unhealthy" cache argument: a Cache, or nothing.
fn unhealthy_arg(v: &Value) -> JsResult<Option<Obj>> {
    match v {
        Value::Object(o) if cache::is_cache(v) => Ok(Some(o.clone())),
        v if v.is_nullish() => Ok(None),
        _ => Err(error::type_error("load balancer: the unhealthy argument expects an algo.Cache")),
    }
}

/// Reads a target list: an array of targets (weight 1) or an object of `target: weight`.
pub(crate) fn parse_targets(v: &Value) -> JsResult<Vec<TargetSpec>> {
    let Value::Object(o) = v else { return Ok(Vec::new()) };
    if let Some(elems) = o.array_elements() {
        return elems.into_iter().map(|e| Ok((Rc::from(ops::to_rust_string(&e.unhole())?), 1.0))).collect();
    }
    let mut out = Vec::new();
    for k in ops::own_enumerable_keys(o) {
        let name = k.to_rust_string();
        let w = ops::get_str(v, &name)?;
        out.push((Rc::from(name), f64::from(ops::to_int32(&w)?)));
    }
    Ok(out)
}

/// Installs the shared prototype (next/borrow/select/deselect) and the resource prototype, then
/// the three balancer classes.
pub(super) fn install(ns: &Obj) {
    let base = Obj::ordinary();
    util::method(&base, "next", 0, next);
    util::method(&base, "borrow", 0, next);
    util::method(&base, "select", 0, select);
    util::method(&base, "deselect", 1, deselect);
    let res_proto = Obj::ordinary();
    util::getter(&res_proto, "id", |this, _| {
        let id = with_this(this, "LoadBalancer resource id", |r: &mut ResourceState| r.id.clone())?;
        Ok(Value::str(&id))
    });
    util::method(&res_proto, "free", 0, free);
    super::round_robin::install(ns, &base, &res_proto);
    super::least_work::install(ns, &base, &res_proto);
    super::hashing::install(ns, &base, &res_proto);
}

/// A constructor body `(targets?, unhealthy?)` for a balancer class using `make` for its algorithm.
pub(crate) fn constructor(proto: &Obj, res_proto: &Obj, make: fn(Vec<TargetSpec>) -> Algo) -> NativeFn {
    let proto = proto.clone();
    let res_proto = res_proto.clone();
    Rc::new(move |_, args, nt| {
        let targets = parse_targets(&arg(args, 0))?;
        let unhealthy = unhealthy_arg(&arg(args, 1))?;
        let lb = Balancer {
            algo: make(targets),
            unhealthy,
            sessions: HashMap::new(),
            idle: HashMap::new(),
            sweep_at: 64,
            resource_proto: res_proto.clone(),
        };
        let host = BalancerHost(Rc::new(RefCell::new(lb)));
        Ok(Value::Object(Obj::new(Some(instance_proto(nt, &proto)?), ObjectKind::Host(Box::new(host)))))
    })
}

fn next(this: &Value, args: &[Value]) -> JsResult<Value> {
    let lb = balancer_of(this, "LoadBalancer.next")?;
    let mut borrower = arg(args, 0);
    if borrower.is_nullish() {
        borrower = default_borrower();
    }
    let unhealthy = unhealthy_arg(&arg(args, 2))?;
    Ok(borrow(&lb, &borrower, &arg(args, 1), unhealthy.as_ref()))
}

fn select(this: &Value, args: &[Value]) -> JsResult<Value> {
    let lb = balancer_of(this, "LoadBalancer.select")?;
    let unhealthy = unhealthy_arg(&arg(args, 1))?;
    let mut lb = lb.borrow_mut();
    let own = lb.unhealthy.clone();
    let healthy = |id: &str| healthy_in(own.as_ref(), unhealthy.as_ref(), id);
    Ok(lb.algo.select(&arg(args, 0), &healthy).map_or(Value::Undefined, |id| Value::str(&id)))
}

fn deselect(this: &Value, args: &[Value]) -> JsResult<Value> {
    let lb = balancer_of(this, "LoadBalancer.deselect")?;
    let target = arg(args, 0);
    if !target.is_nullish() {
        let id = ops::to_rust_string(&target)?;
        lb.borrow_mut().algo.deselect(&id);
    }
    Ok(Value::Undefined)
}

fn free(this: &Value, _: &[Value]) -> JsResult<Value> {
    let (id, balancer, session, unfreed) = with_this(this, "LoadBalancer resource free", |r: &mut ResourceState| {
        let out = (r.id.clone(), r.balancer.clone(), r.session.clone(), r.unfreed);
        r.unfreed = false;
        out
    })?;
    let Some(lb) = balancer.upgrade() else { return Ok(Value::Undefined) };
    let mut lb = lb.borrow_mut();
    match session {
        Some(k) => {
            let Value::Object(me) = this else { return Ok(Value::Undefined) };
            let mine = lb.sessions.get(&k).and_then(|s| s.resource.as_ref()).is_some_and(|r| r.ptr_eq(me));
            if mine {
                lb.close_session(&k);
            }
        }
        None if unfreed => lb.algo.deselect(&id),
        None => {}
    }
    Ok(Value::Undefined)
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::util::testing::*;
    use pipy_value::{Obj, Value, attr, function, ops};

    pub(crate) fn new_lb(class: &str, args: &[Value]) -> Value {
        let Value::Object(c) = path(&format!("algo.{class}")) else { panic!("no {class}") };
        function::construct(&c, args, &c).unwrap_or_else(|e| panic!("threw {}", s(&e)))
    }

    pub(crate) fn m(obj: &Value, name: &str, args: &[Value]) -> Value {
        let f = ops::get_str(obj, name).unwrap_or_default();
        function::call(&f, obj, args).unwrap_or_else(|e| panic!("threw {}", s(&e)))
    }

    pub(crate) fn id(res: &Value) -> String {
        s(&ops::get_str(res, "id").unwrap_or_default())
    }

    pub(crate) fn strs(list: &[&str]) -> Value {
        Value::Object(Obj::array(list.iter().map(|s| Value::str(s)).collect()))
    }

    pub(crate) fn weights(list: &[(&str, i32)]) -> Value {
        let o = Obj::ordinary();
        for (k, w) in list {
            o.define_value(*k, Value::from(*w), attr::ENUMERABLE | attr::WRITABLE | attr::CONFIGURABLE);
        }
        Value::Object(o)
    }

    #[test]
    fn unhealthy_cache_skips_targets_and_breaks_sessions() {
        setup();
        let lb = new_lb("RoundRobinLoadBalancer", &[strs(&["A", "B"])]);
        let bad = new_lb("Cache", &[]);
        m(&bad, "set", &[Value::str("A"), Value::Bool(true)]);
        for _ in 0..4 {
            assert_eq!(s(&m(&lb, "select", &[Value::Undefined, bad.clone()])), "B");
        }
        let who = Value::Object(Obj::ordinary());
        let r = m(&lb, "next", std::slice::from_ref(&who));
        let first = id(&r);
        // Mark the borrowed target unhealthy: the borrower moves to the other one.
        m(&bad, "set", &[Value::str(&first), Value::Bool(true)]);
        m(&bad, "set", &[Value::str(if first == "A" { "B" } else { "A" }), Value::Bool(false)]);
        let r2 = m(&lb, "next", &[who, Value::Undefined, bad]);
        assert_ne!(id(&r2), first);
        // Not a cache: TypeError.
        let f = ops::get_str(&lb, "select").unwrap_or_default();
        assert!(function::call(&f, &lb, &[Value::Undefined, Value::int(1)]).is_err());
    }

    #[test]
    fn resources_free_and_are_reused() {
        setup();
        let lb = new_lb("RoundRobinLoadBalancer", &[strs(&["A"])]);
        let b1 = Value::str("conn-1");
        let r1 = m(&lb, "next", std::slice::from_ref(&b1));
        assert_eq!(id(&r1), "A");
        let again = m(&lb, "borrow", std::slice::from_ref(&b1));
        assert!(matches!((&r1, &again), (Value::Object(a), Value::Object(b)) if a.ptr_eq(b)));
        m(&r1, "free", &[]);
        // The freed resource object is handed to the next session on the same target.
        let r2 = m(&lb, "next", &[Value::str("conn-2")]);
        assert!(matches!((&r1, &r2), (Value::Object(a), Value::Object(b)) if a.ptr_eq(b)));
        // Freeing twice or after reuse by someone else is harmless.
        m(&r1, "free", &[]);
        m(&r1, "free", &[]);
    }

    #[test]
    fn dropped_object_borrowers_release_their_sessions() {
        setup();
        let lb = new_lb("LeastWorkLoadBalancer", &[strs(&["A", "B"])]);
        {
            let who = Value::Object(Obj::ordinary());
            assert_eq!(id(&m(&lb, "next", &[who])), "A");
        }
        // The borrower is gone; the sweep runs once there are enough sessions, and in any case the
        // load on A is released when the session is closed. Force it with many short borrowers.
        for _ in 0..200 {
            let who = Value::Object(Obj::ordinary());
            m(&lb, "next", &[who]);
        }
        let Value::Object(o) = &lb else { panic!() };
        let n = o.with_host(|h: &mut super::BalancerHost| h.0.borrow().sessions.len()).unwrap_or(0);
        assert!(n < 200, "sessions were not swept: {n}");
    }
}
