//! Value properties and functions of the global object: `globalThis`, `NaN`, `Infinity`,
//! `undefined`, `parseInt`, `parseFloat`, `isNaN`, `isFinite`, the URI coding functions and the
//! legacy `escape` / `unescape`.

use crate::util::{arg, method};
use pipy_value::number::is_whitespace_unit;
use pipy_value::{JsResult, JsString, Value, error, ops, realm};

pub fn install() {
    let g = realm::intrinsics().global.clone();
    g.define_hidden("globalThis", Value::Object(g.clone()));
    g.define_value("NaN", Value::num(f64::NAN), 0);
    g.define_value("Infinity", Value::num(f64::INFINITY), 0);
    g.define_value("undefined", Value::Undefined, 0);
    // `Number.parseInt` and the global are one function object (the number module registers it).
    match realm::registered("parseInt") {
        Some(f) => g.define_hidden("parseInt", f),
        None => method(&g, "parseInt", 2, parse_int),
    }
    match realm::registered("parseFloat") {
        Some(f) => g.define_hidden("parseFloat", f),
        None => method(&g, "parseFloat", 1, parse_float),
    }
    method(&g, "isNaN", 1, is_nan);
    method(&g, "isFinite", 1, is_finite);
    method(&g, "encodeURIComponent", 1, encode_uri_component);
    method(&g, "encodeURI", 1, encode_uri);
    method(&g, "decodeURIComponent", 1, decode_uri_component);
    method(&g, "decodeURI", 1, decode_uri);
    method(&g, "escape", 1, escape);
    method(&g, "unescape", 1, unescape);
}

fn skip_whitespace(units: &[u16]) -> &[u16] {
    let start = units.iter().position(|&c| !is_whitespace_unit(c)).unwrap_or(units.len());
    &units[start..]
}

fn digit_value(u: u16) -> Option<u32> {
    char::from_u32(u as u32).and_then(|c| c.to_digit(36))
}

fn parse_int(_: &Value, args: &[Value]) -> JsResult<Value> {
    let s = ops::to_string(&arg(args, 0))?;
    let radix = ops::to_int32(&arg(args, 1))?;
    let units = s.units();
    let mut t = skip_whitespace(&units);
    let mut sign = 1.0;
    if let Some(&c) = t.first() {
        if c == b'-' as u16 || c == b'+' as u16 {
            if c == b'-' as u16 {
                sign = -1.0;
            }
            t = &t[1..];
        }
    }
    let mut r = radix as u32;
    let mut strip_prefix = true;
    if radix != 0 {
        if !(2..=36).contains(&radix) {
            return Ok(Value::num(f64::NAN));
        }
        if radix != 16 {
            strip_prefix = false;
        }
    } else {
        r = 10;
    }
    if strip_prefix && t.len() >= 2 && t[0] == b'0' as u16 && (t[1] == b'x' as u16 || t[1] == b'X' as u16) {
        t = &t[2..];
        r = 16;
    }
    let end = t.iter().position(|&u| digit_value(u).is_none_or(|d| d >= r)).unwrap_or(t.len());
    let digits = &t[..end];
    if digits.is_empty() {
        return Ok(Value::num(f64::NAN));
    }
    let value = if r == 10 {
        // Decimal digits round exactly like a numeric literal.
        let text: String = digits.iter().map(|&u| u as u8 as char).collect();
        text.parse::<f64>().unwrap_or(f64::NAN)
    } else {
        digits_to_f64(digits, r)
    };
    Ok(Value::num(sign * value))
}

/// Digits (already validated) in `radix`: exact while they fit in 128 bits, approximate beyond.
fn digits_to_f64(digits: &[u16], radix: u32) -> f64 {
    let mut exact: u128 = 0;
    let mut i = 0;
    while i < digits.len() {
        let d = digit_value(digits[i]).unwrap_or(0) as u128;
        match exact.checked_mul(radix as u128).and_then(|x| x.checked_add(d)) {
            Some(x) => exact = x,
            None => break,
        }
        i += 1;
    }
    let mut v = exact as f64;
    for &u in &digits[i..] {
        v = v * radix as f64 + digit_value(u).unwrap_or(0) as f64;
    }
    v
}

fn parse_float(_: &Value, args: &[Value]) -> JsResult<Value> {
    let s = ops::to_string(&arg(args, 0))?;
    let units = s.units();
    let t = skip_whitespace(&units);
    // Only ASCII can belong to a decimal literal, so stop at the first other unit.
    let ascii_len = t.iter().position(|&u| u > 0x7f).unwrap_or(t.len());
    let text: String = t[..ascii_len].iter().map(|&u| u as u8 as char).collect();
    Ok(Value::num(parse_float_prefix(&text)))
}

