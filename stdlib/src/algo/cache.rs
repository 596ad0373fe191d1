//! `algo.Cache`: a key→value map with optional fill-on-miss (`onAllocate(key)`), an eviction
//! callback (`onFree(key, value)`), a size bound (least recently used entries go first) and a
//! time-to-live for every entry.
//!
//! Keys are compared like `Map` keys (primitives by value, objects by identity); the entry keeps
//! the key value itself, so an object key stays alive while it is cached. Expired entries are
//! dropped lazily, when a lookup finds them.

use super::{ValueKey, define_class, get_seconds, instance_proto, key_of, now_ms, option, with_this};
use crate::util::{self, arg};
use pipy_value::function;
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, ops};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

struct Entry {
    key: Value,
    value: Value,
    /// Expiry time (ms on `now_ms`'s clock); meaningless when the cache has no ttl.
    expires: f64,
    /// Position in the recency order.
    seq: u64,
}

pub(crate) struct CacheState {
    size: usize,
    ttl_ms: f64,
    on_allocate: Value,
    on_free: Value,
    map: HashMap<ValueKey, Entry>,
    /// Recency order, oldest first.
    order: BTreeMap<u64, ValueKey>,
    seq: u64,
}

impl CacheState {
    fn new(size: usize, ttl_ms: f64, on_allocate: Value, on_free: Value) -> Self {
        CacheState { size, ttl_ms, on_allocate, on_free, map: HashMap::new(), order: BTreeMap::new(), seq: 0 }
    }

    fn expired(&self, e: &Entry, now: f64) -> bool {
        self.ttl_ms > 0.0 && now >= e.expires
    }

    /// Marks `k` most recently used.
    fn touch(&mut self, k: &ValueKey) {
        self.seq += 1;
        let seq = self.seq;
        if let Some(e) = self.map.get_mut(k) {
            self.order.remove(&e.seq);
            e.seq = seq;
            self.order.insert(seq, k.clone());
        }
    }

    /// The live value of `k`, touching it; an expired entry is dropped.
    fn find(&mut self, k: &ValueKey) -> Option<Value> {
        let now = now_ms();
        let e = self.map.get(k)?;
        if self.expired(e, now) {
            self.erase(k);
            return None;
        }
        let v = e.value.clone();
        self.touch(k);
        Some(v)
    }

    /// Inserts or updates; a new key goes to the most-recent end, an updated one stays put.
    /// Returns whether the key is new.
    fn put(&mut self, key: Value, value: Value) -> bool {
        let k = key_of(&key);
        let expires = now_ms() + self.ttl_ms;
        if let Some(e) = self.map.get_mut(&k) {
            e.value = value;
            e.expires = expires;
            return false;
        }
        self.seq += 1;
        self.order.insert(self.seq, k.clone());
        self.map.insert(k, Entry { key, value, expires, seq: self.seq });
        true
    }

    fn erase(&mut self, k: &ValueKey) -> Option<Entry> {
        let e = self.map.remove(k)?;
        self.order.remove(&e.seq);
        Some(e)
    }

    /// The `n` least recently used entries, oldest first.
    fn oldest(&self, n: usize) -> Vec<(ValueKey, Value, Value)> {
        self.order
            .values()
            .take(n)
            .filter_map(|k| self.map.get(k).map(|e| (k.clone(), e.key.clone(), e.value.clone())))
            .collect()
    }
}

/// `cache.find(key)` for other Rust code (the balancers' unhealthy caches): `None` when `obj` is
/// not a Cache or has no live entry for `key`.
pub(crate) fn lookup(obj: &Obj, key: &Value) -> Option<Value> {
    let k = key_of(key);
    obj.with_host(|c: &mut CacheState| c.find(&k)).flatten()
}

/// Whether `v` is a Cache object.
pub(crate) fn is_cache(v: &Value) -> bool {
    matches!(v, Value::Object(o) if o.is_host::<CacheState>())
}

pub(super) fn install(ns: &Obj) {
    pipy_value::cycles::trace_host::<CacheState>(|c, v| {
        v.value(&c.on_allocate);
        v.value(&c.on_free);
        for e in c.map.values() {
            v.value(&e.key);
            v.value(&e.value);
        }
    });
    let proto = Obj::ordinary();
    let p = proto.clone();
    define_class(ns, "Cache", 3, &proto, Rc::new(move |_, args, nt| construct(args, nt, &p)));
    for (name, len, f) in [
        ("get", 1, get as util::Builtin),
        ("set", 2, set),
        ("has", 1, has),
        ("find", 1, find),
        ("remove", 1, remove),
        ("clear", 0, clear),
    ] {
        util::method(&proto, name, len, f);
    }
}

