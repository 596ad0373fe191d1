//! `Map` and `Set` (with their iterators) and, in `weak.rs`, `WeakMap` and `WeakSet`.
//!
//! Map and Set share one ordered hash table (`table.rs`); each instance is a Host object whose
//! state is `MapData` or `SetData`, distinct types so that `Map.prototype.get` rejects a Set.

mod table;
mod weak;

use crate::util;
use pipy_value::error::{self, JsResult};
use pipy_value::function::{self, NativeFn};
use pipy_value::object::{ObjectKind, PropSlot};
use pipy_value::shape::attr;
use pipy_value::{Obj, PropKey, Value, ops, realm};
use std::rc::Rc;
use table::{Cursor, Table};

pub fn install() {
    install_collection::<MapData>();
    install_collection::<SetData>();
    weak::install();
    pipy_value::cycles::trace_host::<MapData>(|m, v| m.0.trace(v));
    pipy_value::cycles::trace_host::<SetData>(|s, v| s.0.trace(v));
    pipy_value::cycles::trace_host::<IterState>(|it, v| {
        if let Some(t) = &it.target {
            v.object(t);
        }
    });
}

/// What distinguishes Map from Set for the shared code.
trait Collection: 'static + Sized {
    const NAME: &'static str;
    const PROTO: &'static str;
    const ITER_PROTO: &'static str;
    const IS_SET: bool;
    fn new() -> Self;
    fn table(&mut self) -> &mut Table;
}

#[derive(Default)]
struct MapData(Table);
#[derive(Default)]
struct SetData(Table);

impl Collection for MapData {
    const NAME: &'static str = "Map";
    const PROTO: &'static str = "Map.prototype";
    const ITER_PROTO: &'static str = "MapIterator.prototype";
    const IS_SET: bool = false;
    fn new() -> Self {
        MapData::default()
    }
    fn table(&mut self) -> &mut Table {
        &mut self.0
    }
}
impl Collection for SetData {
    const NAME: &'static str = "Set";
    const PROTO: &'static str = "Set.prototype";
    const ITER_PROTO: &'static str = "SetIterator.prototype";
    const IS_SET: bool = true;
    fn new() -> Self {
        SetData::default()
    }
    fn table(&mut self) -> &mut Table {
        &mut self.0
    }
}

#[derive(Clone, Copy)]
enum IterKind {
    Keys,
    Values,
    Entries,
}

/// State of a Map or Set iterator; `target` is dropped once the iterator is exhausted.
struct IterState {
    target: Option<Obj>,
    cursor: Cursor,
    kind: IterKind,
    is_set: bool,
}

fn incompatible(method: &str, this: &Value) -> Value {
    let what = match this {
        Value::Object(o) if o.is_callable() => "function".to_string(),
        Value::Object(_) => "#<Object>".to_string(),
        Value::String(s) => s.to_rust_string(),
        other => ops::describe(other),
    };
    error::type_error(&format!("Method {method} called on incompatible receiver {what}"))
}

/// Runs `f` on the table of `this`, or throws the incompatible-receiver TypeError.
fn with_table<C: Collection, R>(this: &Value, method: &str, f: impl FnOnce(&mut Table) -> R) -> JsResult<R> {
    let name = || format!("{}.prototype.{method}", C::NAME);
    let Value::Object(o) = this else { return Err(incompatible(&name(), this)) };
    o.with_host(|d: &mut C| f(d.table())).ok_or_else(|| incompatible(&name(), this))
}

fn install_collection<C: Collection>() {
    let i = realm::intrinsics();
    let proto = Obj::ordinary();
    realm::register(C::PROTO, Value::Object(proto.clone()));
    let ctor: NativeFn = Rc::new(|_this, args, new_target| construct::<C>(args, new_target));
    let ctor = util::constructor(C::NAME, 0, &proto, ctor);
    let species = function::native("get [Symbol.species]", 0, |this, _| Ok(this.clone()));
    ctor.define_accessor(PropKey::Symbol(i.sym_species.clone()), Some(species), None, attr::CONFIGURABLE);

    if C::IS_SET {
        util::method(&proto, "add", 1, set_add);
    } else {
        util::method(&proto, "get", 1, map_get);
        util::method(&proto, "set", 2, map_set);
        util::method(&ctor, "groupBy", 2, map_group_by);
    }
    // The original adder: the constructor fills the table directly only while `set`/`add` is it.
    let adder_name = if C::IS_SET { "add" } else { "set" };
    if let Some(p) = proto.get_own_property(&PropKey::str(adder_name)) {
        if let PropSlot::Data(f) = p.slot {
            realm::register(if C::IS_SET { "Set.prototype.add" } else { "Map.prototype.set" }, f);
        }
    }
    util::method(&proto, "has", 1, has::<C>);
    util::method(&proto, "delete", 1, delete::<C>);
    util::method(&proto, "clear", 0, clear::<C>);
    util::method(&proto, "forEach", 1, for_each::<C>);
    util::getter(&proto, "size", size::<C>);
    let entries = function::native("entries", 0, entries::<C>);
    let values = function::native("values", 0, values::<C>);
    proto.define_hidden("entries", Value::Object(entries.clone()));
    proto.define_hidden("values", Value::Object(values.clone()));
    let (keys, default_iter) =
        if C::IS_SET { (values.clone(), values) } else { (function::native("keys", 0, keys::<C>), entries) };
    proto.define_hidden("keys", Value::Object(keys));
    proto.define_hidden(PropKey::Symbol(i.sym_iterator.clone()), Value::Object(default_iter));
    proto.define_value(PropKey::Symbol(i.sym_to_string_tag.clone()), Value::str(C::NAME), attr::CONFIGURABLE);

    let iter_proto = Obj::new(Some(i.iterator_prototype.clone()), ObjectKind::Ordinary);
    util::method(&iter_proto, "next", 0, iter_next);
    let tag = if C::IS_SET { "Set Iterator" } else { "Map Iterator" };
    iter_proto.define_value(PropKey::Symbol(i.sym_to_string_tag.clone()), Value::str(tag), attr::CONFIGURABLE);
    realm::register(C::ITER_PROTO, Value::Object(iter_proto));
}

