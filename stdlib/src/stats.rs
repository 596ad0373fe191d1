//! `stats`: Prometheus metrics. `new stats.Counter(name, labelNames?)` (`increase(n = 1)`,
//! `decrease(n = 1)` as the original has it, `zero()`), `new stats.Gauge(name, labelNames?)` (`set(v)`, `increase(n = 1)`, `decrease(n =
//! 1)`, `zero()`) and `new stats.Histogram(name, buckets, labelNames?)` (`observe(v)`, `zero()`);
//! each has `withLabels(...values)` (the series with those label values, with the same methods),
//! `name`, `type` and `value` (a histogram's value is its count).
//!
//! Metrics live in one registry for the whole process, so a metric made under one name by every
//! worker thread is one metric (its series add up across threads, as the original's sum). `render`
//! writes the registry in the Prometheus text format for the admin service's `GET /metrics`.

use crate::util::{self, arg};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, ops};
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, OnceLock};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Counter,
    Gauge,
    Histogram,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Counter => "counter",
            Kind::Gauge => "gauge",
            Kind::Histogram => "histogram",
        }
    }
}

#[derive(Default, Clone)]
struct Series {
    /// Counter and gauge value; a histogram's sum.
    value: f64,
    /// Histogram: observations per bucket (not cumulative), then the total count.
    buckets: Vec<u64>,
    count: u64,
}

struct Family {
    kind: Kind,
    labels: Vec<String>,
    /// Histogram upper bounds, ascending.
    bounds: Vec<f64>,
    series: BTreeMap<Vec<String>, Series>,
}

fn registry() -> MutexGuard<'static, BTreeMap<String, Family>> {
    static REGISTRY: OnceLock<Mutex<BTreeMap<String, Family>>> = OnceLock::new();
    let m = REGISTRY.get_or_init(|| Mutex::new(BTreeMap::new()));
    // A panic while holding the lock cannot leave numbers half-written in a harmful way.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn valid_name(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_' || c == ':')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
}

