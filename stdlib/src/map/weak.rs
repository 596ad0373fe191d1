//! `WeakMap` and `WeakSet`.
//!
//! The engine counts references and never traces, so "weak" here means the table holds a
//! `std::rc::Weak` to each key (objects, or symbols as ES2023 allows) and is keyed by the key's
//! address. An entry whose key has died is stale: it is ignored when its address is looked up
//! (the address may have been reused) and purged in bulk as the table grows. Values are held
//! strongly, so a value that refers back to its own key keeps both alive (no ephemerons).

use super::registered_obj;
use crate::util;
use pipy_value::error::{self, JsResult};
use pipy_value::function::{self, NativeFn};
use pipy_value::object::ObjectKind;
use pipy_value::shape::attr;
use pipy_value::value::SymbolData;
use pipy_value::{Obj, PropKey, Value, ops, realm};
use rustc_hash::FxHashMap;
use std::rc::{Rc, Weak};

enum WeakKey {
    Object(pipy_value::object::WeakObj),
    Symbol(Weak<SymbolData>),
}

impl WeakKey {
    fn alive(&self) -> bool {
        match self {
            WeakKey::Object(w) => w.is_alive(),
            WeakKey::Symbol(w) => w.strong_count() > 0,
        }
    }
}

/// The address and weak handle of a value that can be held weakly.
fn weak_key(v: &Value) -> Option<(usize, WeakKey)> {
    match v {
        Value::Object(o) => Some((o.addr(), WeakKey::Object(o.downgrade()))),
        Value::Symbol(s) => Some((Rc::as_ptr(&s.0) as usize, WeakKey::Symbol(Rc::downgrade(&s.0)))),
        _ => None,
    }
}

fn addr_of(v: &Value) -> Option<usize> {
    match v {
        Value::Object(o) => Some(o.addr()),
        Value::Symbol(s) => Some(Rc::as_ptr(&s.0) as usize),
        _ => None,
    }
}

#[derive(Default)]
struct WeakTable {
    entries: FxHashMap<usize, (WeakKey, Value)>,
    next_purge: usize,
}

impl WeakTable {
    fn get(&self, key: &Value) -> Option<&Value> {
        let (k, v) = self.entries.get(&addr_of(key)?)?;
        if k.alive() { Some(v) } else { None }
    }
    /// Inserts; returns replaced or purged values for the caller to drop outside the borrow.
    fn set(&mut self, key: &Value, value: Value) -> Vec<Value> {
        let mut dropped = Vec::new();
        if self.entries.len() >= self.next_purge {
            self.entries.retain(|_, (k, v)| {
                let alive = k.alive();
                if !alive {
                    dropped.push(std::mem::take(v));
                }
                alive
            });
            self.next_purge = (self.entries.len() * 2).max(16);
        }
        if let Some((addr, wk)) = weak_key(key) {
            if let Some((_, old)) = self.entries.insert(addr, (wk, value)) {
                dropped.push(old);
            }
        }
        dropped
    }
    /// Drops the entries whose keys died; returns their values for the caller to drop.
    fn purge(&mut self) -> Vec<Value> {
        let mut dropped = Vec::new();
        self.entries.retain(|_, (k, v)| {
            let alive = k.alive();
            if !alive {
                dropped.push(std::mem::take(v));
            }
            alive
        });
        dropped
    }

    fn delete(&mut self, key: &Value) -> Option<Value> {
        let addr = addr_of(key)?;
        let (k, v) = self.entries.remove(&addr)?;
        if k.alive() { Some(v) } else { None }
    }
}

#[derive(Default)]
struct WeakMapData(WeakTable);
#[derive(Default)]
struct WeakSetData(WeakTable);

/// A weak map's value is alive only while its key is (an ephemeron); a symbol key is never
/// collected, so its value is held plainly. Weak sets hold nothing.
fn trace_weak_map(m: &WeakMapData, v: &mut pipy_value::cycles::Visitor<'_>) {
    for (addr, (key, value)) in &m.0.entries {
        match key {
            WeakKey::Object(_) => v.ephemeron(*addr, value),
            WeakKey::Symbol(_) => v.value(value),
        }
    }
}

pub fn install() {
    pipy_value::cycles::trace_host::<WeakMapData>(trace_weak_map);
    pipy_value::cycles::sweep_host::<WeakMapData>(|m| m.0.purge());
    pipy_value::cycles::sweep_host::<WeakSetData>(|m| m.0.purge());
    let i = realm::intrinsics();
    for is_set in [false, true] {
        let name = if is_set { "WeakSet" } else { "WeakMap" };
        let proto = Obj::ordinary();
        realm::register(if is_set { "WeakSet.prototype" } else { "WeakMap.prototype" }, Value::Object(proto.clone()));
        let ctor: NativeFn = Rc::new(move |_this, args, nt| construct(is_set, args, nt));
        util::constructor(name, 0, &proto, ctor);
        if is_set {
            util::method(&proto, "add", 1, weakset_add);
            util::method(&proto, "has", 1, weakset_has);
            util::method(&proto, "delete", 1, weakset_delete);
        } else {
            util::method(&proto, "get", 1, weakmap_get);
            util::method(&proto, "set", 2, weakmap_set);
            util::method(&proto, "has", 1, weakmap_has);
            util::method(&proto, "delete", 1, weakmap_delete);
        }
        proto.define_value(PropKey::Symbol(i.sym_to_string_tag.clone()), Value::str(name), attr::CONFIGURABLE);
    }
}

