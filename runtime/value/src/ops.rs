//! The abstract operations of ECMAScript that every part of the engine needs: conversions,
//! property get/set with prototype chains and accessors, equality, operators, iteration.

use crate::error::{self, JsResult};
use crate::function::{self, FunctionData};
use crate::number;
use crate::object::{Obj, ObjectKind, OwnProp, PropSlot, PropertyDescriptor};
use crate::realm;
use crate::shape::{PropKey, Shape, attr};
use crate::string::JsString;
use crate::value::{Symbol, Value};

// ----- conversions -----

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Hint {
    Default,
    Number,
    String,
}

pub fn to_primitive(v: &Value, hint: Hint) -> JsResult<Value> {
    let Value::Object(o) = v else { return Ok(v.clone()) };
    let tp = realm::intrinsics().sym_to_primitive.clone();
    let exotic = get(v, &PropKey::Symbol(tp))?;
    if !exotic.is_nullish() {
        let h = match hint {
            Hint::Default => "default",
            Hint::Number => "number",
            Hint::String => "string",
        };
        let r = function::call(&exotic, v, &[Value::str(h)])?;
        if r.is_object() {
            return Err(error::type_error("Cannot convert object to primitive value"));
        }
        return Ok(r);
    }
    let order = if hint == Hint::String { ["toString", "valueOf"] } else { ["valueOf", "toString"] };
    for name in order {
        let m = get_obj(o, &PropKey::str(name), v)?;
        if m.is_callable() {
            let r = function::call(&m, v, &[])?;
            if !r.is_object() {
                return Ok(r);
            }
        }
    }
    Err(error::type_error("Cannot convert object to primitive value"))
}

pub fn to_number(v: &Value) -> JsResult<f64> {
    Ok(match v {
        Value::Undefined | Value::Hole => f64::NAN,
        Value::Null => 0.0,
        Value::Bool(b) => *b as u8 as f64,
        Value::Number(n) => *n,
        Value::String(s) => number::string_to_number(s),
        Value::Symbol(_) => return Err(error::type_error("Cannot convert a Symbol value to a number")),
        Value::Object(_) => to_number(&to_primitive(v, Hint::Number)?)?,
    })
}

pub fn to_string(v: &Value) -> JsResult<JsString> {
    Ok(match v {
        Value::Undefined | Value::Hole => JsString::new("undefined"),
        Value::Null => JsString::new("null"),
        Value::Bool(b) => JsString::new(if *b { "true" } else { "false" }),
        Value::Number(n) => JsString::from_string(number::to_string(*n)),
        Value::String(s) => s.clone(),
        Value::Symbol(_) => return Err(error::type_error("Cannot convert a Symbol value to a string")),
        Value::Object(_) => to_string(&to_primitive(v, Hint::String)?)?,
    })
}

/// A Rust string for `v` (ToString).
pub fn to_rust_string(v: &Value) -> JsResult<String> {
    Ok(to_string(v)?.to_rust_string())
}

pub fn to_property_key(v: &Value) -> JsResult<PropKey> {
    Ok(match v {
        Value::String(s) => PropKey::String(s.clone()),
        Value::Symbol(s) => PropKey::Symbol(s.clone()),
        Value::Number(n) => PropKey::String(JsString::from_string(number::to_string(*n))),
        Value::Object(_) => return to_property_key(&to_primitive(v, Hint::String)?),
        _ => PropKey::String(to_string(v)?),
    })
}

pub fn to_object(v: &Value) -> JsResult<Obj> {
    let i = realm::intrinsics();
    Ok(match v {
        Value::Object(o) => o.clone(),
        Value::Undefined | Value::Null | Value::Hole => {
            return Err(error::type_error("Cannot convert undefined or null to object"));
        }
        Value::Bool(b) => Obj::new(Some(i.boolean_prototype.clone()), ObjectKind::Boolean(*b)),
        Value::Number(n) => Obj::new(Some(i.number_prototype.clone()), ObjectKind::Number(*n)),
        Value::String(s) => Obj::new(Some(i.string_prototype.clone()), ObjectKind::String(s.clone())),
        Value::Symbol(s) => Obj::new(Some(i.symbol_prototype.clone()), ObjectKind::Symbol(s.clone())),
    })
}

pub fn to_int32(v: &Value) -> JsResult<i32> {
    Ok(number::f64_to_int32(to_number(v)?))
}
pub fn to_uint32(v: &Value) -> JsResult<u32> {
    Ok(number::f64_to_int32(to_number(v)?) as u32)
}
/// ToIntegerOrInfinity.
pub fn to_integer(v: &Value) -> JsResult<f64> {
    let n = to_number(v)?;
    Ok(if n.is_nan() { 0.0 } else { n.trunc() + 0.0 })
}
/// ToLength.
pub fn to_length(v: &Value) -> JsResult<usize> {
    let n = to_integer(v)?;
    Ok(if n <= 0.0 { 0 } else { n.min(9007199254740991.0) as usize })
}

