//! `String`: the constructor, its statics and `String.prototype` (the realm's `string_prototype`).
//!
//! Strings are UTF-16 (`JsString`); every index here is in code units. The regular-expression
//! protocol methods (`match`, `replace`, `split`, …) and `GetSubstitution` live in `regex.rs`,
//! case mapping, normalization, trimming and the string iterator in `text.rs`.

mod regex;
mod text;

#[cfg(test)]
mod tests;

pub use regex::get_substitution;

use crate::util::{self, arg};
use pipy_value::function::prototype_from_ctor;
use pipy_value::{JsResult, JsString, Obj, ObjectKind, PropKey, Value, error, ops, realm};
use std::rc::Rc;

/// V8's maximum string length; longer results throw "Invalid string length".
pub(crate) const MAX_STRING_LEN: usize = (1 << 29) - 24;

pub fn install() {
    let proto = realm::intrinsics().string_prototype.clone();
    let ctor = util::constructor(
        "String",
        1,
        &proto,
        Rc::new(|_, args, nt| {
            let s = match (args.first(), nt) {
                (None, _) => JsString::empty(),
                (Some(Value::Symbol(sym)), None) => {
                    let d = sym.description().map(|d| d.to_rust_string()).unwrap_or_default();
                    JsString::from_string(format!("Symbol({d})"))
                }
                (Some(v), _) => ops::to_string(v)?,
            };
            match nt {
                None => Ok(Value::String(s)),
                Some(nt) => {
                    let p = prototype_from_ctor(nt, |i| i.string_prototype.clone())?;
                    Ok(Value::Object(Obj::new(Some(p), ObjectKind::String(s))))
                }
            }
        }),
    );
    util::method(&ctor, "fromCharCode", 1, from_char_code);
    util::method(&ctor, "fromCodePoint", 1, from_code_point);
    util::method(&ctor, "raw", 1, raw);

    util::method(&proto, "toString", 0, |this, _| Ok(Value::String(this_string_value(this, "toString")?)));
    util::method(&proto, "valueOf", 0, |this, _| Ok(Value::String(this_string_value(this, "valueOf")?)));
    util::method(&proto, "at", 1, at);
    util::method(&proto, "charAt", 1, char_at);
    util::method(&proto, "charCodeAt", 1, char_code_at);
    util::method(&proto, "codePointAt", 1, code_point_at);
    util::method(&proto, "concat", 1, concat);
    util::method(&proto, "endsWith", 1, ends_with);
    util::method(&proto, "includes", 1, includes);
    util::method(&proto, "indexOf", 1, index_of);
    util::method(&proto, "lastIndexOf", 1, last_index_of);
    util::method(&proto, "localeCompare", 1, locale_compare);
    util::method(&proto, "padEnd", 1, |this, args| pad(this, args, false));
    util::method(&proto, "padStart", 1, |this, args| pad(this, args, true));
    util::method(&proto, "repeat", 1, repeat);
    util::method(&proto, "slice", 2, slice);
    util::method(&proto, "startsWith", 1, starts_with);
    util::method(&proto, "substring", 2, substring);
    util::method(&proto, "substr", 2, substr);
    regex::install(&proto);
    text::install(&proto);
}

/// RequireObjectCoercible(this) then ToString, as every generic String.prototype method starts.
pub(crate) fn this_str(this: &Value, method: &str) -> JsResult<JsString> {
    if this.is_nullish() || this.is_hole() {
        return Err(error::type_error(&format!("String.prototype.{method} called on null or undefined")));
    }
    ops::to_string(this)
}

/// thisStringValue: a primitive string or a String wrapper.
fn this_string_value(this: &Value, method: &str) -> JsResult<JsString> {
    match this {
        Value::String(s) => return Ok(s.clone()),
        Value::Object(o) => {
            if let ObjectKind::String(s) = &o.borrow().kind {
                return Ok(s.clone());
            }
        }
        _ => {}
    }
    Err(error::type_error(&format!("String.prototype.{method} requires that 'this' be a String")))
}

