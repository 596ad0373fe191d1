//! `Object`: the constructor, its static reflection functions (keys, assign, defineProperty,
//! freeze, …) and `Object.prototype` (hasOwnProperty, toString, `__proto__`, …).

use crate::util::{self, arg, method};
use pipy_value::function;
use pipy_value::object::{PropSlot, PropertyDescriptor};
use pipy_value::{JsResult, JsString, Obj, ObjectKind, PropKey, Value, attr, error, ops, realm};
use std::rc::Rc;

pub fn install() {
    let i = realm::intrinsics();
    let proto = i.object_prototype.clone();
    let ctor = util::constructor("Object", 1, &proto, Rc::new(object_ctor));
    realm::register("Object", Value::Object(ctor.clone()));

    method(&ctor, "keys", 1, keys);
    method(&ctor, "values", 1, values);
    method(&ctor, "entries", 1, entries);
    method(&ctor, "assign", 2, assign);
    method(&ctor, "fromEntries", 1, from_entries);
    method(&ctor, "create", 2, create);
    method(&ctor, "getPrototypeOf", 1, get_prototype_of);
    method(&ctor, "setPrototypeOf", 2, set_prototype_of);
    method(&ctor, "defineProperty", 3, define_property);
    method(&ctor, "defineProperties", 2, define_properties);
    method(&ctor, "getOwnPropertyDescriptor", 2, get_own_property_descriptor);
    method(&ctor, "getOwnPropertyDescriptors", 1, get_own_property_descriptors);
    method(&ctor, "getOwnPropertyNames", 1, get_own_property_names);
    method(&ctor, "getOwnPropertySymbols", 1, get_own_property_symbols);
    method(&ctor, "freeze", 1, freeze);
    method(&ctor, "isFrozen", 1, is_frozen);
    method(&ctor, "seal", 1, seal);
    method(&ctor, "isSealed", 1, is_sealed);
    method(&ctor, "preventExtensions", 1, prevent_extensions);
    method(&ctor, "isExtensible", 1, is_extensible);
    method(&ctor, "is", 2, is);
    method(&ctor, "hasOwn", 2, has_own);
    method(&ctor, "groupBy", 2, group_by);

    method(&proto, "hasOwnProperty", 1, has_own_property);
    method(&proto, "isPrototypeOf", 1, is_prototype_of);
    method(&proto, "propertyIsEnumerable", 1, property_is_enumerable);
    method(&proto, "toString", 0, to_string);
    method(&proto, "toLocaleString", 0, to_locale_string);
    method(&proto, "valueOf", 0, value_of);
    let get = function::native("get __proto__", 0, proto_getter);
    let set = function::native("set __proto__", 1, proto_setter);
    proto.define_accessor("__proto__", Some(get), Some(set), attr::CONFIGURABLE);
}

fn object_ctor(_this: &Value, args: &[Value], new_target: Option<&Obj>) -> JsResult<Value> {
    if let Some(nt) = new_target {
        let is_object_itself = matches!(realm::registered("Object"), Some(Value::Object(c)) if c.ptr_eq(nt));
        if !is_object_itself {
            let proto = function::prototype_from_ctor(nt, |i| i.object_prototype.clone())?;
            return Ok(Value::Object(Obj::new(Some(proto), ObjectKind::Ordinary)));
        }
    }
    let v = arg(args, 0);
    if v.is_nullish() || v.is_hole() {
        return Ok(Value::Object(Obj::ordinary()));
    }
    Ok(Value::Object(ops::to_object(&v)?))
}

// ----- helpers -----

fn key_value(k: &PropKey) -> Value {
    match k {
        PropKey::String(s) => Value::String(s.clone()),
        PropKey::Symbol(s) => Value::Symbol(s.clone()),
    }
}

fn is_enumerable_own(o: &Obj, k: &PropKey) -> bool {
    o.get_own_property(k).is_some_and(|p| p.flags & attr::ENUMERABLE != 0)
}

/// `(key, value)` of every own enumerable string-keyed property, reading values through getters.
fn enumerable_own_entries(v: &Value) -> JsResult<Vec<(JsString, Value)>> {
    let o = ops::to_object(v)?;
    let ov = Value::Object(o.clone());
    let mut out = Vec::new();
    for k in o.own_keys() {
        let PropKey::String(s) = &k else { continue };
        // Re-checked per key: an earlier getter may have deleted or hidden this one.
        if is_enumerable_own(&o, &k) {
            let val = ops::get_obj(&o, &k, &ov)?;
            out.push((s.clone(), val));
        }
    }
    Ok(out)
}

