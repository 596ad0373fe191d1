//! `Number` (constructor, statics, `Number.prototype` with exact toFixed/toPrecision/toExponential),
//! the `parseInt`/`parseFloat` functions it shares with the global object, and `Boolean`.

use crate::util::{self, arg};
use pipy_value::function::{self, prototype_from_ctor};
use pipy_value::number::{is_whitespace_unit, to_string as num_to_string, to_string_radix};
use pipy_value::{JsResult, JsString, Obj, ObjectKind, Value, error, ops, realm};
use std::rc::Rc;

pub fn install() {
    install_number();
    install_boolean();
}

fn install_number() {
    let proto = realm::intrinsics().number_prototype.clone();
    let ctor = util::constructor(
        "Number",
        1,
        &proto,
        Rc::new(|_, args, nt| {
            let n = if args.is_empty() { 0.0 } else { ops::to_number(&args[0])? };
            match nt {
                None => Ok(Value::Number(n)),
                Some(nt) => {
                    let p = prototype_from_ctor(nt, |i| i.number_prototype.clone())?;
                    Ok(Value::Object(Obj::new(Some(p), ObjectKind::Number(n))))
                }
            }
        }),
    );
    for (name, v) in [
        ("EPSILON", f64::EPSILON),
        ("MAX_SAFE_INTEGER", 9007199254740991.0),
        ("MIN_SAFE_INTEGER", -9007199254740991.0),
        ("MAX_VALUE", f64::MAX),
        ("MIN_VALUE", 5e-324),
        ("NaN", f64::NAN),
        ("NEGATIVE_INFINITY", f64::NEG_INFINITY),
        ("POSITIVE_INFINITY", f64::INFINITY),
    ] {
        util::constant(&ctor, name, Value::Number(v));
    }
    util::method(&ctor, "isFinite", 1, |_, args| {
        Ok(Value::Bool(matches!(arg(args, 0), Value::Number(n) if n.is_finite())))
    });
    util::method(&ctor, "isNaN", 1, |_, args| Ok(Value::Bool(matches!(arg(args, 0), Value::Number(n) if n.is_nan()))));
    util::method(&ctor, "isInteger", 1, |_, args| {
        Ok(Value::Bool(matches!(arg(args, 0), Value::Number(n) if n.is_finite() && n.trunc() == n)))
    });
    util::method(&ctor, "isSafeInteger", 1, |_, args| {
        Ok(Value::Bool(
            matches!(arg(args, 0), Value::Number(n) if n.is_finite() && n.trunc() == n && n.abs() <= 9007199254740991.0),
        ))
    });
    // One function object each, shared with the globals (global.rs reuses the registered ones).
    let parse_int =
        realm::registered("parseInt").unwrap_or_else(|| Value::Object(function::native("parseInt", 2, parse_int)));
    let parse_float = realm::registered("parseFloat")
        .unwrap_or_else(|| Value::Object(function::native("parseFloat", 1, parse_float)));
    realm::register("parseInt", parse_int.clone());
    realm::register("parseFloat", parse_float.clone());
    realm::register("Number.parseInt", parse_int.clone());
    realm::register("Number.parseFloat", parse_float.clone());
    ctor.define_hidden("parseInt", parse_int);
    ctor.define_hidden("parseFloat", parse_float);

    util::method(&proto, "toString", 1, |this, args| {
        let x = this_number(this, "Number.prototype.toString")?;
        let radix = arg(args, 0);
        let r = if radix.is_undefined() { 10.0 } else { ops::to_integer(&radix)? };
        if !(2.0..=36.0).contains(&r) {
            return Err(error::range_error("toString() radix must be between 2 and 36"));
        }
        Ok(Value::string(if r == 10.0 { num_to_string(x) } else { to_string_radix(x, r as u32) }))
    });
    util::method(&proto, "toLocaleString", 0, |this, _| {
        Ok(Value::string(num_to_string(this_number(this, "Number.prototype.toLocaleString")?)))
    });
    util::method(&proto, "valueOf", 0, |this, _| Ok(Value::Number(this_number(this, "Number.prototype.valueOf")?)));
    util::method(&proto, "toFixed", 1, to_fixed);
    util::method(&proto, "toPrecision", 1, to_precision);
    util::method(&proto, "toExponential", 1, to_exponential);
}