/// The value of the longest prefix of `text` that is a StrDecimalLiteral, or NaN.
fn parse_float_prefix(text: &str) -> f64 {
    let b = text.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    if text[i..].starts_with("Infinity") {
        return if b.first() == Some(&b'-') { f64::NEG_INFINITY } else { f64::INFINITY };
    }
    let mut digits = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < b.len() && b[i] == b'.' {
        let mut j = i + 1;
        let mut frac = 0;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
            frac += 1;
        }
        if digits + frac > 0 {
            i = j;
            digits += frac;
        }
    }
    if digits == 0 {
        return f64::NAN;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            j += 1;
        }
        let start = j;
        while j < b.len() && b[j].is_ascii_digit() {
            j += 1;
        }
        if j > start {
            i = j;
        }
    }
    let lit = &text[..i];
    // Rust rejects a trailing '.', which JS accepts ("5." is 5).
    let lit = lit.strip_suffix('.').unwrap_or(lit);
    lit.parse::<f64>().unwrap_or(f64::NAN)
}

fn is_nan(_: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::Bool(ops::to_number(&arg(args, 0))?.is_nan()))
}

fn is_finite(_: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::Bool(ops::to_number(&arg(args, 0))?.is_finite()))
}

// ----- URI coding -----

const URI_UNRESERVED_MARKS: &[u8] = b"-_.!~*'()";
const URI_RESERVED: &[u8] = b";/?:@&=+$,#";

fn malformed() -> Value {
    error::uri_error("URI malformed")
}

fn encode(s: &JsString, keep: &[u8]) -> JsResult<Value> {
    let units = s.units();
    let mut out = String::with_capacity(units.len());
    let mut k = 0;
    while k < units.len() {
        let c = units[k];
        if c < 0x80 && ((c as u8).is_ascii_alphanumeric() || keep.contains(&(c as u8))) {
            out.push(c as u8 as char);
            k += 1;
            continue;
        }
        let cp = match c {
            0xDC00..=0xDFFF => return Err(malformed()),
            0xD800..=0xDBFF => match units.get(k + 1) {
                Some(&lo) if (0xDC00..=0xDFFF).contains(&lo) => {
                    k += 1;
                    0x10000 + (((c as u32) - 0xD800) << 10) + (lo as u32 - 0xDC00)
                }
                _ => return Err(malformed()),
            },
            _ => c as u32,
        };
        let ch = char::from_u32(cp).ok_or_else(malformed)?;
        let mut buf = [0u8; 4];
        for byte in ch.encode_utf8(&mut buf).bytes() {
            out.push_str(&format!("%{byte:02X}"));
        }
        k += 1;
    }
    Ok(Value::string(out))
}

fn hex_pair(units: &[u16], at: usize) -> Option<u8> {
    let hi = char::from_u32(*units.get(at)? as u32)?.to_digit(16)?;
    let lo = char::from_u32(*units.get(at + 1)? as u32)?.to_digit(16)?;
    Some((hi * 16 + lo) as u8)
}

fn decode(s: &JsString, reserved: &[u8]) -> JsResult<Value> {
    let units = s.units();
    let mut out: Vec<u16> = Vec::with_capacity(units.len());
    let mut k = 0;
    while k < units.len() {
        let c = units[k];
        if c != b'%' as u16 {
            out.push(c);
            k += 1;
            continue;
        }
        let start = k;
        let b = hex_pair(&units, k + 1).ok_or_else(malformed)?;
        k += 3;
        if b < 0x80 {
            if reserved.contains(&b) {
                out.extend_from_slice(&units[start..k]);
            } else {
                out.push(b as u16);
            }
            continue;
        }
        let n = if b & 0xE0 == 0xC0 {
            2
        } else if b & 0xF0 == 0xE0 {
            3
        } else if b & 0xF8 == 0xF0 {
            4
        } else {
            return Err(malformed());
        };
        let mut bytes = vec![b];
        for _ in 1..n {
            if units.get(k) != Some(&(b'%' as u16)) {
                return Err(malformed());
            }
            let cont = hex_pair(&units, k + 1).ok_or_else(malformed)?;
            if cont & 0xC0 != 0x80 {
                return Err(malformed());
            }
            bytes.push(cont);
            k += 3;
        }
        // from_utf8 rejects overlong forms, surrogates and code points past U+10FFFF.
        let text = std::str::from_utf8(&bytes).map_err(|_| malformed())?;
        out.extend(text.encode_utf16());
    }
    Ok(Value::String(JsString::from_utf16(out)))
}