fn proto_arg(v: &Value) -> JsResult<Option<Obj>> {
    match v {
        Value::Object(o) => Ok(Some(o.clone())),
        Value::Null => Ok(None),
        other => Err(error::type_error(&format!(
            "Object prototype may only be an Object or null: {}",
            ops::describe(other).trim_matches('"')
        ))),
    }
}

fn redefine_error(k: &PropKey) -> Value {
    error::type_error(&format!("Cannot redefine property: {}", ops::key_display(k)))
}

fn define_or_throw(o: &Obj, k: &PropKey, d: &PropertyDescriptor) -> JsResult<()> {
    if ops::define_own_property(o, k, d)? {
        return Ok(());
    }
    if !o.has_own_property(k) && !o.borrow().extensible {
        return Err(error::type_error(&format!(
            "Cannot define property {}, object is not extensible",
            ops::key_display(k)
        )));
    }
    Err(redefine_error(k))
}

// ----- statics -----

fn keys(_: &Value, args: &[Value]) -> JsResult<Value> {
    let o = ops::to_object(&arg(args, 0))?;
    Ok(ops::new_array(ops::own_enumerable_keys(&o).into_iter().map(Value::String).collect()))
}

fn values(_: &Value, args: &[Value]) -> JsResult<Value> {
    let e = enumerable_own_entries(&arg(args, 0))?;
    Ok(ops::new_array(e.into_iter().map(|(_, v)| v).collect()))
}

fn entries(_: &Value, args: &[Value]) -> JsResult<Value> {
    let e = enumerable_own_entries(&arg(args, 0))?;
    Ok(ops::new_array(e.into_iter().map(|(k, v)| ops::new_array(vec![Value::String(k), v])).collect()))
}

fn assign(_: &Value, args: &[Value]) -> JsResult<Value> {
    let target = Value::Object(ops::to_object(&arg(args, 0))?);
    for src in args.iter().skip(1) {
        if src.is_nullish() || src.is_hole() {
            continue;
        }
        let from = ops::to_object(src)?;
        let fv = Value::Object(from.clone());
        for k in from.own_keys() {
            if is_enumerable_own(&from, &k) {
                let v = ops::get_obj(&from, &k, &fv)?;
                ops::set(&target, &k, v, true)?;
            }
        }
    }
    Ok(target)
}

fn from_entries(_: &Value, args: &[Value]) -> JsResult<Value> {
    let iterable = arg(args, 0);
    if iterable.is_nullish() {
        return Err(error::type_error(&format!("{} is not iterable", ops::describe(&iterable))));
    }
    let out = Obj::ordinary();
    let mut it = ops::get_iterator(&iterable)?;
    loop {
        let entry = match it.step() {
            Ok(Some(e)) => e,
            Ok(None) => break,
            Err(e) => return Err(e),
        };
        let r = (|| -> JsResult<()> {
            if !entry.is_object() {
                return Err(error::type_error(&format!(
                    "Iterator value {} is not an entry object",
                    ops::describe(&entry).trim_matches('"')
                )));
            }
            let k = ops::get(&entry, &PropKey::str("0"))?;
            let v = ops::get(&entry, &PropKey::str("1"))?;
            let key = ops::to_property_key(&k)?;
            ops::define_own_property(&out, &key, &PropertyDescriptor::data(v, attr::DEFAULT))?;
            Ok(())
        })();
        if let Err(e) = r {
            let _ = it.close();
            return Err(e);
        }
    }
    Ok(Value::Object(out))
}

fn create(_: &Value, args: &[Value]) -> JsResult<Value> {
    let proto = proto_arg(&arg(args, 0))?;
    let o = Obj::new(proto, ObjectKind::Ordinary);
    let props = arg(args, 1);
    if !props.is_undefined() {
        define_properties_on(&o, &props)?;
    }
    Ok(Value::Object(o))
}

fn get_prototype_of(_: &Value, args: &[Value]) -> JsResult<Value> {
    let o = ops::to_object(&arg(args, 0))?;
    Ok(o.proto().map(Value::Object).unwrap_or(Value::Null))
}

fn set_prototype_of(_: &Value, args: &[Value]) -> JsResult<Value> {
    let target = arg(args, 0);
    if target.is_nullish() || target.is_hole() {
        return Err(error::type_error("Object.setPrototypeOf called on null or undefined"));
    }
    let proto = proto_arg(&arg(args, 1))?;
    let Value::Object(o) = &target else { return Ok(target) };
    set_proto_or_throw(o, proto)?;
    Ok(target)
}

fn set_proto_or_throw(o: &Obj, proto: Option<Obj>) -> JsResult<()> {
    if o.set_proto(proto) {
        return Ok(());
    }
    if !o.borrow().extensible {
        return Err(error::type_error("#<Object> is not extensible"));
    }
    Err(error::type_error("Cyclic __proto__ value"))
}