/// A relative index (as `slice` takes it) resolved against `len`.
pub fn relative_index(v: &Value, len: usize, default: usize) -> JsResult<usize> {
    if v.is_undefined() {
        return Ok(default);
    }
    let n = to_integer(v)?;
    Ok(if n < 0.0 { (len as f64 + n).max(0.0) as usize } else { n.min(len as f64) as usize })
}

/// A short description of a value for error messages.
pub fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => format!("\"{s}\""),
        Value::Object(o) => {
            if o.is_callable() {
                let name = get_own_data(o, "name").map(|n| n.as_string().map(|s| s.to_rust_string()));
                match name {
                    Some(Some(n)) if !n.is_empty() => format!("function {n}"),
                    _ => "function".to_string(),
                }
            } else if o.is_array() {
                "array".to_string()
            } else {
                "object".to_string()
            }
        }
        Value::Symbol(_) => "symbol".to_string(),
        other => to_string(other).map(|s| s.to_rust_string()).unwrap_or_default(),
    }
}

fn get_own_data(o: &Obj, key: &str) -> Option<Value> {
    match o.get_own_property(&PropKey::str(key))?.slot {
        PropSlot::Data(v) => Some(v),
        _ => None,
    }
}

// ----- property access -----

/// `v[key]`.
pub fn get(v: &Value, key: &PropKey) -> JsResult<Value> {
    match v {
        Value::Object(o) => get_obj(o, key, v),
        Value::String(s) => {
            if let PropKey::String(k) = key {
                if let Some(i) = k.as_array_index() {
                    if let Some(u) = s.get_unit(i as usize) {
                        return Ok(Value::String(JsString::from_units(&[u])));
                    }
                } else if k.as_ascii() == Some("length") {
                    return Ok(Value::from(s.len()));
                }
            }
            get_obj(&realm::intrinsics().string_prototype, key, v)
        }
        Value::Number(_) => get_obj(&realm::intrinsics().number_prototype, key, v),
        Value::Bool(_) => get_obj(&realm::intrinsics().boolean_prototype, key, v),
        Value::Symbol(_) => get_obj(&realm::intrinsics().symbol_prototype, key, v),
        Value::Undefined | Value::Null | Value::Hole => Err(error::type_error(&format!(
            "Cannot read properties of {} (reading '{}')",
            if v.is_null() { "null" } else { "undefined" },
            key_display(key)
        ))),
    }
}

pub fn key_display(key: &PropKey) -> String {
    match key {
        PropKey::String(s) => s.to_rust_string(),
        PropKey::Symbol(s) => format!("Symbol({})", s.description().map(|d| d.to_rust_string()).unwrap_or_default()),
    }
}

pub fn get_str(v: &Value, key: &str) -> JsResult<Value> {
    get(v, &PropKey::str(key))
}

/// `[[Get]]` on an object with an explicit receiver (for getters).
pub fn get_obj(o: &Obj, key: &PropKey, receiver: &Value) -> JsResult<Value> {
    let mut cur = o.clone();
    loop {
        if let Some(p) = cur.get_own_property(key) {
            return match p.slot {
                PropSlot::Data(v) => Ok(v),
                PropSlot::Accessor(Some(g), _) => function::call_obj(&g, receiver, &[]),
                PropSlot::Accessor(None, _) => Ok(Value::Undefined),
            };
        }
        let next = cur.borrow().proto.clone();
        match next {
            Some(p) => cur = p,
            None if key.is_private() => {
                return Err(error::type_error(&format!(
                    "Cannot read private member {} from an object whose class did not declare it",
                    key_display(key)
                )));
            }
            None => return Ok(Value::Undefined),
        }
    }
}

/// Finds `key` on `o` or its prototypes.
pub fn find_property(o: &Obj, key: &PropKey) -> Option<OwnProp> {
    let mut cur = o.clone();
    loop {
        if let Some(p) = cur.get_own_property(key) {
            return Some(p);
        }
        let next = cur.borrow().proto.clone();
        cur = next?;
    }
}

pub fn has_property(o: &Obj, key: &PropKey) -> bool {
    find_property(o, key).is_some()
}

/// `v[key] = value`. In strict code a failed assignment throws; in sloppy code it is ignored.
pub fn set(v: &Value, key: &PropKey, value: Value, strict: bool) -> JsResult<()> {
    match v {
        Value::Object(o) => {
            let ok = set_obj(o, key, value, v)?;
            if !ok && strict {
                return Err(error::type_error(&format!(
                    "Cannot assign to read only property '{}' of object",
                    key_display(key)
                )));
            }
            Ok(())
        }
        Value::Undefined | Value::Null | Value::Hole => Err(error::type_error(&format!(
            "Cannot set properties of {} (setting '{}')",
            if v.is_null() { "null" } else { "undefined" },
            key_display(key)
        ))),
        _ => {
            // Primitives: setters on the prototype run; anything else is dropped (or throws in strict code).
            let proto = to_object(v)?;
            if let Some(OwnProp { slot: PropSlot::Accessor(_, Some(s)), .. }) = find_property(&proto, key) {
                function::call_obj(&s, v, &[value])?;
                return Ok(());
            }
            if strict {
                return Err(error::type_error(&format!(
                    "Cannot create property '{}' on {}",
                    key_display(key),
                    v.type_of()
                )));
            }
            Ok(())
        }
    }
}

