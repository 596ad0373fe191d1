//! `new algo.Percentile(buckets)`: counts samples into buckets (upper bounds, ascending) and
//! estimates percentiles from them, as the original's: `observe(sample)` (a sample above the
//! last bound is not counted), `calculate(percentage)` (linear within the bucket it falls in;
//! 0 for percentage ≤ 0, Infinity when the buckets do not reach it) and `reset()`. Histograms'
//! `percentile.calculate` uses the same estimate.

use crate::util::{self, arg};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, ops};

/// The value under which `percentage` percent of `total` samples fall, from per-bucket counts.
pub fn estimate(bounds: &[f64], counts: &[u64], total: u64, percentage: f64) -> f64 {
    if percentage.is_nan() || percentage <= 0.0 {
        return 0.0;
    }
    let want = (total as f64 * percentage / 100.0).floor() as u64;
    let mut seen = 0u64;
    for (i, (&bound, &c)) in bounds.iter().zip(counts).enumerate() {
        seen += c;
        if seen >= want {
            let last = if i > 0 { bounds[i - 1] } else { 0.0 };
            if c == 0 {
                return bound;
            }
            return bound - (bound - last) * (seen - want) as f64 / c as f64;
        }
    }
    f64::INFINITY
}

struct Percentile {
    bounds: Vec<f64>,
    counts: Vec<u64>,
    total: u64,
}

fn with<R>(this: &Value, f: impl FnOnce(&mut Percentile) -> R) -> JsResult<R> {
    match this {
        Value::Object(o) => o.with_host(f),
        _ => None,
    }
    .ok_or_else(|| error::type_error("not an algo.Percentile"))
}

pub(super) fn install(ns: &Obj) {
    let proto = util::class_prototype();
    util::method(&proto, "observe", 1, |this, args| {
        let v = ops::to_number(&arg(args, 0))?;
        with(this, |p| {
            if let Some(i) = p.bounds.iter().position(|b| v <= *b) {
                p.counts[i] += 1;
                p.total += 1;
            }
        })?;
        Ok(Value::Undefined)
    });
    util::method(&proto, "calculate", 1, |this, args| {
        let pct = ops::to_number(&arg(args, 0))?.trunc();
        Ok(Value::num(with(this, |p| estimate(&p.bounds, &p.counts, p.total, pct))?))
    });
    util::method(&proto, "reset", 0, |this, _| {
        with(this, |p| {
            p.counts.iter_mut().for_each(|c| *c = 0);
            p.total = 0;
        })?;
        Ok(Value::Undefined)
    });
    util::namespace_class(ns, "Percentile", 1, &proto, |proto, args| {
        let bounds = match arg(args, 0) {
            Value::Object(o) if o.is_array() => {
                o.array_elements().unwrap_or_default().iter().map(ops::to_number).collect::<JsResult<Vec<f64>>>()?
            }
            _ => return Err(error::type_error("new algo.Percentile(): buckets must be an array of numbers")),
        };
        if bounds.windows(2).any(|w| w[0] >= w[1]) {
            pipy_engine::log::warn("algo.Percentile: buckets are not in ascending order");
        }
        let p = Percentile { counts: vec![0; bounds.len()], bounds, total: 0 };
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(p)))))
    });
}
