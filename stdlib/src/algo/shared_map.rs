//! `new algo.SharedMap(name)`: a map every worker thread sees (maps are found by name, so each
//! thread's `new algo.SharedMap('sessions')` is the same map). Methods `get(key)`, `set(key,
//! value)`, `has(key)`, `delete(key)`, `clear()`, `add(key, n)` / `sub(key, n)` (atomic
//! arithmetic on a number, starting from 0; returns the new value) and the `size` property.
//!
//! Values cross threads as copies: `undefined`, `null`, booleans, numbers and strings as they are,
//! anything else as its JSON (so `get` gives a fresh copy of an object, and functions are not
//! kept). Keys are strings.

use crate::util::{self, arg};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, ops};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// A value as it is kept between threads.
#[derive(Clone, Debug, PartialEq)]
enum Shared {
    Undefined,
    Null,
    Bool(bool),
    Number(f64),
    Text(String),
    Json(String),
}

type Map = Arc<Mutex<HashMap<String, Shared>>>;

fn maps() -> MutexGuard<'static, HashMap<String, Map>> {
    static MAPS: OnceLock<Mutex<HashMap<String, Map>>> = OnceLock::new();
    // Plain data: a panic elsewhere while locked leaves nothing half-updated that matters.
    MAPS.get_or_init(|| Mutex::new(HashMap::new())).lock().unwrap_or_else(|e| e.into_inner())
}

fn lock(m: &Map) -> MutexGuard<'_, HashMap<String, Shared>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn to_shared(v: &Value) -> JsResult<Shared> {
    Ok(match v {
        Value::Undefined | Value::Hole => Shared::Undefined,
        Value::Null => Shared::Null,
        Value::Bool(b) => Shared::Bool(*b),
        Value::Number(n) => Shared::Number(*n),
        Value::String(s) => Shared::Text(s.to_rust_string()),
        _ => match crate::json::stringify(v)? {
            Some(s) => Shared::Json(s),
            None => Shared::Undefined,
        },
    })
}

fn from_shared(s: &Shared) -> JsResult<Value> {
    Ok(match s {
        Shared::Undefined => Value::Undefined,
        Shared::Null => Value::Null,
        Shared::Bool(b) => Value::Bool(*b),
        Shared::Number(n) => Value::Number(*n),
        Shared::Text(t) => Value::str(t),
        Shared::Json(j) => crate::json::parse(j)?,
    })
}

fn map_of(this: &Value) -> JsResult<Map> {
    let m = match this {
        Value::Object(o) => o.with_host(|m: &mut Map| m.clone()),
        _ => None,
    };
    m.ok_or_else(|| error::type_error("not an algo.SharedMap"))
}

fn key(args: &[Value]) -> JsResult<String> {
    ops::to_rust_string(&arg(args, 0))
}

fn arith(this: &Value, args: &[Value], sign: f64) -> JsResult<Value> {
    let m = map_of(this)?;
    let k = key(args)?;
    let n = match arg(args, 1) {
        Value::Undefined => 1.0,
        v => ops::to_number(&v)?,
    };
    let mut map = lock(&m);
    let old = match map.get(&k) {
        Some(Shared::Number(x)) => *x,
        _ => 0.0,
    };
    let new = old + sign * n;
    map.insert(k, Shared::Number(new));
    Ok(Value::Number(new))
}

pub fn install(ns: &Obj) {
    let proto = util::class_prototype();
    util::method(&proto, "get", 1, |t, a| {
        let m = map_of(t)?;
        let v = lock(&m).get(&key(a)?).cloned();
        v.map_or(Ok(Value::Undefined), |s| from_shared(&s))
    });
    util::method(&proto, "set", 2, |t, a| {
        let m = map_of(t)?;
        let v = to_shared(&arg(a, 1))?;
        lock(&m).insert(key(a)?, v);
        Ok(t.clone())
    });
    util::method(&proto, "has", 1, |t, a| Ok(Value::Bool(lock(&map_of(t)?).contains_key(&key(a)?))));
    util::method(&proto, "delete", 1, |t, a| Ok(Value::Bool(lock(&map_of(t)?).remove(&key(a)?).is_some())));
    util::method(&proto, "clear", 0, |t, _| {
        lock(&map_of(t)?).clear();
        Ok(Value::Undefined)
    });
    util::method(&proto, "add", 2, |t, a| arith(t, a, 1.0));
    util::method(&proto, "sub", 2, |t, a| arith(t, a, -1.0));
    util::getter(&proto, "size", |t, _| Ok(Value::from(lock(&map_of(t)?).len())));
    util::namespace_class(ns, "SharedMap", 1, &proto, |proto, args| {
        let name = ops::to_rust_string(&arg(args, 0))?;
        let map = maps().entry(name).or_default().clone();
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(map)))))
    });
}
