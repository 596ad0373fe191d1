//! The `Math` namespace object: every ES2022 function and constant.

use crate::util::{self, arg};
use pipy_value::number::pow;
use pipy_value::{JsResult, Obj, PropKey, Value, attr, ops, realm};
use std::cell::Cell;

pub fn install() {
    let math = Obj::ordinary();
    for (name, v) in [
        ("E", std::f64::consts::E),
        ("LN10", std::f64::consts::LN_10),
        ("LN2", std::f64::consts::LN_2),
        ("LOG10E", std::f64::consts::LOG10_E),
        ("LOG2E", std::f64::consts::LOG2_E),
        ("PI", std::f64::consts::PI),
        ("SQRT1_2", std::f64::consts::FRAC_1_SQRT_2),
        ("SQRT2", std::f64::consts::SQRT_2),
    ] {
        util::constant(&math, name, Value::Number(v));
    }
    macro_rules! unary {
        ($($name:literal => $f:expr),* $(,)?) => {
            $(util::method(&math, $name, 1, |_, args| {
                let x = ops::to_number(&arg(args, 0))?;
                let f: fn(f64) -> f64 = $f;
                Ok(Value::Number(f(x)))
            });)*
        };
    }
    unary! {
        "abs" => f64::abs,
        "acos" => f64::acos,
        "acosh" => f64::acosh,
        "asin" => f64::asin,
        "asinh" => asinh,
        "atan" => f64::atan,
        "atanh" => f64::atanh,
        "cbrt" => f64::cbrt,
        "ceil" => f64::ceil,
        "cos" => f64::cos,
        "cosh" => f64::cosh,
        "exp" => f64::exp,
        "expm1" => f64::exp_m1,
        "floor" => f64::floor,
        "fround" => |x| x as f32 as f64,
        "log" => f64::ln,
        "log1p" => f64::ln_1p,
        "log10" => f64::log10,
        "log2" => f64::log2,
        "round" => round,
        "sign" => sign,
        "sin" => f64::sin,
        "sinh" => f64::sinh,
        "sqrt" => f64::sqrt,
        "tan" => f64::tan,
        "tanh" => f64::tanh,
        "trunc" => f64::trunc,
    }
    util::method(&math, "atan2", 2, |_, args| {
        let y = ops::to_number(&arg(args, 0))?;
        let x = ops::to_number(&arg(args, 1))?;
        Ok(Value::Number(y.atan2(x)))
    });
    util::method(&math, "pow", 2, |_, args| {
        let x = ops::to_number(&arg(args, 0))?;
        let y = ops::to_number(&arg(args, 1))?;
        Ok(Value::Number(pow(x, y)))
    });
    util::method(&math, "clz32", 1, |_, args| Ok(Value::from(ops::to_uint32(&arg(args, 0))?.leading_zeros())));
    util::method(&math, "imul", 2, |_, args| {
        let a = ops::to_int32(&arg(args, 0))?;
        let b = ops::to_int32(&arg(args, 1))?;
        Ok(Value::from(a.wrapping_mul(b)))
    });
    util::method(&math, "max", 2, |_, args| Ok(Value::Number(fold(args, f64::NEG_INFINITY, true)?)));
    util::method(&math, "min", 2, |_, args| Ok(Value::Number(fold(args, f64::INFINITY, false)?)));
    util::method(&math, "hypot", 2, hypot);
    util::method(&math, "random", 0, |_, _| Ok(Value::Number(random())));
    let tag = PropKey::Symbol(realm::intrinsics().sym_to_string_tag.clone());
    math.define_value(tag, Value::str("Math"), attr::CONFIGURABLE);
    util::global("Math", Value::Object(math));
}

/// `asinh` that keeps the sign of zero (the std formula loses it for -0).
fn asinh(x: f64) -> f64 {
    if x == 0.0 { x } else { x.asinh() }
}

/// Rounds half up toward +Infinity, keeping -0 for inputs in [-0.5, -0].
fn round(x: f64) -> f64 {
    if !x.is_finite() || x == 0.0 {
        return x;
    }
    let f = x.floor();
    let r = if x - f >= 0.5 { f + 1.0 } else { f };
    if r == 0.0 && x < 0.0 { -0.0 } else { r }
}

fn sign(x: f64) -> f64 {
    if x.is_nan() || x == 0.0 {
        x
    } else if x > 0.0 {
        1.0
    } else {
        -1.0
    }
}

/// `Math.max`/`Math.min`: every argument is converted (side effects included) even after a NaN.
fn fold(args: &[Value], init: f64, max: bool) -> JsResult<f64> {
    let mut acc = init;
    let mut nan = false;
    for a in args {
        let x = ops::to_number(a)?;
        if x.is_nan() {
            nan = true;
            continue;
        }
        let better = if max {
            x > acc || (x == 0.0 && acc == 0.0 && acc.is_sign_negative() && x.is_sign_positive())
        } else {
            x < acc || (x == 0.0 && acc == 0.0 && acc.is_sign_positive() && x.is_sign_negative())
        };
        if better {
            acc = x;
        }
    }
    Ok(if nan { f64::NAN } else { acc })
}