pub fn set_str(v: &Value, key: &str, value: Value) -> JsResult<()> {
    set(v, &PropKey::str(key), value, true)
}

/// `[[Set]]`: returns false when the assignment is refused.
pub fn set_obj(o: &Obj, key: &PropKey, value: Value, receiver: &Value) -> JsResult<bool> {
    // Fast path: own writable data property or array element on the receiver itself.
    if let Value::Object(r) = receiver {
        if r.ptr_eq(o) {
            if let Some(done) = set_own_fast(o, key, &value)? {
                return Ok(done);
            }
        }
    }
    let mut cur = o.clone();
    loop {
        if let Some(p) = cur.get_own_property(key) {
            match p.slot {
                PropSlot::Accessor(_, Some(s)) => {
                    function::call_obj(&s, receiver, &[value])?;
                    return Ok(true);
                }
                PropSlot::Accessor(_, None) => return Ok(false),
                PropSlot::Data(_) => {
                    if p.flags & attr::WRITABLE == 0 {
                        return Ok(false);
                    }
                    break;
                }
            }
        }
        let next = cur.borrow().proto.clone();
        match next {
            Some(p) => cur = p,
            None if key.is_private() => {
                return Err(error::type_error(&format!(
                    "Cannot write private member {} to an object whose class did not declare it",
                    key_display(key)
                )));
            }
            None => break,
        }
    }
    let Value::Object(r) = receiver else { return Ok(false) };
    if let Some(p) = r.get_own_property(key) {
        if let PropSlot::Accessor(..) = p.slot {
            return Ok(false);
        }
        if p.flags & attr::WRITABLE == 0 {
            return Ok(false);
        }
        return write_own(r, key, value, p.flags);
    }
    if !r.borrow().extensible {
        return Ok(false);
    }
    write_own(r, key, value, attr::DEFAULT)
}

/// Writes an existing own writable data property or array element; `None` if not applicable.
fn set_own_fast(o: &Obj, key: &PropKey, value: &Value) -> JsResult<Option<bool>> {
    let mut b = o.borrow_mut();
    let b = &mut *b;
    if let Some(i) = key.array_index() {
        if let ObjectKind::Array(v) = &mut b.kind {
            let i = i as usize;
            if i < v.len() && !v[i].is_hole() && !b.elements_frozen {
                v[i] = value.clone();
                return Ok(Some(true));
            }
        }
        return Ok(None);
    }
    if let Some((i, flags)) = b.shape.lookup(key) {
        if flags & (attr::WRITABLE | attr::ACCESSOR) == attr::WRITABLE {
            b.slots[i as usize] = value.clone();
            return Ok(Some(true));
        }
    }
    Ok(None)
}

fn write_own(r: &Obj, key: &PropKey, value: Value, flags: u8) -> JsResult<bool> {
    if let Some(i) = key.array_index() {
        let is_array = r.is_array();
        if is_array {
            if r.borrow().elements_frozen || (r.borrow().elements_sealed && !r.has_own_property(key)) {
                return Ok(false);
            }
            let len = match &r.borrow().kind {
                ObjectKind::Array(v) => v.len(),
                _ => 0,
            };
            if i as usize > len + (1 << 24) {
                return Err(error::range_error("Array index too far beyond the end (sparse arrays are not supported)"));
            }
        }
    } else if let PropKey::String(s) = key {
        if s.as_ascii() == Some("length") && r.is_array() {
            return set_array_length(r, &value);
        }
    }
    r.define_value(key.clone(), value, flags);
    Ok(true)
}

pub fn set_array_length(r: &Obj, value: &Value) -> JsResult<bool> {
    let n = to_number(value)?;
    let len = n as u32;
    if len as f64 != n {
        return Err(error::range_error("Invalid array length"));
    }
    if r.borrow().elements_frozen {
        return Ok(false);
    }
    let mut b = r.borrow_mut();
    if let ObjectKind::Array(v) = &mut b.kind {
        if len as usize > v.len() + (1 << 24) {
            return Err(error::range_error("Invalid array length (sparse arrays are not supported)"));
        }
        v.resize(len as usize, Value::Hole);
    }
    Ok(true)
}

/// `delete o[key]`: false when the property is not configurable.
pub fn delete(o: &Obj, key: &PropKey) -> JsResult<bool> {
    match o.get_own_property(key) {
        None => Ok(true),
        Some(p) => {
            if p.flags & attr::CONFIGURABLE == 0 {
                return Ok(false);
            }
            o.remove_own(key);
            Ok(true)
        }
    }
}

