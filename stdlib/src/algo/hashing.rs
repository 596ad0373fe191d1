//! `algo.HashingLoadBalancer`: the same key always maps to the same healthy target (the key's
//! stable hash modulo the healthy targets). `add(target)` adds a target.

use super::balancer::{self, Algo, TargetSpec, balancer_of};
use super::{define_class, hash_value};
use crate::util::{self, arg};
use pipy_value::{JsResult, Obj, Value, ops};
use std::rc::Rc;

pub(crate) struct Hashing {
    targets: Vec<Rc<str>>,
}

impl Hashing {
    pub(crate) fn new(targets: Vec<TargetSpec>) -> Hashing {
        Hashing { targets: targets.into_iter().filter(|(_, w)| *w > 0.0).map(|(t, _)| t).collect() }
    }

    pub(crate) fn select(&mut self, key: &Value, healthy: &dyn Fn(&str) -> bool) -> Option<Rc<str>> {
        let live: Vec<&Rc<str>> = self.targets.iter().filter(|t| healthy(t)).collect();
        if live.is_empty() {
            return None;
        }
        let h = hash_value(key);
        Some(live[(h % live.len() as u64) as usize].clone())
    }
}

pub(super) fn install(ns: &Obj, base: &Obj, res_proto: &Obj) {
    let proto = Obj::new(Some(base.clone()), pipy_value::ObjectKind::Ordinary);
    util::method(&proto, "add", 1, add);
    let ctor = balancer::constructor(&proto, res_proto, |t| Algo::Hashing(Hashing::new(t)));
    define_class(ns, "HashingLoadBalancer", 1, &proto, ctor);
}

fn add(this: &Value, args: &[Value]) -> JsResult<Value> {
    let lb = balancer_of(this, "HashingLoadBalancer.add")?;
    let t: Rc<str> = ops::to_rust_string(&arg(args, 0))?.into();
    if let Algo::Hashing(h) = &mut lb.borrow_mut().algo {
        if !h.targets.contains(&t) {
            h.targets.push(t);
        }
    }
    Ok(Value::Undefined)
}
