use super::*;
use crate::util::testing::{call, path, s};

/// A fresh realm. Array iteration belongs to another module; until it is merged, a placeholder
/// registered as `Array.prototype.values` lets `ops::get_iterator` take its array fast path.
fn setup() {
    crate::util::testing::setup();
    let i = realm::intrinsics();
    let key = PropKey::Symbol(i.sym_iterator.clone());
    if !i.array_prototype.has_own_property(&key) {
        let f = function::native("values", 0, |_, _| Err(error::type_error("placeholder")));
        i.array_prototype.define_hidden(key, Value::Object(f.clone()));
        realm::register("Array.prototype.values", Value::Object(f));
    }
}
use pipy_value::string::JsString;

fn v<T>(r: JsResult<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("threw {}", s(&ops::get_str(&e, "message").unwrap_or_default())),
    }
}
fn err(r: JsResult<Value>) -> String {
    match r {
        Ok(_) => panic!("did not throw"),
        Err(e) => s(&ops::get_str(&e, "message").unwrap_or_default()),
    }
}
fn new(name: &str, args: &[Value]) -> JsResult<Value> {
    let Value::Object(c) = path(name) else { panic!("no {name}") };
    function::construct(&c, args, &c)
}
fn m(o: &Value, name: &str, args: &[Value]) -> JsResult<Value> {
    ops::invoke(o, name, args)
}
fn pair(k: Value, val: Value) -> Value {
    ops::new_array(vec![k, val])
}
/// Drains an iterator object into the string forms of its values, joined by commas.
fn drain(it: &Value) -> String {
    let mut out = Vec::new();
    loop {
        let r = v(m(it, "next", &[]));
        if v(ops::get_str(&r, "done")).truthy() {
            break;
        }
        let val = v(ops::get_str(&r, "value"));
        out.push(match &val {
            Value::Object(o) if o.is_array() => {
                let e = o.array_elements().unwrap_or_default();
                e.iter().map(s).collect::<Vec<_>>().join(":")
            }
            other => s(other),
        });
    }
    out.join(",")
}

#[test]
fn map_basics() {
    setup();
    let map = v(new("Map", &[ops::new_array(vec![pair(1.into(), "a".into()), pair(2.into(), "b".into())])]));
    assert_eq!(s(&v(m(&map, "get", &[1.into()]))), "a");
    assert!(v(m(&map, "get", &[3.into()])).is_undefined());
    v(m(&map, "set", &[Value::Number(f64::NAN), "nan".into()]));
    assert_eq!(s(&v(m(&map, "get", &[Value::Number(f64::NAN)]))), "nan");
    v(m(&map, "set", &[Value::Number(-0.0), "zero".into()]));
    assert_eq!(s(&v(m(&map, "get", &[Value::Number(0.0)]))), "zero");
    // The stored key is +0.
    let keys = v(m(&map, "keys", &[]));
    assert_eq!(drain(&keys), "1,2,NaN,0");
    // Strings compare by content, including different representations of the same text.
    v(m(&map, "set", &[Value::String(JsString::from_utf16(vec![0x61, 0x62])), 5.into()]));
    assert_eq!(s(&v(m(&map, "get", &[Value::str("ab")]))), "5");
    let o1 = Value::Object(Obj::ordinary());
    let o2 = Value::Object(Obj::ordinary());
    v(m(&map, "set", &[o1.clone(), "o1".into()]));
    assert!(v(m(&map, "get", &[o2])).is_undefined());
    assert_eq!(s(&v(m(&map, "get", std::slice::from_ref(&o1)))), "o1");
    assert_eq!(s(&v(ops::get_str(&map, "size"))), "6");
    assert!(v(m(&map, "delete", std::slice::from_ref(&o1))).truthy());
    assert!(!v(m(&map, "delete", &[o1])).truthy());
    assert!(v(m(&map, "has", &[1.into()])).truthy());
    assert_eq!(s(&v(ops::get_str(&map, "size"))), "5");
    assert!(v(m(&map, "clear", &[])).is_undefined());
    assert_eq!(s(&v(ops::get_str(&map, "size"))), "0");
    // set returns the map (chaining).
    let r = v(m(&map, "set", &[1.into(), 2.into()]));
    assert!(ops::strict_equals(&r, &map));
}