/// ValidateAndApplyPropertyDescriptor on an own property.
pub fn define_own_property(o: &Obj, key: &PropKey, desc: &PropertyDescriptor) -> JsResult<bool> {
    if let Some(i) = key.array_index() {
        let len = match &o.borrow().kind {
            ObjectKind::Array(v) => Some(v.len()),
            _ => None,
        };
        if len.is_some_and(|len| i as usize > len + (1 << 24)) {
            return Err(error::range_error("Array index too far beyond the end (sparse arrays are not supported)"));
        }
    }
    if o.is_array() {
        if let PropKey::String(s) = key {
            if s.as_ascii() == Some("length") {
                if let Some(v) = &desc.value {
                    if !set_array_length(o, v)? {
                        return Ok(false);
                    }
                }
                if desc.writable == Some(false) {
                    o.borrow_mut().elements_frozen = true;
                }
                return Ok(true);
            }
        }
    }
    let current = o.get_own_property(key);
    let Some(cur) = current else {
        if !o.borrow().extensible {
            return Ok(false);
        }
        let mut flags = 0;
        if desc.enumerable == Some(true) {
            flags |= attr::ENUMERABLE;
        }
        if desc.configurable == Some(true) {
            flags |= attr::CONFIGURABLE;
        }
        if desc.is_accessor() {
            o.define_accessor(key.clone(), desc.get.clone().flatten(), desc.set.clone().flatten(), flags);
        } else {
            if desc.writable == Some(true) {
                flags |= attr::WRITABLE;
            }
            define_raw(o, key, desc.value.clone().unwrap_or_default(), flags);
        }
        return Ok(true);
    };
    let configurable = cur.flags & attr::CONFIGURABLE != 0;
    if !configurable {
        if desc.configurable == Some(true) {
            return Ok(false);
        }
        if let Some(e) = desc.enumerable {
            if e != (cur.flags & attr::ENUMERABLE != 0) {
                return Ok(false);
            }
        }
    }
    let mut flags = cur.flags & (attr::ENUMERABLE | attr::CONFIGURABLE);
    if let Some(e) = desc.enumerable {
        flags = if e { flags | attr::ENUMERABLE } else { flags & !attr::ENUMERABLE };
    }
    if let Some(c) = desc.configurable {
        flags = if c { flags | attr::CONFIGURABLE } else { flags & !attr::CONFIGURABLE };
    }
    match cur.slot {
        PropSlot::Data(old) => {
            if desc.is_accessor() {
                if !configurable {
                    return Ok(false);
                }
                o.remove_own(key);
                o.define_accessor(key.clone(), desc.get.clone().flatten(), desc.set.clone().flatten(), flags);
                return Ok(true);
            }
            let writable = cur.flags & attr::WRITABLE != 0;
            if !configurable && !writable {
                if desc.writable == Some(true) {
                    return Ok(false);
                }
                if let Some(v) = &desc.value {
                    if !same_value(v, &old) {
                        return Ok(false);
                    }
                }
                return Ok(true);
            }
            let w = desc.writable.unwrap_or(writable);
            if w {
                flags |= attr::WRITABLE;
            }
            let v = desc.value.clone().unwrap_or(old);
            define_raw(o, key, v, flags);
            Ok(true)
        }
        PropSlot::Accessor(g, s) => {
            if desc.value.is_some() || desc.writable.is_some() {
                if !configurable {
                    return Ok(false);
                }
                o.remove_own(key);
                if desc.writable == Some(true) {
                    flags |= attr::WRITABLE;
                }
                define_raw(o, key, desc.value.clone().unwrap_or_default(), flags);
                return Ok(true);
            }
            if !configurable {
                let same_get = desc.get.as_ref().is_none_or(|ng| opt_obj_eq(ng, &g));
                let same_set = desc.set.as_ref().is_none_or(|ns| opt_obj_eq(ns, &s));
                if !(same_get && same_set) {
                    return Ok(false);
                }
                return Ok(true);
            }
            let ng = desc.get.clone().unwrap_or(g);
            let ns = desc.set.clone().unwrap_or(s);
            o.define_accessor(key.clone(), ng, ns, flags);
            Ok(true)
        }
    }
}

fn opt_obj_eq(a: &Option<Obj>, b: &Option<Obj>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => x.ptr_eq(y),
        _ => false,
    }
}

/// Defines a data property with exact flags, moving array elements to named properties when their
/// attributes are not the default ones.
fn define_raw(o: &Obj, key: &PropKey, v: Value, flags: u8) {
    if key.array_index().is_some() && flags != attr::DEFAULT {
        let mut b = o.borrow_mut();
        if let ObjectKind::Array(elems) | ObjectKind::Arguments(elems) = &mut b.kind {
            if let Some(i) = key.array_index() {
                let i = i as usize;
                if i < elems.len() {
                    elems[i] = Value::Hole;
                } else if matches!(b.kind, ObjectKind::Array(_)) {
                    if let ObjectKind::Array(elems) = &mut b.kind {
                        elems.resize(i + 1, Value::Hole);
                    }
                }
            }
        }
        drop(b);
        let mut b = o.borrow_mut();
        let b = &mut *b;
        match b.shape.lookup(key) {
            Some((i, _)) => {
                Shape::set_flags(&mut b.shape, i, flags);
                b.slots[i as usize] = v;
            }
            None => {
                Shape::with_key(&mut b.shape, key.clone(), flags);
                b.slots.push(v);
            }
        }
        return;
    }
    o.define_value(key.clone(), v, flags);
}

