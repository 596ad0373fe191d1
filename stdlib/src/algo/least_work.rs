//! `algo.LeastWorkLoadBalancer`: picks the healthy target with the least outstanding work per
//! unit of weight; a pick adds one unit of work to its target, `deselect` (a freed resource or a
//! closed session) takes it back. Ties go to the earliest target.

use super::balancer::{self, Algo, TargetSpec};
use super::define_class;
use pipy_value::{Obj, Value};
use std::rc::Rc;

pub(crate) struct LeastWork {
    /// (target, weight, outstanding work)
    targets: Vec<(Rc<str>, f64, f64)>,
}

impl LeastWork {
    pub(crate) fn new(targets: Vec<TargetSpec>) -> LeastWork {
        LeastWork { targets: targets.into_iter().map(|(t, w)| (t, w, 0.0)).collect() }
    }

    pub(crate) fn select(&mut self, _key: &Value, healthy: &dyn Fn(&str) -> bool) -> Option<Rc<str>> {
        let mut best: Option<(usize, f64)> = None;
        for (i, (t, w, load)) in self.targets.iter().enumerate() {
            if *w <= 0.0 || !healthy(t) {
                continue;
            }
            let cost = load / w;
            if best.is_none_or(|(_, c)| cost < c) {
                best = Some((i, cost));
            }
        }
        let (i, _) = best?;
        self.targets[i].2 += 1.0;
        Some(self.targets[i].0.clone())
    }

    pub(crate) fn deselect(&mut self, id: &str) {
        if let Some(t) = self.targets.iter_mut().find(|t| &*t.0 == id) {
            t.2 = (t.2 - 1.0).max(0.0);
        }
    }
}

pub(super) fn install(ns: &Obj, base: &Obj, res_proto: &Obj) {
    let proto = Obj::new(Some(base.clone()), pipy_value::ObjectKind::Ordinary);
    let ctor = balancer::constructor(&proto, res_proto, |t| Algo::LeastWork(LeastWork::new(t)));
    define_class(ns, "LeastWorkLoadBalancer", 1, &proto, ctor);
}