fn encode_uri_component(_: &Value, args: &[Value]) -> JsResult<Value> {
    encode(&ops::to_string(&arg(args, 0))?, URI_UNRESERVED_MARKS)
}

fn encode_uri(_: &Value, args: &[Value]) -> JsResult<Value> {
    let keep: Vec<u8> = [URI_UNRESERVED_MARKS, URI_RESERVED].concat();
    encode(&ops::to_string(&arg(args, 0))?, &keep)
}

fn decode_uri_component(_: &Value, args: &[Value]) -> JsResult<Value> {
    decode(&ops::to_string(&arg(args, 0))?, b"")
}

fn decode_uri(_: &Value, args: &[Value]) -> JsResult<Value> {
    decode(&ops::to_string(&arg(args, 0))?, URI_RESERVED)
}

// ----- escape / unescape (Annex B) -----

fn escape(_: &Value, args: &[Value]) -> JsResult<Value> {
    let s = ops::to_string(&arg(args, 0))?;
    let mut out = String::new();
    for &u in s.units().iter() {
        if u < 0x80 && ((u as u8).is_ascii_alphanumeric() || b"@*_+-./".contains(&(u as u8))) {
            out.push(u as u8 as char);
        } else if u < 256 {
            out.push_str(&format!("%{u:02X}"));
        } else {
            out.push_str(&format!("%u{u:04X}"));
        }
    }
    Ok(Value::string(out))
}

fn unescape(_: &Value, args: &[Value]) -> JsResult<Value> {
    let s = ops::to_string(&arg(args, 0))?;
    let units = s.units();
    let mut out = Vec::with_capacity(units.len());
    let mut k = 0;
    while k < units.len() {
        let c = units[k];
        if c == b'%' as u16 {
            if units.get(k + 1) == Some(&(b'u' as u16)) {
                if let (Some(hi), Some(lo)) = (hex_pair(&units, k + 2), hex_pair(&units, k + 4)) {
                    out.push(((hi as u16) << 8) | lo as u16);
                    k += 6;
                    continue;
                }
            } else if let Some(b) = hex_pair(&units, k + 1) {
                out.push(b as u16);
                k += 3;
                continue;
            }
        }
        out.push(c);
        k += 1;
    }
    Ok(Value::String(JsString::from_utf16(out)))
}

#[cfg(test)]
mod tests {
    use crate::object::tests_support::err_msg;
    use crate::util::testing::{call, path, s, setup};
    use pipy_value::{JsString, PropKey, Value, ops};

    fn num(f: &str, args: &[Value]) -> f64 {
        call(f, &Value::Undefined, args).ok().unwrap().as_number().unwrap()
    }

    fn text(f: &str, v: Value) -> String {
        s(&call(f, &Value::Undefined, &[v]).ok().unwrap())
    }

    #[test]
    fn value_properties() {
        setup();
        let g = path("globalThis");
        assert!(ops::strict_equals(&g, &ops::get_str(&g, "globalThis").ok().unwrap()));
        assert!(path("NaN").as_number().unwrap().is_nan());
        assert_eq!(path("Infinity").as_number(), Some(f64::INFINITY));
        assert!(path("undefined").is_undefined());
        let Value::Object(go) = &g else { panic!() };
        assert_eq!(go.own_flags(&PropKey::str("undefined")), Some(0));
        assert!(ops::set(&g, &PropKey::str("NaN"), Value::num(1.0), true).is_err());
    }

    #[test]
    fn parse_int_cases() {
        setup();
        let p = |s: &str| num("parseInt", &[Value::str(s)]);
        let pr = |s: &str, r: f64| num("parseInt", &[Value::str(s), Value::num(r)]);
        assert_eq!(p("  42px"), 42.0);
        assert_eq!(p("-17"), -17.0);
        assert_eq!(p("+8"), 8.0);
        assert_eq!(p("0x1F"), 31.0);
        assert_eq!(pr("0x1F", 16.0), 31.0);
        assert_eq!(pr("0x1F", 10.0), 0.0);
        assert_eq!(pr("ff", 16.0), 255.0);
        assert_eq!(pr("101", 2.0), 5.0);
        assert_eq!(pr("z", 36.0), 35.0);
        assert!(pr("1", 37.0).is_nan());
        assert!(pr("1", 1.0).is_nan());
        assert!(p("abc").is_nan());
        assert!(p("0x").is_nan());
        assert!(p("").is_nan());
        assert!(p("-0").is_sign_negative());
        assert_eq!(p("3.99"), 3.0);
        assert_eq!(p("1e3"), 1.0);
        // Node: parseInt('123456789012345678901234567890') -> 1.2345678901234568e+29
        assert_eq!(p("123456789012345678901234567890"), 1.2345678901234568e29);
        assert_eq!(num("parseInt", &[Value::num(15.99)]), 15.0);
        assert_eq!(pr("11", 0.0), 11.0);
    }

