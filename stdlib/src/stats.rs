//! `stats`: Prometheus metrics. `new stats.Counter(name, labelNames?)` (`increase(n = 1)`,
//! `decrease(n = 1)` as the original has it, `zero()`), `new stats.Gauge(name, labelNames?)` (`set(v)`, `increase(n = 1)`, `decrease(n =
//! 1)`, `zero()`) and `new stats.Histogram(name, buckets, labelNames?)` (`observe(v)`, `zero()`);
//! each has `withLabels(...values)` (the series with those label values, with the same methods),
//! `name`, `type` and `value` (a histogram's value is its count).
//!
//! Labels are a hierarchy, as in the original: `withLabels(a)` then `.withLabels(b)` reaches the
//! same series as `withLabels(a, b)`; a metric's `value` adds up every series under it, `label`
//! is its last label value, `submetrics()` lists the metrics one label down and `clear()` forgets
//! them. A histogram has `dimensions` (its buckets, count and sum) and `percentile.calculate(p)`.
//! `stats.sum(names)` resolves to `{ name: metric }`.
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

/// Runs `f` over every series under this object's labels (all of them for a root).
fn fold_series<R>(this: &Value, init: R, mut f: impl FnMut(R, &Series, Kind) -> R) -> JsResult<R> {
    let (name, labels) = handle(this)?;
    let reg = registry();
    let fam = reg.get(&name).ok_or_else(|| error::type_error("metric was not registered"))?;
    let mut acc = init;
    for (_, s) in fam.series.iter().filter(|(k, _)| k.starts_with(&labels)) {
        acc = f(acc, s, fam.kind);
    }
    Ok(acc)
}

/// A metric's value: its own, plus its submetrics' (a root sums every series); a histogram's
/// is its count.
fn value(this: &Value, _: &[Value]) -> JsResult<Value> {
    let v =
        fold_series(this, 0.0, |acc, s, kind| acc + if kind == Kind::Histogram { s.count as f64 } else { s.value })?;
    Ok(Value::Number(v))
}

/// The last label value of this metric ("" for a root).
fn label(this: &Value, _: &[Value]) -> JsResult<Value> {
    Ok(Value::str(handle(this)?.1.last().map(String::as_str).unwrap_or("")))
}

/// How many numbers a value of this metric has: 1, or for a histogram its buckets, count and sum.
fn dimensions(this: &Value, _: &[Value]) -> JsResult<Value> {
    let (name, _) = handle(this)?;
    let d = registry().get(&name).map(|f| if f.kind == Kind::Histogram { f.bounds.len() + 2 } else { 1 }).unwrap_or(1);
    Ok(Value::Number(d as f64))
}

/// The metrics one label below this one, one per label value seen.
fn submetrics(this: &Value, _: &[Value]) -> JsResult<Value> {
    let (name, labels) = handle(this)?;
    let next: Vec<String> = {
        let reg = registry();
        let fam = reg.get(&name).ok_or_else(|| error::type_error("metric was not registered"))?;
        let mut v: Vec<String> = fam
            .series
            .keys()
            .filter(|k| k.len() > labels.len() && k.starts_with(&labels))
            .map(|k| k[labels.len()].clone())
            .collect();
        v.dedup();
        v
    };
    let Value::Object(o) = this else { return Err(error::type_error("not a stats metric")) };
    let subs = next
        .into_iter()
        .map(|l| {
            let mut labels = labels.clone();
            labels.push(l);
            Value::Object(Obj::new(o.proto(), ObjectKind::Host(Box::new(Handle { name: name.clone(), labels }))))
        })
        .collect();
    Ok(ops::new_array(subs))
}

/// Forgets every series under this metric.
fn clear(this: &Value, _: &[Value]) -> JsResult<Value> {
    let (name, labels) = handle(this)?;
    if let Some(f) = registry().get_mut(&name) {
        f.series.retain(|k, _| !k.starts_with(&labels));
    }
    Ok(Value::Undefined)
}