fn construct(args: &[Value], nt: Option<&Obj>, proto: &Obj) -> JsResult<Value> {
    let fn_or_none = |v: &Value| v.is_nullish() || v.is_callable();
    let (a0, a1, a2) = (arg(args, 0), arg(args, 1), arg(args, 2));
    let (on_allocate, on_free, opts) = if fn_or_none(&a0) && fn_or_none(&a1) {
        (a0, a1, a2)
    } else if fn_or_none(&a0) && a1.is_object() {
        (a0, Value::Undefined, a1)
    } else if a0.is_object() {
        (Value::Undefined, Value::Undefined, a0)
    } else {
        return Err(error::type_error("Cache: argument #1 expects a function or an object"));
    };
    let size = option(&opts, "size")?;
    let size = if size.is_nullish() { 0.0 } else { ops::to_integer(&size)? };
    let ttl = option(&opts, "ttl")?;
    let ttl = if ttl.is_nullish() {
        0.0
    } else {
        get_seconds(&ttl)
            .ok_or_else(|| error::type_error("Cache: options.ttl expects a number or a duration string"))?
    };
    let state = CacheState::new(size.max(0.0) as usize, ttl * 1000.0, on_allocate, on_free);
    Ok(Value::Object(Obj::new(Some(instance_proto(nt, proto)?), ObjectKind::Host(Box::new(state)))))
}

fn state<R>(this: &Value, f: impl FnOnce(&mut CacheState) -> R) -> JsResult<R> {
    with_this(this, "Cache method", f)
}

/// Stores `key → value` and evicts the least recently used entries beyond `size`, calling
/// `onFree` for each (outside any borrow, since it is script code).
fn store(this: &Value, key: Value, value: Value) -> JsResult<()> {
    let (victims, on_free) = state(this, |c| {
        if c.put(key, value) && c.size > 0 && c.map.len() > c.size {
            (c.oldest(c.map.len() - c.size), c.on_free.clone())
        } else {
            (Vec::new(), Value::Undefined)
        }
    })?;
    for (k, key, value) in victims {
        if on_free.is_callable() {
            function::call(&on_free, &Value::Undefined, &[key, value])?;
        }
        state(this, |c| c.erase(&k))?;
    }
    Ok(())
}

fn get(this: &Value, args: &[Value]) -> JsResult<Value> {
    let key = arg(args, 0);
    let k = key_of(&key);
    let (found, on_allocate) = state(this, |c| (c.find(&k), c.on_allocate.clone()))?;
    if let Some(v) = found {
        return Ok(v);
    }
    if !on_allocate.is_callable() {
        return Ok(Value::Undefined);
    }
    let v = function::call(&on_allocate, &Value::Undefined, std::slice::from_ref(&key))?;
    store(this, key, v.clone())?;
    Ok(v)
}

fn set(this: &Value, args: &[Value]) -> JsResult<Value> {
    store(this, arg(args, 0), arg(args, 1))?;
    Ok(Value::Undefined)
}

fn has(this: &Value, args: &[Value]) -> JsResult<Value> {
    let k = key_of(&arg(args, 0));
    Ok(Value::Bool(state(this, |c| c.find(&k))?.is_some()))
}

fn find(this: &Value, args: &[Value]) -> JsResult<Value> {
    let k = key_of(&arg(args, 0));
    Ok(state(this, |c| c.find(&k))?.unwrap_or_default())
}

fn remove(this: &Value, args: &[Value]) -> JsResult<Value> {
    let k = key_of(&arg(args, 0));
    let now = now_ms();
    let (entry, live, on_free) = state(this, |c| {
        let e = c.erase(&k);
        let live = e.as_ref().is_some_and(|e| !c.expired(e, now));
        (e, live, c.on_free.clone())
    })?;
    // Like the original, onFree sees even an expired entry; only the result says it was stale.
    if let Some(e) = entry {
        if on_free.is_callable() {
            function::call(&on_free, &Value::Undefined, &[e.key, e.value])?;
        }
    }
    Ok(Value::Bool(live))
}

