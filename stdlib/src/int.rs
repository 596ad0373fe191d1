//! `Int`: the original's fixed-width integer object (`i8`…`i64`, `u8`…`u64`), as far as the
//! codecs need it. `protobuf` gives 64-bit fields as `Int`s and `Hessian` gives its int and long
//! values as `Int`s (and writes an `Int` back as int or long by its width), so 64-bit values keep
//! every bit and a decode–encode round trip keeps each number's Hessian type.
//!
//! Here: `new Int(n)` (i64), `new Int(low, high)` (i64 from two 32-bit halves), `new Int(text)`,
//! `new Int(int)` (a copy), `new Int(type)` (zero), `new Int(type, n | text | int)`,
//! `new Int(type, low, high)`; read-only `type`, `width`, `low`, `high`, `isUnsigned`;
//! `valueOf()` (the number, rounded past 2^53), `toString()` (every digit) and `toBytes()`
//! (little-endian, `width / 8` bytes). Deliberate difference from the original: the original's
//! interpreter also does arithmetic on `Int`s (`a + b` is an `Int`); here operators see the
//! number `valueOf()` gives. `new Int(bytes)` and `Int.parse` are left out.

use crate::util::{self, arg};
use pipy_value::error::{ErrorKind, make_error};
use pipy_value::{JsResult, Value, ops, realm};

pub use pipy_value::int::{IntType, IntValue, as_int, make};

fn this_int(this: &Value) -> JsResult<IntValue> {
    as_int(this).ok_or_else(|| make_error(ErrorKind::TypeError, "this is not an Int"))
}

/// A double as the original's C++ cast to a 64-bit integer (Rust's saturating `as`, NaN as 0).
fn from_f64(n: f64) -> i64 {
    if n < 0.0 { n as i64 } else { n as u64 as i64 }
}

/// Decimal text to an integer as `atoll` reads it: leading blanks, a sign, digits, then anything.
fn from_text(s: &str) -> i64 {
    let t = s.trim_start();
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let mut v: i64 = 0;
    for c in digits.bytes().take_while(u8::is_ascii_digit) {
        v = v.wrapping_mul(10).wrapping_add(i64::from(c - b'0'));
    }
    if neg { v.wrapping_neg() } else { v }
}

/// The bits of one constructor argument: an `Int`, a string or a number.
fn bits_of(v: &Value) -> JsResult<i64> {
    if let Some(i) = as_int(v) {
        return Ok(i.bits);
    }
    match v {
        Value::String(s) => Ok(from_text(&s.to_rust_string())),
        Value::Number(n) => Ok(from_f64(*n)),
        _ => Err(make_error(ErrorKind::TypeError, "argument #1 expects a number, a string or an Int")),
    }
}

fn construct(args: &[Value]) -> JsResult<Value> {
    let first = arg(args, 0);
    let ty = match &first {
        Value::String(s) => IntType::parse(&s.to_rust_string()),
        _ => None,
    };
    match ty {
        Some(ty) => match args.len() {
            1 => Ok(make(ty, 0)),
            2 => Ok(make(ty, bits_of(&args[1])?)),
            _ => {
                let low = ops::to_int32(&args[1])? as u32;
                let high = ops::to_int32(&args[2])?;
                Ok(make(ty, (i64::from(high) << 32) | i64::from(low)))
            }
        },
        None => match (&first, args.get(1)) {
            (Value::Number(low), Some(high @ Value::Number(_))) => {
                let high = ops::to_int32(high)?;
                let low = ops::to_int32(&Value::Number(*low))? as u32;
                Ok(make(IntType::I64, (i64::from(high) << 32) | i64::from(low)))
            }
            _ => {
                let ty = as_int(&first).map_or(IntType::I64, |i| i.ty);
                Ok(make(ty, bits_of(&first)?))
            }
        },
    }
}

pub fn install() {
    let proto = util::class_prototype();
    util::getter(&proto, "type", |t, _| Ok(Value::str(this_int(t)?.ty.name())));
    util::getter(&proto, "width", |t, _| Ok(Value::num(f64::from(this_int(t)?.ty.width()))));
    util::getter(&proto, "low", |t, _| Ok(Value::num(f64::from(this_int(t)?.bits as u32))));
    util::getter(&proto, "high", |t, _| {
        let i = this_int(t)?;
        let high =
            if i.ty.unsigned() { f64::from((i.bits as u64 >> 32) as u32) } else { f64::from((i.bits >> 32) as i32) };
        Ok(Value::num(high))
    });
    util::getter(&proto, "isUnsigned", |t, _| Ok(Value::Bool(this_int(t)?.ty.unsigned())));
    util::method(&proto, "valueOf", 0, |t, _| Ok(Value::num(this_int(t)?.number())));
    util::method(&proto, "toString", 0, |t, _| Ok(Value::string(this_int(t)?.text())));
    util::method(&proto, "toBytes", 0, |t, _| {
        let i = this_int(t)?;
        let n = (i.ty.width() / 8) as usize;
        let bytes = i.bits.to_le_bytes().iter().take(n).map(|&b| Value::num(f64::from(b))).collect();
        Ok(ops::new_array(bytes))
    });
    realm::register("Int.prototype", Value::Object(proto.clone()));
    let global = realm::intrinsics().global.clone();
    util::namespace_class(&global, "Int", 1, &proto, |_, args| construct(args));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_reads_like_atoll() {
        assert_eq!(from_text("  -123abc"), -123);
        assert_eq!(from_f64(f64::NAN), 0);
    }
}
