//! `algo.ResourcePool`: reusable resources kept per tag. `new algo.ResourcePool(allocator)`;
//! `pool.allocate(tag)` hands out the oldest freed resource of that tag, or, when there is none,
//! whatever `allocator(tag)` returns; `pool.free(resource)` puts a resource that `allocate` handed
//! out back under the tag it was last allocated for. The original has no other methods (no
//! per-tag free, no size limit, nothing is ever dropped).
//!
//! Tags and resources are compared as the original's value map compares them: strings by
//! content, numbers by value (`-0` is `0`), objects by identity. No tag, `undefined` and `null`
//! are all the tag `undefined` (the allocator sees `undefined`), a tag like any other. Freeing a
//! value the pool did not hand out, or freeing it twice, does nothing. An allocator that returns
//! a value already handed out (a string, say) re-tags that one entry, as in the original. An
//! allocator that throws makes `allocate` throw, with nothing recorded.
//!
//! Deliberate differences: NaN is one value here (the original's ordered map has no consistent
//! place for it), and calling `algo.ResourcePool(...)` without `new` throws, as every `algo`
//! class here does (the original returns undefined).

use super::{ValueKey, define_class, instance_proto, key_of, with_this};
use crate::util::{self, arg};
use pipy_value::error::{ErrorKind, make_error};
use pipy_value::{JsResult, Obj, ObjectKind, Value, function};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

struct PoolState {
    allocator: Value,
    /// Free resources per tag, oldest first. The tag value is kept beside its queue so that an
    /// object tag stays alive (its key is its address).
    free: HashMap<ValueKey, (Value, VecDeque<Value>)>,
    /// Resources handed out, by resource: the resource itself and the tag it was allocated for.
    allocated: HashMap<ValueKey, (Value, Value)>,
}

impl PoolState {
    fn take_free(&mut self, tag: &Value) -> Option<Value> {
        self.free.get_mut(&key_of(tag)).and_then(|(_, q)| q.pop_front())
    }

    fn record(&mut self, resource: Value, tag: Value) {
        self.allocated.insert(key_of(&resource), (resource, tag));
    }

    fn release(&mut self, resource: &Value) {
        let Some((resource, tag)) = self.allocated.remove(&key_of(resource)) else { return };
        self.free.entry(key_of(&tag)).or_insert_with(|| (tag, VecDeque::new())).1.push_back(resource);
    }
}

fn fail<T>(msg: &str) -> JsResult<T> {
    Err(make_error(ErrorKind::Error, msg))
}

fn state<R>(this: &Value, f: impl FnOnce(&mut PoolState) -> R) -> JsResult<R> {
    with_this(this, "ResourcePool method", f)
}

pub(super) fn install(ns: &Obj) {
    pipy_value::cycles::trace_host::<PoolState>(|p, v| {
        v.value(&p.allocator);
        for (tag, queue) in p.free.values() {
            v.value(tag);
            queue.iter().for_each(|r| v.value(r));
        }
        for (resource, tag) in p.allocated.values() {
            v.value(resource);
            v.value(tag);
        }
    });
    let proto = Obj::ordinary();
    let p = proto.clone();
    define_class(
        ns,
        "ResourcePool",
        1,
        &proto,
        Rc::new(move |_, args, nt| {
            let allocator = match args.first() {
                None => return fail("requires 1 or more arguments"),
                Some(f) if f.is_callable() => f.clone(),
                Some(_) => return fail("argument #1 expects a function"),
            };
            let state = PoolState { allocator, free: HashMap::new(), allocated: HashMap::new() };
            Ok(Value::Object(Obj::new(Some(instance_proto(nt, &p)?), ObjectKind::Host(Box::new(state)))))
        }),
    );
    util::method(&proto, "allocate", 1, allocate);
    util::method(&proto, "free", 1, free);
}

fn allocate(this: &Value, args: &[Value]) -> JsResult<Value> {
    // The original takes its optional tag argument as absent when it is null or undefined.
    let tag = match arg(args, 0) {
        Value::Null => Value::Undefined,
        v => v,
    };
    let (reused, allocator) = state(this, |p| (p.take_free(&tag), p.allocator.clone()))?;
    let resource = match reused {
        Some(r) => r,
        // The allocator is script code: it runs with no borrow of the pool held.
        None => function::call(&allocator, &Value::Undefined, std::slice::from_ref(&tag))?,
    };
    state(this, |p| p.record(resource.clone(), tag))?;
    Ok(resource)
}

fn free(this: &Value, args: &[Value]) -> JsResult<Value> {
    let Some(resource) = args.first() else { return fail("requires 1 or more arguments") };
    state(this, |p| p.release(resource))?;
    Ok(Value::Undefined)
}

#[cfg(test)]
mod tests {
    use crate::util::testing::*;
    use pipy_value::{Value, function, ops};

    #[test]
    fn reuses_per_tag_in_free_order() {
        setup();
        let Value::Object(c) = path("algo.ResourcePool") else { panic!("no ResourcePool") };
        let Value::Object(alloc) = path("String") else { panic!("no String") };
        let pool = function::construct(&c, &[Value::Object(alloc)], &c).unwrap_or_else(|e| panic!("threw {}", s(&e)));
        let m = |name: &str, args: &[Value]| {
            let f = ops::get_str(&pool, name).unwrap_or_default();
            function::call(&f, &pool, args).unwrap_or_else(|e| panic!("threw {}", s(&e)))
        };
        let a = m("allocate", &[Value::str("x")]);
        assert_eq!(s(&a), "x");
        m("free", std::slice::from_ref(&a));
        m("free", &[a]);
        assert_eq!(s(&m("allocate", &[Value::str("x")])), "x");
        assert_eq!(s(&m("allocate", &[Value::str("y")])), "y");
    }
}