pub(crate) fn check_len(len: usize) -> JsResult<()> {
    if len > MAX_STRING_LEN { Err(error::range_error("Invalid string length")) } else { Ok(()) }
}

/// IsRegExp: an object whose `Symbol.match` is truthy (or, absent that, a RegExp object).
pub(crate) fn is_regexp(v: &Value) -> JsResult<bool> {
    if !v.is_object() {
        return Ok(false);
    }
    let m = ops::get(v, &PropKey::Symbol(realm::intrinsics().sym_match.clone()))?;
    if !m.is_undefined() {
        return Ok(m.truthy());
    }
    let is_re = match (v, realm::registered("RegExp.prototype")) {
        (Value::Object(o), Some(Value::Object(p))) => o.proto().is_some_and(|x| x.ptr_eq(&p)),
        _ => false,
    };
    Ok(is_re)
}

fn from_char_code(_: &Value, args: &[Value]) -> JsResult<Value> {
    let mut units = Vec::with_capacity(args.len());
    for a in args {
        units.push(ops::to_uint32(a)? as u16);
    }
    Ok(Value::String(JsString::from_utf16(units)))
}

fn from_code_point(_: &Value, args: &[Value]) -> JsResult<Value> {
    let mut units = Vec::with_capacity(args.len());
    for a in args {
        let n = ops::to_number(a)?;
        if !(0.0..=1114111.0).contains(&n) || n.trunc() != n {
            let shown = ops::to_string(a).map(|s| s.to_rust_string()).unwrap_or_default();
            return Err(error::range_error(&format!("Invalid code point {shown}")));
        }
        push_code_point(&mut units, n as u32);
    }
    Ok(Value::String(JsString::from_utf16(units)))
}

pub(crate) fn push_code_point(units: &mut Vec<u16>, cp: u32) {
    if cp < 0x10000 {
        units.push(cp as u16);
    } else {
        let c = cp - 0x10000;
        units.push(0xD800 + (c >> 10) as u16);
        units.push(0xDC00 + (c & 0x3ff) as u16);
    }
}

/// The code point at `i` and its length in units (a lone surrogate is its own code point).
pub(crate) fn code_point_at_units(u: &[u16], i: usize) -> (u32, usize) {
    let first = u[i];
    if (0xD800..0xDC00).contains(&first) {
        if let Some(&second) = u.get(i + 1) {
            if (0xDC00..0xE000).contains(&second) {
                return ((((first as u32) - 0xD800) << 10) + (second as u32 - 0xDC00) + 0x10000, 2);
            }
        }
    }
    (first as u32, 1)
}

fn raw(_: &Value, args: &[Value]) -> JsResult<Value> {
    let cooked = ops::to_object(&arg(args, 0))?;
    let raw = Value::Object(ops::to_object(&ops::get_str(&Value::Object(cooked), "raw")?)?);
    let len = ops::length_of(&raw)?;
    let mut out = JsString::empty();
    for i in 0..len {
        out = out.concat(&ops::to_string(&ops::get(&raw, &PropKey::index(i as u32))?)?);
        if i + 1 < len {
            if let Some(sub) = args.get(i + 1) {
                out = out.concat(&ops::to_string(sub)?);
            }
        }
        check_len(out.len())?;
    }
    Ok(Value::String(out))
}

fn at(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "at")?;
    let len = s.len() as f64;
    let k = ops::to_integer(&arg(args, 0))?;
    let k = if k < 0.0 { len + k } else { k };
    if k < 0.0 || k >= len {
        return Ok(Value::Undefined);
    }
    Ok(Value::String(s.substring(k as usize, k as usize + 1)))
}