/// The Prometheus text exposition of every metric.
pub fn render() -> String {
    let reg = registry();
    let mut out = String::new();
    for (name, f) in reg.iter() {
        out.push_str(&format!("# TYPE {name} {}\n", f.kind.name()));
        for (values, s) in &f.series {
            let labels: Vec<String> = f
                .labels
                .iter()
                .zip(values)
                .map(|(k, v)| format!("{k}=\"{}\"", v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")))
                .collect();
            let with = |extra: Option<String>| {
                let mut all = labels.clone();
                all.extend(extra);
                if all.is_empty() { String::new() } else { format!("{{{}}}", all.join(",")) }
            };
            match f.kind {
                Kind::Counter | Kind::Gauge => out.push_str(&format!("{name}{} {}\n", with(None), number(s.value))),
                Kind::Histogram => {
                    let mut acc = 0;
                    for (i, b) in f.bounds.iter().enumerate() {
                        acc += s.buckets.get(i).copied().unwrap_or(0);
                        out.push_str(&format!("{name}_bucket{} {acc}\n", with(Some(format!("le=\"{}\"", number(*b))))));
                    }
                    out.push_str(&format!("{name}_bucket{} {}\n", with(Some("le=\"+Inf\"".into())), s.count));
                    out.push_str(&format!("{name}_sum{} {}\n", with(None), number(s.value)));
                    out.push_str(&format!("{name}_count{} {}\n", with(None), s.count));
                }
            }
        }
    }
    out
}

fn number(v: f64) -> String {
    if v.is_finite() && v == v.trunc() && v.abs() < 1e15 { format!("{}", v as i64) } else { format!("{v}") }
}

/// What a metric object holds: its family and label values (empty for the root series).
struct Handle {
    name: String,
    labels: Vec<String>,
}

fn handle(this: &Value) -> JsResult<(String, Vec<String>)> {
    let h = match this {
        Value::Object(o) => o.with_host(|h: &mut Handle| (h.name.clone(), h.labels.clone())),
        _ => None,
    };
    h.ok_or_else(|| error::type_error("not a stats metric"))
}

/// Runs `f` on this object's series (made on first use), with its family's kind and bounds.
fn with_series<R>(this: &Value, f: impl FnOnce(&mut Series, Kind, &[f64]) -> R) -> JsResult<R> {
    let (name, labels) = handle(this)?;
    let mut reg = registry();
    let Family { kind, bounds, series, .. } =
        reg.get_mut(&name).ok_or_else(|| error::type_error("metric was not registered"))?;
    let s = series.entry(labels).or_insert_with(|| Series { buckets: vec![0; bounds.len()], ..Series::default() });
    Ok(f(s, *kind, bounds))
}

fn amount(args: &[Value]) -> JsResult<f64> {
    match arg(args, 0) {
        Value::Undefined => Ok(1.0),
        v => ops::to_number(&v),
    }
}

fn increase(this: &Value, args: &[Value]) -> JsResult<Value> {
    let n = amount(args)?;
    with_series(this, |s, _, _| s.value += n)?;
    Ok(Value::Undefined)
}

fn decrease(this: &Value, args: &[Value]) -> JsResult<Value> {
    let n = amount(args)?;
    with_series(this, |s, _, _| s.value -= n)?;
    Ok(Value::Undefined)
}

fn set(this: &Value, args: &[Value]) -> JsResult<Value> {
    let n = ops::to_number(&arg(args, 0))?;
    with_series(this, |s, _, _| s.value = n)?;
    Ok(Value::Undefined)
}

fn zero(this: &Value, _: &[Value]) -> JsResult<Value> {
    with_series(this, |s, _, bounds| {
        *s = Series { buckets: vec![0; bounds.len()], ..Series::default() };
    })?;
    Ok(Value::Undefined)
}

fn observe(this: &Value, args: &[Value]) -> JsResult<Value> {
    let v = ops::to_number(&arg(args, 0))?;
    with_series(this, |s, _, bounds| {
        if let Some(i) = bounds.iter().position(|b| v <= *b) {
            s.buckets[i] += 1;
        }
        s.count += 1;
        s.value += v;
    })?;
    Ok(Value::Undefined)
}

fn value(this: &Value, _: &[Value]) -> JsResult<Value> {
    let v = with_series(this, |s, kind, _| if kind == Kind::Histogram { s.count as f64 } else { s.value })?;
    Ok(Value::Number(v))
}

fn name(this: &Value, _: &[Value]) -> JsResult<Value> {
    Ok(Value::str(&handle(this)?.0))
}

fn kind_name(this: &Value, _: &[Value]) -> JsResult<Value> {
    let (name, _) = handle(this)?;
    let kind = registry().get(&name).map(|f| f.kind.name()).unwrap_or("");
    Ok(Value::str(kind))
}

fn with_labels(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (name, _) = handle(this)?;
    let want = registry().get(&name).map(|f| f.labels.len()).unwrap_or(0);
    let values = args.iter().map(ops::to_rust_string).collect::<JsResult<Vec<_>>>()?;
    if values.len() != want {
        return Err(error::type_error(&format!(
            "withLabels(): metric '{name}' has {want} label(s), {} value(s) given",
            values.len()
        )));
    }
    let Value::Object(o) = this else { return Err(error::type_error("not a stats metric")) };
    Ok(Value::Object(Obj::new(o.proto(), ObjectKind::Host(Box::new(Handle { name, labels: values })))))
}

fn strings(v: &Value) -> JsResult<Vec<String>> {
    match v {
        Value::Undefined | Value::Null => Ok(Vec::new()),
        Value::Object(o) if o.is_array() => {
            o.array_elements().unwrap_or_default().iter().map(ops::to_rust_string).collect()
        }
        _ => Err(error::type_error("label names must be an array of strings")),
    }
}

/// Registers (or finds, when another thread made it) a family and returns its root handle.
fn register(kind: Kind, args: &[Value]) -> JsResult<Handle> {
    let name = ops::to_rust_string(&arg(args, 0))?;
    if !valid_name(&name) {
        return Err(error::type_error(&format!("'{name}' is not a valid metric name")));
    }
    let (bounds, labels) = if kind == Kind::Histogram {
        let b = arg(args, 1);
        let bounds = match &b {
            Value::Object(o) if o.is_array() => {
                o.array_elements().unwrap_or_default().iter().map(ops::to_number).collect::<JsResult<Vec<f64>>>()?
            }
            _ => return Err(error::type_error("new stats.Histogram(): buckets must be an array of numbers")),
        };
        if bounds.windows(2).any(|w| w[0] >= w[1]) {
            return Err(error::type_error("new stats.Histogram(): buckets must be in ascending order"));
        }
        (bounds, strings(&arg(args, 2))?)
    } else {
        (Vec::new(), strings(&arg(args, 1))?)
    };
    let mut reg = registry();
    match reg.get(&name) {
        Some(f) if f.kind != kind || f.labels != labels || f.bounds != bounds => {
            return Err(error::type_error(&format!(
                "metric '{name}' already exists with another type, labels or buckets"
            )));
        }
        Some(_) => {}
        None => {
            reg.insert(name.clone(), Family { kind, labels, bounds, series: BTreeMap::new() });
        }
    }
    Ok(Handle { name, labels: Vec::new() })
}

fn class(stats: &Obj, kind: Kind, cname: &'static str) {
    let proto = util::class_prototype();
    util::method(&proto, "withLabels", 0, with_labels);
    util::method(&proto, "zero", 0, zero);
    match kind {
        Kind::Counter => {
            util::method(&proto, "increase", 1, increase);
            util::method(&proto, "decrease", 1, decrease);
        }
        Kind::Gauge => {
            util::method(&proto, "increase", 1, increase);
            util::method(&proto, "decrease", 1, decrease);
            util::method(&proto, "set", 1, set);
        }
        Kind::Histogram => util::method(&proto, "observe", 1, observe),
    }
    util::getter(&proto, "value", value);
    util::getter(&proto, "name", name);
    util::getter(&proto, "type", kind_name);
    util::namespace_class(stats, cname, 2, &proto, move |proto, args| {
        let h = register(kind, args)?;
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(h)))))
    });
}

pub fn install() {
    let stats = Obj::ordinary();
    class(&stats, Kind::Counter, "Counter");
    class(&stats, Kind::Gauge, "Gauge");
    class(&stats, Kind::Histogram, "Histogram");
    util::global("stats", Value::Object(stats));
}
