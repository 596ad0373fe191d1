//! `Array`: the constructor and its statics, `Array.prototype` (the intrinsic `array_prototype`) and
//! the Array Iterator objects (`array_iterator_prototype`), plus `%IteratorPrototype%[@@iterator]`.
//!
//! Every method is generic over array-likes (it goes through `ops::get`/`set` on `ToObject(this)`),
//! but reads elements of real arrays straight from their `Vec` (see `elem`), because proxy scripts
//! mostly handle dense arrays. A `Vec` element that is not a hole is always an own, plain data
//! property, so reading it directly is exactly what `[[HasProperty]]` + `[[Get]]` would give; a hole
//! falls back to the generic lookup (which sees the prototype chain).

mod callbacks;
mod iter;
mod methods;
mod sort;
#[cfg(test)]
mod tests;

use crate::util;
use pipy_value::function;
use pipy_value::object::{PropSlot, PropertyDescriptor};
use pipy_value::shape::attr;
use pipy_value::{JsResult, Obj, ObjectKind, PropKey, Value, error, ops, realm};

/// Arrays longer than this are refused (the runtime keeps elements dense: see `ops::write_own`).
pub(crate) const MAX_DENSE: usize = 1 << 24;

pub fn install() {
    let i = realm::intrinsics();
    let proto = i.array_prototype.clone();
    let ctor = util::constructor("Array", 1, &proto, std::rc::Rc::new(array_ctor));
    realm::register("Array", Value::Object(ctor.clone()));
    util::method(&ctor, "isArray", 1, is_array);
    util::method(&ctor, "from", 1, from);
    util::method(&ctor, "of", 0, of);
    let species = function::native("get [Symbol.species]", 0, |this, _| Ok(this.clone()));
    ctor.define_accessor(PropKey::Symbol(i.sym_species.clone()), Some(species), None, attr::CONFIGURABLE);
    methods::install(&proto);
    callbacks::install(&proto);
    sort::install(&proto);
    iter::install(&proto);
}

// ----- the constructor and its statics -----

fn array_ctor(_this: &Value, args: &[Value], new_target: Option<&Obj>) -> JsResult<Value> {
    let proto = match new_target {
        Some(nt) => function::prototype_from_ctor(nt, |i| i.array_prototype.clone())?,
        None => realm::intrinsics().array_prototype.clone(),
    };
    let elems = match args {
        [Value::Number(n)] => vec![Value::Hole; checked_length(*n)?],
        _ => args.to_vec(),
    };
    Ok(Value::Object(Obj::new(Some(proto), ObjectKind::Array(elems))))
}

/// A valid array length (a uint32), or the RangeError `new Array(n)` throws.
pub(crate) fn checked_length(n: f64) -> JsResult<usize> {
    if n < 0.0 || n > u32::MAX as f64 || n.fract() != 0.0 || n.is_nan() {
        return Err(error::range_error("Invalid array length"));
    }
    if n as usize > MAX_DENSE {
        return Err(error::range_error("Invalid array length (sparse arrays are not supported)"));
    }
    Ok(n as usize)
}

fn is_array(_this: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::Bool(matches!(args.first(), Some(Value::Object(o)) if o.is_array())))
}

fn array_ctor_obj() -> Option<Obj> {
    match realm::registered("Array") {
        Some(Value::Object(o)) => Some(o),
        _ => None,
    }
}

/// `this` of `Array.from`/`Array.of` when it is a constructor other than `Array` itself (subclasses).
fn custom_ctor(this: &Value) -> Option<Obj> {
    match this {
        Value::Object(c) if c.is_constructor() && array_ctor_obj().is_none_or(|a| !a.ptr_eq(c)) => Some(c.clone()),
        _ => None,
    }
}

