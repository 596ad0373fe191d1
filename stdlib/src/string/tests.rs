//! Unit tests for String (expected values are what Node 20 prints for the same calls).

use crate::util::testing::{call, path, s, setup};
use pipy_value::{Value, function, ops};

fn m(name: &str, this: &str, args: &[Value]) -> String {
    match call(&format!("String.prototype.{name}"), &Value::str(this), args) {
        Ok(v) => s(&v),
        Err(e) => format!("throws {}", err(&e)),
    }
}

fn err(e: &Value) -> String {
    let i = pipy_value::realm::intrinsics();
    let name = match e.as_object().and_then(|o| o.proto()) {
        Some(p) if p.ptr_eq(&i.range_error_prototype) => "RangeError",
        Some(p) if p.ptr_eq(&i.type_error_prototype) => "TypeError",
        _ => "Error",
    };
    format!("{name}: {}", s(&ops::get_str(e, "message").unwrap_or_default()))
}

fn n(x: f64) -> Value {
    Value::Number(x)
}
fn st(x: &str) -> Value {
    Value::str(x)
}

#[test]
fn constructor_and_statics() {
    setup();
    let c = path("String");
    let call_s = |args: &[Value]| s(&function::call(&c, &Value::Undefined, args).unwrap_or_default());
    assert_eq!(call_s(&[]), "");
    assert_eq!(call_s(&[n(12.5)]), "12.5");
    assert_eq!(call_s(&[Value::Null]), "null");
    let sym = Value::Symbol(pipy_value::value::Symbol::new(Some(pipy_value::JsString::new("x"))));
    assert_eq!(call_s(std::slice::from_ref(&sym)), "Symbol(x)");
    let Value::Object(co) = &c else { panic!("String missing") };
    assert!(function::construct(co, &[sym], co).is_err());
    let w = function::construct(co, &[st("ab")], co).unwrap_or_default();
    assert!(w.is_object());
    assert_eq!(ops::get_str(&w, "length").ok().and_then(|v| v.as_number()), Some(2.0));
    assert_eq!(s(&ops::invoke(&w, "toUpperCase", &[]).unwrap_or_default()), "AB");
    assert_eq!(s(&ops::invoke(&w, "valueOf", &[]).unwrap_or_default()), "ab");
    let fc = |p: &str, a: &[Value]| match call(p, &Value::Undefined, a) {
        Ok(v) => s(&v),
        Err(e) => format!("throws {}", err(&e)),
    };
    assert_eq!(fc("String.fromCharCode", &[n(72.0), n(105.0), n(65601.0)]), "HiA");
    assert_eq!(fc("String.fromCodePoint", &[n(0x1F600 as f64), n(97.0)]), "😀a");
    assert_eq!(fc("String.fromCodePoint", &[n(-1.0)]), "throws RangeError: Invalid code point -1");
    assert_eq!(fc("String.fromCodePoint", &[n(1.5)]), "throws RangeError: Invalid code point 1.5");
    let raw = ops::new_array(vec![st("a"), st("b"), st("c")]);
    let tpl = pipy_value::Obj::ordinary();
    tpl.define_value("raw", raw, pipy_value::attr::DEFAULT);
    assert_eq!(fc("String.raw", &[Value::Object(tpl), n(1.0), n(2.0), n(3.0)]), "a1b2c");
    assert!(call("String.prototype.toString", &n(1.0), &[]).is_err());
    assert!(call("String.prototype.trim", &Value::Undefined, &[]).is_err());
}

#[test]
fn indexing() {
    setup();
    assert_eq!(m("at", "abc", &[n(-1.0)]), "c");
    assert_eq!(m("at", "abc", &[n(5.0)]), "undefined");
    assert_eq!(m("charAt", "abc", &[n(1.0)]), "b");
    assert_eq!(m("charAt", "abc", &[n(3.0)]), "");
    assert_eq!(m("charCodeAt", "abc", &[n(1.0)]), "98");
    assert_eq!(m("charCodeAt", "abc", &[n(9.0)]), "NaN");
    assert_eq!(m("codePointAt", "😀", &[n(0.0)]), "128512");
    assert_eq!(m("codePointAt", "😀", &[n(1.0)]), "56832");
    assert_eq!(m("codePointAt", "a", &[n(1.0)]), "undefined");
    assert_eq!(m("indexOf", "hello", &[st("l")]), "2");
    assert_eq!(m("indexOf", "hello", &[st("l"), n(3.0)]), "3");
    assert_eq!(m("indexOf", "hello", &[st(""), n(10.0)]), "5");
    assert_eq!(m("lastIndexOf", "hello", &[st("l")]), "3");
    assert_eq!(m("lastIndexOf", "hello", &[st("l"), n(2.0)]), "2");
    assert_eq!(m("lastIndexOf", "hello", &[st("x")]), "-1");
    assert_eq!(m("lastIndexOf", "héllo", &[st("é")]), "1");
    assert_eq!(m("includes", "hello", &[st("ell")]), "true");
    assert_eq!(m("includes", "hello", &[st("ell"), n(2.0)]), "false");
    assert_eq!(m("startsWith", "hello", &[st("he")]), "true");
    assert_eq!(m("startsWith", "hello", &[st("ll"), n(2.0)]), "true");
    assert_eq!(m("endsWith", "hello", &[st("lo")]), "true");
    assert_eq!(m("endsWith", "hello", &[st("ll"), n(4.0)]), "true");
}

