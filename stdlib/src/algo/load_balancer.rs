//! `algo.LoadBalancer(targets, { algorithm, key, weight, capacity })`: the 1.x balancer over any
//! target values. `allocate(tag?, validator?)` returns `{ target, free() }` (or undefined when
//! every target is full or rejected): `'round-robin'` (smooth weighted, the default) or
//! `'least-load'`; a `tag` keeps getting the same target until that allocation is freed;
//! `capacity(target)` caps concurrent allocations. `provision(targets)` replaces the targets
//! (allocations in flight keep theirs); `schedule()` is accepted for compatibility.

use super::{ValueKey, define_class, instance_proto, key_of, option, with_this};
use crate::util::{self, arg};
use pipy_value::{JsResult, Obj, ObjectKind, Value, attr, error, function, ops};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::{Rc, Weak};

struct Target {
    value: Value,
    weight: f64,
    capacity: Option<f64>,
    score: f64,
    load: f64,
}

struct Lb {
    targets: Vec<Target>,
    least_load: bool,
    key_fn: Value,
    weight_fn: Value,
    capacity_fn: Value,
    /// Sticky allocations by tag.
    tagged: HashMap<ValueKey, Obj>,
    alloc_proto: Obj,
}

struct LbHost(Rc<RefCell<Lb>>);

struct Allocation {
    lb: Weak<RefCell<Lb>>,
    target_key: String,
    tag: Option<ValueKey>,
    freed: bool,
}

fn target_key(lb: &Lb, v: &Value) -> JsResult<String> {
    if lb.key_fn.is_callable() {
        ops::to_rust_string(&function::call(&lb.key_fn, &Value::Undefined, std::slice::from_ref(v))?)
    } else {
        ops::to_rust_string(v)
    }
}

fn provision(lb: &mut Lb, list: &Value) -> JsResult<()> {
    let values = match list {
        Value::Object(o) if o.is_array() => o.array_elements().unwrap_or_default(),
        v if v.is_nullish() => Vec::new(),
        _ => return Err(error::type_error("LoadBalancer: targets must be an array")),
    };
    let mut targets = Vec::new();
    for v in values {
        let v = v.unhole();
        let weight = if lb.weight_fn.is_callable() {
            ops::to_number(&function::call(&lb.weight_fn, &Value::Undefined, std::slice::from_ref(&v))?)?
        } else {
            1.0
        };
        let capacity = if lb.capacity_fn.is_callable() {
            Some(ops::to_number(&function::call(&lb.capacity_fn, &Value::Undefined, std::slice::from_ref(&v))?)?)
        } else {
            None
        };
        let key = target_key(lb, &v)?;
        let load =
            lb.targets.iter().find(|t| target_key(lb, &t.value).ok().as_deref() == Some(&key)).map_or(0.0, |t| t.load);
        targets.push(Target { value: v, weight, capacity, score: 0.0, load });
    }
    lb.targets = targets;
    Ok(())
}

fn pick(lb: &mut Lb, validator: &Value) -> JsResult<Option<usize>> {
    let mut ok = Vec::new();
    for (i, t) in lb.targets.iter().enumerate() {
        if t.weight <= 0.0 || t.capacity.is_some_and(|c| t.load >= c) {
            continue;
        }
        if validator.is_callable()
            && !function::call(validator, &Value::Undefined, std::slice::from_ref(&t.value))?.truthy()
        {
            continue;
        }
        ok.push(i);
    }
    if ok.is_empty() {
        return Ok(None);
    }
    if lb.least_load {
        let best = ok.iter().copied().min_by(|&a, &b| {
            let (x, y) = (&lb.targets[a], &lb.targets[b]);
            (x.load / x.weight).total_cmp(&(y.load / y.weight))
        });
        return Ok(best);
    }
    let total: f64 = ok.iter().map(|&i| lb.targets[i].weight).sum();
    let mut best = ok[0];
    for &i in &ok {
        lb.targets[i].score += lb.targets[i].weight;
        if lb.targets[i].score > lb.targets[best].score {
            best = i;
        }
    }
    lb.targets[best].score -= total;
    Ok(Some(best))
}