fn registered_obj(name: &str) -> Obj {
    match realm::registered(name) {
        Some(Value::Object(o)) => o,
        _ => realm::intrinsics().object_prototype.clone(),
    }
}

fn construct<C: Collection>(args: &[Value], new_target: Option<&Obj>) -> JsResult<Value> {
    let Some(nt) = new_target else {
        return Err(error::type_error(&format!("Constructor {} requires 'new'", C::NAME)));
    };
    let proto = function::prototype_from_ctor(nt, |_| registered_obj(C::PROTO))?;
    let obj = Obj::new(Some(proto), ObjectKind::Host(Box::new(C::new())));
    let this = Value::Object(obj.clone());
    let iterable = util::arg(args, 0);
    if iterable.is_nullish() {
        return Ok(this);
    }
    let adder_name = if C::IS_SET { "add" } else { "set" };
    let adder = ops::get_str(&this, adder_name)?;
    if !adder.is_callable() {
        return Err(error::type_error(&format!(
            "'{}' returned for property '{adder_name}' of object '#<{}>' is not callable",
            ops::describe(&adder),
            C::NAME
        )));
    }
    // When `set`/`add` is the built-in, entries go straight into the table.
    let original = realm::registered(if C::IS_SET { "Set.prototype.add" } else { "Map.prototype.set" });
    let builtin = matches!((&original, &adder), (Some(Value::Object(a)), Value::Object(b)) if a.ptr_eq(b));
    let mut it = match ops::get_iterator(&iterable) {
        Ok(it) => it,
        Err(_) if !iterable.is_object() => {
            return Err(error::type_error(&format!(
                "{} {} is not iterable (cannot read property Symbol(Symbol.iterator))",
                iterable.type_of(),
                ops::describe(&iterable)
            )));
        }
        Err(e) => return Err(e),
    };
    while let Some(item) = it.step()? {
        let r = add_item::<C>(&obj, &this, &adder, builtin, item);
        if let Err(e) = r {
            let _ = it.close();
            return Err(e);
        }
    }
    Ok(this)
}

fn add_item<C: Collection>(obj: &Obj, this: &Value, adder: &Value, builtin: bool, item: Value) -> JsResult<()> {
    let (k, v) = if C::IS_SET {
        (item, Value::Undefined)
    } else {
        if !item.is_object() {
            return Err(error::type_error(&format!("Iterator value {} is not an entry object", ops::describe(&item))));
        }
        (ops::get(&item, &PropKey::index(0))?, ops::get(&item, &PropKey::index(1))?)
    };
    if builtin {
        obj.with_host(|d: &mut C| d.table().set(k, v));
    } else if C::IS_SET {
        function::call(adder, this, &[k])?;
    } else {
        function::call(adder, this, &[k, v])?;
    }
    Ok(())
}

fn map_get(this: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(with_table::<MapData, _>(this, "get", |t| t.get(&util::arg(args, 0)))?.unwrap_or_default())
}

fn map_set(this: &Value, args: &[Value]) -> JsResult<Value> {
    with_table::<MapData, _>(this, "set", |t| t.set(util::arg(args, 0), util::arg(args, 1)))?;
    Ok(this.clone())
}

fn set_add(this: &Value, args: &[Value]) -> JsResult<Value> {
    with_table::<SetData, _>(this, "add", |t| t.set(util::arg(args, 0), Value::Undefined))?;
    Ok(this.clone())
}

fn has<C: Collection>(this: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::Bool(with_table::<C, _>(this, "has", |t| t.has(&util::arg(args, 0)))?))
}

fn delete<C: Collection>(this: &Value, args: &[Value]) -> JsResult<Value> {
    let old = with_table::<C, _>(this, "delete", |t| t.delete(&util::arg(args, 0)))?;
    Ok(Value::Bool(old.is_some()))
}