#[test]
fn slicing() {
    setup();
    assert_eq!(m("slice", "hello", &[n(1.0), n(-1.0)]), "ell");
    assert_eq!(m("slice", "hello", &[n(-3.0)]), "llo");
    assert_eq!(m("slice", "hello", &[n(3.0), n(1.0)]), "");
    assert_eq!(m("substring", "hello", &[n(3.0), n(1.0)]), "el");
    assert_eq!(m("substring", "hello", &[n(-3.0)]), "hello");
    assert_eq!(m("substr", "hello", &[n(-3.0), n(2.0)]), "ll");
    assert_eq!(m("substr", "hello", &[n(1.0)]), "ello");
    assert_eq!(m("concat", "a", &[st("b"), n(1.0)]), "ab1");
    assert_eq!(m("padStart", "5", &[n(3.0), st("0")]), "005");
    assert_eq!(m("padEnd", "ab", &[n(7.0), st("xyz")]), "abxyzxy");
    assert_eq!(m("padStart", "ab", &[n(5.0)]), "   ab");
    assert_eq!(m("padStart", "ab", &[n(5.0), st("")]), "ab");
    assert_eq!(m("repeat", "ab", &[n(3.0)]), "ababab");
    assert_eq!(m("repeat", "ab", &[n(0.0)]), "");
    assert_eq!(m("repeat", "ab", &[n(-1.0)]), "throws RangeError: Invalid count value: -1");
    assert_eq!(m("repeat", "ab", &[n(f64::INFINITY)]), "throws RangeError: Invalid count value: Infinity");
    assert_eq!(m("repeat", "ab", &[n(1e10)]), "throws RangeError: Invalid string length");
}

#[test]
fn case_trim_normalize() {
    setup();
    assert_eq!(m("toUpperCase", "straße", &[]), "STRASSE");
    assert_eq!(m("toLowerCase", "İ", &[]), "i\u{307}");
    assert_eq!(m("toLowerCase", "ΟΔΟΣ", &[]), "οδος");
    assert_eq!(m("toUpperCase", "abc", &[]), "ABC");
    assert_eq!(m("toLocaleLowerCase", "ABC", &[]), "abc");
    assert_eq!(m("trim", " \t\u{a0}x y\u{feff}\n", &[]), "x y");
    assert_eq!(m("trimStart", "  x ", &[]), "x ");
    assert_eq!(m("trimEnd", "  x ", &[]), "  x");
    assert!(ops::strict_equals(&path("String.prototype.trimLeft"), &path("String.prototype.trimStart")));
    assert_eq!(m("normalize", "e\u{301}", &[]), "é");
    assert_eq!(m("normalize", "é", &[st("NFD")]), "e\u{301}");
    assert_eq!(m("normalize", "ﬁ", &[st("NFKC")]), "fi");
    assert_eq!(
        m("normalize", "a", &[st("x")]),
        "throws RangeError: The normalization form should be one of NFC, NFD, NFKC, NFKD."
    );
    assert_eq!(m("localeCompare", "a", &[st("b")]), "-1");
    assert_eq!(m("localeCompare", "a", &[st("B")]), "-1");
    assert_eq!(m("localeCompare", "a", &[st("A")]), "-1");
    assert_eq!(m("localeCompare", "b", &[st("a")]), "1");
    assert_eq!(m("localeCompare", "a", &[st("a")]), "0");
    assert_eq!(m("localeCompare", "é", &[st("f")]), "-1");
    assert_eq!(m("localeCompare", "e", &[st("é")]), "-1");
    assert_eq!(m("localeCompare", "_a", &[st("1")]), "-1");
    assert_eq!(m("localeCompare", "a10", &[st("a9")]), "-1");
    assert_eq!(m("localeCompare", "Zebra", &[st("apple")]), "1");
}

