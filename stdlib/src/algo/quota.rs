//! `algo.Quota`: a token bucket. `consume(n)` takes up to `n` and says how much it got;
//! `produce(n)` adds (capped at `max`); with `per`, the bucket refills towards its initial amount
//! by `produce` every `per` seconds (all at once when `produce` is 0) after a consumption.
//!
//! The original runs a timer for the refill; here the refill ticks are computed lazily from the
//! elapsed time whenever the quota is read or changed, which gives the same amounts without
//! needing an event loop. (Waking queued consumers on refill belongs to the filters that use the
//! quota, not to this object.)

use super::{define_class, get_seconds, instance_proto, now_ms, option, with_this};
use crate::util::{self, arg};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, ops};
use std::rc::Rc;

pub(crate) struct QuotaState {
    initial: f64,
    current: f64,
    max: f64,
    per_ms: f64,
    produce: f64,
    /// When the next refill tick is due, if one is scheduled.
    next_tick: Option<f64>,
}

impl QuotaState {
    fn new(initial: f64, max: f64, per_seconds: f64, produce: f64) -> Self {
        QuotaState { initial, current: initial, max, per_ms: per_seconds * 1000.0, produce, next_tick: None }
    }

    /// Applies every refill tick due by `now`.
    fn catch_up(&mut self, now: f64) {
        while let Some(t) = self.next_tick {
            if t > now {
                break;
            }
            self.next_tick = None;
            let mut value = self.initial - self.current;
            if self.produce > 0.0 && self.produce < value {
                self.next_tick = Some(t + self.per_ms);
                value = self.produce;
            }
            self.add(value);
        }
    }

    fn add(&mut self, value: f64) {
        if value > 0.0 {
            self.current = self.max.min(self.current + value);
        }
    }

    fn produce(&mut self, now: f64, value: f64) {
        self.catch_up(now);
        self.add(value);
    }

    fn consume(&mut self, now: f64, value: f64) -> f64 {
        self.catch_up(now);
        if value.is_nan() || value <= 0.0 {
            return 0.0;
        }
        let granted = value.min(self.current);
        self.current -= granted;
        if self.next_tick.is_none() && self.per_ms > 0.0 {
            self.next_tick = Some(now + self.per_ms);
        }
        granted
    }

    fn reset(&mut self, now: f64) {
        self.catch_up(now);
        if self.current >= self.initial {
            self.current = self.initial;
        } else {
            self.add(self.initial - self.current);
        }
    }

    fn current(&mut self, now: f64) -> f64 {
        self.catch_up(now);
        self.current
    }
}

pub(super) fn install(ns: &Obj) {
    let proto = Obj::ordinary();
    let p = proto.clone();
    define_class(
        ns,
        "Quota",
        2,
        &proto,
        Rc::new(move |_, args, nt| {
            let initial = ops::to_number(&arg(args, 0))?;
            let initial = if initial.is_nan() { 0.0 } else { initial };
            let opts = arg(args, 1);
            let max = option(&opts, "max")?;
            let max = if max.is_nullish() { f64::INFINITY } else { ops::to_number(&max)? };
            let per = option(&opts, "per")?;
            let per = if per.is_nullish() {
                0.0
            } else {
                get_seconds(&per)
                    .ok_or_else(|| error::type_error("Quota: options.per expects a number or a duration string"))?
            };
            let produce = option(&opts, "produce")?;
            let produce = if produce.is_nullish() { 0.0 } else { ops::to_number(&produce)? };
            let state = QuotaState::new(initial, max, per, produce);
            Ok(Value::Object(Obj::new(Some(instance_proto(nt, &p)?), ObjectKind::Host(Box::new(state)))))
        }),
    );
    util::getter(&proto, "initial", |this, _| Ok(Value::Number(state(this, |q| q.initial)?)));
    util::getter(&proto, "current", |this, _| Ok(Value::Number(state(this, |q| q.current(now_ms()))?)));
    util::method(&proto, "reset", 0, |this, _| {
        state(this, |q| q.reset(now_ms()))?;
        Ok(Value::Undefined)
    });
    util::method(&proto, "produce", 1, |this, args| {
        let n = ops::to_number(&arg(args, 0))?;
        state(this, |q| q.produce(now_ms(), n))?;
        Ok(Value::Undefined)
    });
    util::method(&proto, "consume", 1, |this, args| {
        let n = ops::to_number(&arg(args, 0))?;
        Ok(Value::Number(state(this, |q| q.consume(now_ms(), n))?))
    });
}

fn state<R>(this: &Value, f: impl FnOnce(&mut QuotaState) -> R) -> JsResult<R> {
    with_this(this, "Quota method", f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::testing::*;
    use pipy_value::function;

    #[test]
    fn consume_produce_reset() {
        setup();
        let Value::Object(c) = path("algo.Quota") else { panic!("no Quota") };
        let q = function::construct(&c, &[Value::int(10)], &c).unwrap_or_else(|e| panic!("threw {}", s(&e)));
        let m = |name: &str, args: &[Value]| {
            let f = ops::get_str(&q, name).unwrap_or_default();
            s(&function::call(&f, &q, args).unwrap_or_else(|e| panic!("threw {}", s(&e))))
        };
        let get = |name: &str| s(&ops::get_str(&q, name).unwrap_or_default());
        assert_eq!(get("initial"), "10");
        assert_eq!(m("consume", &[Value::int(3)]), "3");
        assert_eq!(get("current"), "7");
        assert_eq!(m("consume", &[Value::int(10)]), "7");
        assert_eq!(m("consume", &[Value::int(1)]), "0");
        assert_eq!(m("consume", &[Value::int(-1)]), "0");
        m("produce", &[Value::int(4)]);
        assert_eq!(get("current"), "4");
        m("reset", &[]);
        assert_eq!(get("current"), "10");
        m("produce", &[Value::int(5)]);
        assert_eq!(get("current"), "15");
        m("reset", &[]);
        assert_eq!(get("current"), "10");
    }

    #[test]
    fn max_caps_production() {
        let mut q = QuotaState::new(5.0, 8.0, 0.0, 0.0);
        q.produce(0.0, 100.0);
        assert_eq!(q.current(0.0), 8.0);
    }

    #[test]
    fn periodic_refill_is_lazy() {
        // initial 10, refill 3 every second.
        let mut q = QuotaState::new(10.0, f64::INFINITY, 1.0, 3.0);
        assert_eq!(q.consume(0.0, 10.0), 10.0);
        assert_eq!(q.current(999.0), 0.0);
        assert_eq!(q.current(1000.0), 3.0);
        assert_eq!(q.current(2500.0), 6.0);
        assert_eq!(q.current(3000.0), 9.0);
        // The last tick only tops up to the initial amount.
        assert_eq!(q.current(10_000.0), 10.0);
        // Without `produce`, a tick refills completely.
        let mut q = QuotaState::new(10.0, f64::INFINITY, 2.0, 0.0);
        assert_eq!(q.consume(0.0, 4.0), 4.0);
        assert_eq!(q.current(1999.0), 6.0);
        assert_eq!(q.current(2000.0), 10.0);
    }
}