fn define_property(_: &Value, args: &[Value]) -> JsResult<Value> {
    let target = arg(args, 0);
    let Value::Object(o) = &target else {
        return Err(error::type_error("Object.defineProperty called on non-object"));
    };
    let key = ops::to_property_key(&arg(args, 1))?;
    let desc = ops::to_property_descriptor(&arg(args, 2))?;
    define_or_throw(o, &key, &desc)?;
    Ok(target)
}

fn define_properties_on(o: &Obj, props: &Value) -> JsResult<()> {
    let p = ops::to_object(props)?;
    let pv = Value::Object(p.clone());
    // All descriptors are read before any is applied, as the spec requires.
    let mut descs = Vec::new();
    for k in p.own_keys() {
        if is_enumerable_own(&p, &k) {
            let d = ops::get_obj(&p, &k, &pv)?;
            descs.push((k, ops::to_property_descriptor(&d)?));
        }
    }
    for (k, d) in descs {
        define_or_throw(o, &k, &d)?;
    }
    Ok(())
}

fn define_properties(_: &Value, args: &[Value]) -> JsResult<Value> {
    let target = arg(args, 0);
    let Value::Object(o) = &target else {
        return Err(error::type_error("Object.defineProperties called on non-object"));
    };
    define_properties_on(o, &arg(args, 1))?;
    Ok(target)
}

fn get_own_property_descriptor(_: &Value, args: &[Value]) -> JsResult<Value> {
    let o = ops::to_object(&arg(args, 0))?;
    let key = ops::to_property_key(&arg(args, 1))?;
    Ok(o.get_own_property(&key).map(|p| ops::from_property(&p)).unwrap_or_default())
}

fn get_own_property_descriptors(_: &Value, args: &[Value]) -> JsResult<Value> {
    let o = ops::to_object(&arg(args, 0))?;
    let out = Obj::ordinary();
    for k in o.own_keys() {
        if let Some(p) = o.get_own_property(&k) {
            out.define_value(k, ops::from_property(&p), attr::DEFAULT);
        }
    }
    Ok(Value::Object(out))
}

fn get_own_property_names(_: &Value, args: &[Value]) -> JsResult<Value> {
    let o = ops::to_object(&arg(args, 0))?;
    let names = o.own_keys().into_iter().filter(|k| matches!(k, PropKey::String(_))).map(|k| key_value(&k));
    Ok(ops::new_array(names.collect()))
}

fn get_own_property_symbols(_: &Value, args: &[Value]) -> JsResult<Value> {
    let o = ops::to_object(&arg(args, 0))?;
    let syms = o.own_keys().into_iter().filter(|k| matches!(k, PropKey::Symbol(_))).map(|k| key_value(&k));
    Ok(ops::new_array(syms.collect()))
}

/// Whether `k` is an element held in the dense element vector of an array or `arguments` object
/// (those take their attributes from the object's `elements_*` flags, not from the shape).
fn is_dense_element(o: &Obj, k: &PropKey) -> bool {
    let Some(i) = k.array_index() else { return false };
    match &o.borrow().kind {
        ObjectKind::Array(v) | ObjectKind::Arguments(v) => v.get(i as usize).is_some_and(|e| !e.is_hole()),
        _ => false,
    }
}

/// SetIntegrityLevel: `frozen` = freeze, otherwise seal.
fn set_integrity(o: &Obj, frozen: bool) -> JsResult<()> {
    o.borrow_mut().extensible = false;
    let is_array = o.is_array();
    {
        let mut b = o.borrow_mut();
        if matches!(b.kind, ObjectKind::Array(_) | ObjectKind::Arguments(_)) {
            b.elements_sealed = true;
            if frozen {
                b.elements_frozen = true;
            }
        }
    }
    for k in o.own_keys() {
        if is_dense_element(o, &k) {
            continue;
        }
        if is_array && k.as_string().and_then(|s| s.as_ascii()) == Some("length") {
            continue;
        }
        let Some(p) = o.get_own_property(&k) else { continue };
        let mut d = PropertyDescriptor { configurable: Some(false), ..Default::default() };
        if frozen && matches!(p.slot, PropSlot::Data(_)) {
            d.writable = Some(false);
        }
        if !ops::define_own_property(o, &k, &d)? {
            return Err(redefine_error(&k));
        }
    }
    Ok(())
}

/// TestIntegrityLevel.
fn test_integrity(v: &Value, frozen: bool) -> bool {
    let Value::Object(o) = v else { return true };
    if o.borrow().extensible {
        return false;
    }
    for k in o.own_keys() {
        if let Some(p) = o.get_own_property(&k) {
            if p.flags & attr::CONFIGURABLE != 0 {
                return false;
            }
            if frozen && matches!(p.slot, PropSlot::Data(_)) && p.flags & attr::WRITABLE != 0 {
                return false;
            }
        }
    }
    true
}

