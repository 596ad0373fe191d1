//! Number ⇄ string conversions with ECMAScript's exact rules.

use crate::string::JsString;

/// Number::toString(10): shortest round-trip digits, JS exponent rules.
pub fn to_string(n: f64) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n == 0.0 {
        return "0".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if n.fract() == 0.0 && n.abs() < 1e15 {
        return int_to_string(n as i64);
    }
    let mut buf = ryu_js::Buffer::new();
    buf.format(n).to_string()
}

/// The decimal digits of `i`, written by hand: `format!` costs several times as much, and
/// `'k' + i` is everywhere in scripts.
fn int_to_string(i: i64) -> String {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut u = i.unsigned_abs();
    loop {
        at -= 1;
        digits[at] = b'0' + (u % 10) as u8;
        u /= 10;
        if u == 0 {
            break;
        }
    }
    let mut s = String::with_capacity(digits.len() - at + 1);
    if i < 0 {
        s.push('-');
    }
    s.extend(digits[at..].iter().map(|&d| d as char));
    s
}

/// Number::toString(radix) for radix 2..36 (not 10).
pub fn to_string_radix(n: f64, radix: u32) -> String {
    if n.is_nan() {
        return "NaN".into();
    }
    if n.is_infinite() {
        return if n > 0.0 { "Infinity".into() } else { "-Infinity".into() };
    }
    if n == 0.0 {
        return "0".into();
    }
    let neg = n < 0.0;
    let mut x = n.abs();
    let mut int = x.trunc();
    x -= int;
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut ip = Vec::new();
    if int == 0.0 {
        ip.push(b'0');
    }
    while int >= 1.0 {
        let d = (int % radix as f64) as usize;
        ip.push(digits[d]);
        int = ((int - d as f64) / radix as f64).trunc();
    }
    ip.reverse();
    let mut s = String::from_utf8(ip).unwrap_or_default();
    if x > 0.0 {
        s.push('.');
        // Enough digits to distinguish the value, as engines do (about 52 bits of precision).
        let mut delta = 0.5 * (f64::EPSILON * n.abs()).max(f64::from_bits(1));
        let mut frac = Vec::new();
        loop {
            x *= radix as f64;
            delta *= radix as f64;
            let d = x.trunc() as usize;
            frac.push(d);
            x -= d as f64;
            if x > 0.5 || (x == 0.5 && (d & 1) == 1) {
                if x + delta > 1.0 {
                    // round up and propagate
                    let mut i = frac.len();
                    loop {
                        if i == 0 {
                            break;
                        }
                        i -= 1;
                        frac[i] += 1;
                        if frac[i] < radix as usize {
                            break;
                        }
                        frac[i] = 0;
                    }
                    break;
                }
            }
            if x < delta || frac.len() > 1100 {
                break;
            }
        }
        while frac.last() == Some(&0) {
            frac.pop();
        }
        for d in frac {
            s.push(digits[d] as char);
        }
    }
    if neg { format!("-{s}") } else { s }
}

fn is_js_whitespace(c: u16) -> bool {
    matches!(
        c,
        0x09 | 0x0a | 0x0b | 0x0c | 0x0d | 0x20 | 0xa0 | 0x1680 | 0x2000
            ..=0x200a | 0x2028 | 0x2029 | 0x202f | 0x205f | 0x3000 | 0xfeff
    )
}

/// Trims JS whitespace and line terminators from both ends.
pub fn trim_units(units: &[u16]) -> &[u16] {
    let start = units.iter().position(|&c| !is_js_whitespace(c)).unwrap_or(units.len());
    let end = units.iter().rposition(|&c| !is_js_whitespace(c)).map(|i| i + 1).unwrap_or(start);
    &units[start..end.max(start)]
}

pub fn is_whitespace_unit(c: u16) -> bool {
    is_js_whitespace(c)
}

/// StringToNumber.
pub fn string_to_number(s: &JsString) -> f64 {
    let units = s.units();
    let t = trim_units(&units);
    if t.is_empty() {
        return 0.0;
    }
    if t.iter().any(|&c| c > 0x7f) {
        return f64::NAN;
    }
    let text: String = t.iter().map(|&c| c as u8 as char).collect();
    parse_numeric_literal(&text).unwrap_or(f64::NAN)
}