#[test]
fn string_replace_and_split() {
    setup();
    assert_eq!(m("replace", "aXbXc", &[st("X"), st("-")]), "a-bXc");
    assert_eq!(m("replaceAll", "aXbXc", &[st("X"), st("-")]), "a-b-c");
    assert_eq!(m("replace", "abc", &[st("b"), st("[$&|$`|$'|$$|$1]")]), "a[b|a|c|$|$1]c");
    assert_eq!(m("replaceAll", "aaa", &[st(""), st("-")]), "-a-a-a-");
    assert_eq!(m("replace", "abc", &[st("z"), st("-")]), "abc");
    let f = function::native("f", 3, |_, args| {
        Ok(Value::string(format!("<{}@{}/{}>", s(&args[0]), s(&args[1]), s(&args[2]))))
    });
    assert_eq!(m("replace", "abcb", &[st("b"), Value::Object(f.clone())]), "a<b@1/abcb>cb");
    assert_eq!(m("replaceAll", "abcb", &[st("b"), Value::Object(f)]), "a<b@1/abcb>c<b@3/abcb>");
    let split = |this: &str, args: &[Value]| {
        let v = call("String.prototype.split", &st(this), args).unwrap_or_default();
        ops::list_from_array_like(&v).unwrap_or_default().iter().map(s).collect::<Vec<_>>().join("|")
    };
    assert_eq!(split("a,b,,c", &[st(",")]), "a|b||c");
    assert_eq!(split("a,b,c", &[st(","), n(2.0)]), "a|b");
    assert_eq!(split("abc", &[st("")]), "a|b|c");
    assert_eq!(split("abc", &[]), "abc");
    assert_eq!(split("", &[st(",")]), "");
    assert_eq!(ops::length_of(&call("String.prototype.split", &st(""), &[st(",")]).unwrap_or_default()).ok(), Some(1));
    assert_eq!(ops::length_of(&call("String.prototype.split", &st(""), &[st("")]).unwrap_or_default()).ok(), Some(0));
    assert_eq!(split("a,b", &[st(","), n(0.0)]), "");
}

#[test]
fn symbol_protocol_delegation() {
    setup();
    let i = pipy_value::realm::intrinsics();
    let obj = pipy_value::Obj::ordinary();
    for sym in [&i.sym_replace, &i.sym_split, &i.sym_search, &i.sym_match] {
        let f = function::native("h", 2, |_, args| Ok(Value::string(format!("custom:{}", s(&args[0])))));
        obj.define_value(pipy_value::PropKey::Symbol(sym.clone()), Value::Object(f), pipy_value::attr::DEFAULT);
    }
    let o = Value::Object(obj);
    assert_eq!(m("replace", "abc", &[o.clone(), st("x")]), "custom:abc");
    assert_eq!(m("split", "abc", std::slice::from_ref(&o)), "custom:abc");
    assert_eq!(m("search", "abc", std::slice::from_ref(&o)), "custom:abc");
    assert_eq!(m("match", "abc", &[o]), "custom:abc");
    // Non-global "regexp-like" object for replaceAll / matchAll.
    let re = pipy_value::Obj::ordinary();
    re.define_value(pipy_value::PropKey::Symbol(i.sym_match.clone()), Value::Bool(true), pipy_value::attr::DEFAULT);
    re.define_value("flags", st("i"), pipy_value::attr::DEFAULT);
    let re = Value::Object(re);
    assert!(m("replaceAll", "abc", &[re.clone(), st("x")]).starts_with("throws TypeError"));
    assert!(m("matchAll", "abc", std::slice::from_ref(&re)).starts_with("throws TypeError"));
    assert!(m("startsWith", "abc", &[re]).starts_with("throws TypeError: First argument"));
}

fn regexp(src: &str, flags: &str) -> Value {
    let Value::Object(c) = path("RegExp") else { return Value::Undefined };
    function::construct(&c, &[st(src), st(flags)], &c).unwrap_or_default()
}

fn list(v: &Value) -> String {
    ops::list_from_array_like(v).unwrap_or_default().iter().map(s).collect::<Vec<_>>().join("|")
}

#[test]
fn with_regexp() {
    setup();
    if path("RegExp").is_undefined() {
        return;
    }
    let r = |name: &str, this: &str, args: &[Value]| call(&format!("String.prototype.{name}"), &st(this), args);
    assert_eq!(list(&r("match", "a1b22", &[st("\\d+")]).unwrap_or_default()), "1");
    assert_eq!(list(&r("match", "a1b22", &[regexp("\\d+", "g")]).unwrap_or_default()), "1|22");
    assert!(r("match", "abc", &[st("x")]).unwrap_or_default().is_null());
    assert_eq!(s(&r("search", "abc", &[st("c")]).unwrap_or_default()), "2");
    assert_eq!(s(&r("search", "a.c", &[st(".")]).unwrap_or_default()), "0");
    assert_eq!(list(&r("split", "a1b2c", &[regexp("\\d", "")]).unwrap_or_default()), "a|b|c");
    assert_eq!(s(&r("replace", "a1b2", &[regexp("(\\d)", "g"), st("<$1>")]).unwrap_or_default()), "a<1>b<2>");
    assert_eq!(s(&r("replaceAll", "a1b2", &[regexp("\\d", "g"), st("#")]).unwrap_or_default()), "a#b#");
    assert!(r("replaceAll", "a1b2", &[regexp("\\d", ""), st("#")]).is_err());
    let it = r("matchAll", "a1b22", &[st("\\d+")]).unwrap_or_default();
    let all = ops::iterate_to_vec(&it).unwrap_or_default();
    assert_eq!(all.iter().map(|m| s(&ops::get_str(m, "0").unwrap_or_default())).collect::<Vec<_>>(), ["1", "22"]);
    assert!(r("matchAll", "a", &[regexp("a", "")]).is_err());
}