/// A histogram's percentiles: `percentile.calculate(p)` estimates the value under which `p`
/// percent of the observations fall (linear within a bucket, as the original does).
fn percentile(this: &Value, _: &[Value]) -> JsResult<Value> {
    let (name, _) = handle(this)?;
    let mut bounds = registry().get(&name).map(|f| f.bounds.clone()).unwrap_or_default();
    let (mut counts, total) = fold_series(this, (vec![0u64; bounds.len()], 0u64), |(mut c, n), s, _| {
        for (a, b) in c.iter_mut().zip(&s.buckets) {
            *a += b;
        }
        (c, n + s.count)
    })?;
    // What fell above the last bound is in an open bucket.
    let inside: u64 = counts.iter().sum();
    bounds.push(f64::INFINITY);
    counts.push(total.saturating_sub(inside));
    let p = Obj::ordinary();
    let calculate = move |_: &Value, args: &[Value], _: Option<&Obj>| -> JsResult<Value> {
        let pct = ops::to_number(&arg(args, 0))?;
        Ok(Value::Number(crate::algo::percentile::estimate(&bounds, &counts, total, pct)))
    };
    let f = pipy_value::function::native_function("calculate", 1, std::rc::Rc::new(calculate), false);
    p.define_value("calculate", Value::Object(f), pipy_value::attr::DEFAULT);
    Ok(Value::Object(p))
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
    let (name, mut values) = handle(this)?;
    let want = registry().get(&name).map(|f| f.labels.len()).unwrap_or(0);
    let more = args.iter().map(ops::to_rust_string).collect::<JsResult<Vec<_>>>()?;
    values.extend(more);
    if values.len() > want {
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
    util::getter(&proto, "label", label);
    util::getter(&proto, "dimensions", dimensions);
    util::method(&proto, "submetrics", 0, submetrics);
    util::method(&proto, "clear", 0, clear);
    if kind == Kind::Histogram {
        util::getter(&proto, "percentile", percentile);
    }
    PROTOS.with(|p| p.borrow_mut().push((kind, proto.clone())));
    util::namespace_class(stats, cname, 2, &proto, move |proto, args| {
        let h = register(kind, args)?;
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(h)))))
    });
}

/// `stats.sum(names)`: a promise of `{ name: metric }` for each name (metrics are kept for the
/// whole process, so their values are already the sum over every worker thread).
fn sum(_: &Value, args: &[Value]) -> JsResult<Value> {
    let names = strings(&arg(args, 0))?;
    let out = Obj::ordinary();
    let protos = PROTOS.with(|p| p.borrow().clone());
    for n in names {
        let kind = registry().get(&n).map(|f| f.kind);
        let Some(kind) = kind else { continue };
        let Some(proto) = protos.iter().find(|(k, _)| *k == kind).map(|(_, p)| p.clone()) else { continue };
        let h = Handle { name: n.clone(), labels: Vec::new() };
        out.define_value(
            n.as_str(),
            Value::Object(Obj::new(Some(proto), ObjectKind::Host(Box::new(h)))),
            pipy_value::attr::DEFAULT,
        );
    }
    let (promise, resolve, _) = crate::promise::new_promise();
    pipy_value::function::call(&resolve, &Value::Undefined, &[Value::Object(out)])?;
    Ok(Value::Object(promise))
}

thread_local! {
    /// Each metric class's prototype (for `stats.sum`).
    static PROTOS: std::cell::RefCell<Vec<(Kind, Obj)>> = const { std::cell::RefCell::new(Vec::new()) };
}

pub fn install() {
    let stats = Obj::ordinary();
    PROTOS.with(|p| p.borrow_mut().clear());
    class(&stats, Kind::Counter, "Counter");
    class(&stats, Kind::Gauge, "Gauge");
    class(&stats, Kind::Histogram, "Histogram");
    util::method(&stats, "sum", 1, sum);
    util::global("stats", Value::Object(stats));
}