fn freeze(_: &Value, args: &[Value]) -> JsResult<Value> {
    let v = arg(args, 0);
    if let Value::Object(o) = &v {
        set_integrity(o, true)?;
    }
    Ok(v)
}

fn seal(_: &Value, args: &[Value]) -> JsResult<Value> {
    let v = arg(args, 0);
    if let Value::Object(o) = &v {
        set_integrity(o, false)?;
    }
    Ok(v)
}

fn is_frozen(_: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::Bool(test_integrity(&arg(args, 0), true)))
}

fn is_sealed(_: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::Bool(test_integrity(&arg(args, 0), false)))
}

fn prevent_extensions(_: &Value, args: &[Value]) -> JsResult<Value> {
    let v = arg(args, 0);
    if let Value::Object(o) = &v {
        o.borrow_mut().extensible = false;
    }
    Ok(v)
}

fn is_extensible(_: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::Bool(matches!(arg(args, 0), Value::Object(o) if o.borrow().extensible)))
}

fn is(_: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::Bool(ops::same_value(&arg(args, 0), &arg(args, 1))))
}

fn has_own(_: &Value, args: &[Value]) -> JsResult<Value> {
    let o = ops::to_object(&arg(args, 0))?;
    let key = ops::to_property_key(&arg(args, 1))?;
    Ok(Value::Bool(o.has_own_property(&key)))
}

fn group_by(_: &Value, args: &[Value]) -> JsResult<Value> {
    let items = arg(args, 0);
    let cb = arg(args, 1);
    if items.is_nullish() {
        return Err(error::type_error(&format!("{} is not iterable", ops::describe(&items))));
    }
    if !cb.is_callable() {
        return Err(error::type_error(&format!("{} is not a function", ops::describe(&cb))));
    }
    let mut groups: Vec<(PropKey, Vec<Value>)> = Vec::new();
    let mut it = ops::get_iterator(&items)?;
    let mut index = 0usize;
    while let Some(v) = it.step()? {
        let key = function::call(&cb, &Value::Undefined, &[v.clone(), Value::from(index)])
            .and_then(|k| ops::to_property_key(&k));
        let key = match key {
            Ok(k) => k,
            Err(e) => {
                let _ = it.close();
                return Err(e);
            }
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(v),
            None => groups.push((key, vec![v])),
        }
        index += 1;
    }
    let out = Obj::new(None, ObjectKind::Ordinary);
    for (k, list) in groups {
        out.define_value(k, ops::new_array(list), attr::DEFAULT);
    }
    Ok(Value::Object(out))
}

// ----- Object.prototype -----

fn has_own_property(this: &Value, args: &[Value]) -> JsResult<Value> {
    let key = ops::to_property_key(&arg(args, 0))?;
    let o = ops::to_object(this)?;
    Ok(Value::Bool(o.has_own_property(&key)))
}

fn is_prototype_of(this: &Value, args: &[Value]) -> JsResult<Value> {
    let Value::Object(v) = arg(args, 0) else { return Ok(Value::Bool(false)) };
    let o = ops::to_object(this)?;
    let mut cur = v.proto();
    while let Some(p) = cur {
        if p.ptr_eq(&o) {
            return Ok(Value::Bool(true));
        }
        cur = p.proto();
    }
    Ok(Value::Bool(false))
}

fn property_is_enumerable(this: &Value, args: &[Value]) -> JsResult<Value> {
    let key = ops::to_property_key(&arg(args, 0))?;
    let o = ops::to_object(this)?;
    Ok(Value::Bool(is_enumerable_own(&o, &key)))
}

/// The `[object X]` tag of an object before `Symbol.toStringTag` is consulted.
fn builtin_tag(o: &Obj) -> String {
    let kind_tag = match &o.borrow().kind {
        ObjectKind::Array(_) => Some("Array"),
        ObjectKind::Function(_) => Some("Function"),
        ObjectKind::Error => Some("Error"),
        ObjectKind::Boolean(_) => Some("Boolean"),
        ObjectKind::Number(_) => Some("Number"),
        ObjectKind::String(_) => Some("String"),
        ObjectKind::Arguments(_) => Some("Arguments"),
        ObjectKind::Host(_) => None,
        _ => Some("Object"),
    };
    if let Some(t) = kind_tag {
        return t.to_string();
    }
    // Date and RegExp live in other modules as host objects; recognise them by the constructor
    // their prototype chain names.
    let mut cur = o.proto();
    while let Some(p) = cur {
        if let Some(PropSlot::Data(Value::Object(c))) = p.get_own_property(&PropKey::str("constructor")).map(|x| x.slot)
        {
            if let Some(PropSlot::Data(Value::String(n))) = c.get_own_property(&PropKey::str("name")).map(|x| x.slot) {
                if let Some(name @ ("Date" | "RegExp")) = n.as_ascii() {
                    return name.to_string();
                }
            }
        }
        cur = p.proto();
    }
    "Object".to_string()
}