fn hypot(_: &Value, args: &[Value]) -> JsResult<Value> {
    let mut xs = Vec::with_capacity(args.len());
    for a in args {
        xs.push(ops::to_number(a)?);
    }
    if xs.iter().any(|x| x.is_infinite()) {
        return Ok(Value::Number(f64::INFINITY));
    }
    if xs.iter().any(|x| x.is_nan()) {
        return Ok(Value::Number(f64::NAN));
    }
    let scale = xs.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    if scale == 0.0 {
        return Ok(Value::Number(0.0));
    }
    // Scaled Kahan summation, as V8 does, so hypot(3, 4) is exactly 5 and large values do not overflow.
    let mut sum = 0.0f64;
    let mut comp = 0.0f64;
    for x in xs {
        let r = x / scale;
        let y = r * r - comp;
        let t = sum + y;
        comp = (t - sum) - y;
        sum = t;
    }
    Ok(Value::Number(sum.sqrt() * scale))
}

thread_local! {
    static RNG: Cell<u64> = const { Cell::new(0) };
}

/// xorshift64*, seeded once per thread from the clock; not for cryptography.
fn random() -> f64 {
    RNG.with(|s| {
        let mut x = s.get();
        if x == 0 {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0x9E37_79B9_7F4A_7C15);
            x = (nanos ^ 0x9E37_79B9_7F4A_7C15) | 1;
        }
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        s.set(x);
        let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (r >> 11) as f64 / (1u64 << 53) as f64
    })
}

#[cfg(test)]
mod tests {
    use crate::util::testing::{call, path, setup};
    use pipy_value::Value;

    fn m(name: &str, args: &[f64]) -> f64 {
        let args: Vec<Value> = args.iter().map(|&x| Value::Number(x)).collect();
        call(&format!("Math.{name}"), &Value::Undefined, &args).ok().and_then(|v| v.as_number()).unwrap_or(-12345.0)
    }

    #[test]
    fn round_like_node() {
        setup();
        assert_eq!(m("round", &[2.5]), 3.0);
        assert_eq!(m("round", &[-2.5]), -2.0);
        assert_eq!(m("round", &[-2.6]), -3.0);
        assert!(m("round", &[-0.4]).is_sign_negative());
        assert_eq!(m("round", &[0.49999999999999994]), 0.0);
        assert!(m("round", &[f64::NAN]).is_nan());
    }

    #[test]
    fn max_min_like_node() {
        setup();
        assert_eq!(m("max", &[]), f64::NEG_INFINITY);
        assert_eq!(m("min", &[]), f64::INFINITY);
        assert!(m("max", &[1.0, f64::NAN, 3.0]).is_nan());
        assert!(m("max", &[-0.0, 0.0]).is_sign_positive());
        assert!(m("min", &[0.0, -0.0]).is_sign_negative());
        assert_eq!(m("max", &[1.0, 5.0, 3.0]), 5.0);
        assert_eq!(m("min", &[1.0, -5.0, 3.0]), -5.0);
    }

    #[test]
    fn integer_ops() {
        setup();
        assert_eq!(m("clz32", &[1.0]), 31.0);
        assert_eq!(m("clz32", &[0.0]), 32.0);
        assert_eq!(m("imul", &[0xffffffffu32 as f64, 5.0]), -5.0);
        assert_eq!(m("imul", &[3.0, 4.0]), 12.0);
        assert_eq!(m("trunc", &[-4.7]), -4.0);
        assert_eq!(m("sign", &[-3.0]), -1.0);
        assert!(m("sign", &[-0.0]).is_sign_negative());
        assert_eq!(m("fround", &[5.5]), 5.5);
        assert_eq!(m("fround", &[5.05]), 5.050000190734863);
    }

    #[test]
    fn transcendental() {
        setup();
        assert_eq!(m("hypot", &[3.0, 4.0]), 5.0);
        assert_eq!(m("hypot", &[]), 0.0);
        assert_eq!(m("hypot", &[f64::NAN, f64::INFINITY]), f64::INFINITY);
        assert_eq!(m("pow", &[2.0, 10.0]), 1024.0);
        assert!(m("pow", &[1.0, f64::INFINITY]).is_nan());
        assert_eq!(m("cbrt", &[27.0]), 3.0);
        assert_eq!(m("log2", &[8.0]), 3.0);
        assert_eq!(m("atan2", &[1.0, 1.0]), std::f64::consts::FRAC_PI_4);
        assert_eq!(m("sqrt", &[2.0]), std::f64::consts::SQRT_2);
        assert!(m("asinh", &[-0.0]).is_sign_negative());
    }

    #[test]
    fn random_and_constants() {
        setup();
        for _ in 0..100 {
            let r = m("random", &[]);
            assert!((0.0..1.0).contains(&r));
        }
        assert_eq!(path("Math.PI").as_number(), Some(std::f64::consts::PI));
        let tag = crate::util::testing::s(
            &pipy_value::ops::get(
                &path("Math"),
                &pipy_value::PropKey::Symbol(pipy_value::realm::intrinsics().sym_to_string_tag.clone()),
            )
            .unwrap_or_default(),
        );
        assert_eq!(tag, "Math");
    }
}