    #[test]
    fn parse_float_cases() {
        setup();
        let p = |s: &str| num("parseFloat", &[Value::str(s)]);
        assert_eq!(p("3.25abc"), 3.25);
        assert_eq!(p("  -.5"), -0.5);
        assert_eq!(p("1e3x"), 1000.0);
        assert_eq!(p("1e"), 1.0);
        assert_eq!(p("1.5e-2"), 0.015);
        assert_eq!(p("5."), 5.0);
        assert_eq!(p("-Infinityx"), f64::NEG_INFINITY);
        assert_eq!(p("Infinity"), f64::INFINITY);
        assert!(p(".").is_nan());
        assert!(p("x1").is_nan());
        assert!(p("infinity").is_nan());
        assert!(p("-0").is_sign_negative());
        assert_eq!(p("0x10"), 0.0);
        assert!(p("-.e1").is_nan());
        assert_eq!(p("+.1e+2"), 10.0);
    }

    #[test]
    fn is_nan_is_finite() {
        setup();
        let b = |f: &str, v: Value| call(f, &Value::Undefined, &[v]).ok().unwrap().truthy();
        assert!(b("isNaN", Value::str("abc")));
        assert!(!b("isNaN", Value::str("12")));
        assert!(b("isNaN", Value::Undefined));
        assert!(b("isFinite", Value::str("12")));
        assert!(!b("isFinite", Value::num(f64::INFINITY)));
        assert!(!b("isFinite", Value::num(f64::NAN)));
    }

    #[test]
    fn uri_encoding() {
        setup();
        // Node: encodeURIComponent("a b&c/d?é€😀") -> 'a%20b%26c%2Fd%3F%C3%A9%E2%82%AC%F0%9F%98%80'
        assert_eq!(
            text("encodeURIComponent", Value::str("a b&c/d?é€😀")),
            "a%20b%26c%2Fd%3F%C3%A9%E2%82%AC%F0%9F%98%80"
        );
        // Node: encodeURI("http://x.com/a b?q=1&r=é#h") -> 'http://x.com/a%20b?q=1&r=%C3%A9#h'
        assert_eq!(text("encodeURI", Value::str("http://x.com/a b?q=1&r=é#h")), "http://x.com/a%20b?q=1&r=%C3%A9#h");
        assert_eq!(text("encodeURIComponent", Value::str("-_.!~*'()")), "-_.!~*'()");
        let lone = Value::String(JsString::from_utf16(vec![0xD800]));
        assert_eq!(err_msg(call("encodeURIComponent", &Value::Undefined, &[lone])), "URI malformed");
        let lone = Value::String(JsString::from_utf16(vec![0xDC00, 0x41]));
        assert!(call("encodeURI", &Value::Undefined, &[lone]).is_err());
    }

    #[test]
    fn uri_decoding() {
        setup();
        assert_eq!(
            text("decodeURIComponent", Value::str("a%20b%26c%2Fd%3F%C3%A9%E2%82%AC%F0%9F%98%80")),
            "a b&c/d?é€😀"
        );
        // Node: decodeURI('%3B%2F%20%23') -> '%3B%2F %23'
        assert_eq!(text("decodeURI", Value::str("%3B%2F%20%23")), "%3B%2F %23");
        assert_eq!(text("decodeURIComponent", Value::str("%3B%2F%20%23")), ";/ #");
        assert_eq!(text("decodeURIComponent", Value::str("%e2%82%ac")), "€");
        for bad in ["%", "%2", "%G0", "%C3", "%C3%28", "%80", "%C0%80", "%ED%A0%80", "%F4%90%80%80", "%E2%82"] {
            let r = call("decodeURIComponent", &Value::Undefined, &[Value::str(bad)]);
            assert_eq!(err_msg(r), "URI malformed", "{bad}");
        }
        let r = call("decodeURIComponent", &Value::Undefined, &[Value::str("%")]).err().unwrap();
        assert!(ops::instance_of(&r, &path("URIError")).ok().unwrap());
    }

    #[test]
    fn escape_unescape() {
        setup();
        // Node: escape("a b+é€@") -> 'a%20b+%E9%u20AC@'
        assert_eq!(text("escape", Value::str("a b+é€@")), "a%20b+%E9%u20AC@");
        assert_eq!(text("unescape", Value::str("a%20b+%E9%u20AC@%zz%u12")), "a b+é€@%zz%u12");
    }
}