fn clear(this: &Value, _: &[Value]) -> JsResult<Value> {
    let (all, on_free) = state(this, |c| (c.oldest(c.map.len()), c.on_free.clone()))?;
    if on_free.is_callable() {
        for (_, key, value) in all {
            function::call(&on_free, &Value::Undefined, &[key, value])?;
        }
    }
    state(this, |c| {
        c.map.clear();
        c.order.clear();
    })?;
    Ok(Value::Undefined)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::testing::*;
    use std::cell::RefCell;

    fn closure(f: impl Fn(&[Value]) -> JsResult<Value> + 'static) -> Value {
        Value::Object(function::native_function("f", 0, Rc::new(move |_, a, _| f(a)), false))
    }

    fn new_cache(args: &[Value]) -> Value {
        let Value::Object(c) = path("algo.Cache") else { panic!("no Cache") };
        function::construct(&c, args, &c).unwrap_or_else(|e| panic!("threw {}", s(&e)))
    }

    fn m(obj: &Value, name: &str, args: &[Value]) -> Value {
        let f = ops::get_str(obj, name).unwrap_or_default();
        function::call(&f, obj, args).unwrap_or_else(|e| panic!("threw {}", s(&e)))
    }

    fn opts(size: f64, ttl: Value) -> Value {
        let o = Obj::ordinary();
        o.define_value("size", Value::Number(size), pipy_value::attr::ENUMERABLE);
        o.define_value("ttl", ttl, pipy_value::attr::ENUMERABLE);
        Value::Object(o)
    }

    #[test]
    fn allocate_on_miss_and_plain_ops() {
        setup();
        let calls = Rc::new(RefCell::new(0));
        let c2 = calls.clone();
        let cache = new_cache(&[closure(move |a| {
            *c2.borrow_mut() += 1;
            Ok(Value::string(format!("v-{}", s(&a[0]))))
        })]);
        assert_eq!(s(&m(&cache, "get", &[Value::str("a")])), "v-a");
        assert_eq!(s(&m(&cache, "get", &[Value::str("a")])), "v-a");
        assert_eq!(*calls.borrow(), 1);
        assert!(m(&cache, "has", &[Value::str("a")]).truthy());
        assert!(!m(&cache, "has", &[Value::str("b")]).truthy());
        assert!(m(&cache, "find", &[Value::str("b")]).is_undefined());
        m(&cache, "set", &[Value::str("b"), Value::int(2)]);
        assert_eq!(s(&m(&cache, "find", &[Value::str("b")])), "2");
        assert!(m(&cache, "remove", &[Value::str("b")]).truthy());
        assert!(!m(&cache, "remove", &[Value::str("b")]).truthy());
        // Object keys are by identity.
        let k1 = Value::Object(Obj::ordinary());
        let k2 = Value::Object(Obj::ordinary());
        m(&cache, "set", &[k1.clone(), Value::int(1)]);
        assert!(m(&cache, "has", &[k1]).truthy());
        assert!(!m(&cache, "has", std::slice::from_ref(&k2)).truthy());
        // Without onAllocate, get of a missing key is undefined.
        let plain = new_cache(&[]);
        assert!(m(&plain, "get", &[k2]).is_undefined());
    }

    #[test]
    fn lru_eviction_calls_on_free() {
        setup();
        let freed = Rc::new(RefCell::new(Vec::new()));
        let f2 = freed.clone();
        let on_free = closure(move |a| {
            f2.borrow_mut().push(format!("{}={}", s(&a[0]), s(&a[1])));
            Ok(Value::Undefined)
        });
        let cache = new_cache(&[Value::Undefined, on_free, opts(2.0, Value::Undefined)]);
        m(&cache, "set", &[Value::str("a"), Value::int(1)]);
        m(&cache, "set", &[Value::str("b"), Value::int(2)]);
        m(&cache, "get", &[Value::str("a")]); // a is now the most recent
        m(&cache, "set", &[Value::str("c"), Value::int(3)]);
        assert_eq!(*freed.borrow(), ["b=2"]);
        assert!(m(&cache, "has", &[Value::str("a")]).truthy());
        assert!(!m(&cache, "has", &[Value::str("b")]).truthy());
        m(&cache, "remove", &[Value::str("a")]);
        assert_eq!(*freed.borrow(), ["b=2", "a=1"]);
        m(&cache, "clear", &[]);
        assert_eq!(*freed.borrow(), ["b=2", "a=1", "c=3"]);
        assert!(!m(&cache, "has", &[Value::str("c")]).truthy());
    }

    #[test]
    fn ttl_expires_entries() {
        setup();
        let cache = new_cache(&[opts(0.0, Value::str("0.05s"))]);
        m(&cache, "set", &[Value::str("a"), Value::int(1)]);
        assert!(m(&cache, "has", &[Value::str("a")]).truthy());
        std::thread::sleep(std::time::Duration::from_millis(80));
        assert!(!m(&cache, "has", &[Value::str("a")]).truthy());
        assert!(m(&cache, "find", &[Value::str("a")]).is_undefined());
        let long = new_cache(&[opts(0.0, Value::Number(60.0))]);
        m(&long, "set", &[Value::str("a"), Value::int(1)]);
        assert!(m(&long, "has", &[Value::str("a")]).truthy());
    }

    #[test]
    fn bad_arguments_throw() {
        setup();
        let Value::Object(c) = path("algo.Cache") else { panic!("no Cache") };
        assert!(function::construct(&c, &[Value::int(1)], &c).is_err());
        assert!(function::call(&Value::Object(c), &Value::Undefined, &[]).is_err());
        let get = path("algo.Cache.prototype.get");
        assert!(function::call(&get, &Value::int(1), &[]).is_err());
    }
}