fn install_boolean() {
    let proto = realm::intrinsics().boolean_prototype.clone();
    util::constructor(
        "Boolean",
        1,
        &proto,
        Rc::new(|_, args, nt| {
            let b = arg(args, 0).truthy();
            match nt {
                None => Ok(Value::Bool(b)),
                Some(nt) => {
                    let p = prototype_from_ctor(nt, |i| i.boolean_prototype.clone())?;
                    Ok(Value::Object(Obj::new(Some(p), ObjectKind::Boolean(b))))
                }
            }
        }),
    );
    util::method(&proto, "toString", 0, |this, _| {
        Ok(Value::str(if this_boolean(this, "Boolean.prototype.toString")? { "true" } else { "false" }))
    });
    util::method(&proto, "valueOf", 0, |this, _| Ok(Value::Bool(this_boolean(this, "Boolean.prototype.valueOf")?)));
}

fn this_number(this: &Value, method: &str) -> JsResult<f64> {
    match this {
        Value::Number(n) => return Ok(*n),
        Value::Object(o) => {
            if let ObjectKind::Number(n) = o.borrow().kind {
                return Ok(n);
            }
        }
        _ => {}
    }
    Err(error::type_error(&format!("{method} requires that 'this' be a Number")))
}

fn this_boolean(this: &Value, method: &str) -> JsResult<bool> {
    match this {
        Value::Bool(b) => return Ok(*b),
        Value::Object(o) => {
            if let ObjectKind::Boolean(b) = o.borrow().kind {
                return Ok(b);
            }
        }
        _ => {}
    }
    Err(error::type_error(&format!("{method} requires that 'this' be a Boolean")))
}

// ----- exact decimal formatting -----

/// The exact decimal value of a finite positive f64: `digits × 10^exp` with no leading zeros.
fn exact_decimal(x: f64) -> (Vec<u8>, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let frac = bits & ((1u64 << 52) - 1);
    let (mant, e2) = if biased == 0 { (frac, -1074) } else { (frac | (1u64 << 52), biased - 1075) };
    // Base 1e9 little-endian big integer.
    let mut big: Vec<u64> =
        vec![mant % 1_000_000_000, (mant / 1_000_000_000) % 1_000_000_000, mant / 1_000_000_000_000_000_000];
    let mul = |big: &mut Vec<u64>, m: u64| {
        let mut carry = 0u64;
        for limb in big.iter_mut() {
            let v = *limb * m + carry;
            *limb = v % 1_000_000_000;
            carry = v / 1_000_000_000;
        }
        while carry > 0 {
            big.push(carry % 1_000_000_000);
            carry /= 1_000_000_000;
        }
    };
    let exp10 = if e2 >= 0 {
        for _ in 0..e2 {
            mul(&mut big, 2);
        }
        0
    } else {
        // m × 2^-k = m × 5^k / 10^k
        for _ in 0..-e2 {
            mul(&mut big, 5);
        }
        e2
    };
    let mut s = String::new();
    let mut started = false;
    for limb in big.iter().rev() {
        if started {
            s.push_str(&format!("{limb:09}"));
        } else if *limb != 0 {
            s.push_str(&limb.to_string());
            started = true;
        }
    }
    let mut digits: Vec<u8> = s.bytes().map(|b| b - b'0').collect();
    let mut exp10 = exp10;
    while digits.len() > 1 && digits.last() == Some(&0) {
        digits.pop();
        exp10 += 1;
    }
    (digits, exp10)
}