fn to_string(this: &Value, _: &[Value]) -> JsResult<Value> {
    match this {
        Value::Undefined | Value::Hole => return Ok(Value::str("[object Undefined]")),
        Value::Null => return Ok(Value::str("[object Null]")),
        _ => {}
    }
    let o = ops::to_object(this)?;
    let builtin = builtin_tag(&o);
    let tag_key = PropKey::Symbol(realm::intrinsics().sym_to_string_tag.clone());
    let tag = ops::get_obj(&o, &tag_key, &Value::Object(o.clone()))?;
    let tag = match tag {
        Value::String(s) => s.to_rust_string(),
        _ => builtin,
    };
    Ok(Value::string(format!("[object {tag}]")))
}

fn to_locale_string(this: &Value, _: &[Value]) -> JsResult<Value> {
    ops::invoke(this, "toString", &[])
}

fn value_of(this: &Value, _: &[Value]) -> JsResult<Value> {
    Ok(Value::Object(ops::to_object(this)?))
}

fn proto_getter(this: &Value, _: &[Value]) -> JsResult<Value> {
    let o = ops::to_object(this)?;
    Ok(o.proto().map(Value::Object).unwrap_or(Value::Null))
}

fn proto_setter(this: &Value, args: &[Value]) -> JsResult<Value> {
    if this.is_nullish() || this.is_hole() {
        return Err(error::type_error("Object.prototype.__proto__ called on null or undefined"));
    }
    let proto = match arg(args, 0) {
        Value::Object(p) => Some(p),
        Value::Null => None,
        _ => return Ok(Value::Undefined),
    };
    if let Value::Object(o) = this {
        set_proto_or_throw(o, proto)?;
    }
    Ok(Value::Undefined)
}

/// Test helpers shared with the other modules of this crate.
#[cfg(test)]
pub(crate) mod tests_support {
    use pipy_value::{Obj, PropKey, Value, ops, realm};

    /// Gives arrays an iterator when the array module has not installed one yet.
    pub(crate) fn ensure_array_iterator() {
        let i = realm::intrinsics();
        let key = PropKey::Symbol(i.sym_iterator.clone());
        if i.array_prototype.has_own_property(&key) {
            return;
        }
        let f = pipy_value::function::native("values", 0, |this, _| {
            let items = ops::list_from_array_like(this)?;
            let pos = std::rc::Rc::new(std::cell::Cell::new(0usize));
            let next = pipy_value::function::native_function(
                "next",
                0,
                std::rc::Rc::new(move |_, _, _| {
                    let k = pos.get();
                    pos.set(k + 1);
                    Ok(match items.get(k) {
                        Some(v) => ops::iter_result(v.clone(), false),
                        None => ops::iter_result(Value::Undefined, true),
                    })
                }),
                false,
            );
            let it = Obj::ordinary();
            it.define_hidden("next", Value::Object(next));
            Ok(Value::Object(it))
        });
        i.array_prototype.define_hidden(key, Value::Object(f));
    }