fn allocate(this: &Value, args: &[Value]) -> JsResult<Value> {
    let lb = with_this(this, "LoadBalancer.allocate", |h: &mut LbHost| h.0.clone())?;
    let tag = arg(args, 0);
    let validator = arg(args, 1);
    let tag_key = if tag.is_nullish() { None } else { Some(key_of(&tag)) };
    if let Some(k) = &tag_key {
        let existing = lb.borrow().tagged.get(k).cloned();
        if let Some(a) = existing {
            return Ok(Value::Object(a));
        }
    }
    let mut l = lb.borrow_mut();
    let Some(i) = pick(&mut l, &validator)? else { return Ok(Value::Undefined) };
    l.targets[i].load += 1.0;
    let target = l.targets[i].value.clone();
    let key = target_key(&l, &target)?;
    let a = Obj::new(
        Some(l.alloc_proto.clone()),
        ObjectKind::Host(Box::new(Allocation {
            lb: Rc::downgrade(&lb),
            target_key: key,
            tag: tag_key.clone(),
            freed: false,
        })),
    );
    a.define_value("target", target, attr::ENUMERABLE);
    if let Some(k) = tag_key {
        l.tagged.insert(k, a.clone());
    }
    Ok(Value::Object(a))
}

fn free(this: &Value, _: &[Value]) -> JsResult<Value> {
    let (lb, key, tag) = with_this(this, "LoadBalancer allocation free", |a: &mut Allocation| {
        let first = !a.freed;
        a.freed = true;
        first.then(|| (a.lb.clone(), a.target_key.clone(), a.tag.clone()))
    })?
    .map_or((Weak::new(), String::new(), None), |x| x);
    let Some(lb) = lb.upgrade() else { return Ok(Value::Undefined) };
    let mut l = lb.borrow_mut();
    let idx = (0..l.targets.len()).find(|&i| target_key(&l, &l.targets[i].value).ok().as_deref() == Some(&key));
    if let Some(i) = idx {
        l.targets[i].load = (l.targets[i].load - 1.0).max(0.0);
    }
    if let Some(t) = tag {
        l.tagged.remove(&t);
    }
    Ok(Value::Undefined)
}

pub(super) fn install(ns: &Obj) {
    let proto = Obj::ordinary();
    let alloc_proto = Obj::ordinary();
    util::method(&alloc_proto, "free", 0, free);
    util::method(&proto, "allocate", 2, allocate);
    util::method(&proto, "provision", 1, |this, args| {
        let lb = with_this(this, "LoadBalancer.provision", |h: &mut LbHost| h.0.clone())?;
        provision(&mut lb.borrow_mut(), &arg(args, 0))?;
        Ok(Value::Undefined)
    });
    util::method(&proto, "schedule", 1, |_, _| Ok(Value::Undefined));
    let p2 = proto.clone();
    let ctor: pipy_value::function::NativeFn = Rc::new(move |_, args, nt| {
        let opts = arg(args, 1);
        let least_load = match option(&opts, "algorithm")? {
            Value::Undefined => false,
            v => match ops::to_rust_string(&v)?.as_str() {
                "round-robin" => false,
                "least-load" | "least-work" => true,
                other => return Err(error::type_error(&format!("LoadBalancer: unknown algorithm '{other}'"))),
            },
        };
        let mut lb = Lb {
            targets: Vec::new(),
            least_load,
            key_fn: option(&opts, "key")?,
            weight_fn: option(&opts, "weight")?,
            capacity_fn: option(&opts, "capacity")?,
            tagged: HashMap::new(),
            alloc_proto: alloc_proto.clone(),
        };
        provision(&mut lb, &arg(args, 0))?;
        let host = LbHost(Rc::new(RefCell::new(lb)));
        Ok(Value::Object(Obj::new(Some(instance_proto(nt, &p2)?), ObjectKind::Host(Box::new(host)))))
    });
    define_class(ns, "LoadBalancer", 2, &proto, ctor);
}