/// Rounds `digits × 10^exp` half up to `p` significant digits; returns the digits and the decimal
/// exponent of the first one.
fn round_significant(digits: &[u8], exp: i32, p: usize) -> (Vec<u8>, i32) {
    let mut e = exp + digits.len() as i32 - 1;
    let mut out: Vec<u8> = digits.iter().take(p).copied().collect();
    if digits.len() > p && digits[p] >= 5 && !increment(&mut out) {
        out.insert(0, 1);
        out.truncate(p);
        e += 1;
    }
    out.resize(p, 0);
    (out, e)
}

/// Adds one to a decimal digit string; false if it overflowed (all digits wrapped to 0).
fn increment(d: &mut [u8]) -> bool {
    for x in d.iter_mut().rev() {
        if *x == 9 {
            *x = 0;
        } else {
            *x += 1;
            return true;
        }
    }
    false
}

/// The shortest round-trip digits of a finite positive f64 and the exponent of the first digit.
fn shortest_digits(x: f64) -> (Vec<u8>, i32) {
    let s = num_to_string(x);
    let (mant, exp) = match s.split_once('e') {
        Some((m, e)) => (m.to_string(), e.parse::<i32>().unwrap_or(0)),
        None => (s.clone(), 0),
    };
    let (int, frac) = mant.split_once('.').unwrap_or((&mant, ""));
    let all: Vec<u8> = int.bytes().chain(frac.bytes()).map(|b| b - b'0').collect();
    let lead = all.iter().position(|&d| d != 0).unwrap_or(0);
    let mut digits = all[lead..].to_vec();
    while digits.len() > 1 && digits.last() == Some(&0) {
        digits.pop();
    }
    (digits, exp + int.len() as i32 - 1 - lead as i32)
}

fn digits_str(d: &[u8]) -> String {
    d.iter().map(|&x| (x + b'0') as char).collect()
}

fn exp_suffix(e: i32) -> String {
    if e >= 0 { format!("e+{e}") } else { format!("e-{}", -e) }
}

