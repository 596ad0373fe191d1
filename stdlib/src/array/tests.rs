//! Unit tests: each expectation is what Node 20 prints (`util.inspect`) for the same script.

#![allow(clippy::cloned_ref_to_slice_refs)] // `&[f.clone()]` reads better in call-heavy tests

use crate::util::testing::{call, path, s, setup};
use pipy_value::{JsResult, Obj, ObjectKind, PropKey, Value, function, ops, realm};
use std::cell::RefCell;
use std::rc::Rc;

/// `unwrap` for results whose error (a JS value) has no `Debug`, and for options.
trait U<T> {
    fn u(self) -> T;
}
impl<T> U<T> for JsResult<T> {
    fn u(self) -> T {
        match self {
            Ok(v) => v,
            Err(e) => panic!("threw {}", s(&e)),
        }
    }
}
impl<T> U<T> for Option<T> {
    fn u(self) -> T {
        self.expect("missing value")
    }
}

fn n(x: f64) -> Value {
    Value::from(x)
}
fn st(x: &str) -> Value {
    Value::str(x)
}
fn arr(v: Vec<Value>) -> Value {
    ops::new_array(v)
}
fn nums(v: &[f64]) -> Value {
    arr(v.iter().map(|&x| n(x)).collect())
}

/// Node's `util.inspect` for arrays of primitives and nested arrays.
fn show(v: &Value) -> String {
    match v {
        Value::String(x) => format!("'{x}'"),
        Value::Undefined => "undefined".into(),
        Value::Object(o) if o.is_array() => {
            let len = ops::length_of(v).u();
            if len == 0 {
                return "[]".into();
            }
            let mut parts = Vec::new();
            for k in 0..len {
                let key = PropKey::index(k as u32);
                if o.has_own_property(&key) {
                    parts.push(show(&ops::get(v, &key).u()));
                } else {
                    parts.push("<1 empty item>".into());
                }
            }
            format!("[ {} ]", parts.join(", "))
        }
        Value::Object(o) => {
            let parts: Vec<String> = o
                .own_keys()
                .into_iter()
                .map(|k| {
                    let name = ops::key_display(&k);
                    let name = if name.parse::<u32>().is_ok() { format!("'{name}'") } else { name };
                    format!("{}: {}", name, show(&ops::get(v, &k).u()))
                })
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
        other => s(other),
    }
}

fn ok(r: JsResult<Value>) -> Value {
    match r {
        Ok(v) => v,
        Err(e) => panic!("threw {}", s(&ops::get_str(&e, "message").unwrap_or_default())),
    }
}

/// Calls `Array.prototype.<name>` and shows the result.
fn m(name: &str, this: &Value, args: &[Value]) -> String {
    show(&ok(call(&format!("Array.prototype.{name}"), this, args)))
}

/// The error kind and message of a thrown error.
fn err(r: JsResult<Value>) -> String {
    let Err(e) = r else { panic!("did not throw") };
    let i = realm::intrinsics();
    let proto = e.as_object().and_then(|o| o.proto());
    let kind = match proto {
        Some(p) if p.ptr_eq(&i.type_error_prototype) => "TypeError",
        Some(p) if p.ptr_eq(&i.range_error_prototype) => "RangeError",
        _ => "Error",
    };
    format!("{kind}: {}", s(&ops::get_str(&e, "message").unwrap_or_default()))
}

fn func(f: impl Fn(&Value, &[Value]) -> JsResult<Value> + 'static) -> Value {
    Value::Object(function::native_function("f", 1, Rc::new(move |t, a, _| f(t, a)), false))
}

fn num(v: &Value) -> f64 {
    ops::to_number(v).u()
}

fn obj(props: &[(&str, Value)]) -> Value {
    let o = Obj::ordinary();
    for (k, v) in props {
        o.define_value(*k, v.clone(), pipy_value::shape::attr::DEFAULT);
    }
    Value::Object(o)
}

fn holey(v: Vec<Option<f64>>) -> Value {
    arr(v.into_iter().map(|x| x.map(n).unwrap_or(Value::Hole)).collect())
}

#[test]
fn constructor() {
    setup();
    let a = path("Array");
    let c = a.as_object().u().clone();
    assert_eq!(s(&ops::get_str(&ok(function::call(&a, &Value::Undefined, &[n(3.0)])), "length").u()), "3");
    assert_eq!(show(&ok(function::construct(&c, &[n(3.0)], &c))), "[ <1 empty item>, <1 empty item>, <1 empty item> ]");
    assert_eq!(show(&ok(function::call(&a, &Value::Undefined, &[n(1.0), n(2.0)]))), "[ 1, 2 ]");
    assert_eq!(show(&ok(function::call(&a, &Value::Undefined, &[st("3")]))), "[ '3' ]");
    assert_eq!(err(function::call(&a, &Value::Undefined, &[n(-1.0)])), "RangeError: Invalid array length");
    assert_eq!(err(function::construct(&c, &[n(1.5)], &c)), "RangeError: Invalid array length");
    // new.target's prototype is used (subclassing).
    let sub_proto = Obj::new(Some(realm::intrinsics().array_prototype.clone()), ObjectKind::Ordinary);
    let sub = function::native_function("Sub", 0, Rc::new(|_, _, _| Ok(Value::Undefined)), true);
    sub.define_value("prototype", Value::Object(sub_proto.clone()), 0);
    let made = ok(function::construct(&c, &[], &sub));
    assert!(made.as_object().u().proto().u().ptr_eq(&sub_proto));
    assert!(made.as_object().u().is_array());
    let proto = path("Array.prototype");
    assert!(ops::get_str(&proto, "constructor").u().as_object().u().ptr_eq(&c));
    assert_eq!(s(&ops::get_str(&a, "length").u()), "1");
}

#[test]
fn is_array_and_of() {
    setup();
    assert_eq!(s(&ok(call("Array.isArray", &Value::Undefined, &[nums(&[])]))), "true");
    assert_eq!(s(&ok(call("Array.isArray", &Value::Undefined, &[obj(&[("length", n(0.0))])]))), "false");
    assert_eq!(s(&ok(call("Array.isArray", &Value::Undefined, &[path("Array.prototype")]))), "true");
    assert_eq!(show(&ok(call("Array.of", &path("Array"), &[n(7.0), st("x")]))), "[ 7, 'x' ]");
}

#[test]
fn from() {
    setup();
    let a = path("Array");
    let like = obj(&[("length", n(3.0)), ("0", st("a")), ("2", st("c"))]);
    assert_eq!(show(&ok(call("Array.from", &a, &[like]))), "[ 'a', undefined, 'c' ]");
    // Array.from({length:3}, (v,i)=>i*i)
    let sq = func(|_, args| Ok(n(num(&args[1]) * num(&args[1]))));
    assert_eq!(show(&ok(call("Array.from", &a, &[obj(&[("length", n(3.0))]), sq]))), "[ 0, 1, 4 ]");
    // Through the iterator protocol: an Array Iterator (keys) is itself iterable.
    let keys = ok(call("Array.prototype.keys", &nums(&[5.0, 6.0, 7.0]), &[]));
    assert_eq!(show(&ok(call("Array.from", &a, &[keys]))), "[ 0, 1, 2 ]");
    // mapFn receives thisArg.
    let this_x = func(|this, args| Ok(n(num(&ops::get_str(this, "x")?) + num(&args[0]))));
    let r = ok(call("Array.from", &a, &[nums(&[1.0, 2.0]), this_x, obj(&[("x", n(10.0))])]));
    assert_eq!(show(&r), "[ 11, 12 ]");
    assert_eq!(err(call("Array.from", &a, &[nums(&[]), n(1.0)])), "TypeError: 1 is not a function");
    assert_eq!(show(&ok(call("Array.from", &a, &[Value::from(5)]))), "[]");
}

#[test]
fn push_pop_shift_unshift() {
    setup();
    let a = nums(&[1.0, 2.0]);
    assert_eq!(m("push", &a, &[n(3.0), n(4.0)]), "4");
    assert_eq!(show(&a), "[ 1, 2, 3, 4 ]");
    assert_eq!(m("pop", &a, &[]), "4");
    assert_eq!(m("shift", &a, &[]), "1");
    assert_eq!(m("unshift", &a, &[n(8.0), n(9.0)]), "4");
    assert_eq!(show(&a), "[ 8, 9, 2, 3 ]");
    assert_eq!(m("pop", &nums(&[]), &[]), "undefined");
    assert_eq!(m("shift", &nums(&[]), &[]), "undefined");
    // Generic: const o={length:2,0:'a',1:'b'}; push 'c'; reverse; shift; unshift(1,2)
    let o = obj(&[("length", n(2.0)), ("0", st("a")), ("1", st("b"))]);
    assert_eq!(m("push", &o, &[st("c")]), "3");
    assert_eq!(show(&o), "{ '0': 'a', '1': 'b', '2': 'c', length: 3 }");
    m("reverse", &o, &[]);
    assert_eq!(show(&ops::get_str(&o, "0").u()), "'c'");
    assert_eq!(m("shift", &o, &[]), "'c'");
    assert_eq!(s(&ops::get_str(&o, "length").u()), "2");
    assert_eq!(m("unshift", &o, &[n(1.0), n(2.0)]), "4");
    let got: Vec<String> = (0..4).map(|k| show(&ops::get_str(&o, &k.to_string()).u())).collect();
    assert_eq!(got, ["1", "2", "'b'", "'a'"]);
    assert_eq!(m("pop", &o, &[]), "'a'");
    assert!(!o.as_object().u().has_own_property(&PropKey::str("3")));
    // Frozen-like: a non-writable length through the generic path throws.
    let frozen = nums(&[1.0]);
    frozen.as_object().u().borrow_mut().elements_frozen = true;
    assert!(call("Array.prototype.push", &frozen, &[n(2.0)]).is_err());
}

#[test]
fn holes() {
    setup();
    // [1,,3].map(x=>x*2) → [ 2, <1 empty item>, 6 ]
    let dbl = func(|_, a| Ok(n(num(&a[0]) * 2.0)));
    let h = holey(vec![Some(1.0), None, Some(3.0)]);
    assert_eq!(m("map", &h, &[dbl.clone()]), "[ 2, <1 empty item>, 6 ]");
    let count = Rc::new(RefCell::new(0));
    let c2 = count.clone();
    let counter = func(move |_, _| {
        *c2.borrow_mut() += 1;
        Ok(Value::Bool(false))
    });
    m("forEach", &h, &[counter.clone()]);
    assert_eq!(*count.borrow(), 2);
    m("find", &h, &[counter.clone()]);
    assert_eq!(*count.borrow(), 5);
    assert_eq!(m("includes", &h, &[Value::Undefined]), "true");
    assert_eq!(m("indexOf", &h, &[Value::Undefined]), "-1");
    assert_eq!(m("join", &h, &[st("-")]), "'1--3'");
    assert_eq!(m("toReversed", &h, &[]), "[ 3, undefined, 1 ]");
    assert_eq!(m("slice", &h, &[]), "[ 1, <1 empty item>, 3 ]");
    // A hole reads through the prototype chain.
    let proto = path("Array.prototype");
    proto.as_object().u().define_value("1", st("P"), pipy_value::shape::attr::DEFAULT);
    assert_eq!(m("join", &h, &[]), "'1,P,3'");
    assert_eq!(m("slice", &h, &[]), "[ 1, 'P', 3 ]");
    assert_eq!(m("indexOf", &h, &[st("P")]), "1");
    proto.as_object().u().remove_own(&PropKey::str("1"));
}

#[test]
fn callbacks_iterate() {
    setup();
    let a = nums(&[1.0, 2.0, 3.0, 4.0]);
    let odd = func(|_, a| Ok(Value::Bool(num(&a[0]) as i64 % 2 == 1)));
    assert_eq!(m("filter", &a, &[odd.clone()]), "[ 1, 3 ]");
    assert_eq!(m("some", &a, &[odd.clone()]), "true");
    assert_eq!(m("every", &a, &[odd.clone()]), "false");
    assert_eq!(m("find", &a, &[odd.clone()]), "1");
    assert_eq!(m("findIndex", &a, &[odd.clone()]), "0");
    assert_eq!(m("findLast", &a, &[odd.clone()]), "3");
    assert_eq!(m("findLastIndex", &a, &[odd.clone()]), "2");
    let big = func(|_, a| Ok(Value::Bool(num(&a[0]) > 5.0)));
    assert_eq!(m("findLastIndex", &a, &[big.clone()]), "-1");
    assert_eq!(m("find", &a, &[big]), "undefined");
    assert_eq!(m("every", &nums(&[]), &[odd.clone()]), "true");
    // callback(value, index, array) with thisArg
    let args_seen = func(|this, a| Ok(Value::string(format!("{}:{}:{}:{}", s(this), s(&a[0]), s(&a[1]), s(&a[2])))));
    assert_eq!(m("map", &nums(&[7.0]), &[args_seen, st("T")]), "[ 'T:7:0:7' ]");
    assert_eq!(err(call("Array.prototype.forEach", &a, &[n(1.0)])), "TypeError: 1 is not a function");
    // Generic this: Array.prototype.map.call({length:2,0:'a',1:'b'}, x=>x+x)
    let twice = func(|_, a| Ok(Value::string(format!("{0}{0}", s(&a[0])))));
    let like = obj(&[("length", n(2.0)), ("0", st("a")), ("1", st("b"))]);
    assert_eq!(m("map", &like, &[twice]), "[ 'aa', 'bb' ]");
}

#[test]
fn callbacks_see_mutation() {
    setup();
    // a=[1,2,3]; a.forEach((x,i)=>{ seen.push(x); if(i==0){a.push(9); a.pop(); a.pop();} }) → seen [1,2]
    let a = nums(&[1.0, 2.0, 3.0]);
    let seen = Rc::new(RefCell::new(Vec::new()));
    let (a2, seen2) = (a.clone(), seen.clone());
    let f = func(move |_, args| {
        seen2.borrow_mut().push(s(&args[0]));
        if num(&args[1]) == 0.0 {
            call("Array.prototype.push", &a2, &[n(9.0)])?;
            call("Array.prototype.pop", &a2, &[])?;
            call("Array.prototype.pop", &a2, &[])?;
        }
        Ok(Value::Undefined)
    });
    m("forEach", &a, &[f]);
    assert_eq!(*seen.borrow(), ["1", "2"]);
    // Elements appended during map are not visited; length is read once.
    let a = nums(&[1.0, 2.0]);
    let a2 = a.clone();
    let f = func(move |_, args| {
        call("Array.prototype.push", &a2, &[n(0.0)])?;
        Ok(args[0].clone())
    });
    assert_eq!(m("map", &a, &[f]), "[ 1, 2 ]");
    assert_eq!(show(&a), "[ 1, 2, 0, 0 ]");
    // An exception from the callback propagates.
    let thrower = func(|_, _| Err(st("boom")));
    assert_eq!(s(&call("Array.prototype.map", &a, &[thrower]).err().u()), "boom");
}

#[test]
fn reduce() {
    setup();
    let add = func(|_, a| ops::add(&a[0], &a[1]));
    assert_eq!(m("reduce", &nums(&[1.0, 2.0, 3.0]), &[add.clone()]), "6");
    assert_eq!(m("reduce", &nums(&[1.0, 2.0, 3.0]), &[add.clone(), st("x")]), "'x123'");
    let dash = func(|_, a| Ok(Value::string(format!("{}-{}", s(&a[0]), s(&a[1])))));
    assert_eq!(m("reduceRight", &nums(&[1.0, 2.0, 3.0]), &[dash.clone()]), "'3-2-1'");
    assert_eq!(m("reduce", &holey(vec![None, Some(5.0), None]), &[dash.clone()]), "5");
    assert_eq!(
        err(call("Array.prototype.reduce", &nums(&[]), &[add.clone()])),
        "TypeError: Reduce of empty array with no initial value"
    );
    assert_eq!(
        err(call("Array.prototype.reduceRight", &holey(vec![None]), &[add])),
        "TypeError: Reduce of empty array with no initial value"
    );
    assert_eq!(m("reduce", &nums(&[]), &[dash, n(0.0)]), "0");
}

#[test]
fn index_of_includes() {
    setup();
    let a = arr(vec![n(1.0), n(f64::NAN), st("1"), n(-0.0), n(1.0)]);
    assert_eq!(m("indexOf", &a, &[n(1.0)]), "0");
    assert_eq!(m("indexOf", &a, &[n(1.0), n(1.0)]), "4");
    assert_eq!(m("indexOf", &a, &[n(1.0), n(-1.0)]), "4");
    assert_eq!(m("indexOf", &a, &[n(f64::NAN)]), "-1");
    assert_eq!(m("includes", &a, &[n(f64::NAN)]), "true");
    assert_eq!(m("indexOf", &a, &[n(0.0)]), "3");
    assert_eq!(m("includes", &a, &[st("1"), n(3.0)]), "false");
    assert_eq!(m("lastIndexOf", &a, &[n(1.0)]), "4");
    assert_eq!(m("lastIndexOf", &a, &[n(1.0), n(-2.0)]), "0");
    assert_eq!(m("lastIndexOf", &nums(&[1.0, 2.0, 3.0]), &[n(3.0), n(-2.0)]), "-1");
    assert_eq!(m("includes", &nums(&[]), &[Value::Undefined]), "false");
}

#[test]
fn join_and_to_string() {
    setup();
    let a = arr(vec![Value::Null, Value::Undefined, n(1.0), Value::Bool(true)]);
    assert_eq!(m("join", &a, &[]), "',,1,true'");
    assert_eq!(m("toString", &a, &[]), "',,1,true'");
    assert_eq!(m("join", &nums(&[1.0, 2.0]), &[st(" + ")]), "'1 + 2'");
    assert_eq!(m("join", &nums(&[1.0, 2.0]), &[Value::Null]), "'1null2'");
    let nested = arr(vec![n(1.0), arr(vec![n(2.0), nums(&[3.0])])]);
    assert_eq!(s(&nested), "1,2,3");
    let like = obj(&[("length", n(3.0)), ("0", st("a")), ("2", Value::Null)]);
    assert_eq!(m("join", &like, &[st("-")]), "'a--'");
    // a=[1]; a.push(a); a.join() → '1,'
    let cyc = nums(&[1.0]);
    m("push", &cyc, std::slice::from_ref(&cyc));
    assert_eq!(m("join", &cyc, &[]), "'1,'");
    assert_eq!(m("toString", &obj(&[("join", Value::Undefined)]), &[]), "'[object Object]'");
    // The elements' own toLocaleString is called (string/number ones live in other modules).
    let loc = obj(&[("toLocaleString", func(|_, _| Ok(st("L"))))]);
    assert_eq!(m("toLocaleString", &arr(vec![Value::Null, loc.clone(), loc]), &[]), "',L,L'");
}

#[test]
fn slice_splice_concat() {
    setup();
    let a = nums(&[1.0, 2.0, 3.0, 4.0, 5.0]);
    assert_eq!(m("slice", &a, &[n(1.0), n(-1.0)]), "[ 2, 3, 4 ]");
    assert_eq!(m("slice", &a, &[n(-2.0)]), "[ 4, 5 ]");
    assert_eq!(m("slice", &a, &[n(3.0), n(1.0)]), "[]");
    let like = obj(&[("length", n(4.0)), ("1", st("b")), ("3", st("d"))]);
    assert_eq!(m("slice", &like, &[n(1.0)]), "[ 'b', <1 empty item>, 'd' ]");
    assert_eq!(m("splice", &a, &[n(1.0), n(2.0), st("a"), st("b"), st("c")]), "[ 2, 3 ]");
    assert_eq!(show(&a), "[ 1, 'a', 'b', 'c', 4, 5 ]");
    assert_eq!(m("splice", &a, &[n(-2.0)]), "[ 4, 5 ]");
    assert_eq!(m("splice", &a, &[]), "[]");
    assert_eq!(show(&a), "[ 1, 'a', 'b', 'c' ]");
    // Generic splice: shrinking and growing.
    let like = obj(&[("length", n(4.0)), ("0", n(0.0)), ("1", n(1.0)), ("2", n(2.0)), ("3", n(3.0))]);
    assert_eq!(m("splice", &like, &[n(1.0), n(2.0)]), "[ 1, 2 ]");
    assert_eq!(show(&like), "{ '0': 0, '1': 3, length: 2 }");
    assert_eq!(m("splice", &like, &[n(1.0), n(0.0), st("x"), st("y")]), "[]");
    assert_eq!(show(&like), "{ '0': 0, '1': 'x', '2': 'y', '3': 3, length: 4 }");
    // [].concat(1,[2,[3]],{length:1,0:'x'})
    let x = obj(&[("length", n(1.0)), ("0", st("x"))]);
    let r = ok(call("Array.prototype.concat", &nums(&[]), &[n(1.0), arr(vec![n(2.0), nums(&[3.0])]), x]));
    assert_eq!(show(&r), "[ 1, 2, [ 3 ], { '0': 'x', length: 1 } ]");
    assert_eq!(m("concat", &holey(vec![Some(1.0), None]), &[nums(&[3.0])]), "[ 1, <1 empty item>, 3 ]");
    // Symbol.isConcatSpreadable
    let spread = obj(&[("length", n(2.0)), ("0", st("p")), ("1", st("q"))]);
    let key = PropKey::Symbol(realm::intrinsics().sym_is_concat_spreadable.clone());
    spread.as_object().u().define_value(key.clone(), Value::Bool(true), 7);
    assert_eq!(m("concat", &nums(&[0.0]), &[spread]), "[ 0, 'p', 'q' ]");
    let noflat = nums(&[5.0]);
    noflat.as_object().u().define_value(key, Value::Bool(false), 7);
    assert_eq!(m("concat", &nums(&[]), &[noflat]), "[ [ 5 ] ]");
}

#[test]
fn sort() {
    setup();
    // [3,1,undefined,,10,2].sort() → [ 1, 10, 2, 3, undefined, <1 empty item> ]
    let a = arr(vec![n(3.0), n(1.0), Value::Undefined, Value::Hole, n(10.0), n(2.0)]);
    assert_eq!(m("sort", &a, &[]), "[ 1, 10, 2, 3, undefined, <1 empty item> ]");
    let by_num = func(|_, a| Ok(n(num(&a[0]) - num(&a[1]))));
    assert_eq!(m("sort", &nums(&[5.0, 1.0, 4.0]), &[by_num.clone()]), "[ 1, 4, 5 ]");
    let nan = func(|_, _| Ok(n(f64::NAN)));
    assert_eq!(m("sort", &nums(&[3.0, 1.0, 10.0, 2.0]), &[nan]), "[ 3, 1, 10, 2 ]");
    // Stability over a long array: sort pairs by key only.
    let mut items = Vec::new();
    for i in 0..100 {
        items.push(arr(vec![n((i * 7 % 5) as f64), n(i as f64)]));
    }
    let pairs = arr(items);
    let by_key = func(|_, a| Ok(n(num(&ops::get_str(&a[0], "0")?) - num(&ops::get_str(&a[1], "0")?))));
    ok(call("Array.prototype.sort", &pairs, &[by_key]));
    let mut last = (-1.0, -1.0);
    for k in 0..100 {
        let p = ops::get_str(&pairs, &k.to_string()).u();
        let cur = (num(&ops::get_str(&p, "0").u()), num(&ops::get_str(&p, "1").u()));
        assert!(cur.0 > last.0 || (cur.0 == last.0 && cur.1 > last.1), "unstable at {k}");
        last = cur;
    }
    // Comparator exceptions propagate; bad comparators are TypeErrors.
    let thrower = func(|_, _| Err(st("cmp")));
    assert_eq!(s(&call("Array.prototype.sort", &nums(&[2.0, 1.0]), &[thrower]).err().u()), "cmp");
    assert_eq!(
        err(call("Array.prototype.sort", &nums(&[]), &[n(1.0)])),
        "TypeError: The comparison function must be either a function or undefined"
    );
    // An inconsistent comparator must not panic.
    let random = func(|_, a| Ok(n(if (num(&a[0]) as i64 * 31 + num(&a[1]) as i64) % 3 == 0 { -1.0 } else { 1.0 })));
    let big = nums(&(0..200).map(|x| x as f64).collect::<Vec<_>>());
    ok(call("Array.prototype.sort", &big, &[random]));
    assert_eq!(m("toSorted", &nums(&[3.0, 2.0, 1.0]), &[]), "[ 1, 2, 3 ]");
    assert_eq!(m("toSorted", &holey(vec![None, Some(1.0)]), &[]), "[ 1, undefined ]");
    // Generic sort: {length:3, 0:'b', 2:'a'} → {0:'a', 1:'b'} with 2 deleted
    let like = obj(&[("length", n(3.0)), ("0", st("b")), ("2", st("a"))]);
    m("sort", &like, &[]);
    assert_eq!(show(&like), "{ '0': 'a', '1': 'b', length: 3 }");
}

#[test]
fn misc_methods() {
    setup();
    assert_eq!(m("at", &nums(&[1.0, 2.0, 3.0]), &[n(-1.0)]), "3");
    assert_eq!(m("at", &nums(&[1.0, 2.0, 3.0]), &[n(3.0)]), "undefined");
    assert_eq!(m("copyWithin", &nums(&[1.0, 2.0, 3.0, 4.0, 5.0]), &[n(0.0), n(3.0)]), "[ 4, 5, 3, 4, 5 ]");
    assert_eq!(m("copyWithin", &nums(&[1.0, 2.0, 3.0, 4.0, 5.0]), &[n(1.0), n(0.0), n(3.0)]), "[ 1, 1, 2, 3, 5 ]");
    assert_eq!(m("fill", &nums(&[0.0, 1.0, 2.0]), &[n(7.0), n(1.0)]), "[ 0, 7, 7 ]");
    assert_eq!(m("fill", &obj(&[("length", n(2.0))]), &[n(1.0)]), "{ '0': 1, '1': 1, length: 2 }");
    assert_eq!(
        m("reverse", &holey(vec![Some(1.0), None, Some(3.0), None]), &[]),
        "[ <1 empty item>, 3, <1 empty item>, 1 ]"
    );
    assert_eq!(
        m("flat", &arr(vec![n(1.0), arr(vec![n(2.0), arr(vec![n(3.0), nums(&[4.0])])])]), &[]),
        "[ 1, 2, [ 3, [ 4 ] ] ]"
    );
    let deep = arr(vec![n(1.0), arr(vec![n(2.0), arr(vec![n(3.0), nums(&[4.0])])])]);
    assert_eq!(m("flat", &deep, &[n(f64::INFINITY)]), "[ 1, 2, 3, 4 ]");
    assert_eq!(m("flat", &holey(vec![Some(1.0), None, Some(2.0)]), &[]), "[ 1, 2 ]");
    let pair = func(|_, a| Ok(arr(vec![a[0].clone(), a[1].clone()])));
    assert_eq!(m("flatMap", &nums(&[5.0, 6.0]), &[pair]), "[ 5, 0, 6, 1 ]");
    let cyc = nums(&[1.0]);
    m("push", &cyc, std::slice::from_ref(&cyc));
    assert_eq!(
        err(call("Array.prototype.flat", &cyc, &[n(f64::INFINITY)])),
        "RangeError: Maximum call stack size exceeded"
    );
    assert_eq!(m("with", &nums(&[1.0, 2.0, 3.0]), &[n(-1.0), n(9.0)]), "[ 1, 2, 9 ]");
    assert_eq!(err(call("Array.prototype.with", &nums(&[1.0]), &[n(1.0), n(9.0)])), "RangeError: Invalid index : 1");
    assert_eq!(m("toSpliced", &nums(&[1.0, 2.0, 3.0]), &[n(1.0), n(1.0), st("x"), st("y")]), "[ 1, 'x', 'y', 3 ]");
    let orig = nums(&[1.0, 2.0]);
    assert_eq!(m("toReversed", &orig, &[]), "[ 2, 1 ]");
    assert_eq!(show(&orig), "[ 1, 2 ]");
}

#[test]
fn iterators() {
    setup();
    let i = realm::intrinsics();
    let proto = path("Array.prototype");
    let values = ops::get_str(&proto, "values").u();
    let sym = ops::get(&proto, &PropKey::Symbol(i.sym_iterator.clone())).u();
    assert!(values.as_object().u().ptr_eq(sym.as_object().u()));
    let reg = realm::registered("Array.prototype.values").u();
    assert!(reg.as_object().u().ptr_eq(values.as_object().u()));
    // [1,2,3].entries().next() → { value: [ 0, 1 ], done: false }
    let a = nums(&[1.0, 2.0]);
    let it = ok(call("Array.prototype.entries", &a, &[]));
    let r = ok(ops::invoke(&it, "next", &[]));
    assert_eq!(show(&r), "{ value: [ 0, 1 ], done: false }");
    // A push during iteration is seen; once done, stays done.
    let it = ok(call("Array.prototype.values", &a, &[]));
    ok(ops::invoke(&it, "next", &[]));
    ok(ops::invoke(&it, "next", &[]));
    m("push", &a, &[n(3.0)]);
    assert_eq!(show(&ok(ops::invoke(&it, "next", &[]))), "{ value: 3, done: false }");
    assert_eq!(show(&ok(ops::invoke(&it, "next", &[]))), "{ value: undefined, done: true }");
    m("push", &a, &[n(4.0)]);
    assert_eq!(show(&ok(ops::invoke(&it, "next", &[]))), "{ value: undefined, done: true }");
    // Holes read as undefined; keys over an array-like.
    let it = ok(call("Array.prototype.values", &holey(vec![None]), &[]));
    assert_eq!(show(&ok(ops::invoke(&it, "next", &[]))), "{ value: undefined, done: false }");
    let like = obj(&[("length", n(2.0))]);
    let keys = ok(call("Array.prototype.keys", &like, &[]));
    assert_eq!(show(&ok(call("Array.from", &path("Array"), &[keys]))), "[ 0, 1 ]");
    // %IteratorPrototype%[Symbol.iterator] returns this; the toStringTag.
    let f = ops::get(&it, &PropKey::Symbol(i.sym_iterator.clone())).u();
    assert!(ok(function::call(&f, &it, &[])).as_object().u().ptr_eq(it.as_object().u()));
    let tag = ops::get(&it, &PropKey::Symbol(i.sym_to_string_tag.clone())).u();
    assert_eq!(s(&tag), "Array Iterator");
    assert_eq!(
        err(function::call(&ops::get_str(&it, "next").u(), &obj(&[]), &[])),
        "TypeError: next method called on an object that is not an Array Iterator"
    );
    // The runtime's fast for-of path accepts arrays while values is untouched.
    let mut iter = ops::get_iterator(&nums(&[1.0])).u();
    assert!(matches!(iter, ops::Iter::Array { .. }));
    assert_eq!(s(&iter.step().u().u()), "1");
}

#[test]
fn species() {
    setup();
    // class C extends Array {}; new C(1,2,3).map(x=>x) is a C
    let c_proto = Obj::new(Some(realm::intrinsics().array_prototype.clone()), ObjectKind::Ordinary);
    let cp = c_proto.clone();
    let ctor = function::native_function(
        "C",
        0,
        Rc::new(move |_, args, _| {
            let len = args.first().map(num).unwrap_or(0.0) as usize;
            Ok(Value::Object(Obj::new(Some(cp.clone()), ObjectKind::Array(vec![Value::Hole; len]))))
        }),
        true,
    );
    ctor.define_value("prototype", Value::Object(c_proto.clone()), 0);
    c_proto.define_hidden("constructor", Value::Object(ctor.clone()));
    let species = PropKey::Symbol(realm::intrinsics().sym_species.clone());
    let array_species = ops::get(&path("Array"), &species).u();
    assert!(array_species.as_object().u().ptr_eq(path("Array").as_object().u()));
    // Array[Symbol.species] is a getter returning this; C inherits nothing here, so give C one.
    ctor.define_value(species, Value::Object(ctor.clone()), 0);
    let inst = Value::Object(Obj::new(Some(c_proto.clone()), ObjectKind::Array(vec![n(1.0), n(2.0), n(3.0)])));
    let id = func(|_, a| Ok(a[0].clone()));
    let mapped = ok(call("Array.prototype.map", &inst, &[id.clone()]));
    assert!(mapped.as_object().u().proto().u().ptr_eq(&c_proto));
    assert_eq!(show(&mapped), "[ 1, 2, 3 ]");
    let sliced = ok(call("Array.prototype.slice", &inst, &[n(1.0)]));
    assert!(sliced.as_object().u().proto().u().ptr_eq(&c_proto));
    assert_eq!(show(&sliced), "[ 2, 3 ]");
    let filtered = ok(call("Array.prototype.filter", &inst, &[id]));
    assert_eq!(show(&filtered), "[ 1, 2, 3 ]");
    // Array.from / Array.of with this = C
    let of = ok(call("Array.of", &Value::Object(ctor.clone()), &[n(4.0)]));
    assert!(of.as_object().u().proto().u().ptr_eq(&c_proto));
    assert_eq!(show(&of), "[ 4 ]");
}

#[test]
fn generic_receivers() {
    setup();
    // Array.prototype.slice.call(arguments, 1)
    let args = Value::Object(Obj::new(
        Some(realm::intrinsics().object_prototype.clone()),
        ObjectKind::Arguments(vec![n(1.0), st("a"), n(3.0)]),
    ));
    args.as_object().u().define_hidden("length", n(3.0));
    assert_eq!(m("slice", &args, &[n(1.0)]), "[ 'a', 3 ]");
    assert_eq!(m("indexOf", &args, &[n(3.0)]), "2");
    // Array.prototype.map.call('ab', c => c + c)
    let twice = func(|_, a| Ok(Value::string(format!("{0}{0}", s(&a[0])))));
    assert_eq!(m("map", &st("ab"), &[twice]), "[ 'aa', 'bb' ]");
    assert_eq!(m("join", &st("abc"), &[st("-")]), "'a-b-c'");
    assert_eq!(
        err(call("Array.prototype.map", &Value::Undefined, &[])),
        "TypeError: Cannot convert undefined or null to object"
    );
    // Object.freeze([3,1,2]): the mutators throw, the readers work.
    let frozen = nums(&[3.0, 1.0, 2.0]);
    {
        let mut b = frozen.as_object().u().borrow_mut();
        b.elements_frozen = true;
        b.extensible = false;
    }
    for name in ["pop", "shift", "sort", "reverse"] {
        assert!(call(&format!("Array.prototype.{name}"), &frozen, &[]).is_err(), "{name}");
    }
    assert!(call("Array.prototype.push", &frozen, &[n(1.0)]).is_err());
    assert!(call("Array.prototype.fill", &frozen, &[n(1.0)]).is_err());
    assert_eq!(show(&frozen), "[ 3, 1, 2 ]");
    assert_eq!(m("toSorted", &frozen, &[]), "[ 1, 2, 3 ]");
    assert_eq!(m("slice", &frozen, &[n(1.0)]), "[ 1, 2 ]");
}