/// Reads a descriptor object (`{value, writable, get, set, …}`).
pub fn to_property_descriptor(v: &Value) -> JsResult<PropertyDescriptor> {
    let Value::Object(o) = v else {
        return Err(error::type_error("Property description must be an object"));
    };
    let mut d = PropertyDescriptor::default();
    let field = |name: &str| -> JsResult<Option<Value>> {
        let k = PropKey::str(name);
        if has_property(o, &k) { Ok(Some(get_obj(o, &k, v)?)) } else { Ok(None) }
    };
    d.enumerable = field("enumerable")?.map(|x| x.truthy());
    d.configurable = field("configurable")?.map(|x| x.truthy());
    d.value = field("value")?;
    d.writable = field("writable")?.map(|x| x.truthy());
    if let Some(g) = field("get")? {
        match g {
            Value::Undefined => d.get = Some(None),
            Value::Object(f) if f.is_callable() => d.get = Some(Some(f)),
            _ => return Err(error::type_error("Getter must be a function")),
        }
    }
    if let Some(s) = field("set")? {
        match s {
            Value::Undefined => d.set = Some(None),
            Value::Object(f) if f.is_callable() => d.set = Some(Some(f)),
            _ => return Err(error::type_error("Setter must be a function")),
        }
    }
    if d.is_accessor() && (d.value.is_some() || d.writable.is_some()) {
        return Err(error::type_error(
            "Invalid property descriptor. Cannot both specify accessors and a value or writable attribute",
        ));
    }
    Ok(d)
}

/// Creates a descriptor object for an own property.
pub fn from_property(p: &OwnProp) -> Value {
    let d = Obj::ordinary();
    match &p.slot {
        PropSlot::Data(v) => {
            d.define_value("value", v.clone(), attr::DEFAULT);
            d.define_value("writable", Value::Bool(p.flags & attr::WRITABLE != 0), attr::DEFAULT);
        }
        PropSlot::Accessor(g, s) => {
            d.define_value("get", g.clone().map(Value::Object).unwrap_or_default(), attr::DEFAULT);
            d.define_value("set", s.clone().map(Value::Object).unwrap_or_default(), attr::DEFAULT);
        }
    }
    d.define_value("enumerable", Value::Bool(p.flags & attr::ENUMERABLE != 0), attr::DEFAULT);
    d.define_value("configurable", Value::Bool(p.flags & attr::CONFIGURABLE != 0), attr::DEFAULT);
    Value::Object(d)
}

/// Calls method `name` of `v`.
pub fn invoke(v: &Value, name: &str, args: &[Value]) -> JsResult<Value> {
    let f = get(v, &PropKey::str(name))?;
    if !f.is_callable() {
        return Err(error::type_error(&format!("{name} is not a function")));
    }
    function::call(&f, v, args)
}

/// Length of an array-like (`length` property, ToLength).
pub fn length_of(v: &Value) -> JsResult<usize> {
    if let Value::Object(o) = v {
        if let ObjectKind::Array(e) = &o.borrow().kind {
            return Ok(e.len());
        }
    }
    to_length(&get(v, &PropKey::str("length"))?)
}

/// The elements of an array-like as a vector.
pub fn list_from_array_like(v: &Value) -> JsResult<Vec<Value>> {
    if let Value::Object(o) = v {
        if let ObjectKind::Array(e) = &o.borrow().kind {
            if !e.iter().any(|x| x.is_hole()) {
                return Ok(e.clone());
            }
        }
    } else if !v.is_nullish() {
        return Err(error::type_error("CreateListFromArrayLike called on non-object"));
    }
    if v.is_nullish() {
        return Err(error::type_error("CreateListFromArrayLike called on non-object"));
    }
    let n = length_of(v)?;
    let mut out = Vec::with_capacity(n.min(1 << 16));
    for i in 0..n {
        out.push(get(v, &PropKey::index(i as u32))?);
    }
    Ok(out)
}

// ----- equality and operators -----

pub fn strict_equals(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Undefined | Value::Hole, Value::Undefined | Value::Hole) => true,
        (Value::Null, Value::Null) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Symbol(x), Value::Symbol(y)) => x == y,
        (Value::Object(x), Value::Object(y)) => x.ptr_eq(y),
        _ => false,
    }
}

pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            if x.is_nan() && y.is_nan() {
                true
            } else {
                x == y && x.is_sign_negative() == y.is_sign_negative()
            }
        }
        _ => strict_equals(a, b),
    }
}

pub fn same_value_zero(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => (x.is_nan() && y.is_nan()) || x == y,
        _ => strict_equals(a, b),
    }
}

pub fn loose_equals(a: &Value, b: &Value) -> JsResult<bool> {
    Ok(match (a, b) {
        (Value::Undefined | Value::Null | Value::Hole, Value::Undefined | Value::Null | Value::Hole) => true,
        (Value::Undefined | Value::Null | Value::Hole, _) | (_, Value::Undefined | Value::Null | Value::Hole) => false,
        (Value::Number(_), Value::String(s)) => strict_equals(a, &Value::Number(number::string_to_number(s))),
        (Value::String(s), Value::Number(_)) => strict_equals(&Value::Number(number::string_to_number(s)), b),
        (Value::Bool(x), _) => loose_equals(&Value::Number(*x as u8 as f64), b)?,
        (_, Value::Bool(y)) => loose_equals(a, &Value::Number(*y as u8 as f64))?,
        (Value::Object(_), Value::Object(_)) => strict_equals(a, b),
        (Value::Object(_), _) => loose_equals(&to_primitive(a, Hint::Default)?, b)?,
        (_, Value::Object(_)) => loose_equals(a, &to_primitive(b, Hint::Default)?)?,
        _ => strict_equals(a, b),
    })
}

/// The `+` operator.
pub fn add(a: &Value, b: &Value) -> JsResult<Value> {
    if let (Value::Number(x), Value::Number(y)) = (a, b) {
        return Ok(Value::Number(x + y));
    }
    if let (Value::String(x), Value::String(y)) = (a, b) {
        check_concat(x, y)?;
        return Ok(Value::String(x.clone().concat(y)));
    }
    let pa = to_primitive(a, Hint::Default)?;
    let pb = to_primitive(b, Hint::Default)?;
    if pa.is_string() || pb.is_string() {
        let sa = to_string(&pa)?;
        let sb = to_string(&pb)?;
        check_concat(&sa, &sb)?;
        return Ok(Value::String(sa.concat(&sb)));
    }
    Ok(Value::Number(to_number(&pa)? + to_number(&pb)?))
}