fn to_fixed(this: &Value, args: &[Value]) -> JsResult<Value> {
    let x = this_number(this, "Number.prototype.toFixed")?;
    let f = ops::to_integer(&arg(args, 0))?;
    if !(0.0..=100.0).contains(&f) {
        return Err(error::range_error("toFixed() digits argument must be between 0 and 100"));
    }
    let f = f as usize;
    if !x.is_finite() || x.abs() >= 1e21 {
        return Ok(Value::string(num_to_string(x)));
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let x = x.abs();
    // n = round(x × 10^f) as a digit string.
    let mut n: Vec<u8> = if x == 0.0 {
        vec![0]
    } else {
        let (d, e) = exact_decimal(x);
        let shift = e + f as i32;
        if shift >= 0 {
            let mut v = d;
            v.resize(v.len() + shift as usize, 0);
            v
        } else {
            let drop = (-shift) as usize;
            if drop > d.len() {
                vec![0]
            } else {
                let keep = d.len() - drop;
                let mut v = d[..keep].to_vec();
                if d[keep] >= 5 {
                    if v.is_empty() {
                        v.push(1);
                    } else if !increment(&mut v) {
                        v.insert(0, 1);
                    }
                }
                if v.is_empty() { vec![0] } else { v }
            }
        }
    };
    if f > 0 && n.len() <= f {
        let mut padded = vec![0; f + 1 - n.len()];
        padded.extend(n);
        n = padded;
    }
    let s = digits_str(&n);
    let out = if f == 0 { s } else { format!("{}.{}", &s[..s.len() - f], &s[s.len() - f..]) };
    Ok(Value::string(format!("{sign}{out}")))
}

fn to_exponential(this: &Value, args: &[Value]) -> JsResult<Value> {
    let x = this_number(this, "Number.prototype.toExponential")?;
    let fd = arg(args, 0);
    let f = ops::to_integer(&fd)?;
    if !x.is_finite() {
        return Ok(Value::string(num_to_string(x)));
    }
    if !(0.0..=100.0).contains(&f) {
        return Err(error::range_error("toExponential() argument must be between 0 and 100"));
    }
    let sign = if x < 0.0 { "-" } else { "" };
    let x = x.abs();
    let (digits, e) = if x == 0.0 {
        (vec![0; f as usize + 1], 0)
    } else if fd.is_undefined() {
        shortest_digits(x)
    } else {
        let (d, e) = exact_decimal(x);
        round_significant(&d, e, f as usize + 1)
    };
    let s = digits_str(&digits);
    let m = if s.len() == 1 { s } else { format!("{}.{}", &s[..1], &s[1..]) };
    Ok(Value::string(format!("{sign}{m}{}", exp_suffix(e))))
}

fn to_precision(this: &Value, args: &[Value]) -> JsResult<Value> {
    let x = this_number(this, "Number.prototype.toPrecision")?;
    let pv = arg(args, 0);
    if pv.is_undefined() {
        return Ok(Value::string(num_to_string(x)));
    }
    let p = ops::to_integer(&pv)?;
    if !x.is_finite() {
        return Ok(Value::string(num_to_string(x)));
    }
    if !(1.0..=100.0).contains(&p) {
        return Err(error::range_error("toPrecision() argument must be between 1 and 100"));
    }
    let p = p as usize;
    let sign = if x < 0.0 { "-" } else { "" };
    let x = x.abs();
    let (digits, e) = if x == 0.0 {
        (vec![0; p], 0)
    } else {
        let (d, e) = exact_decimal(x);
        round_significant(&d, e, p)
    };
    let s = digits_str(&digits);
    let out = if x != 0.0 && (e < -6 || e >= p as i32) {
        let m = if p == 1 { s } else { format!("{}.{}", &s[..1], &s[1..]) };
        format!("{m}{}", exp_suffix(e))
    } else if e == p as i32 - 1 {
        s
    } else if e >= 0 {
        let k = e as usize + 1;
        format!("{}.{}", &s[..k], &s[k..])
    } else {
        format!("0.{}{s}", "0".repeat((-(e + 1)) as usize))
    };
    Ok(Value::string(format!("{sign}{out}")))
}

// ----- parseInt / parseFloat -----

fn trim_start(s: &JsString) -> Vec<u16> {
    let u = s.units();
    let start = u.iter().position(|&c| !is_whitespace_unit(c)).unwrap_or(u.len());
    u[start..].to_vec()
}

pub fn parse_int(_: &Value, args: &[Value]) -> JsResult<Value> {
    let s = ops::to_string(&arg(args, 0))?;
    let mut r = ops::to_int32(&arg(args, 1))?;
    let u = trim_start(&s);
    let mut i = 0;
    let mut sign = 1.0;
    if let Some(&c) = u.first() {
        if c == b'-' as u16 {
            sign = -1.0;
            i = 1;
        } else if c == b'+' as u16 {
            i = 1;
        }
    }
    let mut strip_prefix = true;
    if r != 0 {
        if !(2..=36).contains(&r) {
            return Ok(Value::Number(f64::NAN));
        }
        if r != 16 {
            strip_prefix = false;
        }
    } else {
        r = 10;
    }
    if strip_prefix && u.len() >= i + 2 && u[i] == b'0' as u16 && (u[i + 1] == b'x' as u16 || u[i + 1] == b'X' as u16) {
        i += 2;
        r = 16;
    }
    let digit = |c: u16| char::from_u32(c as u32).and_then(|c| c.to_digit(r as u32));
    let end = u[i..].iter().position(|&c| digit(c).is_none()).map(|p| p + i).unwrap_or(u.len());
    if end == i {
        return Ok(Value::Number(f64::NAN));
    }
    let text: String = u[i..end].iter().map(|&c| c as u8 as char).collect();
    let v = if r == 10 {
        text.parse::<f64>().unwrap_or(f64::NAN)
    } else {
        text.chars().fold(0.0, |acc, c| acc * r as f64 + c.to_digit(r as u32).unwrap_or(0) as f64)
    };
    Ok(Value::Number(sign * v))
}

pub fn parse_float(_: &Value, args: &[Value]) -> JsResult<Value> {
    let s = ops::to_string(&arg(args, 0))?;
    let u = trim_start(&s);
    let b: Vec<u8> = u.iter().take_while(|&&c| c < 0x80).map(|&c| c as u8).collect();
    let mut i = 0;
    let mut sign = 1.0;
    if let Some(&c) = b.first() {
        if c == b'-' {
            sign = -1.0;
            i = 1;
        } else if c == b'+' {
            i = 1;
        }
    }
    if b[i..].starts_with(b"Infinity") {
        return Ok(Value::Number(sign * f64::INFINITY));
    }
    let digits = |i: &mut usize| {
        let s = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        std::str::from_utf8(&b[s..*i]).unwrap_or("").to_string()
    };
    let int = digits(&mut i);
    let mut frac = String::new();
    if i < b.len() && b[i] == b'.' {
        let mut j = i + 1;
        frac = digits(&mut j);
        if !int.is_empty() || !frac.is_empty() {
            i = j;
        }
    }
    if int.is_empty() && frac.is_empty() {
        return Ok(Value::Number(f64::NAN));
    }
    let mut exp = String::new();
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        let mut j = i + 1;
        let mut es = String::new();
        if j < b.len() && (b[j] == b'+' || b[j] == b'-') {
            es.push(b[j] as char);
            j += 1;
        }
        let ed = digits(&mut j);
        if !ed.is_empty() {
            exp = format!("e{es}{ed}");
        }
    }
    let text =
        format!("{}.{}{exp}", if int.is_empty() { "0" } else { &int }, if frac.is_empty() { "0" } else { &frac });
    Ok(Value::Number(sign * text.parse::<f64>().unwrap_or(f64::NAN)))
}