fn construct(is_set: bool, args: &[Value], new_target: Option<&Obj>) -> JsResult<Value> {
    let name = if is_set { "WeakSet" } else { "WeakMap" };
    let Some(nt) = new_target else {
        return Err(error::type_error(&format!("Constructor {name} requires 'new'")));
    };
    let proto_name = if is_set { "WeakSet.prototype" } else { "WeakMap.prototype" };
    let proto = function::prototype_from_ctor(nt, |_| registered_obj(proto_name))?;
    let kind: Box<dyn std::any::Any> =
        if is_set { Box::new(WeakSetData::default()) } else { Box::new(WeakMapData::default()) };
    let this = Value::Object(Obj::new(Some(proto), ObjectKind::Host(kind)));
    let iterable = util::arg(args, 0);
    if iterable.is_nullish() {
        return Ok(this);
    }
    let adder_name = if is_set { "add" } else { "set" };
    let adder = ops::get_str(&this, adder_name)?;
    if !adder.is_callable() {
        return Err(error::type_error(&format!("'{adder_name}' is not a function")));
    }
    let mut it = ops::get_iterator(&iterable)?;
    while let Some(item) = it.step()? {
        let r = if is_set {
            function::call(&adder, &this, &[item]).map(drop)
        } else if !item.is_object() {
            Err(error::type_error(&format!("Iterator value {} is not an entry object", ops::describe(&item))))
        } else {
            ops::get(&item, &PropKey::index(0)).and_then(|k| {
                let v = ops::get(&item, &PropKey::index(1))?;
                function::call(&adder, &this, &[k, v]).map(drop)
            })
        };
        if let Err(e) = r {
            let _ = it.close();
            return Err(e);
        }
    }
    Ok(this)
}

fn with<T: 'static + Default, R>(this: &Value, method: &str, f: impl FnOnce(&mut T) -> R) -> JsResult<R> {
    let err = || super::incompatible(method, this);
    let Value::Object(o) = this else { return Err(err()) };
    o.with_host(f).ok_or_else(err)
}

fn map_table(d: &mut WeakMapData) -> &mut WeakTable {
    &mut d.0
}
fn set_table(d: &mut WeakSetData) -> &mut WeakTable {
    &mut d.0
}

fn weakmap_get(this: &Value, args: &[Value]) -> JsResult<Value> {
    let key = util::arg(args, 0);
    with(this, "WeakMap.prototype.get", |d: &mut WeakMapData| map_table(d).get(&key).cloned().unwrap_or_default())
}

fn weakmap_set(this: &Value, args: &[Value]) -> JsResult<Value> {
    let key = util::arg(args, 0);
    with(this, "WeakMap.prototype.set", |_: &mut WeakMapData| ())?;
    if weak_key(&key).is_none() {
        return Err(error::type_error("Invalid value used as weak map key"));
    }
    let dropped =
        with(this, "WeakMap.prototype.set", |d: &mut WeakMapData| map_table(d).set(&key, util::arg(args, 1)))?;
    drop(dropped);
    if let (Value::Object(k), Value::Object(map)) = (&key, this) {
        pipy_value::cycles::note_weak_key(k, map);
    }
    Ok(this.clone())
}

fn weakmap_has(this: &Value, args: &[Value]) -> JsResult<Value> {
    let key = util::arg(args, 0);
    with(this, "WeakMap.prototype.has", |d: &mut WeakMapData| Value::Bool(map_table(d).get(&key).is_some()))
}

fn weakmap_delete(this: &Value, args: &[Value]) -> JsResult<Value> {
    let key = util::arg(args, 0);
    let old = with(this, "WeakMap.prototype.delete", |d: &mut WeakMapData| map_table(d).delete(&key))?;
    Ok(Value::Bool(old.is_some()))
}

fn weakset_add(this: &Value, args: &[Value]) -> JsResult<Value> {
    let key = util::arg(args, 0);
    with(this, "WeakSet.prototype.add", |_: &mut WeakSetData| ())?;
    if weak_key(&key).is_none() {
        return Err(error::type_error("Invalid value used in weak set"));
    }
    let dropped = with(this, "WeakSet.prototype.add", |d: &mut WeakSetData| set_table(d).set(&key, Value::Bool(true)))?;
    drop(dropped);
    Ok(this.clone())
}

fn weakset_has(this: &Value, args: &[Value]) -> JsResult<Value> {
    let key = util::arg(args, 0);
    with(this, "WeakSet.prototype.has", |d: &mut WeakSetData| Value::Bool(set_table(d).get(&key).is_some()))
}

fn weakset_delete(this: &Value, args: &[Value]) -> JsResult<Value> {
    let key = util::arg(args, 0);
    let old = with(this, "WeakSet.prototype.delete", |d: &mut WeakSetData| set_table(d).delete(&key))?;
    Ok(Value::Bool(old.is_some()))
}
