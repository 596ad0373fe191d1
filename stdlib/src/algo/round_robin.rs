//! `algo.RoundRobinLoadBalancer`: smooth weighted round robin (each pick adds every healthy
//! target's weight to its running score, takes the highest and subtracts the total), so weights
//! 2:1:1 give a,b,a,c and never a burst of the heavy target. `set(target, weight)` changes a
//! weight (0 takes a target out).

use super::balancer::{self, Algo, TargetSpec, balancer_of};
use super::define_class;
use crate::util::{self, arg};
use pipy_value::{JsResult, Obj, Value, ops};
use std::rc::Rc;

pub(crate) struct RoundRobin {
    targets: Vec<(Rc<str>, f64, f64)>,
}

impl RoundRobin {
    pub(crate) fn new(targets: Vec<TargetSpec>) -> RoundRobin {
        RoundRobin { targets: targets.into_iter().map(|(t, w)| (t, w, 0.0)).collect() }
    }

    pub(crate) fn select(&mut self, _key: &Value, healthy: &dyn Fn(&str) -> bool) -> Option<Rc<str>> {
        let mut total = 0.0;
        let mut best: Option<usize> = None;
        for i in 0..self.targets.len() {
            let (t, w, _) = &self.targets[i];
            if *w <= 0.0 || !healthy(t) {
                continue;
            }
            let w = *w;
            self.targets[i].2 += w;
            total += w;
            if best.is_none_or(|b| self.targets[i].2 > self.targets[b].2) {
                best = Some(i);
            }
        }
        let b = best?;
        self.targets[b].2 -= total;
        Some(self.targets[b].0.clone())
    }

    pub(crate) fn set(&mut self, target: Rc<str>, weight: f64) {
        match self.targets.iter_mut().find(|t| t.0 == target) {
            Some(t) => t.1 = weight,
            None => self.targets.push((target, weight, 0.0)),
        }
    }
}

pub(super) fn install(ns: &Obj, base: &Obj, res_proto: &Obj) {
    let proto = Obj::new(Some(base.clone()), pipy_value::ObjectKind::Ordinary);
    util::method(&proto, "set", 2, set);
    let ctor = balancer::constructor(&proto, res_proto, |t| Algo::RoundRobin(RoundRobin::new(t)));
    define_class(ns, "RoundRobinLoadBalancer", 1, &proto, ctor);
}

fn set(this: &Value, args: &[Value]) -> JsResult<Value> {
    let lb = balancer_of(this, "RoundRobinLoadBalancer.set")?;
    let target: Rc<str> = ops::to_rust_string(&arg(args, 0))?.into();
    let weight = match arg(args, 1) {
        Value::Undefined => 1.0,
        w => ops::to_number(&w)?,
    };
    if let Algo::RoundRobin(rr) = &mut lb.borrow_mut().algo {
        rr.set(target, weight);
    }
    Ok(Value::Undefined)
}

#[cfg(test)]
mod tests {
    use super::super::balancer::tests::{id, m, new_lb, strs, weights};
    use crate::util::testing::*;
    use pipy_value::{Obj, Value};

    #[test]
    fn rotates_in_order_without_a_borrower() {
        setup();
        let lb = new_lb("RoundRobinLoadBalancer", &[strs(&["A", "B", "C"])]);
        let picks: Vec<String> = (0..10).map(|_| id(&m(&lb, "next", &[]))).collect();
        assert_eq!(picks, ["A", "B", "C", "A", "B", "C", "A", "B", "C", "A"]);
    }

    #[test]
    fn weights_set_the_share_and_a_borrower_sticks() {
        setup();
        let lb = new_lb("RoundRobinLoadBalancer", &[weights(&[("a", 2), ("b", 1), ("c", 1)])]);
        let mut counts = std::collections::HashMap::new();
        for _ in 0..400 {
            *counts.entry(s(&m(&lb, "select", &[]))).or_insert(0) += 1;
        }
        assert_eq!((counts["a"], counts["b"], counts["c"]), (200, 100, 100));
        let who = Value::Object(Obj::ordinary());
        let first = id(&m(&lb, "next", std::slice::from_ref(&who)));
        for _ in 0..5 {
            assert_eq!(id(&m(&lb, "next", std::slice::from_ref(&who))), first);
        }
    }
}
