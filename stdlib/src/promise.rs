//! `Promise` as the spec defines it: the constructor, `then`/`catch`/`finally`, the statics
//! (`resolve`, `reject`, `all`, `allSettled`, `race`, `any`), reaction jobs queued as realm
//! microtasks, and the Rust-side API the engine uses (`new_promise`, `promise_resolve`, `state`,
//! `then_native`) plus unhandled-rejection tracking for the host.

use crate::util::{self, arg};
use pipy_engine::pipeline::context;
use pipy_value::function::{self, NativeFn};
use pipy_value::{JsResult, Obj, ObjectKind, PropKey, Value, attr, error, ops, realm};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

enum PState {
    Pending,
    Fulfilled(Value),
    Rejected(Value),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum ReactionKind {
    Fulfill,
    Reject,
}

/// PromiseCapability: a promise and the functions that settle it.
#[derive(Clone)]
struct Capability {
    promise: Value,
    resolve: Value,
    reject: Value,
}

#[derive(Clone)]
struct Reaction {
    /// None for internal reactions (`then_native`), whose results go nowhere.
    capability: Option<Capability>,
    kind: ReactionKind,
    handler: Option<Value>,
    /// The pipeline context current when `then` was called: the handler runs in it, so
    /// context variables it sets belong to the stream that asked (not to whoever settled).
    context: Rc<context::Context>,
}

pub struct PromiseData {
    state: PState,
    fulfill_reactions: Vec<Reaction>,
    reject_reactions: Vec<Reaction>,
    is_handled: bool,
}

/// The per-realm list of rejected promises nobody handled yet (held in the realm registry).
struct Unhandled(Vec<Obj>);

fn unhandled_list() -> Obj {
    if let Some(Value::Object(o)) = realm::registered("Promise.unhandled") {
        return o;
    }
    let o = Obj::new(None, ObjectKind::Host(Box::new(Unhandled(Vec::new()))));
    realm::register("Promise.unhandled", Value::Object(o.clone()));
    o
}

/// Reasons of the promises rejected without a handler since the last call (and still unhandled).
pub fn take_unhandled_rejections() -> Vec<Value> {
    let list = unhandled_list();
    let promises = list.with_host(|u: &mut Unhandled| std::mem::take(&mut u.0)).unwrap_or_default();
    promises.iter().filter_map(|p| state(p).map(|(_, v)| v)).collect()
}

fn is_promise_obj(o: &Obj) -> bool {
    o.is_host::<PromiseData>()
}

pub fn is_promise(v: &Value) -> bool {
    matches!(v, Value::Object(o) if is_promise_obj(o))
}

/// The state of a promise and its value/reason (undefined while pending); None for non-promises.
pub fn state(p: &Obj) -> Option<(&'static str, Value)> {
    p.with_host(|d: &mut PromiseData| match &d.state {
        PState::Pending => ("pending", Value::Undefined),
        PState::Fulfilled(v) => ("fulfilled", v.clone()),
        PState::Rejected(v) => ("rejected", v.clone()),
    })
}

fn closure(name: &str, len: u32, f: impl Fn(&Value, &[Value]) -> JsResult<Value> + 'static) -> Value {
    let nf: NativeFn = Rc::new(move |this, args, _| f(this, args));
    Value::Object(function::native_function(name, len, nf, false))
}

fn promise_prototype() -> Obj {
    match realm::registered("Promise.prototype") {
        Some(Value::Object(o)) => o,
        _ => realm::intrinsics().object_prototype.clone(),
    }
}

fn promise_ctor_obj() -> Option<Obj> {
    realm::registered("Promise").and_then(|v| v.as_object().cloned())
}

fn alloc_promise(proto: Obj) -> Obj {
    let data = PromiseData {
        state: PState::Pending,
        fulfill_reactions: Vec::new(),
        reject_reactions: Vec::new(),
        is_handled: false,
    };
    Obj::new(Some(proto), ObjectKind::Host(Box::new(data)))
}

/// A pending promise with `Promise.prototype` and its resolve/reject functions.
pub fn new_promise() -> (Obj, Value, Value) {
    let p = alloc_promise(promise_prototype());
    let (res, rej) = resolving_functions(&p);
    (p, res, rej)
}

/// What a promise's resolve and reject functions share: the promise, and whether either was
/// called. Kept in an object the two functions hold as data, so the cycle collector sees it.
struct Resolving {
    promise: Obj,
    already: bool,
}

/// The promise to settle, once: None when a resolving function was called before.
fn first_settlement(data: &[Value]) -> Option<Obj> {
    let Some(Value::Object(record)) = data.first() else { return None };
    record
        .with_host(
            |r: &mut Resolving| if std::mem::replace(&mut r.already, true) { None } else { Some(r.promise.clone()) },
        )
        .flatten()
}

/// CreateResolvingFunctions.
fn resolving_functions(p: &Obj) -> (Value, Value) {
    let record =
        Value::Object(Obj::new(None, ObjectKind::Host(Box::new(Resolving { promise: p.clone(), already: false }))));
    let resolve = function::native_with_data("", 1, vec![record.clone()], |data, _, args| {
        if let Some(p) = first_settlement(data) {
            resolve_promise(&p, arg(args, 0));
        }
        Ok(Value::Undefined)
    });
    let reject = function::native_with_data("", 1, vec![record], |data, _, args| {
        if let Some(p) = first_settlement(data) {
            reject_promise(&p, arg(args, 0));
        }
        Ok(Value::Undefined)
    });
    (Value::Object(resolve), Value::Object(reject))
}

/// What a promise holds, for the cycle collector: its result and its reactions (their
/// handlers, the promises they settle, and the contexts they run in).
fn trace_promise(d: &PromiseData, v: &mut pipy_value::cycles::Visitor<'_>) {
    match &d.state {
        PState::Fulfilled(x) | PState::Rejected(x) => v.value(x),
        PState::Pending => {}
    }
    for r in d.fulfill_reactions.iter().chain(&d.reject_reactions) {
        if let Some(c) = &r.capability {
            v.value(&c.promise);
            v.value(&c.resolve);
            v.value(&c.reject);
        }
        if let Some(h) = &r.handler {
            v.value(h);
        }
        v.node(&r.context);
    }
}

/// The body of a resolve function once it has not been called before.
fn resolve_promise(p: &Obj, resolution: Value) {
    let Value::Object(r) = &resolution else { return fulfill_promise(p, resolution) };
    if r.ptr_eq(p) {
        return reject_promise(p, error::type_error("Chaining cycle detected for promise #<Promise>"));
    }
    let then = match ops::get_str(&resolution, "then") {
        Ok(t) => t,
        Err(e) => return reject_promise(p, e),
    };
    if !then.is_callable() {
        return fulfill_promise(p, resolution);
    }
    // NewPromiseResolveThenableJob: the thenable's `then` runs in its own tick.
    let p = p.clone();
    realm::enqueue_microtask(Box::new(move || {
        let (res, rej) = resolving_functions(&p);
        if let Err(e) = function::call(&then, &resolution, &[res, rej.clone()]) {
            let _ = function::call(&rej, &Value::Undefined, &[e]);
        }
    }));
}

fn settle(p: &Obj, kind: ReactionKind, v: Value) {
    let taken = p.with_host(|d: &mut PromiseData| {
        if !matches!(d.state, PState::Pending) {
            return None;
        }
        d.state = match kind {
            ReactionKind::Fulfill => PState::Fulfilled(v.clone()),
            ReactionKind::Reject => PState::Rejected(v.clone()),
        };
        let f = std::mem::take(&mut d.fulfill_reactions);
        let r = std::mem::take(&mut d.reject_reactions);
        Some((if kind == ReactionKind::Fulfill { f } else { r }, d.is_handled))
    });
    let Some((reactions, handled)) = taken.flatten() else { return };
    if kind == ReactionKind::Reject && !handled {
        unhandled_list().with_host(|u: &mut Unhandled| u.0.push(p.clone()));
    }
    for r in reactions {
        enqueue_reaction(r, v.clone());
    }
}

fn fulfill_promise(p: &Obj, v: Value) {
    settle(p, ReactionKind::Fulfill, v)
}

fn reject_promise(p: &Obj, reason: Value) {
    settle(p, ReactionKind::Reject, reason)
}

/// NewPromiseReactionJob, queued.
fn enqueue_reaction(r: Reaction, argument: Value) {
    realm::enqueue_microtask(Box::new(move || {
        let _in = context::enter(&r.context);
        let result = match &r.handler {
            None if r.kind == ReactionKind::Fulfill => Ok(argument),
            None => Err(argument),
            Some(h) => function::call(h, &Value::Undefined, &[argument]),
        };
        if let Some(cap) = r.capability {
            let _ = match result {
                Ok(v) => function::call(&cap.resolve, &Value::Undefined, &[v]),
                Err(e) => function::call(&cap.reject, &Value::Undefined, &[e]),
            };
        }
    }));
}

/// PerformPromiseThen (the caller has checked that `p` is a promise).
fn perform_then(p: &Obj, on_fulfilled: Value, on_rejected: Value, capability: Option<Capability>) {
    let handler = |v: Value| if v.is_callable() { Some(v) } else { None };
    let ctx = context::current();
    let fr = Reaction {
        capability: capability.clone(),
        kind: ReactionKind::Fulfill,
        handler: handler(on_fulfilled),
        context: ctx.clone(),
    };
    let rr = Reaction { capability, kind: ReactionKind::Reject, handler: handler(on_rejected), context: ctx };
    let settled = p.with_host(|d: &mut PromiseData| {
        let was_handled = d.is_handled;
        d.is_handled = true;
        match &d.state {
            PState::Pending => {
                d.fulfill_reactions.push(fr.clone());
                d.reject_reactions.push(rr.clone());
                None
            }
            PState::Fulfilled(v) => Some((fr.clone(), v.clone(), true)),
            PState::Rejected(v) => Some((rr.clone(), v.clone(), was_handled)),
        }
    });
    if let Some(Some((reaction, v, was_handled))) = settled {
        if !was_handled {
            unhandled_list().with_host(|u: &mut Unhandled| u.0.retain(|x| !x.ptr_eq(p)));
        }
        enqueue_reaction(reaction, v);
    }
}

/// `p.then(on_fulfilled, on_rejected)` without a derived promise (for `await` and host code).
pub fn then_native(p: &Obj, on_fulfilled: Value, on_rejected: Value) -> JsResult<()> {
    if !is_promise_obj(p) {
        return error::throw_type("then_native: not a promise");
    }
    perform_then(p, on_fulfilled, on_rejected, None);
    Ok(())
}

/// NewPromiseCapability(C).
fn new_capability(c: &Value) -> JsResult<Capability> {
    let Value::Object(co) = c else { return error::throw_type("Promise capability target is not a constructor") };
    if promise_ctor_obj().is_some_and(|pc| pc.ptr_eq(co)) {
        let (p, resolve, reject) = new_promise();
        return Ok(Capability { promise: Value::Object(p), resolve, reject });
    }
    if !co.is_constructor() {
        return error::throw_type(&format!("{} is not a constructor", ops::describe(c)));
    }
    let slots: Rc<RefCell<(Value, Value)>> = Rc::new(RefCell::new((Value::Undefined, Value::Undefined)));
    let s2 = slots.clone();
    let executor = closure("", 2, move |_, args| {
        let mut s = s2.borrow_mut();
        if !s.0.is_undefined() || !s.1.is_undefined() {
            return error::throw_type("Promise executor has already been invoked with non-undefined arguments");
        }
        *s = (arg(args, 0), arg(args, 1));
        Ok(Value::Undefined)
    });
    let promise = function::construct(co, &[executor], co)?;
    let (resolve, reject) = slots.borrow().clone();
    if !resolve.is_callable() || !reject.is_callable() {
        return error::throw_type("Promise resolve or reject function is not callable");
    }
    Ok(Capability { promise, resolve, reject })
}

/// PromiseResolve(C, x).
fn promise_resolve_with(c: &Value, x: Value) -> JsResult<Value> {
    if is_promise(&x) {
        let xc = ops::get_str(&x, "constructor")?;
        if ops::strict_equals(&xc, c) {
            return Ok(x);
        }
    }
    let cap = new_capability(c)?;
    function::call(&cap.resolve, &Value::Undefined, &[x])?;
    Ok(cap.promise)
}

/// `Promise.resolve(v)` with the intrinsic constructor.
pub fn promise_resolve(v: Value) -> JsResult<Obj> {
    let c = promise_ctor_obj().map(Value::Object).unwrap_or_default();
    match promise_resolve_with(&c, v)? {
        Value::Object(o) => Ok(o),
        _ => error::throw_type("Promise.resolve did not produce an object"),
    }
}

fn species_constructor(o: &Value) -> JsResult<Value> {
    let default = || Ok(promise_ctor_obj().map(Value::Object).unwrap_or_default());
    let c = ops::get_str(o, "constructor")?;
    if c.is_undefined() {
        return default();
    }
    if !c.is_object() {
        return error::throw_type("The .constructor property is not an object");
    }
    let s = ops::get(&c, &PropKey::Symbol(realm::intrinsics().sym_species.clone()))?;
    match &s {
        Value::Undefined | Value::Null => default(),
        Value::Object(f) if f.is_constructor() => Ok(s),
        _ => error::throw_type("object.constructor[Symbol.species] is not a constructor"),
    }
}

fn promise_ctor(_: &Value, args: &[Value], new_target: Option<&Obj>) -> JsResult<Value> {
    let Some(nt) = new_target else {
        return error::throw_type("Promise constructor cannot be invoked without 'new'");
    };
    let executor = arg(args, 0);
    if !executor.is_callable() {
        return error::throw_type(&format!("Promise resolver {} is not a function", ops::describe(&executor)));
    }
    let proto = function::prototype_from_ctor(nt, |_| promise_prototype())?;
    let p = alloc_promise(proto);
    let (res, rej) = resolving_functions(&p);
    if let Err(e) = function::call(&executor, &Value::Undefined, &[res, rej.clone()]) {
        function::call(&rej, &Value::Undefined, &[e])?;
    }
    Ok(Value::Object(p))
}

fn then(this: &Value, args: &[Value]) -> JsResult<Value> {
    let Value::Object(p) = this else { return error::throw_type("Promise.prototype.then called on a non-object") };
    if !is_promise_obj(p) {
        return error::throw_type("Method Promise.prototype.then called on incompatible receiver");
    }
    let c = species_constructor(this)?;
    let cap = new_capability(&c)?;
    let promise = cap.promise.clone();
    perform_then(p, value_handler(arg(args, 0)), value_handler(arg(args, 1)), Some(cap));
    Ok(promise)
}

/// PipyJS: `promise.then(new StreamEnd)` settles with the event itself (the original's
/// `Timeout(5).wait().then(new StreamEnd)` idiom), as does a Message or other Pipy object given
/// where a handler goes; on rejection it fulfills with it. Anything else that is not callable is
/// ignored, as ECMAScript says.
fn value_handler(v: Value) -> Value {
    let is_host = |o: &Obj| matches!(o.borrow().kind, ObjectKind::Host(_));
    match &v {
        Value::Object(o) if !v.is_callable() && is_host(o) => closure("", 1, move |_, _| Ok(v.clone())),
        _ => v,
    }
}

fn catch(this: &Value, args: &[Value]) -> JsResult<Value> {
    ops::invoke(this, "then", &[Value::Undefined, arg(args, 0)])
}

fn finally(this: &Value, args: &[Value]) -> JsResult<Value> {
    if !this.is_object() {
        return error::throw_type("Promise.prototype.finally called on a non-object");
    }
    let c = species_constructor(this)?;
    let on_finally = arg(args, 0);
    if !on_finally.is_callable() {
        return ops::invoke(this, "then", &[on_finally.clone(), on_finally]);
    }
    let (f1, c1) = (on_finally.clone(), c.clone());
    let then_finally = closure("", 1, move |_, a| {
        let value = arg(a, 0);
        let result = function::call(&f1, &Value::Undefined, &[])?;
        let p = promise_resolve_with(&c1, result)?;
        let thunk = closure("", 0, move |_, _| Ok(value.clone()));
        ops::invoke(&p, "then", &[thunk])
    });
    let catch_finally = closure("", 1, move |_, a| {
        let reason = arg(a, 0);
        let result = function::call(&on_finally, &Value::Undefined, &[])?;
        let p = promise_resolve_with(&c, result)?;
        let thrower = closure("", 0, move |_, _| Err(reason.clone()));
        ops::invoke(&p, "then", &[thrower])
    });
    ops::invoke(this, "then", &[then_finally, catch_finally])
}

fn static_resolve(this: &Value, args: &[Value]) -> JsResult<Value> {
    if !this.is_object() {
        return error::throw_type("PromiseResolve called on non-object");
    }
    promise_resolve_with(this, arg(args, 0))
}

fn static_reject(this: &Value, args: &[Value]) -> JsResult<Value> {
    let cap = new_capability(this)?;
    function::call(&cap.reject, &Value::Undefined, &[arg(args, 0)])?;
    Ok(cap.promise)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Combinator {
    All,
    AllSettled,
    Any,
    Race,
}

fn settled_record(fulfilled: bool, v: Value) -> Value {
    let o = Obj::ordinary();
    o.define_value("status", Value::str(if fulfilled { "fulfilled" } else { "rejected" }), attr::DEFAULT);
    o.define_value(if fulfilled { "value" } else { "reason" }, v, attr::DEFAULT);
    Value::Object(o)
}

fn aggregate_error(errors: Vec<Value>) -> Value {
    let msg = "All promises were rejected";
    let global = Value::Object(realm::intrinsics().global.clone());
    if let Ok(Value::Object(ctor)) = ops::get_str(&global, "AggregateError") {
        if ctor.is_constructor() {
            if let Ok(e) = function::construct(&ctor, &[ops::new_array(errors.clone()), Value::str(msg)], &ctor) {
                return e;
            }
        }
    }
    let e = error::make_error(pipy_value::ErrorKind::Error, msg);
    if let Value::Object(o) = &e {
        o.define_hidden("name", Value::str("AggregateError"));
        o.define_hidden("errors", ops::new_array(errors));
        pipy_value::error::attach_stack(o, "AggregateError", msg);
    }
    e
}

/// Per-element closure: records `v` at `index` (once) and settles when the count reaches zero.
fn element_fn(
    kind: Combinator,
    fulfilled: bool,
    index: usize,
    values: &Rc<RefCell<Vec<Value>>>,
    remaining: &Rc<Cell<usize>>,
    cap: &Capability,
    called: &Rc<Cell<bool>>,
) -> Value {
    let (values, remaining, cap, called) = (values.clone(), remaining.clone(), cap.clone(), called.clone());
    closure("", 1, move |_, a| {
        if called.replace(true) {
            return Ok(Value::Undefined);
        }
        let v = arg(a, 0);
        let v = if kind == Combinator::AllSettled { settled_record(fulfilled, v) } else { v };
        if let Some(slot) = values.borrow_mut().get_mut(index) {
            *slot = v;
        }
        remaining.set(remaining.get().saturating_sub(1));
        if remaining.get() == 0 {
            finish(kind, &values, &cap)?;
        }
        Ok(Value::Undefined)
    })
}

fn finish(kind: Combinator, values: &Rc<RefCell<Vec<Value>>>, cap: &Capability) -> JsResult<Value> {
    let list = values.borrow().clone();
    if kind == Combinator::Any {
        function::call(&cap.reject, &Value::Undefined, &[aggregate_error(list)])
    } else {
        function::call(&cap.resolve, &Value::Undefined, &[ops::new_array(list)])
    }
}

fn combinator(this: &Value, args: &[Value], kind: Combinator) -> JsResult<Value> {
    let cap = new_capability(this)?;
    match run_combinator(this, &arg(args, 0), kind, &cap) {
        Ok(()) => Ok(cap.promise),
        Err(e) => {
            function::call(&cap.reject, &Value::Undefined, &[e])?;
            Ok(cap.promise)
        }
    }
}

fn run_combinator(c: &Value, iterable: &Value, kind: Combinator, cap: &Capability) -> JsResult<()> {
    let resolve_fn = ops::get_str(c, "resolve")?;
    if !resolve_fn.is_callable() {
        return error::throw_type("Promise resolve is not a function");
    }
    let mut it = ops::get_iterator(iterable)?;
    let values: Rc<RefCell<Vec<Value>>> = Rc::new(RefCell::new(Vec::new()));
    let remaining = Rc::new(Cell::new(1usize));
    let mut index = 0;
    while let Some(v) = it.step()? {
        let per_element = || -> JsResult<()> {
            let next = function::call(&resolve_fn, c, &[v])?;
            // One "already called" record per element, shared by allSettled's two functions.
            let called = Rc::new(Cell::new(false));
            let (on_ok, on_err) = match kind {
                Combinator::Race => (cap.resolve.clone(), cap.reject.clone()),
                Combinator::All => {
                    (element_fn(kind, true, index, &values, &remaining, cap, &called), cap.reject.clone())
                }
                Combinator::AllSettled => (
                    element_fn(kind, true, index, &values, &remaining, cap, &called),
                    element_fn(kind, false, index, &values, &remaining, cap, &called),
                ),
                Combinator::Any => {
                    (cap.resolve.clone(), element_fn(kind, false, index, &values, &remaining, cap, &called))
                }
            };
            if kind != Combinator::Race {
                values.borrow_mut().push(Value::Undefined);
                remaining.set(remaining.get() + 1);
            }
            ops::invoke(&next, "then", &[on_ok, on_err])?;
            Ok(())
        };
        if let Err(e) = per_element() {
            let _ = it.close();
            return Err(e);
        }
        index += 1;
    }
    if kind != Combinator::Race {
        remaining.set(remaining.get() - 1);
        if remaining.get() == 0 {
            finish(kind, &values, cap)?;
        }
    }
    Ok(())
}

fn all(this: &Value, args: &[Value]) -> JsResult<Value> {
    combinator(this, args, Combinator::All)
}
fn all_settled(this: &Value, args: &[Value]) -> JsResult<Value> {
    combinator(this, args, Combinator::AllSettled)
}
fn any(this: &Value, args: &[Value]) -> JsResult<Value> {
    combinator(this, args, Combinator::Any)
}
fn race(this: &Value, args: &[Value]) -> JsResult<Value> {
    combinator(this, args, Combinator::Race)
}

fn species_getter(this: &Value, _: &[Value]) -> JsResult<Value> {
    Ok(this.clone())
}

pub fn install() {
    pipy_value::cycles::trace_host::<PromiseData>(trace_promise);
    pipy_value::cycles::trace_host::<Resolving>(|r, v| v.object(&r.promise));
    let i = realm::intrinsics();
    let proto = Obj::new(Some(i.object_prototype.clone()), ObjectKind::Ordinary);
    realm::register("Promise.prototype", Value::Object(proto.clone()));
    let ctor = util::constructor("Promise", 1, &proto, Rc::new(promise_ctor));
    realm::register("Promise", Value::Object(ctor.clone()));
    let species = function::native("get [Symbol.species]", 0, species_getter);
    ctor.define_accessor(PropKey::Symbol(i.sym_species.clone()), Some(species), None, attr::CONFIGURABLE);
    util::method(&proto, "then", 2, then);
    util::method(&proto, "catch", 1, catch);
    util::method(&proto, "finally", 1, finally);
    proto.define_value(PropKey::Symbol(i.sym_to_string_tag.clone()), Value::str("Promise"), attr::CONFIGURABLE);
    util::method(&ctor, "resolve", 1, static_resolve);
    util::method(&ctor, "reject", 1, static_reject);
    util::method(&ctor, "all", 1, all);
    util::method(&ctor, "allSettled", 1, all_settled);
    util::method(&ctor, "any", 1, any);
    util::method(&ctor, "race", 1, race);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::testing::*;

    type Log = Rc<RefCell<Vec<String>>>;

    fn ok(r: JsResult<Value>) -> Value {
        r.unwrap_or_else(|e| panic!("threw {}", s(&e)))
    }

    /// A callback that logs `tag` (and its argument when `with_arg`) and returns its argument.
    fn logger(log: &Log, tag: &str, with_arg: bool) -> Value {
        let (log, tag) = (log.clone(), tag.to_string());
        closure("f", 1, move |_, a| {
            let v = arg(a, 0);
            log.borrow_mut().push(if with_arg { format!("{tag}{}", s(&v)) } else { tag.clone() });
            Ok(v)
        })
    }

    fn then_(p: &Value, f: Value) -> Value {
        ok(ops::invoke(p, "then", &[f]))
    }

    fn resolved(v: Value) -> Value {
        ok(call("Promise.resolve", &path("Promise"), &[v]))
    }

    fn rejected(v: Value) -> Value {
        ok(call("Promise.reject", &path("Promise"), &[v]))
    }

    /// Makes arrays iterable through the runtime's fast path (Array is installed elsewhere).
    fn iterable_arrays() {
        let i = realm::intrinsics();
        let values = function::native("values", 0, |_, _| Ok(Value::Undefined));
        i.array_prototype.define_hidden(PropKey::Symbol(i.sym_iterator.clone()), Value::Object(values.clone()));
        realm::register("Array.prototype.values", Value::Object(values));
    }

    fn joined(log: &Log) -> String {
        log.borrow().join(" ")
    }

    #[test]
    fn ordering_matches_node() {
        setup();
        let log: Log = Default::default();
        // const p = new Promise(r => r(Promise.resolve())); p.then(() => log("p"))
        let (p, res, _) = new_promise();
        ok(function::call(&res, &Value::Undefined, &[resolved(Value::Undefined)]));
        then_(&Value::Object(p), logger(&log, "p", false));
        let mut chain = resolved(Value::Undefined);
        for n in 1..=4 {
            chain = then_(&chain, logger(&log, &n.to_string(), false));
        }
        let f = ok(ops::invoke(&resolved(Value::int(1)), "finally", &[logger(&log, "f", false)]));
        then_(&f, logger(&log, "fv", true));
        ok(ops::invoke(&rejected(Value::int(1)), "catch", &[logger(&log, "c", false)]));
        realm::run_microtasks();
        assert_eq!(joined(&log), "1 f c 2 p 3 4 fv1");
    }

    #[test]
    fn executor_and_errors() {
        setup();
        let e = call("Promise", &Value::Undefined, &[]).err().unwrap_or_default();
        assert_eq!(
            s(&ops::get_str(&e, "message").unwrap_or_default()),
            "Promise constructor cannot be invoked without 'new'"
        );
        let ctor = path("Promise");
        let Value::Object(c) = &ctor else { panic!() };
        let e = function::construct(c, &[Value::int(1)], c).err().unwrap_or_default();
        assert_eq!(s(&ops::get_str(&e, "message").unwrap_or_default()), "Promise resolver 1 is not a function");
        // A throwing executor rejects; later resolve calls are ignored.
        let ex = closure("ex", 2, |_, a| {
            function::call(&arg(a, 0), &Value::Undefined, &[Value::int(5)])?;
            Err(Value::str("late"))
        });
        let p = ok(function::construct(c, &[ex], c));
        let Value::Object(po) = &p else { panic!() };
        let (st, v) = state(po).unwrap_or(("?", Value::Undefined));
        assert_eq!((st, s(&v).as_str()), ("fulfilled", "5"));
        let thrower = closure("ex", 2, |_, _| Err(Value::str("bad")));
        let p = ok(function::construct(c, &[thrower], c));
        let Value::Object(po) = &p else { panic!() };
        assert_eq!(state(po).map(|x| x.0), Some("rejected"));
        // Self-resolution is a TypeError.
        let (p, res, _) = new_promise();
        ok(function::call(&res, &Value::Undefined, &[Value::Object(p.clone())]));
        let (_, reason) = state(&p).unwrap_or(("?", Value::Undefined));
        assert_eq!(
            s(&ops::get_str(&reason, "message").unwrap_or_default()),
            "Chaining cycle detected for promise #<Promise>"
        );
    }

    #[test]
    fn thenables_and_handlers() {
        setup();
        let log: Log = Default::default();
        // A plain thenable is adopted via a job that calls its `then`.
        let thenable = Obj::ordinary();
        thenable.define_value(
            "then",
            closure("then", 2, |_, a| function::call(&arg(a, 0), &Value::Undefined, &[Value::int(42)])),
            attr::DEFAULT,
        );
        let p = resolved(Value::Object(thenable));
        then_(&p, logger(&log, "t", true));
        // A throwing handler rejects the derived promise.
        let derived = then_(&resolved(Value::int(1)), closure("f", 1, |_, _| Err(Value::str("oops"))));
        ok(ops::invoke(&derived, "catch", &[logger(&log, "caught:", true)]));
        // Non-callable handlers pass values through.
        let passed = ok(ops::invoke(&resolved(Value::int(7)), "then", &[Value::int(3), Value::Null]));
        then_(&passed, logger(&log, "pass", true));
        realm::run_microtasks();
        assert_eq!(joined(&log), "t42 caught:oops pass7");
        assert!(promise_resolve(Value::int(1)).is_ok());
        let p = ok(call("Promise.resolve", &path("Promise"), std::slice::from_ref(&p)));
        assert!(is_promise(&p));
    }

    #[test]
    fn combinators() {
        setup();
        iterable_arrays();
        let log: Log = Default::default();
        let c = path("Promise");
        let (slow, slow_res, _) = new_promise();
        let arr = ops::new_array(vec![resolved(Value::int(1)), Value::Object(slow.clone()), Value::int(3)]);
        let all = ok(call("Promise.all", &c, std::slice::from_ref(&arr)));
        then_(
            &all,
            closure("f", 1, {
                let log = log.clone();
                move |_, a| {
                    let items: Vec<String> = ops::list_from_array_like(&arg(a, 0))?.iter().map(s).collect();
                    log.borrow_mut().push(format!("all[{}]", items.join(",")));
                    Ok(Value::Undefined)
                }
            }),
        );
        let race = ok(call("Promise.race", &c, std::slice::from_ref(&arr)));
        then_(&race, logger(&log, "race", true));
        let rej = ops::new_array(vec![rejected(Value::str("x")), resolved(Value::str("y"))]);
        let settled = ok(call("Promise.allSettled", &c, std::slice::from_ref(&rej)));
        then_(
            &settled,
            closure("f", 1, {
                let log = log.clone();
                move |_, a| {
                    let items = ops::list_from_array_like(&arg(a, 0))?;
                    let t: Vec<String> =
                        items.iter().map(|o| s(&ops::get_str(o, "status").unwrap_or_default())).collect();
                    log.borrow_mut().push(format!("settled[{}]", t.join(",")));
                    Ok(Value::Undefined)
                }
            }),
        );
        let any_ok = ok(call("Promise.any", &c, &[rej]));
        then_(&any_ok, logger(&log, "any", true));
        let none = ops::new_array(vec![rejected(Value::int(1)), rejected(Value::int(2))]);
        let any_fail = ok(call("Promise.any", &c, &[none]));
        ok(ops::invoke(
            &any_fail,
            "catch",
            &[closure("f", 1, {
                let log = log.clone();
                move |_, a| {
                    let e = arg(a, 0);
                    let errs = ops::list_from_array_like(&ops::get_str(&e, "errors")?)?;
                    log.borrow_mut().push(format!("{}:{}", s(&ops::get_str(&e, "name")?), errs.len()));
                    Ok(Value::Undefined)
                }
            })],
        ));
        let empty = ok(call("Promise.all", &c, &[ops::new_array(vec![])]));
        then_(&empty, logger(&log, "empty", false));
        realm::run_microtasks();
        ok(function::call(&slow_res, &Value::Undefined, &[Value::int(2)]));
        realm::run_microtasks();
        assert_eq!(joined(&log), "empty race1 settled[rejected,fulfilled] anyy AggregateError:2 all[1,2,3]");
        // A non-iterable rejects instead of throwing.
        let bad = ok(call("Promise.all", &c, &[Value::int(5)]));
        let Value::Object(b) = &bad else { panic!() };
        assert_eq!(state(b).map(|x| x.0), Some("rejected"));
    }

    #[test]
    fn unhandled_rejections() {
        setup();
        let log: Log = Default::default();
        let p1 = rejected(Value::str("lost"));
        let p2 = rejected(Value::str("caught"));
        ok(ops::invoke(&p2, "catch", &[logger(&log, "c", true)]));
        let (p3, _, rej3) = new_promise();
        then_(&Value::Object(p3), logger(&log, "never", false));
        ok(function::call(&rej3, &Value::Undefined, &[Value::str("chained")]));
        realm::run_microtasks();
        let reasons: Vec<String> = take_unhandled_rejections().iter().map(s).collect();
        // p3 itself is handled, but the promise its `then` derived is rejected without a handler.
        assert_eq!(reasons, ["lost", "chained"]);
        assert!(take_unhandled_rejections().is_empty());
        drop(p1);
    }
}