#[cfg(test)]
mod tests {
    use crate::util::testing::{call, path, s, setup};
    use pipy_value::{Value, function, ops};

    fn fmt(method: &str, x: f64, a: Value) -> String {
        match call(&format!("Number.prototype.{method}"), &Value::Number(x), &[a]) {
            Ok(v) => s(&v),
            Err(e) => format!("throws {}", err(&e)),
        }
    }

    /// "RangeError: msg" without relying on Error.prototype.toString (installed by another module).
    fn err(e: &Value) -> String {
        let i = pipy_value::realm::intrinsics();
        let name = match e.as_object().and_then(|o| o.proto()) {
            Some(p) if p.ptr_eq(&i.range_error_prototype) => "RangeError",
            Some(p) if p.ptr_eq(&i.type_error_prototype) => "TypeError",
            _ => "Error",
        };
        format!("{name}: {}", s(&ops::get_str(e, "message").unwrap_or_default()))
    }

    #[test]
    fn to_fixed_like_node() {
        setup();
        let f = |x: f64, d: f64| fmt("toFixed", x, Value::Number(d));
        assert_eq!(f(1.005, 2.0), "1.00");
        assert_eq!(f(1e21, 2.0), "1e+21");
        assert_eq!(f(1.45, 1.0), "1.4");
        assert_eq!(f(1.55, 1.0), "1.6");
        assert_eq!(f(0.5, 0.0), "1");
        assert_eq!(f(2.5, 0.0), "3");
        assert_eq!(f(-1.5, 0.0), "-2");
        assert_eq!(f(0.0, 2.0), "0.00");
        assert_eq!(f(-0.0000001, 2.0), "-0.00");
        assert_eq!(f(123.456, 10.0), "123.4560000000");
        assert_eq!(f(0.000001, 3.0), "0.000");
        assert_eq!(f(0.0009, 3.0), "0.001");
        assert_eq!(f(1e20, 2.0), "100000000000000000000.00");
        assert_eq!(f(0.1, 20.0), "0.10000000000000000555");
        assert_eq!(fmt("toFixed", f64::NAN, Value::Number(2.0)), "NaN");
        assert!(f(1.0, 101.0).starts_with("throws RangeError"));
    }