fn char_at(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "charAt")?;
    let k = ops::to_integer(&arg(args, 0))?;
    if k < 0.0 || k >= s.len() as f64 {
        return Ok(Value::str(""));
    }
    Ok(Value::String(s.substring(k as usize, k as usize + 1)))
}

fn char_code_at(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "charCodeAt")?;
    let k = ops::to_integer(&arg(args, 0))?;
    if k < 0.0 || k >= s.len() as f64 {
        return Ok(Value::Number(f64::NAN));
    }
    Ok(Value::from(s.unit_at(k as usize) as u32))
}

fn code_point_at(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "codePointAt")?;
    let k = ops::to_integer(&arg(args, 0))?;
    if k < 0.0 || k >= s.len() as f64 {
        return Ok(Value::Undefined);
    }
    let k = k as usize;
    let pair = [s.unit_at(k), s.get_unit(k + 1).unwrap_or(0)];
    Ok(Value::from(code_point_at_units(&pair, 0).0))
}

fn concat(this: &Value, args: &[Value]) -> JsResult<Value> {
    let mut s = this_str(this, "concat")?;
    for a in args {
        s = s.concat(&ops::to_string(a)?);
        check_len(s.len())?;
    }
    Ok(Value::String(s))
}

fn no_regexp(v: &Value, method: &str) -> JsResult<JsString> {
    if is_regexp(v)? {
        return Err(error::type_error(&format!(
            "First argument to String.prototype.{method} must not be a regular expression"
        )));
    }
    ops::to_string(v)
}

/// A position argument clamped to `[0, len]` (undefined → `default`).
fn clamp_pos(v: &Value, len: usize, default: usize) -> JsResult<usize> {
    if v.is_undefined() {
        return Ok(default);
    }
    Ok(ops::to_integer(v)?.clamp(0.0, len as f64) as usize)
}

fn units_eq_at(s: &JsString, needle: &JsString, at: usize) -> bool {
    if at + needle.len() > s.len() {
        return false;
    }
    (0..needle.len()).all(|i| s.unit_at(at + i) == needle.unit_at(i))
}

fn ends_with(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "endsWith")?;
    let search = no_regexp(&arg(args, 0), "endsWith")?;
    let end = clamp_pos(&arg(args, 1), s.len(), s.len())?;
    if search.len() > end {
        return Ok(Value::Bool(false));
    }
    Ok(Value::Bool(units_eq_at(&s, &search, end - search.len())))
}

fn starts_with(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "startsWith")?;
    let search = no_regexp(&arg(args, 0), "startsWith")?;
    let start = clamp_pos(&arg(args, 1), s.len(), 0)?;
    Ok(Value::Bool(units_eq_at(&s, &search, start)))
}

fn includes(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "includes")?;
    let search = no_regexp(&arg(args, 0), "includes")?;
    let start = clamp_pos(&arg(args, 1), s.len(), 0)?;
    Ok(Value::Bool(s.find(&search, start).is_some()))
}

fn index_of(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "indexOf")?;
    let search = ops::to_string(&arg(args, 0))?;
    let start = clamp_pos(&arg(args, 1), s.len(), 0)?;
    Ok(match s.find(&search, start) {
        Some(i) => Value::from(i),
        None => Value::Number(-1.0),
    })
}

fn last_index_of(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "lastIndexOf")?;
    let search = ops::to_string(&arg(args, 0))?;
    let n = ops::to_number(&arg(args, 1))?;
    let pos = if n.is_nan() { f64::INFINITY } else { n.trunc() };
    let start = pos.clamp(0.0, s.len() as f64) as usize;
    Ok(match s.rfind(&search, start) {
        Some(i) => Value::from(i),
        None => Value::Number(-1.0),
    })
}