fn from(this: &Value, args: &[Value]) -> JsResult<Value> {
    let items = util::arg(args, 0);
    let map_fn = util::arg(args, 1);
    let this_arg = util::arg(args, 2);
    if !map_fn.is_undefined() && !map_fn.is_callable() {
        return Err(error::type_error(&format!("{} is not a function", ops::describe(&map_fn))));
    }
    let map = |v: Value, k: usize| -> JsResult<Value> {
        if map_fn.is_undefined() { Ok(v) } else { function::call(&map_fn, &this_arg, &[v, Value::from(k)]) }
    };
    let ctor = custom_ctor(this);
    let iter_key = PropKey::Symbol(realm::intrinsics().sym_iterator.clone());
    let uses_iterator = !items.is_nullish() && ops::get_method(&items, &iter_key)?.is_some();
    if uses_iterator {
        let mut it = ops::get_iterator(&items)?;
        if let Some(c) = ctor {
            let target = function::construct(&c, &[], &c)?;
            let mut k = 0;
            loop {
                let next = match it.step()? {
                    Some(v) => v,
                    None => break,
                };
                let step = map(next, k).and_then(|v| create_data_property(&target, k, v));
                if let Err(e) = step {
                    let _ = it.close();
                    return Err(e);
                }
                k += 1;
            }
            ops::set(&target, &PropKey::str("length"), Value::from(k), true)?;
            return Ok(target);
        }
        let mut out = Vec::new();
        while let Some(v) = it.step()? {
            match map(v, out.len()) {
                Ok(v) => out.push(v),
                Err(e) => {
                    let _ = it.close();
                    return Err(e);
                }
            }
        }
        return Ok(ops::new_array(out));
    }
    let src = Value::Object(ops::to_object(&items)?);
    let len = ops::length_of(&src)?;
    if let Some(c) = ctor {
        let target = function::construct(&c, &[Value::from(len)], &c)?;
        for k in 0..len {
            let v = map(ops::get(&src, &key(k))?, k)?;
            create_data_property(&target, k, v)?;
        }
        ops::set(&target, &PropKey::str("length"), Value::from(len), true)?;
        return Ok(target);
    }
    checked_length(len as f64)?;
    let mut out = Vec::with_capacity(len);
    for k in 0..len {
        out.push(map(ops::get(&src, &key(k))?, k)?);
    }
    Ok(ops::new_array(out))
}

fn of(this: &Value, args: &[Value]) -> JsResult<Value> {
    let Some(c) = custom_ctor(this) else { return Ok(ops::new_array(args.to_vec())) };
    let target = function::construct(&c, &[Value::from(args.len())], &c)?;
    for (k, v) in args.iter().enumerate() {
        create_data_property(&target, k, v.clone())?;
    }
    ops::set(&target, &PropKey::str("length"), Value::from(args.len()), true)?;
    Ok(target)
}

// ----- helpers shared by the methods -----

/// The property key of index `i` (canonical numeric string even past the uint32 range).
pub(crate) fn key(i: usize) -> PropKey {
    if i < u32::MAX as usize { PropKey::index(i as u32) } else { PropKey::String(i.to_string().into()) }
}

/// `this` as an object plus its length: the prologue of every generic method.
pub(crate) fn this_obj(this: &Value) -> JsResult<(Obj, Value, usize)> {
    let o = ops::to_object(this)?;
    let v = Value::Object(o.clone());
    let len = ops::length_of(&v)?;
    Ok((o, v, len))
}

/// Element `k` straight from the `Vec` of an array (or `arguments`), if it is there and not a hole.
#[inline]
pub(crate) fn dense_elem(o: &Obj, k: usize) -> Option<Value> {
    match &o.borrow().kind {
        ObjectKind::Array(v) | ObjectKind::Arguments(v) => v.get(k).filter(|e| !e.is_hole()).cloned(),
        _ => None,
    }
}

/// `HasProperty(O, k)` then `Get(O, k)`: `None` for a missing element (a hole).
#[inline]
pub(crate) fn elem(o: &Obj, k: usize) -> JsResult<Option<Value>> {
    if let Some(v) = dense_elem(o, k) {
        return Ok(Some(v));
    }
    let key = key(k);
    if !ops::has_property(o, &key) {
        return Ok(None);
    }
    Ok(Some(ops::get_obj(o, &key, &Value::Object(o.clone()))?))
}

/// `Get(O, k)`: holes read as undefined (or whatever the prototype chain holds).
pub(crate) fn get_at(o: &Obj, k: usize) -> JsResult<Value> {
    if let Some(v) = dense_elem(o, k) {
        return Ok(v);
    }
    Ok(ops::get_obj(o, &key(k), &Value::Object(o.clone()))?.unhole())
}

/// `Set(O, k, v, true)`.
pub(crate) fn set_at(o: &Obj, k: usize, v: Value) -> JsResult<()> {
    ops::set(&Value::Object(o.clone()), &key(k), v, true)
}

/// `DeletePropertyOrThrow(O, k)`.
pub(crate) fn delete_at(o: &Obj, k: usize) -> JsResult<()> {
    if !ops::delete(o, &key(k))? {
        return Err(error::type_error(&format!(
            "Cannot delete property '{k}' of {}",
            ops::describe(&o.clone().into())
        )));
    }
    Ok(())
}