    #[test]
    fn to_precision_like_node() {
        setup();
        let p = |x: f64, d: f64| fmt("toPrecision", x, Value::Number(d));
        assert_eq!(p(123.456, 4.0), "123.5");
        assert_eq!(p(0.00001, 1.0), "0.00001");
        assert_eq!(p(0.000001, 1.0), "0.000001");
        assert_eq!(p(0.0000001, 1.0), "1e-7");
        assert_eq!(p(123456.0, 2.0), "1.2e+5");
        assert_eq!(p(99.99, 3.0), "100");
        assert_eq!(p(999.9, 3.0), "1.00e+3");
        assert_eq!(p(0.0, 3.0), "0.00");
        assert_eq!(p(-1.5, 1.0), "-2");
        assert_eq!(p(1.0, 5.0), "1.0000");
        assert_eq!(fmt("toPrecision", 1.25, Value::Undefined), "1.25");
        assert!(p(1.0, 0.0).starts_with("throws RangeError"));
    }

    #[test]
    fn to_exponential_like_node() {
        setup();
        let e = |x: f64, d: Value| fmt("toExponential", x, d);
        assert_eq!(e(123456.0, Value::Number(2.0)), "1.23e+5");
        assert_eq!(e(123456.0, Value::Undefined), "1.23456e+5");
        assert_eq!(e(0.00015, Value::Number(1.0)), "1.5e-4");
        assert_eq!(e(0.0, Value::Number(2.0)), "0.00e+0");
        assert_eq!(e(0.0, Value::Undefined), "0e+0");
        assert_eq!(e(-5.0, Value::Undefined), "-5e+0");
        assert_eq!(e(1.5e300, Value::Undefined), "1.5e+300");
        assert_eq!(e(9.99, Value::Number(1.0)), "1.0e+1");
        assert_eq!(e(f64::INFINITY, Value::Number(200.0)), "Infinity");
    }

    #[test]
    fn to_string_radix() {
        setup();
        assert_eq!(fmt("toString", 255.0, Value::Number(16.0)), "ff");
        assert_eq!(fmt("toString", 255.0, Value::Undefined), "255");
        assert_eq!(fmt("toString", -0.5, Value::Number(2.0)), "-0.1");
        assert!(fmt("toString", 1.0, Value::Number(1.0)).starts_with("throws RangeError"));
        assert!(call("Number.prototype.toString", &Value::str("x"), &[]).is_err());
    }

    fn num(p: &str, a: &str) -> f64 {
        call(p, &Value::Undefined, &[Value::str(a)]).ok().and_then(|v| v.as_number()).unwrap_or(-12345.0)
    }

    #[test]
    fn parse_like_node() {
        setup();
        assert_eq!(num("Number.parseInt", "  42px"), 42.0);
        assert_eq!(num("Number.parseInt", "0x1F"), 31.0);
        assert_eq!(num("Number.parseInt", "-12.9"), -12.0);
        assert!(num("Number.parseInt", "abc").is_nan());
        assert!(num("Number.parseInt", "-0").is_sign_negative());
        let r =
            call("Number.parseInt", &Value::Undefined, &[Value::str("ff"), Value::Number(16.0)]).unwrap_or_default();
        assert_eq!(r.as_number(), Some(255.0));
        let r = call("Number.parseInt", &Value::Undefined, &[Value::str("12"), Value::Number(1.0)]).unwrap_or_default();
        assert!(r.as_number().is_some_and(f64::is_nan));
        assert_eq!(num("Number.parseFloat", "2.5abc"), 2.5);
        assert_eq!(num("Number.parseFloat", ".5"), 0.5);
        assert_eq!(num("Number.parseFloat", "1e3x"), 1000.0);
        assert_eq!(num("Number.parseFloat", "1e"), 1.0);
        assert_eq!(num("Number.parseFloat", "-Infinityx"), f64::NEG_INFINITY);
        assert!(num("Number.parseFloat", ".").is_nan());
        assert!(num("Number.parseFloat", "0x10") == 0.0);
        let registered = pipy_value::realm::registered("parseInt").unwrap_or_default();
        assert!(ops::strict_equals(&path("Number.parseInt"), &registered));
    }