#[test]
fn map_errors() {
    setup();
    assert_eq!(err(call("Map", &Value::Undefined, &[])), "Constructor Map requires 'new'");
    let get = path("Map.prototype.get");
    assert_eq!(
        err(function::call(&get, &Value::Object(Obj::ordinary()), &[])),
        "Method Map.prototype.get called on incompatible receiver #<Object>"
    );
    let set = v(new("Set", &[]));
    assert!(function::call(&get, &set, &[]).is_err());
    assert_eq!(err(new("Map", &[ops::new_array(vec![1.into()])])), "Iterator value 1 is not an entry object");
    assert_eq!(err(new("Map", &[5.into()])), "number 5 is not iterable (cannot read property Symbol(Symbol.iterator))");
}

#[test]
fn iteration_sees_mutation() {
    setup();
    // Node: for (const [k] of m) { if k==1 { delete 2; set 4 } if k==3 { clear; set 5 } } → 1,3,5
    let map = v(new(
        "Map",
        &[ops::new_array(vec![pair(1.into(), "a".into()), pair(2.into(), "b".into()), pair(3.into(), "c".into())])],
    ));
    let it = v(m(&map, "keys", &[]));
    let mut seen = Vec::new();
    loop {
        let r = v(m(&it, "next", &[]));
        if v(ops::get_str(&r, "done")).truthy() {
            break;
        }
        let k = s(&v(ops::get_str(&r, "value")));
        if k == "1" {
            v(m(&map, "delete", &[2.into()]));
            v(m(&map, "set", &[4.into(), "d".into()]));
        }
        if k == "4" {
            v(m(&map, "clear", &[]));
            v(m(&map, "set", &[5.into(), "e".into()]));
        }
        seen.push(k);
    }
    assert_eq!(seen.join(","), "1,3,4,5");
    // An exhausted iterator stays done even if entries are added later.
    v(m(&map, "set", &[6.into(), "f".into()]));
    assert!(v(ops::get_str(&v(m(&it, "next", &[])), "done")).truthy());
}

#[test]
fn iteration_survives_compaction() {
    setup();
    let set = v(new("Set", &[]));
    for i in 0..100 {
        v(m(&set, "add", &[i.into()]));
    }
    let it = v(m(&set, "values", &[]));
    for _ in 0..50 {
        v(m(&it, "next", &[]));
    }
    // Deleting 0..90 compacts the table while the iterator is at 50.
    for i in 0..90 {
        v(m(&set, "delete", &[i.into()]));
    }
    v(m(&set, "add", &[100.into()]));
    assert_eq!(drain(&it), "90,91,92,93,94,95,96,97,98,99,100");
    assert_eq!(drain(&v(m(&set, "values", &[]))), "90,91,92,93,94,95,96,97,98,99,100");
}

#[test]
fn set_and_iterator_protocol() {
    setup();
    let set = v(new("Set", &[ops::new_array(vec!["a".into(), "b".into(), "c".into(), "a".into()])]));
    assert_eq!(s(&v(ops::get_str(&set, "size"))), "3");
    assert_eq!(drain(&v(m(&set, "entries", &[]))), "a:a,b:b,c:c");
    let i = realm::intrinsics();
    let iter_fn = v(ops::get(&set, &PropKey::Symbol(i.sym_iterator.clone())));
    assert!(ops::strict_equals(&iter_fn, &path("Set.prototype.values")));
    assert!(ops::strict_equals(&path("Set.prototype.keys"), &path("Set.prototype.values")));
    assert!(ops::strict_equals(
        &v(ops::get(&path("Map.prototype"), &PropKey::Symbol(i.sym_iterator.clone()))),
        &path("Map.prototype.entries")
    ));
    let it = v(m(&set, "values", &[]));
    let proto = it.as_object().and_then(|o| o.proto()).unwrap();
    assert_eq!(
        s(&v(ops::get(&Value::Object(proto.clone()), &PropKey::Symbol(i.sym_to_string_tag.clone())))),
        "Set Iterator"
    );
    assert!(proto.proto().unwrap().ptr_eq(&i.iterator_prototype));
    assert_eq!(s(&v(ops::get(&path("Map.prototype"), &PropKey::Symbol(i.sym_to_string_tag.clone())))), "Map");
    assert_eq!(s(&v(ops::get_str(&path("Map.prototype.forEach"), "length"))), "1");
    assert_eq!(s(&v(ops::get_str(&path("Map.prototype.set"), "length"))), "2");
    assert_eq!(s(&v(ops::get_str(&path("Map"), "length"))), "0");
}