fn parse_numeric_literal(text: &str) -> Option<f64> {
    let b = text.as_bytes();
    if b.len() > 2 && b[0] == b'0' {
        let radix = match b[1] {
            b'x' | b'X' => 16,
            b'o' | b'O' => 8,
            b'b' | b'B' => 2,
            _ => 0,
        };
        if radix != 0 {
            return parse_int_digits(&text[2..], radix);
        }
    }
    let (sign, rest) = match b[0] {
        b'+' => (1.0, &text[1..]),
        b'-' => (-1.0, &text[1..]),
        _ => (1.0, text),
    };
    if rest == "Infinity" {
        return Some(sign * f64::INFINITY);
    }
    // StrDecimalLiteral: digits [. digits] [e[+-]digits]; no "inf", "nan", hex floats.
    let rb = rest.as_bytes();
    if rb.is_empty() {
        return None;
    }
    let mut i = 0;
    let mut digits = 0;
    while i < rb.len() && rb[i].is_ascii_digit() {
        i += 1;
        digits += 1;
    }
    if i < rb.len() && rb[i] == b'.' {
        i += 1;
        while i < rb.len() && rb[i].is_ascii_digit() {
            i += 1;
            digits += 1;
        }
    }
    if digits == 0 {
        return None;
    }
    if i < rb.len() && (rb[i] == b'e' || rb[i] == b'E') {
        i += 1;
        if i < rb.len() && (rb[i] == b'+' || rb[i] == b'-') {
            i += 1;
        }
        let s = i;
        while i < rb.len() && rb[i].is_ascii_digit() {
            i += 1;
        }
        if i == s {
            return None;
        }
    }
    if i != rb.len() {
        return None;
    }
    rest.parse::<f64>().ok().map(|v| sign * v)
}

fn parse_int_digits(s: &str, radix: u32) -> Option<f64> {
    if s.is_empty() {
        return None;
    }
    let mut v = 0.0f64;
    for c in s.chars() {
        let d = c.to_digit(radix)?;
        v = v * radix as f64 + d as f64;
    }
    Some(v)
}

/// ToInt32 on a number.
pub fn f64_to_int32(n: f64) -> i32 {
    if n.is_finite() && n.abs() < 2147483648.0 {
        return n as i32;
    }
    if !n.is_finite() {
        return 0;
    }
    let m = n.trunc() % 4294967296.0;
    let m = if m < 0.0 { m + 4294967296.0 } else { m };
    (m as u64 as u32) as i32
}

/// `x ** y` with JS's special cases.
pub fn pow(x: f64, y: f64) -> f64 {
    if y.is_nan() {
        return f64::NAN;
    }
    if y == 0.0 {
        return 1.0;
    }
    if (x == 1.0 || x == -1.0) && y.is_infinite() {
        return f64::NAN;
    }
    x.powf(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_like_ecmascript() {
        assert_eq!(to_string(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(to_string(1e21), "1e+21");
        assert_eq!(to_string(1e-7), "1e-7");
        assert_eq!(to_string(123456789012345680000.0), "123456789012345680000");
        assert_eq!(to_string(-0.0), "0");
        assert_eq!(to_string(100.0), "100");
        assert_eq!(to_string(-1.5), "-1.5");
        assert_eq!(to_string(7.0), "7");
        assert_eq!(to_string(-42.0), "-42");
        assert_eq!(to_string(999_999_999_999_999.0), "999999999999999");
        assert_eq!(to_string(-999_999_999_999_999.0), "-999999999999999");
        assert_eq!(to_string(1e15), "1000000000000000");
    }

    #[test]
    fn parses_like_ecmascript() {
        let n = |s: &str| string_to_number(&JsString::new(s));
        assert_eq!(n("  12  "), 12.0);
        assert_eq!(n("0x1F"), 31.0);
        assert_eq!(n(""), 0.0);
        assert!(n("12px").is_nan());
        assert_eq!(n("-Infinity"), f64::NEG_INFINITY);
        assert!(n("inf").is_nan());
        assert_eq!(n(".5"), 0.5);
        assert!(n("-0x10").is_nan());
    }

    #[test]
    fn radix() {
        assert_eq!(to_string_radix(255.0, 16), "ff");
        assert_eq!(to_string_radix(-8.0, 2), "-1000");
        assert_eq!(to_string_radix(0.5, 2), "0.1");
    }

    #[test]
    fn int32() {
        assert_eq!(f64_to_int32(4294967296.0 + 5.0), 5);
        assert_eq!(f64_to_int32(2147483648.0), -2147483648);
        assert_eq!(f64_to_int32(-1.9), -1);
    }
}