    /// The message of the exception `r` must hold.
    pub(crate) fn err_msg(r: Result<Value, Value>) -> String {
        use crate::util::testing::s;
        match r {
            Err(e) => s(&ops::get_str(&e, "message").ok().unwrap()),
            Ok(v) => panic!("expected an exception, got {}", s(&v)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::tests_support::err_msg;
    use crate::util::testing::{call, path, s, setup};
    use pipy_value::{JsString, Obj, ObjectKind, PropKey, Value, attr, ops, realm};

    fn obj(pairs: &[(&str, Value)]) -> Value {
        let o = Obj::ordinary();
        for (k, v) in pairs {
            o.define_value(*k, v.clone(), attr::DEFAULT);
        }
        Value::Object(o)
    }

    fn arr(v: Vec<Value>) -> Value {
        ops::new_array(v)
    }

    /// Joins an array's elements, flattening nested arrays (Array.prototype is another module's).
    fn join(v: &Value) -> String {
        let items = ops::list_from_array_like(v).ok().unwrap();
        let flat = |x: &Value| if matches!(x, Value::Object(o) if o.is_array()) { join(x) } else { s(x) };
        items.iter().map(flat).collect::<Vec<_>>().join(",")
    }

    #[test]
    fn constructor_and_to_object() {
        setup();
        let o = call("Object", &Value::Undefined, &[]).ok().unwrap();
        assert!(o.is_object());
        let n = call("Object", &Value::Undefined, &[Value::num(3.0)]).ok().unwrap();
        assert!(matches!(&n, Value::Object(o) if matches!(o.borrow().kind, ObjectKind::Number(x) if x == 3.0)));
        let same = obj(&[]);
        let r = call("Object", &Value::Undefined, std::slice::from_ref(&same)).ok().unwrap();
        assert!(ops::strict_equals(&r, &same));
        // new Object(null) is a fresh object too
        let ctor = path("Object");
        let Value::Object(c) = &ctor else { panic!() };
        let r = pipy_value::function::construct(c, &[Value::Null], c).ok().unwrap();
        assert!(r.is_object());
    }

    #[test]
    fn keys_values_entries() {
        setup();
        let o = obj(&[("b", Value::num(1.0)), ("a", Value::num(2.0)), ("1", Value::num(3.0))]);
        if let Value::Object(x) = &o {
            x.define_value("hidden", Value::num(9.0), attr::HIDDEN);
        }
        // Node: Object.keys({b:1,a:2,1:3}) -> ['1','b','a']
        assert_eq!(join(&call("Object.keys", &Value::Undefined, std::slice::from_ref(&o)).ok().unwrap()), "1,b,a");
        assert_eq!(join(&call("Object.values", &Value::Undefined, std::slice::from_ref(&o)).ok().unwrap()), "3,1,2");
        assert_eq!(join(&call("Object.entries", &Value::Undefined, &[o]).ok().unwrap()), "1,3,b,1,a,2");
        // Object.keys("ab") -> ['0','1']
        assert_eq!(join(&call("Object.keys", &Value::Undefined, &[Value::str("ab")]).ok().unwrap()), "0,1");
        assert_eq!(
            err_msg(call("Object.keys", &Value::Undefined, &[Value::Null])),
            "Cannot convert undefined or null to object"
        );
    }

    #[test]
    fn assign_and_from_entries() {
        setup();
        super::tests_support::ensure_array_iterator();
        let t = obj(&[("a", Value::num(1.0))]);
        let src = obj(&[("b", Value::num(2.0)), ("a", Value::num(3.0))]);
        let r = call("Object.assign", &Value::Undefined, &[t.clone(), Value::Null, src]).ok().unwrap();
        assert!(ops::strict_equals(&r, &t));
        assert_eq!(join(&call("Object.entries", &Value::Undefined, &[t]).ok().unwrap()), "a,3,b,2");
        let pairs = arr(vec![arr(vec![Value::str("x"), Value::num(1.0)]), arr(vec![Value::str("y"), Value::num(2.0)])]);
        let o = call("Object.fromEntries", &Value::Undefined, &[pairs]).ok().unwrap();
        assert_eq!(join(&call("Object.entries", &Value::Undefined, &[o]).ok().unwrap()), "x,1,y,2");
        assert_eq!(
            err_msg(call("Object.fromEntries", &Value::Undefined, &[arr(vec![Value::num(1.0)])])),
            "Iterator value 1 is not an entry object"
        );
    }

    #[test]
    fn create_and_prototypes() {
        setup();
        let p = obj(&[("x", Value::num(1.0))]);
        let props = obj(&[("y", obj(&[("value", Value::num(2.0)), ("enumerable", Value::Bool(true))]))]);
        let o = call("Object.create", &Value::Undefined, &[p.clone(), props]).ok().unwrap();
        assert_eq!(s(&ops::get_str(&o, "x").ok().unwrap()), "1");
        assert_eq!(join(&call("Object.keys", &Value::Undefined, std::slice::from_ref(&o)).ok().unwrap()), "y");
        let gp = call("Object.getPrototypeOf", &Value::Undefined, std::slice::from_ref(&o)).ok().unwrap();
        assert!(ops::strict_equals(&gp, &p));
        let n = call("Object.create", &Value::Undefined, &[Value::Null]).ok().unwrap();
        assert!(call("Object.getPrototypeOf", &Value::Undefined, &[n]).ok().unwrap().is_null());
        assert_eq!(
            err_msg(call("Object.create", &Value::Undefined, &[Value::num(1.0)])),
            "Object prototype may only be an Object or null: 1"
        );
        // cycle
        assert_eq!(err_msg(call("Object.setPrototypeOf", &Value::Undefined, &[p, o])), "Cyclic __proto__ value");
        // setPrototypeOf on a primitive returns it
        let r = call("Object.setPrototypeOf", &Value::Undefined, &[Value::num(1.0), Value::Null]).ok().unwrap();
        assert_eq!(s(&r), "1");
    }

    #[test]
    fn define_property_and_descriptors() {
        setup();
        let o = obj(&[]);
        let desc = obj(&[("value", Value::num(5.0))]);
        call("Object.defineProperty", &Value::Undefined, &[o.clone(), Value::str("k"), desc]).ok().unwrap();
        let d = call("Object.getOwnPropertyDescriptor", &Value::Undefined, &[o.clone(), Value::str("k")]).ok().unwrap();
        assert_eq!(s(&ops::get_str(&d, "value").ok().unwrap()), "5");
        assert!(!ops::get_str(&d, "writable").ok().unwrap().truthy());
        assert!(!ops::get_str(&d, "enumerable").ok().unwrap().truthy());
        assert!(!ops::get_str(&d, "configurable").ok().unwrap().truthy());
        let again = obj(&[("value", Value::num(6.0))]);
        assert_eq!(
            err_msg(call("Object.defineProperty", &Value::Undefined, &[o.clone(), Value::str("k"), again])),
            "Cannot redefine property: k"
        );
        assert_eq!(
            err_msg(call("Object.defineProperty", &Value::Undefined, &[Value::num(1.0), Value::str("k"), obj(&[])])),
            "Object.defineProperty called on non-object"
        );
        let names = call("Object.getOwnPropertyNames", &Value::Undefined, std::slice::from_ref(&o)).ok().unwrap();
        assert_eq!(join(&names), "k");
        let names = call("Object.getOwnPropertyNames", &Value::Undefined, &[arr(vec![Value::num(1.0)])]).ok().unwrap();
        assert_eq!(join(&names), "0,length");
        let ds = call("Object.getOwnPropertyDescriptors", &Value::Undefined, &[o]).ok().unwrap();
        assert_eq!(s(&ops::get(&ops::get_str(&ds, "k").ok().unwrap(), &PropKey::str("value")).ok().unwrap()), "5");
        let sym = realm::intrinsics().sym_iterator.clone();
        let so = Obj::ordinary();
        so.define_value(PropKey::Symbol(sym), Value::num(1.0), attr::DEFAULT);
        let syms = call("Object.getOwnPropertySymbols", &Value::Undefined, &[Value::Object(so)]).ok().unwrap();
        assert_eq!(ops::length_of(&syms).ok().unwrap(), 1);
    }

    #[test]
    fn freeze_seal_extensible() {
        setup();
        let o = obj(&[("a", Value::num(1.0))]);
        assert!(!call("Object.isFrozen", &Value::Undefined, std::slice::from_ref(&o)).ok().unwrap().truthy());
        call("Object.freeze", &Value::Undefined, std::slice::from_ref(&o)).ok().unwrap();
        assert!(call("Object.isFrozen", &Value::Undefined, std::slice::from_ref(&o)).ok().unwrap().truthy());
        assert!(call("Object.isSealed", &Value::Undefined, std::slice::from_ref(&o)).ok().unwrap().truthy());
        assert!(!call("Object.isExtensible", &Value::Undefined, std::slice::from_ref(&o)).ok().unwrap().truthy());
        assert!(ops::set(&o, &PropKey::str("a"), Value::num(2.0), true).is_err());
        assert_eq!(s(&ops::get_str(&o, "a").ok().unwrap()), "1");

        let a = arr(vec![Value::num(1.0), Value::num(2.0)]);
        call("Object.freeze", &Value::Undefined, std::slice::from_ref(&a)).ok().unwrap();
        assert!(call("Object.isFrozen", &Value::Undefined, std::slice::from_ref(&a)).ok().unwrap().truthy());
        assert!(ops::set(&a, &PropKey::str("0"), Value::num(5.0), true).is_err());
        assert!(ops::set(&a, &PropKey::str("2"), Value::num(5.0), true).is_err());
        assert_eq!(join(&a), "1,2");
        assert!(a.as_object().unwrap().is_array());

        let b = arr(vec![Value::num(1.0)]);
        call("Object.seal", &Value::Undefined, std::slice::from_ref(&b)).ok().unwrap();
        assert!(call("Object.isSealed", &Value::Undefined, std::slice::from_ref(&b)).ok().unwrap().truthy());
        assert!(!call("Object.isFrozen", &Value::Undefined, std::slice::from_ref(&b)).ok().unwrap().truthy());
        ops::set(&b, &PropKey::str("0"), Value::num(7.0), true).ok().unwrap();
        assert_eq!(join(&b), "7");

        // Node: Object.isFrozen(Object.preventExtensions([])) -> false; ({}) -> true
        let e = arr(vec![]);
        call("Object.preventExtensions", &Value::Undefined, std::slice::from_ref(&e)).ok().unwrap();
        assert!(!call("Object.isFrozen", &Value::Undefined, &[e]).ok().unwrap().truthy());
        let e = obj(&[]);
        call("Object.preventExtensions", &Value::Undefined, std::slice::from_ref(&e)).ok().unwrap();
        assert!(call("Object.isFrozen", &Value::Undefined, &[e]).ok().unwrap().truthy());
        assert!(call("Object.isFrozen", &Value::Undefined, &[Value::num(1.0)]).ok().unwrap().truthy());
        assert_eq!(s(&call("Object.freeze", &Value::Undefined, &[Value::num(1.0)]).ok().unwrap()), "1");
    }

    #[test]
    fn is_and_has_own() {
        setup();
        let is = |a: Value, b: Value| call("Object.is", &Value::Undefined, &[a, b]).ok().unwrap().truthy();
        assert!(is(Value::num(f64::NAN), Value::num(f64::NAN)));
        assert!(!is(Value::num(0.0), Value::num(-0.0)));
        assert!(is(Value::str("a"), Value::str("a")));
        let o = obj(&[("a", Value::num(1.0))]);
        assert!(call("Object.hasOwn", &Value::Undefined, &[o.clone(), Value::str("a")]).ok().unwrap().truthy());
        assert!(!call("Object.hasOwn", &Value::Undefined, &[o.clone(), Value::str("toString")]).ok().unwrap().truthy());
        assert!(call("Object.prototype.hasOwnProperty", &o, &[Value::str("a")]).ok().unwrap().truthy());
        assert!(call("Object.prototype.propertyIsEnumerable", &o, &[Value::str("a")]).ok().unwrap().truthy());
        let op = path("Object.prototype");
        assert!(call("Object.prototype.isPrototypeOf", &op, &[o]).ok().unwrap().truthy());
        assert!(!call("Object.prototype.isPrototypeOf", &op, &[Value::num(1.0)]).ok().unwrap().truthy());
    }

    #[test]
    fn to_string_tags() {
        setup();
        let ts = |v: Value| s(&call("Object.prototype.toString", &v, &[]).ok().unwrap());
        assert_eq!(ts(Value::Undefined), "[object Undefined]");
        assert_eq!(ts(Value::Null), "[object Null]");
        assert_eq!(ts(arr(vec![])), "[object Array]");
        assert_eq!(ts(obj(&[])), "[object Object]");
        assert_eq!(ts(path("Object.keys")), "[object Function]");
        assert_eq!(ts(Value::num(1.0)), "[object Number]");
        assert_eq!(ts(Value::str("")), "[object String]");
        assert_eq!(ts(Value::Bool(true)), "[object Boolean]");
        assert_eq!(ts(pipy_value::error::type_error("x")), "[object Error]");
        let tagged = Obj::ordinary();
        let tag = realm::intrinsics().sym_to_string_tag.clone();
        tagged.define_value(PropKey::Symbol(tag), Value::str("Custom"), attr::HIDDEN);
        assert_eq!(ts(Value::Object(tagged)), "[object Custom]");
        // A host object whose prototype's constructor is named Date.
        let dp = Obj::ordinary();
        let dc = pipy_value::function::native("Date", 0, |_, _| Ok(Value::Undefined));
        dp.define_hidden("constructor", Value::Object(dc));
        let d = Obj::new(Some(dp), ObjectKind::Host(Box::new(1u8)));
        assert_eq!(ts(Value::Object(d)), "[object Date]");
        let o = obj(&[]);
        assert_eq!(s(&call("Object.prototype.toLocaleString", &o, &[]).ok().unwrap()), "[object Object]");
        assert!(ops::strict_equals(&call("Object.prototype.valueOf", &o, &[]).ok().unwrap(), &o));
    }

    #[test]
    fn proto_accessor_and_group_by() {
        setup();
        super::tests_support::ensure_array_iterator();
        let p = obj(&[("x", Value::num(1.0))]);
        let o = obj(&[]);
        ops::set(&o, &PropKey::str("__proto__"), p.clone(), true).ok().unwrap();
        assert!(ops::strict_equals(&ops::get_str(&o, "__proto__").ok().unwrap(), &p));
        assert_eq!(s(&ops::get_str(&o, "x").ok().unwrap()), "1");
        let items = arr(vec![Value::num(1.0), Value::num(2.0), Value::num(3.0)]);
        let cb = Value::Object(pipy_value::function::native("f", 1, |_, a| {
            Ok(Value::str(if ops::to_number(&a[0])? % 2.0 == 0.0 { "even" } else { "odd" }))
        }));
        let g = call("Object.groupBy", &Value::Undefined, &[items, cb]).ok().unwrap();
        assert_eq!(join(&ops::get_str(&g, "odd").ok().unwrap()), "1,3");
        assert_eq!(join(&ops::get_str(&g, "even").ok().unwrap()), "2");
        let _ = JsString::new("");
    }
}