/// `Set(O, "length", n, true)`.
pub(crate) fn set_length(o: &Obj, n: usize) -> JsResult<()> {
    ops::set(&Value::Object(o.clone()), &PropKey::str("length"), Value::from(n), true)
}

/// `CreateDataPropertyOrThrow(A, k, v)`.
pub(crate) fn create_data_property(target: &Value, k: usize, v: Value) -> JsResult<()> {
    let Value::Object(o) = target else { return Err(error::type_error("Array result is not an object")) };
    if !ops::define_own_property(o, &key(k), &PropertyDescriptor::data(v, attr::DEFAULT))? {
        return Err(error::type_error(&format!("Cannot add property {k}, object is not extensible")));
    }
    Ok(())
}

/// A real array whose `Vec` may be edited in place: elements writable, object extensible.
pub(crate) fn is_plain_array(o: &Obj) -> bool {
    let b = o.borrow();
    matches!(b.kind, ObjectKind::Array(_)) && b.extensible && !b.elements_frozen && !b.elements_sealed
}

/// True when no prototype of `o` has indexed properties, so a hole reads as plain `undefined`.
pub(crate) fn protos_have_no_elements(o: &Obj) -> bool {
    let mut cur = o.proto();
    while let Some(p) = cur {
        {
            let b = p.borrow();
            match &b.kind {
                ObjectKind::Array(v) | ObjectKind::Arguments(v) if v.iter().any(|e| !e.is_hole()) => return false,
                ObjectKind::String(s) if !s.is_empty() => return false,
                _ => {}
            }
            if b.shape.keys.iter().any(|k| k.array_index().is_some()) {
                return false;
            }
        }
        cur = p.proto();
    }
    true
}

/// A copy of elements `start..end` of an array (or `arguments`), when holes in it cannot hide anything.
pub(crate) fn dense_range(o: &Obj, start: usize, end: usize) -> Option<Vec<Value>> {
    let (copy, has_hole) = match &o.borrow().kind {
        ObjectKind::Array(v) | ObjectKind::Arguments(v) if end <= v.len() && start <= end => {
            let s = &v[start..end];
            (s.to_vec(), s.iter().any(|e| e.is_hole()))
        }
        _ => return None,
    };
    if has_hole && !protos_have_no_elements(o) {
        return None;
    }
    Some(copy)
}

/// The callback argument of forEach/map/…: must be callable.
pub(crate) fn callback(args: &[Value]) -> JsResult<Value> {
    let f = util::arg(args, 0);
    if !f.is_callable() {
        return Err(error::type_error(&format!("{} is not a function", ops::describe(&f))));
    }
    Ok(f)
}

/// ArraySpeciesCreate: `None` means "a plain new array" (the usual case, built from a `Vec`).
pub(crate) fn species_ctor(original: &Obj) -> JsResult<Option<Obj>> {
    if !original.is_array() {
        return Ok(None);
    }
    let ov = Value::Object(original.clone());
    let mut c = ops::get(&ov, &PropKey::str("constructor"))?;
    let array = array_ctor_obj();
    if let Value::Object(co) = &c {
        if array.as_ref().is_some_and(|a| a.ptr_eq(co)) {
            return Ok(None);
        }
        c = ops::get(&c, &PropKey::Symbol(realm::intrinsics().sym_species.clone()))?;
        if c.is_null() {
            c = Value::Undefined;
        }
    }
    match c {
        Value::Undefined => Ok(None),
        Value::Object(co) if co.is_constructor() => {
            if array.as_ref().is_some_and(|a| a.ptr_eq(&co)) {
                return Ok(None);
            }
            Ok(Some(co))
        }
        _ => Err(error::type_error("object.constructor[Symbol.species] is not a constructor")),
    }
}

/// `new C(len)` for a species constructor.
pub(crate) fn species_create(c: &Obj, len: usize) -> JsResult<Value> {
    function::construct(c, &[Value::from(len)], c)
}

/// Whether `v` is spread by `concat`/`flat` (`IsConcatSpreadable`).
pub(crate) fn is_concat_spreadable(v: &Value) -> JsResult<bool> {
    let Value::Object(o) = v else { return Ok(false) };
    let sym = PropKey::Symbol(realm::intrinsics().sym_is_concat_spreadable.clone());
    // Most objects have no such property at all: skip the full [[Get]] then.
    if let Some(p) = ops::find_property(o, &sym) {
        let flag = match p.slot {
            PropSlot::Data(v) => v,
            PropSlot::Accessor(..) => ops::get(v, &sym)?,
        };
        if !flag.is_undefined() {
            return Ok(flag.truthy());
        }
    }
    Ok(o.is_array())
}
