use super::*;
use crate::util::testing::*;

fn ok(r: JsResult<Value>) -> Value {
    r.unwrap_or_else(|e| panic!("threw {}", s(&ops::get_str(&e, "message").unwrap_or_default())))
}

fn re(p: &str, f: &str) -> Value {
    Value::Object(new_regexp(&Value::str(p), &Value::str(f)).unwrap_or_else(|e| panic!("threw {}", s(&e))))
}

fn inv(o: &Value, name: &str, args: &[Value]) -> Value {
    ok(ops::invoke(o, name, args))
}

fn sym(o: &Value, key: &pipy_value::value::Symbol, args: &[Value]) -> Value {
    let f = ok(ops::get(o, &PropKey::Symbol(key.clone())));
    ok(function::call(&f, o, args))
}

/// A JSON-ish rendering of arrays (of strings/undefined/numbers) for compact assertions.
fn show(v: &Value) -> String {
    match v {
        Value::Object(o) if o.is_array() => {
            let items: Vec<String> = o.array_elements().unwrap_or_default().iter().map(show).collect();
            format!("[{}]", items.join(","))
        }
        Value::String(x) => format!("'{x}'"),
        Value::Undefined => "undefined".into(),
        other => s(other),
    }
}

fn msg(e: &Value) -> String {
    s(&ops::get_str(e, "message").unwrap_or_default())
}

#[test]
fn construct_and_errors() {
    setup();
    let r = re("a/b\n", "gi");
    assert_eq!(s(&ok(ops::get_str(&r, "source"))), "a\\/b\\n");
    assert_eq!(s(&r), "/a\\/b\\n/gi");
    assert_eq!(s(&re("", "")), "/(?:)/");
    assert_eq!(s(&re("[/]", "")), "/[/]/");
    let e = new_regexp(&Value::str("("), &Value::str("g")).err().unwrap_or_default();
    assert_eq!(msg(&e), "Invalid regular expression: /(/g: Unterminated group");
    let e = new_regexp(&Value::str("a"), &Value::str("gg")).err().unwrap_or_default();
    assert_eq!(msg(&e), "Invalid flags supplied to RegExp constructor 'gg'");
    assert_eq!(s(&ok(ops::get_str(&re("a", "ysmigd"), "flags"))), "dgimsy");
    // RegExp(re) returns re itself; new RegExp(re, "g") copies the source.
    let same = ok(call("RegExp", &Value::Undefined, std::slice::from_ref(&r)));
    assert!(ops::strict_equals(&same, &r));
    let copy = Value::Object(new_regexp(&r, &Value::str("y")).unwrap_or_else(|_| panic!()));
    assert_eq!(s(&copy), "/a\\/b\\n/y");
    let li = r.as_object().and_then(|o| o.get_own_property(&PropKey::str("lastIndex"))).map(|p| p.flags);
    assert_eq!(li, Some(attr::WRITABLE));
    assert_eq!(s(&ok(ops::get_str(&path("RegExp.prototype"), "source"))), "(?:)");
    assert!(ok(ops::get_str(&path("RegExp.prototype"), "global")).is_undefined());
}

#[test]
fn exec_results() {
    setup();
    let r = re("(?<x>a)|(?<y>b)", "d");
    let m = inv(&r, "exec", &[Value::str("zb")]);
    assert_eq!(show(&m), "['b',undefined,'b']");
    assert_eq!(s(&ok(ops::get_str(&m, "index"))), "1");
    assert_eq!(s(&ok(ops::get_str(&m, "input"))), "zb");
    let g = ok(ops::get_str(&m, "groups"));
    assert!(g.as_object().is_some_and(|o| o.proto().is_none()));
    assert!(ok(ops::get_str(&g, "x")).is_undefined());
    assert_eq!(s(&ok(ops::get_str(&g, "y"))), "b");
    let ind = ok(ops::get_str(&m, "indices"));
    assert_eq!(show(&ind), "[[1,2],undefined,[1,2]]");
    let m = inv(&re("b", ""), "exec", &[Value::str("abc")]);
    assert!(ok(ops::get_str(&m, "groups")).is_undefined());
    assert!(inv(&re("x", ""), "exec", &[Value::str("abc")]).is_null());
}

#[test]
fn global_and_sticky_last_index() {
    setup();
    let r = re("o", "g");
    let li = |r: &Value| s(&ok(ops::get_str(r, "lastIndex")));
    assert!(inv(&r, "test", &[Value::str("foo")]).truthy());
    assert_eq!(li(&r), "2");
    assert!(inv(&r, "test", &[Value::str("foo")]).truthy());
    assert_eq!(li(&r), "3");
    assert!(!inv(&r, "test", &[Value::str("foo")]).truthy());
    assert_eq!(li(&r), "0");
    let y = re("a", "y");
    assert!(!inv(&y, "test", &[Value::str("ba")]).truthy());
    ok(ops::set(&y, &PropKey::str("lastIndex"), Value::int(1), true).map(|_| Value::Undefined));
    assert!(inv(&y, "test", &[Value::str("ba")]).truthy());
    assert_eq!(li(&y), "2");
    // Non-global regexps ignore and keep lastIndex.
    let n = re("a", "");
    ok(ops::set(&n, &PropKey::str("lastIndex"), Value::int(5), true).map(|_| Value::Undefined));
    assert!(inv(&n, "test", &[Value::str("a")]).truthy());
    assert_eq!(li(&n), "5");
}

