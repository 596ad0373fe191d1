//! Array Iterator objects (`keys`, `values`, `entries`, `[Symbol.iterator]`) over any array-like,
//! `%ArrayIteratorPrototype%.next`, `%IteratorPrototype%[Symbol.iterator]` and
//! `Array.prototype[Symbol.unscopables]`.
//!
//! `values` is registered as "Array.prototype.values": the runtime's `for…of` fast path over
//! arrays checks that `Array.prototype[Symbol.iterator]` is still that very function.

use super::get_at;
use crate::util;
use pipy_value::shape::attr;
use pipy_value::{JsResult, Obj, ObjectKind, PropKey, Value, error, function, ops, realm};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Keys,
    Values,
    Entries,
}

/// The internal slots of an Array Iterator. `target` is dropped once it is exhausted, so a
/// finished iterator stays finished even if the array grows later.
struct ArrayIter {
    target: Option<Obj>,
    index: usize,
    kind: Kind,
}

pub(super) fn install(proto: &Obj) {
    pipy_value::cycles::trace_host::<ArrayIter>(|it, v| {
        if let Some(t) = &it.target {
            v.object(t);
        }
    });
    let i = realm::intrinsics();
    util::method(proto, "keys", 0, keys);
    util::method(proto, "entries", 0, entries);
    let values_fn = function::native("values", 0, values);
    proto.define_hidden("values", Value::Object(values_fn.clone()));
    proto.define_hidden(PropKey::Symbol(i.sym_iterator.clone()), Value::Object(values_fn.clone()));
    realm::register("Array.prototype.values", Value::Object(values_fn));

    let unscopables = Obj::new(None, ObjectKind::Ordinary);
    for name in [
        "at",
        "copyWithin",
        "entries",
        "fill",
        "find",
        "findIndex",
        "findLast",
        "findLastIndex",
        "flat",
        "flatMap",
        "includes",
        "keys",
        "toReversed",
        "toSorted",
        "toSpliced",
        "values",
    ] {
        unscopables.define_value(name, Value::Bool(true), attr::DEFAULT);
    }
    proto.define_value(PropKey::Symbol(i.sym_unscopables.clone()), Value::Object(unscopables), attr::CONFIGURABLE);

    let aip = &i.array_iterator_prototype;
    util::method(aip, "next", 0, next);
    aip.define_value(PropKey::Symbol(i.sym_to_string_tag.clone()), Value::str("Array Iterator"), attr::CONFIGURABLE);

    util::symbol_method(
        &i.iterator_prototype,
        PropKey::Symbol(i.sym_iterator.clone()),
        "[Symbol.iterator]",
        0,
        |this, _| Ok(this.clone()),
    );
}

/// CreateArrayIterator over `ToObject(this)`.
fn create(this: &Value, kind: Kind) -> JsResult<Value> {
    let target = ops::to_object(this)?;
    let proto = realm::intrinsics().array_iterator_prototype.clone();
    let state = ArrayIter { target: Some(target), index: 0, kind };
    Ok(Value::Object(Obj::new(Some(proto), ObjectKind::Host(Box::new(state)))))
}

fn keys(this: &Value, _args: &[Value]) -> JsResult<Value> {
    create(this, Kind::Keys)
}

fn values(this: &Value, _args: &[Value]) -> JsResult<Value> {
    create(this, Kind::Values)
}

fn entries(this: &Value, _args: &[Value]) -> JsResult<Value> {
    create(this, Kind::Entries)
}

fn next(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let it = match this {
        Value::Object(o) if o.is_host::<ArrayIter>() => o.clone(),
        _ => return Err(error::type_error("next method called on an object that is not an Array Iterator")),
    };
    let Some((target, index, kind)) = it.with_host(|s: &mut ArrayIter| (s.target.clone(), s.index, s.kind)) else {
        return Err(error::type_error("not an Array Iterator"));
    };
    let Some(target) = target else { return Ok(ops::iter_result(Value::Undefined, true)) };
    // The length is re-read every step so pushes during iteration are seen.
    let len = ops::length_of(&Value::Object(target.clone()))?;
    if index >= len {
        it.with_host(|s: &mut ArrayIter| s.target = None);
        return Ok(ops::iter_result(Value::Undefined, true));
    }
    it.with_host(|s: &mut ArrayIter| s.index = index + 1);
    let result = match kind {
        Kind::Keys => Value::from(index),
        Kind::Values => get_at(&target, index)?,
        Kind::Entries => ops::new_array(vec![Value::from(index), get_at(&target, index)?]),
    };
    Ok(ops::iter_result(result, false))
}