    #[test]
    fn constructor_and_statics() {
        setup();
        let n = path("Number");
        assert_eq!(
            function::call(&n, &Value::Undefined, &[Value::str(" 12 ")]).ok().and_then(|v| v.as_number()),
            Some(12.0)
        );
        assert_eq!(function::call(&n, &Value::Undefined, &[]).ok().and_then(|v| v.as_number()), Some(0.0));
        let Value::Object(c) = &n else { panic!("Number missing") };
        let w = function::construct(c, &[Value::Number(5.0)], c).unwrap_or_default();
        assert!(w.is_object());
        assert_eq!(s(&ops::invoke(&w, "toFixed", &[Value::Number(1.0)]).unwrap_or_default()), "5.0");
        assert_eq!(ops::to_number(&w).ok(), Some(5.0));
        let t = |p: &str, v: f64| call(p, &Value::Undefined, &[Value::Number(v)]).map(|v| v.truthy()).unwrap_or(false);
        assert!(t("Number.isInteger", 5.0));
        assert!(!t("Number.isInteger", 5.5));
        assert!(t("Number.isSafeInteger", 9007199254740991.0));
        assert!(!t("Number.isSafeInteger", 9007199254740992.0));
        assert!(t("Number.isNaN", f64::NAN));
        assert!(!t("Number.isFinite", f64::INFINITY));
        assert!(!call("Number.isNaN", &Value::Undefined, &[Value::str("x")]).map(|v| v.truthy()).unwrap_or(true));
        assert_eq!(path("Number.MAX_SAFE_INTEGER").as_number(), Some(9007199254740991.0));
        assert_eq!(path("Number.MIN_VALUE").as_number(), Some(5e-324));
    }

    #[test]
    fn boolean() {
        setup();
        let b = path("Boolean");
        assert!(matches!(function::call(&b, &Value::Undefined, &[Value::str("x")]), Ok(Value::Bool(true))));
        assert!(matches!(function::call(&b, &Value::Undefined, &[Value::Number(0.0)]), Ok(Value::Bool(false))));
        let Value::Object(c) = &b else { panic!("Boolean missing") };
        let w = function::construct(c, &[Value::Bool(false)], c).unwrap_or_default();
        assert!(w.truthy());
        assert_eq!(s(&w), "false");
        assert!(matches!(ops::invoke(&w, "valueOf", &[]), Ok(Value::Bool(false))));
        assert!(call("Boolean.prototype.toString", &Value::Number(1.0), &[]).is_err());
    }
}

#[cfg(test)]
mod node_compare {
    /// Prints formatted values for a comparison with Node (run with --ignored --nocapture).
    #[test]
    #[ignore]
    fn dump() {
        use crate::util::testing::{call, s, setup};
        use pipy_value::Value;
        setup();
        let vals =
            [0.1, 1.005, 123.456, 5e-7, 1.5e-10, 98765.4321, 0.5, 1.25, 2.675, 1e15 + 0.3, 333.333, 7e22, 0.000123456];
        for v in vals {
            for d in [0.0, 1.0, 2.0, 5.0, 17.0] {
                let f = |m: &str, d: f64| {
                    s(&call(&format!("Number.prototype.{m}"), &Value::Number(v), &[Value::Number(d)])
                        .unwrap_or_default())
                };
                println!("{} {} {}", f("toFixed", d), f("toPrecision", d + 1.0), f("toExponential", d));
            }
        }
    }
}