#[test]
fn non_ascii_indices() {
    setup();
    let m = inv(&re("b", ""), "exec", &[Value::str("é😀b")]);
    assert_eq!(s(&ok(ops::get_str(&m, "index"))), "3");
    let m = inv(&re(".b", "u"), "exec", &[Value::str("é😀b")]);
    assert_eq!(show(&m), "['😀b']");
    assert_eq!(s(&ok(ops::get_str(&m, "index"))), "1");
    let m = inv(&re(".b", ""), "exec", &[Value::str("é😀b")]);
    assert_eq!(s(&ok(ops::get_str(&m, "index"))), "2");
    let i = realm::intrinsics();
    let parts = sym(&re("", "u"), &i.sym_split, &[Value::str("a😀b")]);
    assert_eq!(show(&parts), "['a','😀','b']");
    let parts = sym(&re("", ""), &i.sym_split, &[Value::str("a😀b")]);
    assert_eq!(ops::length_of(&parts).ok(), Some(4));
    // A lastIndex inside a surrogate pair must not panic.
    let g = re(".", "gu");
    ok(ops::set(&g, &PropKey::str("lastIndex"), Value::int(2), true).map(|_| Value::Undefined));
    let m = inv(&g, "exec", &[Value::str("a😀b")]);
    assert!(!m.is_undefined());
    let r = sym(&re("(?<=é)x", "i"), &i.sym_replace, &[Value::str("éXéx"), Value::str("_")]);
    assert_eq!(s(&r), "é_éx");
}

#[test]
fn match_and_match_all() {
    setup();
    let i = realm::intrinsics();
    let m = sym(&re("a(.)", "g"), &i.sym_match, &[Value::str("abacad")]);
    assert_eq!(show(&m), "['ab','ac','ad']");
    assert!(sym(&re("x", "g"), &i.sym_match, &[Value::str("abc")]).is_null());
    let m = sym(&re("", "g"), &i.sym_match, &[Value::str("ab")]);
    assert_eq!(show(&m), "['','','']");
    let it = sym(&re("a(\\d)", "g"), &i.sym_match_all, &[Value::str("a1 a2")]);
    let mut got = Vec::new();
    loop {
        let r = inv(&it, "next", &[]);
        if ok(ops::get_str(&r, "done")).truthy() {
            break;
        }
        let v = ok(ops::get_str(&r, "value"));
        got.push(format!("{}@{}", show(&v), s(&ok(ops::get_str(&v, "index")))));
    }
    assert_eq!(got, ["['a1','1']@0", "['a2','2']@3"]);
}

#[test]
fn replace_forms() {
    setup();
    let i = realm::intrinsics();
    let r = sym(
        &re("(?<l>b)", ""),
        &i.sym_replace,
        &[Value::str("abc"), Value::str("[$<l>|$1|$&|$`|$'|$$|$2|$01|$10|$<z>]")],
    );
    assert_eq!(s(&r), "a[b|b|b|a|c|$|$2|b|b0|]c");
    let r = sym(&re("o", "g"), &i.sym_replace, &[Value::str("foo boo"), Value::str("0")]);
    assert_eq!(s(&r), "f00 b00");
    let r = sym(&re("x*", "g"), &i.sym_replace, &[Value::str("abc"), Value::str("-")]);
    assert_eq!(s(&r), "-a-b-c-");
    let f = Value::Object(function::native("f", 0, |_, a| {
        Ok(Value::string(format!("<{}:{}:{}>", s(&arg(a, 0)), s(&arg(a, 1)), s(&arg(a, 2)))))
    }));
    let r = sym(&re("(\\d)", "g"), &i.sym_replace, &[Value::str("a1b2"), f]);
    assert_eq!(s(&r), "a<1:1:1>b<2:2:3>");
    let r = sym(&re("é", "g"), &i.sym_replace, &[Value::str("aébé"), Value::str("E")]);
    assert_eq!(s(&r), "aEbE");
}

#[test]
fn search_and_split() {
    setup();
    let i = realm::intrinsics();
    let g = re("c", "g");
    ok(ops::set(&g, &PropKey::str("lastIndex"), Value::int(3), true).map(|_| Value::Undefined));
    assert_eq!(s(&sym(&g, &i.sym_search, &[Value::str("abcabc")])), "2");
    assert_eq!(s(&ok(ops::get_str(&g, "lastIndex"))), "3");
    assert_eq!(s(&sym(&re("z", ""), &i.sym_search, &[Value::str("abc")])), "-1");
    let p = sym(&re(",\\s*", ""), &i.sym_split, &[Value::str("a, b,c")]);
    assert_eq!(show(&p), "['a','b','c']");
    let p = sym(&re("(-)", ""), &i.sym_split, &[Value::str("a-b-c"), Value::int(3)]);
    assert_eq!(show(&p), "['a','-','b']");
    let p = sym(&re("x", ""), &i.sym_split, &[Value::str("")]);
    assert_eq!(show(&p), "['']");
    let p = sym(&re("", ""), &i.sym_split, &[Value::str("")]);
    assert_eq!(show(&p), "[]");
    let p = sym(&re("(a)|(b)", ""), &i.sym_split, &[Value::str("xaybz")]);
    assert_eq!(show(&p), "['x','a',undefined,'y',undefined,'b','z']");
}