/// An approximation of ICU's root collation, enough for sorting words as Node does: letters
/// compare without accents and case first (punctuation < digits < letters), then accents, then
/// lower case before upper case.
fn locale_compare(this: &Value, args: &[Value]) -> JsResult<Value> {
    use unicode_normalization::UnicodeNormalization;
    let s = this_str(this, "localeCompare")?.to_rust_string();
    let t = ops::to_string(&arg(args, 0))?.to_rust_string();
    let is_mark = |c: char| matches!(c as u32, 0x300..=0x36F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F);
    let primary = |x: &str| -> Vec<(u8, char)> {
        x.nfd()
            .filter(|&c| !is_mark(c))
            .flat_map(char::to_lowercase)
            .map(|c| {
                let class = if c.is_alphabetic() {
                    2
                } else if c.is_numeric() {
                    1
                } else {
                    0
                };
                (class, c)
            })
            .collect()
    };
    let secondary = |x: &str| -> String { x.nfd().flat_map(char::to_lowercase).collect() };
    let ord = primary(&s).cmp(&primary(&t)).then_with(|| secondary(&s).cmp(&secondary(&t))).then_with(|| t.cmp(&s));
    Ok(Value::Number(match ord {
        std::cmp::Ordering::Less => -1.0,
        std::cmp::Ordering::Equal => 0.0,
        std::cmp::Ordering::Greater => 1.0,
    }))
}

fn pad(this: &Value, args: &[Value], at_start: bool) -> JsResult<Value> {
    let s = this_str(this, if at_start { "padStart" } else { "padEnd" })?;
    let max = ops::to_length(&arg(args, 0))?;
    if max <= s.len() {
        return Ok(Value::String(s));
    }
    let fill = match arg(args, 1) {
        Value::Undefined => JsString::new(" "),
        v => ops::to_string(&v)?,
    };
    if fill.is_empty() {
        return Ok(Value::String(s));
    }
    check_len(max)?;
    let need = max - s.len();
    let fu = fill.units();
    let mut padding: Vec<u16> = Vec::with_capacity(need);
    while padding.len() < need {
        let take = (need - padding.len()).min(fu.len());
        padding.extend_from_slice(&fu[..take]);
    }
    let padding = JsString::from_utf16(padding);
    Ok(Value::String(if at_start { padding.concat(&s) } else { s.concat(&padding) }))
}

fn repeat(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "repeat")?;
    let n = ops::to_integer(&arg(args, 0))?;
    if n < 0.0 || n.is_infinite() {
        let shown = ops::to_string(&Value::Number(n)).map(|s| s.to_rust_string()).unwrap_or_default();
        return Err(error::range_error(&format!("Invalid count value: {shown}")));
    }
    if s.is_empty() || n == 0.0 {
        return Ok(Value::str(""));
    }
    if n * s.len() as f64 > MAX_STRING_LEN as f64 {
        return Err(error::range_error("Invalid string length"));
    }
    let out = match s.as_ascii() {
        Some(a) => JsString::from_string(a.repeat(n as usize)),
        None => JsString::from_utf16(s.units().repeat(n as usize)),
    };
    Ok(Value::String(out))
}

fn slice(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "slice")?;
    let len = s.len();
    let from = ops::relative_index(&arg(args, 0), len, 0)?;
    let to = ops::relative_index(&arg(args, 1), len, len)?;
    Ok(Value::String(if from < to { s.substring(from, to) } else { JsString::empty() }))
}

fn substring(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "substring")?;
    let len = s.len();
    let a = clamp_pos(&arg(args, 0), len, 0)?;
    let b = clamp_pos(&arg(args, 1), len, len)?;
    Ok(Value::String(s.substring(a.min(b), a.max(b))))
}

fn substr(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "substr")?;
    let len = s.len();
    let start = ops::relative_index(&arg(args, 0), len, 0)?;
    let count = match arg(args, 1) {
        Value::Undefined => len as f64,
        v => ops::to_integer(&v)?,
    };
    let end = (start as f64 + count.max(0.0)).min(len as f64) as usize;
    Ok(Value::String(if start < end { s.substring(start, end) } else { JsString::empty() }))
}