#[test]
fn for_each_and_group_by() {
    setup();
    let map = v(new("Map", &[ops::new_array(vec![pair("x".into(), 1.into()), pair("y".into(), 2.into())])]));
    let acc = Obj::array(vec![]);
    let cb = function::native("cb", 3, |this, args| {
        let line = format!("{}={}", s(&util::arg(args, 1)), s(&util::arg(args, 0)));
        // Array.prototype.push belongs to another module: append to the elements directly.
        if let Value::Object(o) = this {
            if let ObjectKind::Array(v) = &mut o.borrow_mut().kind {
                v.push(Value::string(line));
            }
        }
        Ok(Value::Undefined)
    });
    v(m(&map, "forEach", &[Value::Object(cb), Value::Object(acc.clone())]));
    let lines: Vec<String> = acc.array_elements().unwrap().iter().map(s).collect();
    assert_eq!(lines.join(","), "x=1,y=2");
    let items = ops::new_array(vec![1.into(), 2.into(), 3.into(), 4.into()]);
    let parity = function::native("p", 1, |_, args| Ok(Value::Bool(ops::to_number(&util::arg(args, 0))? % 2.0 == 0.0)));
    let g = v(call("Map.groupBy", &Value::Undefined, &[items, Value::Object(parity)]));
    assert_eq!(drain(&v(m(&g, "keys", &[]))), "false,true");
    let odd = v(m(&g, "get", &[false.into()]));
    assert_eq!(odd.as_object().unwrap().array_elements().unwrap().iter().map(s).collect::<Vec<_>>().join(","), "1,3");
}

#[test]
fn weak_collections() {
    setup();
    let wm = v(new("WeakMap", &[]));
    assert_eq!(err(m(&wm, "set", &[1.into(), 1.into()])), "Invalid value used as weak map key");
    let k = Value::Object(Obj::ordinary());
    v(m(&wm, "set", &[k.clone(), "v".into()]));
    assert_eq!(s(&v(m(&wm, "get", std::slice::from_ref(&k)))), "v");
    assert!(v(m(&wm, "has", std::slice::from_ref(&k))).truthy());
    assert!(!v(m(&wm, "has", &[1.into()])).truthy());
    assert!(v(m(&wm, "delete", std::slice::from_ref(&k))).truthy());
    assert!(!v(m(&wm, "has", std::slice::from_ref(&k))).truthy());
    // The table does not keep keys alive.
    v(m(&wm, "set", &[k.clone(), "v".into()]));
    let Value::Object(ko) = &k else { panic!() };
    let weak = ko.downgrade();
    drop(k);
    assert!(!weak.is_alive());
    for _ in 0..40 {
        v(m(&wm, "set", &[Value::Object(Obj::ordinary()), 0.into()]));
    }
    let ws = v(new("WeakSet", &[]));
    assert_eq!(err(m(&ws, "add", &["s".into()])), "Invalid value used in weak set");
    let o = Value::Object(Obj::ordinary());
    v(m(&ws, "add", std::slice::from_ref(&o)));
    assert!(v(m(&ws, "has", std::slice::from_ref(&o))).truthy());
    assert!(v(m(&ws, "delete", std::slice::from_ref(&o))).truthy());
    assert!(!v(m(&ws, "has", &[o])).truthy());
    assert_eq!(err(call("WeakMap", &Value::Undefined, &[])), "Constructor WeakMap requires 'new'");
}