fn clear<C: Collection>(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let old = with_table::<C, _>(this, "clear", |t| t.clear())?;
    drop(old);
    Ok(Value::Undefined)
}

fn size<C: Collection>(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let name = format!("get {}.prototype.size", C::NAME);
    let Value::Object(o) = this else { return Err(incompatible(&name, this)) };
    let n = o.with_host(|d: &mut C| d.table().len()).ok_or_else(|| incompatible(&name, this))?;
    Ok(Value::from(n))
}

fn for_each<C: Collection>(this: &Value, args: &[Value]) -> JsResult<Value> {
    let cursor = with_table::<C, _>(this, "forEach", |t| t.cursor())?;
    let cb = util::arg(args, 0);
    if !cb.is_callable() {
        return Err(error::type_error(&format!("{} is not a function", ops::describe(&cb))));
    }
    let this_arg = util::arg(args, 1);
    let Value::Object(o) = this else { return Ok(Value::Undefined) };
    loop {
        let Some(Some((k, v))) = o.with_host(|d: &mut C| d.table().next(&cursor)) else { break };
        let v = if C::IS_SET { k.clone() } else { v };
        function::call(&cb, &this_arg, &[v, k, this.clone()])?;
    }
    Ok(Value::Undefined)
}

fn make_iter<C: Collection>(this: &Value, method: &str, kind: IterKind) -> JsResult<Value> {
    let cursor = with_table::<C, _>(this, method, |t| t.cursor())?;
    let state = IterState { target: this.as_object().cloned(), cursor, kind, is_set: C::IS_SET };
    let it = Obj::new(Some(registered_obj(C::ITER_PROTO)), ObjectKind::Host(Box::new(state)));
    Ok(Value::Object(it))
}

fn entries<C: Collection>(this: &Value, _args: &[Value]) -> JsResult<Value> {
    make_iter::<C>(this, "entries", IterKind::Entries)
}
fn values<C: Collection>(this: &Value, _args: &[Value]) -> JsResult<Value> {
    make_iter::<C>(this, "values", IterKind::Values)
}
fn keys<C: Collection>(this: &Value, _args: &[Value]) -> JsResult<Value> {
    make_iter::<C>(this, "keys", IterKind::Keys)
}

fn iter_next(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let state = this
        .as_object()
        .and_then(|o| o.with_host(|s: &mut IterState| (s.target.clone(), s.cursor.clone(), s.kind, s.is_set)));
    let Some((target, cursor, kind, is_set)) = state else {
        return Err(incompatible("%MapIteratorPrototype%.next", this));
    };
    let Some(target) = target else { return Ok(ops::iter_result(Value::Undefined, true)) };
    let entry = if is_set {
        target.with_host(|d: &mut SetData| d.0.next(&cursor))
    } else {
        target.with_host(|d: &mut MapData| d.0.next(&cursor))
    };
    let Some(Some((k, v))) = entry else {
        if let Some(o) = this.as_object() {
            o.with_host(|s: &mut IterState| s.target = None);
        }
        return Ok(ops::iter_result(Value::Undefined, true));
    };
    let v = if is_set { k.clone() } else { v };
    let out = match kind {
        IterKind::Keys => k,
        IterKind::Values => v,
        IterKind::Entries => ops::new_array(vec![k, v]),
    };
    Ok(ops::iter_result(out, false))
}

/// `Map.groupBy(items, callback)`: a Map from callback results to arrays of items.
fn map_group_by(_this: &Value, args: &[Value]) -> JsResult<Value> {
    let items = util::arg(args, 0);
    let cb = util::arg(args, 1);
    if items.is_nullish() {
        return Err(error::type_error(&format!("{} is not iterable", ops::describe(&items))));
    }
    if !cb.is_callable() {
        return Err(error::type_error(&format!("{} is not a function", ops::describe(&cb))));
    }
    let mut groups = Table::default();
    let mut lists: Vec<Vec<Value>> = Vec::new();
    let mut it = ops::get_iterator(&items)?;
    let mut k = 0usize;
    while let Some(v) = it.step()? {
        let key = match function::call(&cb, &Value::Undefined, &[v.clone(), Value::from(k)]) {
            Ok(key) => table::canonical_key(key),
            Err(e) => {
                let _ = it.close();
                return Err(e);
            }
        };
        match groups.get(&key) {
            Some(Value::Number(i)) => {
                if let Some(list) = lists.get_mut(i as usize) {
                    list.push(v);
                }
            }
            _ => {
                groups.set(key, Value::from(lists.len()));
                lists.push(vec![v]);
            }
        }
        k += 1;
    }
    let mut data = MapData::new();
    let cursor = groups.cursor();
    while let Some((key, idx)) = groups.next(&cursor) {
        let list = idx.as_number().and_then(|i| lists.get_mut(i as usize)).map(std::mem::take).unwrap_or_default();
        data.0.set(key, ops::new_array(list));
    }
    Ok(Value::Object(Obj::new(Some(registered_obj(MapData::PROTO)), ObjectKind::Host(Box::new(data)))))
}

#[cfg(test)]
mod tests;
