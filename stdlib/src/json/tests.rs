use super::*;
use crate::util::testing::{call, s, setup};

trait Expect<T> {
    fn v(self) -> T;
    fn e(self) -> Value;
}
impl<T> Expect<T> for JsResult<T> {
    fn v(self) -> T {
        match self {
            Ok(v) => v,
            Err(e) => panic!("threw {}", s(&e)),
        }
    }
    fn e(self) -> Value {
        match self {
            Ok(_) => panic!("did not throw"),
            Err(e) => e,
        }
    }
}

fn parse_str(t: &str) -> JsResult<Value> {
    call("JSON.parse", &Value::Undefined, &[Value::str(t)])
}
fn str_of(v: Value) -> String {
    s(&call("JSON.stringify", &Value::Undefined, &[v]).v())
}
fn roundtrip(t: &str) -> String {
    str_of(parse_str(t).v())
}
fn err_msg(t: &str) -> String {
    let e = parse_str(t).e();
    s(&ops::get_str(&e, "message").v())
}

#[test]
fn parse_values() {
    setup();
    assert_eq!(
        roundtrip(r#" {"a" : [1, -2.5e3, true, false, null, "x\ty"], "b": {}} "#),
        r#"{"a":[1,-2500,true,false,null,"x\ty"],"b":{}}"#
    );
    assert_eq!(roundtrip(r#"{"a":1,"a":2,"b":3}"#), r#"{"a":2,"b":3}"#);
    assert_eq!(roundtrip(r#""\u00e9\ud83d\ude00\n""#), "\"é😀\\n\"");
    assert_eq!(s(&parse_str("1e400").v()), "Infinity");
    assert!(matches!(parse_str("-0").v(), Value::Number(n) if n == 0.0 && n.is_sign_negative()));
    assert_eq!(s(&parse_str("0.1").v()), "0.1");
    assert_eq!(s(&parse_str("123456789012345678901").v()), "123456789012345680000");
    assert_eq!(roundtrip(r#"{"2":1,"1":2,"x":3}"#), r#"{"1":2,"2":1,"x":3}"#);
    assert_eq!(s(&parse("\"é\"").v()), "é");
}

#[test]
fn parse_errors_match_v8() {
    setup();
    assert_eq!(err_msg(""), "Unexpected end of JSON input");
    assert_eq!(err_msg("{a"), "Expected property name or '}' in JSON at position 1");
    assert_eq!(err_msg("[1,]"), "Unexpected token ']', \"[1,]\" is not valid JSON");
    assert_eq!(err_msg("{\"a\":1,}"), "Expected double-quoted property name in JSON at position 7");
    assert_eq!(err_msg("tru"), "Unexpected end of JSON input");
    assert_eq!(err_msg("\"abc"), "Unterminated string in JSON at position 4");
    assert_eq!(err_msg("1 2"), "Unexpected non-whitespace character after JSON at position 2");
    assert_eq!(err_msg("01"), "Unexpected number in JSON at position 1");
    assert_eq!(err_msg("-"), "No number after minus sign in JSON at position 1");
    assert_eq!(err_msg("\"\\x\""), "Bad escaped character in JSON at position 2");
    assert_eq!(err_msg("\"a\u{1}\""), "Bad control character in string literal in JSON at position 2");
    assert_eq!(err_msg("{\"a\" 1}"), "Expected ':' after property name in JSON at position 5");
    assert_eq!(err_msg("[1 2]"), "Expected ',' or ']' after array element in JSON at position 3");
    assert_eq!(err_msg("[1"), "Expected ',' or ']' after array element in JSON at position 2");
    assert_eq!(err_msg("{"), "Expected property name or '}' in JSON at position 1");
    assert_eq!(err_msg("{\"a\""), "Expected ':' after property name in JSON at position 4");
    assert_eq!(err_msg("{\"a\":"), "Unexpected end of JSON input");
    assert_eq!(err_msg("\"\\u12x\""), "Bad Unicode escape in JSON at position 5");
    assert_eq!(err_msg("1e"), "Exponent part is missing a number in JSON at position 2");
    assert_eq!(err_msg("1."), "Unterminated fractional number in JSON at position 2");
    assert_eq!(err_msg("{\"a\":1"), "Expected ',' or '}' after property value in JSON at position 6");
    assert_eq!(err_msg("é"), "Unexpected token 'é', \"é\" is not valid JSON");
    let long = r#"{"aaaaaaaaaaaaaaaaaaaaa": 1, "bbbbbbbbbbbbbbbbbbbbbbbbbbbb": x, "ccccccccccccccccccccccccccccc": 3}"#;
    assert_eq!(err_msg(long), "Unexpected token 'x', ...\"bbbbbbb\": x, \"cccccc\"... is not valid JSON");
    let deep = "[".repeat(100_000);
    assert!(parse_str(&deep).is_err());
}

#[test]
fn parse_with_reviver() {
    setup();
    let reviver = function::native("r", 2, |this, args| {
        let k = s(&util::arg(args, 0));
        let v = util::arg(args, 1);
        if k == "drop" {
            return Ok(Value::Undefined);
        }
        if let Value::Number(n) = v {
            // `this` is the holder: check it sees the key.
            assert!(ops::get_str(this, &k).is_ok());
            return Ok(Value::Number(n * 10.0));
        }
        Ok(v)
    });
    let v = call(
        "JSON.parse",
        &Value::Undefined,
        &[Value::str(r#"{"a":1,"drop":2,"b":[3,{"c":4}]}"#), Value::Object(reviver)],
    )
    .v();
    assert_eq!(str_of(v), r#"{"a":10,"b":[30,{"c":40}]}"#);
}

#[test]
fn stringify_basics() {
    setup();
    assert_eq!(roundtrip("[1,2.5,\"a\",null]"), "[1,2.5,\"a\",null]");
    let o = Obj::ordinary();
    o.define_value("a", Value::Undefined, attr::DEFAULT);
    o.define_value("b", Value::Object(function::native("f", 0, |_, _| Ok(Value::Undefined))), attr::DEFAULT);
    o.define_value("c", Value::Number(f64::NAN), attr::DEFAULT);
    o.define_value("d", Value::Number(-0.0), attr::DEFAULT);
    o.define_value("e", Value::Number(1e21), attr::DEFAULT);
    o.define_hidden("hidden", Value::Number(1.0));
    assert_eq!(str_of(Value::Object(o)), r#"{"c":null,"d":0,"e":1e+21}"#);
    let a = Obj::array(vec![Value::Undefined, Value::Hole, Value::Number(f64::INFINITY)]);
    assert_eq!(str_of(Value::Object(a)), "[null,null,null]");
    assert!(call("JSON.stringify", &Value::Undefined, &[Value::Undefined]).v().is_undefined());
    let q = JsString::from_utf16(vec![0xd800, 0xdc00, 0xd800, 0x20, 0x2028, 7, 8, 0xc, 0xa, 0xd, 9, 0x22, 0x5c, 0x2f]);
    assert_eq!(str_of(Value::String(q)), "\"𐀀\\ud800 \u{2028}\\u0007\\b\\f\\n\\r\\t\\\"\\\\/\"");
    assert_eq!(stringify(&Value::str("a\"b")).v().as_deref(), Some("\"a\\\"b\""));
    assert_eq!(stringify(&Value::Undefined).v(), None);
    let boxed = ops::to_object(&Value::str("x")).v();
    // String.prototype.toString belongs to another module; give the box its own.
    boxed.define_hidden("toString", Value::Object(function::native("toString", 0, |_, _| Ok(Value::str("x")))));
    assert_eq!(str_of(Value::Object(boxed)), "\"x\"");
}

#[test]
fn stringify_indent_replacer_cycles() {
    setup();
    let v = parse_str(r#"{"a":[1,{"b":2}],"c":"x","e":[],"f":{}}"#).v();
    let r = call("JSON.stringify", &Value::Undefined, &[v.clone(), Value::Null, Value::Number(2.0)]).v();
    assert_eq!(
        s(&r),
        "{\n  \"a\": [\n    1,\n    {\n      \"b\": 2\n    }\n  ],\n  \"c\": \"x\",\n  \"e\": [],\n  \"f\": {}\n}"
    );
    let r = call("JSON.stringify", &Value::Undefined, &[v.clone(), Value::Null, Value::str("--------------x")]).v();
    assert!(s(&r).starts_with("{\n----------\"a\""));
    let allow = ops::new_array(vec![Value::str("c"), Value::str("a"), Value::Number(1.0)]);
    let r = call("JSON.stringify", &Value::Undefined, &[v.clone(), allow]).v();
    assert_eq!(s(&r), r#"{"c":"x","a":[1,{}]}"#);
    let rep = function::native("rep", 2, |_, args| {
        Ok(match util::arg(args, 1) {
            Value::Number(n) => Value::Number(n + 1.0),
            v => v,
        })
    });
    let r = call("JSON.stringify", &Value::Undefined, &[v, Value::Object(rep)]).v();
    assert_eq!(s(&r), r#"{"a":[2,{"b":3}],"c":"x","e":[],"f":{}}"#);
    let a = Obj::ordinary();
    let b = Obj::ordinary();
    a.define_value("b", Value::Object(b.clone()), attr::DEFAULT);
    b.define_value("a", Value::Object(a.clone()), attr::DEFAULT);
    let e = call("JSON.stringify", &Value::Undefined, &[Value::Object(a.clone())]).e();
    assert!(s(&ops::get_str(&e, "message").v()).starts_with("Converting circular structure to JSON"));
    b.remove_own(&PropKey::str("a"));
    // toJSON receives the key.
    let tj = function::native("toJSON", 1, |_, args| Ok(Value::string(format!("k={}", s(&util::arg(args, 0))))));
    b.define_value("toJSON", Value::Object(tj), attr::DEFAULT);
    assert_eq!(str_of(Value::Object(a)), r#"{"b":"k=b"}"#);
}