/// Refuses a concatenation longer than `string::MAX_LENGTH`.
pub fn check_concat(a: &JsString, b: &JsString) -> JsResult<()> {
    if a.len() + b.len() > crate::string::MAX_LENGTH {
        return Err(error::range_error("Invalid string length"));
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BinOp {
    Sub,
    Mul,
    Div,
    Rem,
    Exp,
    Shl,
    Shr,
    UShr,
    BitAnd,
    BitOr,
    BitXor,
}

pub fn arith(op: BinOp, a: &Value, b: &Value) -> JsResult<Value> {
    let x = to_number(a)?;
    let y = to_number(b)?;
    Ok(Value::Number(arith_f64(op, x, y)))
}

pub fn arith_f64(op: BinOp, x: f64, y: f64) -> f64 {
    match op {
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => x / y,
        BinOp::Rem => {
            if y.is_infinite() && x.is_finite() {
                x
            } else {
                x % y
            }
        }
        BinOp::Exp => number::pow(x, y),
        BinOp::Shl => (number::f64_to_int32(x).wrapping_shl(number::f64_to_int32(y) as u32 & 31)) as f64,
        BinOp::Shr => (number::f64_to_int32(x) >> (number::f64_to_int32(y) as u32 & 31)) as f64,
        BinOp::UShr => ((number::f64_to_int32(x) as u32) >> (number::f64_to_int32(y) as u32 & 31)) as f64,
        BinOp::BitAnd => (number::f64_to_int32(x) & number::f64_to_int32(y)) as f64,
        BinOp::BitOr => (number::f64_to_int32(x) | number::f64_to_int32(y)) as f64,
        BinOp::BitXor => (number::f64_to_int32(x) ^ number::f64_to_int32(y)) as f64,
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
}

/// `<`, `<=`, `>`, `>=`.
pub fn compare(op: CmpOp, a: &Value, b: &Value) -> JsResult<bool> {
    if let (Value::Number(x), Value::Number(y)) = (a, b) {
        return Ok(cmp_f64(op, *x, *y));
    }
    let (pa, pb) = if matches!(op, CmpOp::Lt | CmpOp::Le) {
        let pa = to_primitive(a, Hint::Number)?;
        (pa, to_primitive(b, Hint::Number)?)
    } else {
        let pa = to_primitive(a, Hint::Number)?;
        let pb = to_primitive(b, Hint::Number)?;
        (pa, pb)
    };
    if let (Value::String(x), Value::String(y)) = (&pa, &pb) {
        return Ok(match op {
            CmpOp::Lt => x < y,
            CmpOp::Le => x <= y,
            CmpOp::Gt => x > y,
            CmpOp::Ge => x >= y,
        });
    }
    Ok(cmp_f64(op, to_number(&pa)?, to_number(&pb)?))
}

pub fn cmp_f64(op: CmpOp, x: f64, y: f64) -> bool {
    match op {
        CmpOp::Lt => x < y,
        CmpOp::Le => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::Ge => x >= y,
    }
}

/// `v instanceof target`.
pub fn instance_of(v: &Value, target: &Value) -> JsResult<bool> {
    let Value::Object(t) = target else {
        return Err(error::type_error("Right-hand side of 'instanceof' is not an object"));
    };
    let hi = realm::intrinsics().sym_has_instance.clone();
    let h = get_obj(t, &PropKey::Symbol(hi), target)?;
    if !h.is_nullish() {
        let fp = realm::intrinsics().function_prototype.clone();
        // The default Function.prototype[Symbol.hasInstance] is the ordinary algorithm.
        let is_default = matches!(find_property(&fp, &PropKey::Symbol(realm::intrinsics().sym_has_instance.clone())), Some(OwnProp { slot: PropSlot::Data(Value::Object(ref d)), .. }) if matches!(&h, Value::Object(x) if x.ptr_eq(d)));
        if !is_default {
            return Ok(function::call(&h, target, std::slice::from_ref(v))?.truthy());
        }
    }
    if !t.is_callable() {
        return Err(error::type_error("Right-hand side of 'instanceof' is not callable"));
    }
    ordinary_has_instance(t, v)
}

pub fn ordinary_has_instance(t: &Obj, v: &Value) -> JsResult<bool> {
    let bound_target = match &t.borrow().kind {
        ObjectKind::Function(d) => match &**d {
            FunctionData::Bound(b) => Some(b.target.clone()),
            _ => None,
        },
        _ => None,
    };
    if let Some(bt) = bound_target {
        return instance_of(v, &Value::Object(bt));
    }
    let Value::Object(o) = v else { return Ok(false) };
    let proto = get_obj(t, &PropKey::str("prototype"), &Value::Object(t.clone()))?;
    let Value::Object(proto) = proto else {
        return Err(error::type_error("Function has non-object prototype in instanceof check"));
    };
    let mut cur = o.proto();
    while let Some(p) = cur {
        if p.ptr_eq(&proto) {
            return Ok(true);
        }
        cur = p.proto();
    }
    Ok(false)
}

/// `key in v`.
pub fn has_in(key: &Value, v: &Value) -> JsResult<bool> {
    let Value::Object(o) = v else {
        return Err(error::type_error("Cannot use 'in' operator to search for a key in a non-object"));
    };
    let k = to_property_key(key)?;
    if k.is_private() {
        return Ok(o.has_own_property(&k));
    }
    Ok(has_property(o, &k))
}

pub fn symbol_key(sym: &Symbol) -> PropKey {
    PropKey::Symbol(sym.clone())
}

/// Gets a method (undefined/null → None; otherwise must be callable).
pub fn get_method(v: &Value, key: &PropKey) -> JsResult<Option<Value>> {
    let f = get(v, key)?;
    if f.is_nullish() {
        return Ok(None);
    }
    if !f.is_callable() {
        return Err(error::type_error(&format!("{} is not a function", key_display(key))));
    }
    Ok(Some(f))
}

// ----- iteration -----

/// An iterator being consumed: a fast path over arrays that have no user iterator, or the protocol.
pub enum Iter {
    Array {
        array: Obj,
        index: usize,
    },
    /// `for…in`: keys collected up front; a key deleted before it is reached is skipped.
    Keys {
        object: Option<Obj>,
        keys: Vec<Value>,
        index: usize,
    },
    Protocol {
        iterator: Value,
        next: Value,
        done: bool,
    },
}

pub fn get_iterator(v: &Value) -> JsResult<Iter> {
    let i = realm::intrinsics();
    if let Value::Object(o) = v {
        if o.is_array() && array_iteration_is_pristine(o, &i) {
            return Ok(Iter::Array { array: o.clone(), index: 0 });
        }
    }
    let m = get_method(v, &PropKey::Symbol(i.sym_iterator.clone()))?;
    let Some(m) = m else {
        return Err(error::type_error(&format!("{} is not iterable", describe(v))));
    };
    let iterator = function::call(&m, v, &[])?;
    if !iterator.is_object() {
        return Err(error::type_error("Result of the Symbol.iterator method is not an object"));
    }
    let next = get(&iterator, &PropKey::str("next"))?;
    Ok(Iter::Protocol { iterator, next, done: false })
}

fn array_iteration_is_pristine(o: &Obj, i: &realm::Intrinsics) -> bool {
    let proto_ok = o.proto().is_some_and(|p| p.ptr_eq(&i.array_prototype));
    if !proto_ok || o.has_own_property(&PropKey::Symbol(i.sym_iterator.clone())) {
        return false;
    }
    // Array.prototype[Symbol.iterator] must still be the built-in `values`.
    match (
        i.array_prototype.get_own_property(&PropKey::Symbol(i.sym_iterator.clone())),
        realm::registered("Array.prototype.values"),
    ) {
        (Some(OwnProp { slot: PropSlot::Data(Value::Object(f)), .. }), Some(Value::Object(v))) => f.ptr_eq(&v),
        _ => false,
    }
}

impl Iter {
    /// The next value, or None when done.
    pub fn step(&mut self) -> JsResult<Option<Value>> {
        match self {
            Iter::Array { array, index } => {
                let len = match &array.borrow().kind {
                    ObjectKind::Array(v) => v.len(),
                    _ => 0,
                };
                if *index >= len {
                    return Ok(None);
                }
                let v = get(&Value::Object(array.clone()), &PropKey::index(*index as u32))?;
                *index += 1;
                Ok(Some(v))
            }
            Iter::Keys { object, keys, index } => {
                while *index < keys.len() {
                    let k = keys[*index].clone();
                    *index += 1;
                    let still_there = match (&object, &k) {
                        (Some(o), Value::String(s)) => has_property(o, &PropKey::String(s.clone())),
                        _ => true,
                    };
                    if still_there {
                        return Ok(Some(k));
                    }
                }
                Ok(None)
            }
            Iter::Protocol { iterator, next, done } => {
                if *done {
                    return Ok(None);
                }
                let r = function::call(next, iterator, &[])?;
                if !r.is_object() {
                    return Err(error::type_error("Iterator result is not an object"));
                }
                if get(&r, &PropKey::str("done"))?.truthy() {
                    *done = true;
                    return Ok(None);
                }
                Ok(Some(get(&r, &PropKey::str("value"))?))
            }
        }
    }

    /// IteratorClose on early exit (break, return, throw).
    pub fn close(&mut self) -> JsResult<()> {
        if let Iter::Protocol { iterator, done, .. } = self {
            if *done {
                return Ok(());
            }
            *done = true;
            if let Some(ret) = get_method(iterator, &PropKey::str("return"))? {
                let r = function::call(&ret, iterator, &[])?;
                if !r.is_object() {
                    return Err(error::type_error("Iterator result is not an object"));
                }
            }
        }
        Ok(())
    }
}

/// Collects all values of an iterable.
pub fn iterate_to_vec(v: &Value) -> JsResult<Vec<Value>> {
    let mut it = get_iterator(v)?;
    let mut out = Vec::new();
    while let Some(x) = it.step()? {
        out.push(x);
    }
    Ok(out)
}

thread_local! {
    /// The shape of an iterator result: `value`, then `done`.
    static ITER_RESULT_SHAPE: std::rc::Rc<Shape> = Shape::of_keys(&["value", "done"], attr::DEFAULT);
}

/// `{ value, done }`.
pub fn iter_result(value: Value, done: bool) -> Value {
    let shape = ITER_RESULT_SHAPE.with(std::rc::Rc::clone);
    let proto = Some(realm::intrinsics().object_prototype.clone());
    Value::Object(Obj::with_shape(proto, ObjectKind::Ordinary, shape, vec![value, Value::Bool(done)]))
}

/// Enumerable string keys of `o` and its prototypes, for `for…in`.
pub fn for_in_keys(v: &Value) -> JsResult<Vec<Value>> {
    let mut out = Vec::new();
    let Ok(o) = to_object(v) else { return Ok(out) };
    let mut seen: rustc_hash::FxHashSet<JsString> = Default::default();
    let mut cur = Some(o);
    while let Some(obj) = cur {
        for k in obj.own_keys() {
            if let PropKey::String(s) = &k {
                if seen.insert(s.clone()) {
                    if let Some(p) = obj.get_own_property(&k) {
                        if p.flags & attr::ENUMERABLE != 0 {
                            out.push(Value::String(s.clone()));
                        }
                    }
                }
            }
        }
        cur = obj.proto();
    }
    Ok(out)
}

/// Own enumerable string keys (`Object.keys` order).
pub fn own_enumerable_keys(o: &Obj) -> Vec<JsString> {
    let mut out = Vec::new();
    for k in o.own_keys() {
        if let PropKey::String(s) = &k {
            if o.get_own_property(&k).is_some_and(|p| p.flags & attr::ENUMERABLE != 0) {
                out.push(s.clone());
            }
        }
    }
    out
}

/// Creates an array from values.
pub fn new_array(values: Vec<Value>) -> Value {
    Value::Object(Obj::array(values))
}

/// Names an object and its prototypes have (string keys only), sorted, without repeats.
pub fn property_names(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = match v {
        Value::Object(o) => Some(o.clone()),
        _ => to_object(v).ok(),
    };
    let mut depth = 0;
    while let Some(o) = cur {
        for k in o.own_keys() {
            if let PropKey::String(s) = k {
                out.push(s.to_rust_string());
            }
        }
        cur = o.proto();
        depth += 1;
        if depth > 16 {
            break;
        }
    }
    out.sort();
    out.dedup();
    out
}