#[test]
fn substitution() {
    setup();
    let sub = |tpl: &str, caps: &[Value], named: &Value| {
        crate::string::get_substitution(
            &pipy_value::JsString::new("bc"),
            &pipy_value::JsString::new("abcd"),
            1,
            caps,
            named,
            &pipy_value::JsString::new(tpl),
        )
        .map(|s| s.to_rust_string())
        .unwrap_or_default()
    };
    let caps = [st("B"), Value::Undefined];
    assert_eq!(sub("[$1|$2|$3|$0|$01|$10]", &caps, &Value::Undefined), "[B||$3|$0|B|B0]");
    assert_eq!(sub("$`$'$&$$", &[], &Value::Undefined), "adbc$");
    assert_eq!(sub("$<x>", &[], &Value::Undefined), "$<x>");
    let named = pipy_value::Obj::ordinary();
    named.define_value("x", st("X"), pipy_value::attr::DEFAULT);
    let named = Value::Object(named);
    assert_eq!(sub("[$<x>|$<y>|$<x]", &[], &named), "[X||$<x]");
    let many: Vec<Value> = (1..=12).map(|i| Value::string(format!("c{i}"))).collect();
    assert_eq!(sub("$12$1$", &many, &Value::Undefined), "c12c1$");
}

#[test]
fn well_formed_and_html() {
    setup();
    let lone = Value::String(pipy_value::JsString::from_utf16(vec![97, 0xd800]));
    let r = call("String.prototype.isWellFormed", &lone, &[]).unwrap_or_default();
    assert!(!r.truthy());
    let r = call("String.prototype.toWellFormed", &lone, &[]).unwrap_or_default();
    assert_eq!(s(&r), "a\u{fffd}");
    assert_eq!(m("isWellFormed", "a😀", &[]), "true");
    assert_eq!(m("bold", "x", &[]), "<b>x</b>");
    assert_eq!(m("anchor", "x", &[st("a\"b")]), "<a name=\"a&quot;b\">x</a>");
    assert_eq!(m("fontsize", "x", &[n(7.0)]), "<font size=\"7\">x</font>");
}

#[test]
fn iterator_by_code_points() {
    setup();
    let sym = pipy_value::PropKey::Symbol(pipy_value::realm::intrinsics().sym_iterator.clone());
    let it_fn = ops::get(&path("String.prototype"), &sym).unwrap_or_default();
    let it = function::call(&it_fn, &st("a😀b"), &[]).unwrap_or_default();
    let mut out = Vec::new();
    for _ in 0..4 {
        let r = ops::invoke(&it, "next", &[]).unwrap_or_default();
        if ops::get_str(&r, "done").unwrap_or_default().truthy() {
            break;
        }
        out.push(s(&ops::get_str(&r, "value").unwrap_or_default()));
    }
    assert_eq!(out, ["a", "😀", "b"]);
    let all = ops::iterate_to_vec(&Value::String(pipy_value::JsString::from_utf16(vec![120, 0xd800, 121])))
        .unwrap_or_default();
    assert_eq!(all.len(), 3);
    let tag = ops::get(&it, &pipy_value::PropKey::Symbol(pipy_value::realm::intrinsics().sym_to_string_tag.clone()));
    assert_eq!(s(&tag.unwrap_or_default()), "String Iterator");
}

/// Prints `name length` of every built-in function installed here (compare with Node).
#[test]
#[ignore]
fn dump_lengths() {
    setup();
    for p in ["String", "String.prototype", "Number", "Number.prototype", "Math", "Boolean.prototype"] {
        let o = path(p);
        let Some(obj) = o.as_object() else { continue };
        let mut lines = Vec::new();
        for k in obj.own_keys() {
            let Some(name) = k.as_string() else { continue };
            let v = ops::get(&o, &k).unwrap_or_default();
            if v.is_callable() {
                let len = s(&ops::get_str(&v, "length").unwrap_or_default());
                lines.push(format!("{p}.{name} {len}"));
            }
        }
        lines.sort();
        for l in lines {
            println!("{l}");
        }
    }
}
