//! Contexts: the per-stream variables of the original's context model.
//!
//! A context is a vector of slots. Every context variable of every module (`pipy({_x})`,
//! `.export('ns', {__x})`, a top-level `var $x`) owns one slot index, the same in every context of
//! the thread. The thread keeps a *root* context holding the values the module set up; a root
//! pipeline starts from a copy of it, `demux`-like filters copy their parent's, and `link`-like
//! filters share their parent's (the same `Rc`).
//!
//! Compiled code never looks a context variable up by name: the compiler interns a *binding* per
//! (module, name) and emits its id; the binding points at a slot once the module declares or
//! imports the variable, so an access is two vector indexings from the *current* context (the one
//! of the pipeline whose filter is running). A binding without a slot falls back to the global of
//! the same name.

use pipy_value::{JsResult, Value, error};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;

pub use super::flow::Flow;

pub struct Context {
    pub id: u64,
    values: RefCell<Vec<Value>>,
    /// `__inbound` of this context (the inbound connection's object), once made or set; read
    /// it with [`Context::inbound_value`].
    pub inbound: RefCell<Value>,
    /// The connection whose `__inbound` object is made when first asked for (shared by the
    /// copies of the context, so they all get the same object).
    pub lazy_inbound: RefCell<Option<Rc<crate::net::inbound::LazyInbound>>>,
    /// Back-pressure between the sockets of one stream (shared by copies of the context).
    pub flow: Rc<Flow>,
}

/// A context takes part in cycle collection: its variables may hold what holds it (a promise whose
/// handlers run in this context).
impl pipy_value::cycles::Traced for Context {
    fn trace(&self, visitor: &mut pipy_value::cycles::Visitor<'_>) {
        match (self.values.try_borrow(), self.inbound.try_borrow()) {
            (Ok(values), Ok(inbound)) => {
                for v in values.iter() {
                    visitor.value(v);
                }
                visitor.value(&inbound);
            }
            _ => visitor.busy(),
        }
    }

    fn clear(&self) {
        let values = self.values.try_borrow_mut().map(|mut v| std::mem::take(&mut *v));
        let inbound = self.inbound.try_borrow_mut().map(|mut v| std::mem::take(&mut *v));
        drop((values, inbound));
    }
}

thread_local! {
    static NEXT_ID: Cell<u64> = const { Cell::new(1) };
    static ROOT: Rc<Context> = Context::new_empty();
    static CURRENT: RefCell<Option<Rc<Context>>> = const { RefCell::new(None) };
    static REGISTRY: RefCell<Registry> = RefCell::new(Registry::default());
}

#[derive(Default)]
struct Registry {
    bindings: Vec<BindingInfo>,
    by_key: HashMap<(String, String), u32>,
    exports: HashMap<(String, String), u32>,
    slot_count: u32,
}

struct BindingInfo {
    name: Rc<str>,
    slot: Option<u32>,
}

impl Context {
    fn new_empty() -> Rc<Context> {
        Rc::new(Context {
            id: 0,
            values: RefCell::new(Vec::new()),
            inbound: RefCell::new(Value::Undefined),
            lazy_inbound: RefCell::new(None),
            flow: Rc::new(Flow::default()),
        })
    }

    fn next_id() -> u64 {
        NEXT_ID.with(|n| {
            let id = n.get();
            n.set(id + 1);
            id
        })
    }

    /// A new context with the same values (objects shared by reference).
    pub fn fork(&self) -> Rc<Context> {
        self.copy(true, self.flow.clone())
    }

    /// A copy with a flow of its own (same values and inbound): a pipeline whose reading must
    /// not wait on the streams of the context it came from (an HTTP/2 upstream session, whose
    /// streams are paced by their own windows).
    pub fn fork_with_own_flow(&self) -> Rc<Context> {
        self.copy(true, Rc::new(Flow::default()))
    }

    /// A copy for one HTTP/2 stream of this context's connection: its flow is the stream's own,
    /// with the connection's as its parent (see `flow`).
    pub fn fork_for_stream(&self) -> Rc<Context> {
        self.copy(true, Rc::new(Flow::child(self.flow.clone())))
    }

    /// A copy for a new root stream: same values, its own inbound and flow.
    pub fn fresh_copy(&self) -> Rc<Context> {
        self.copy(false, Rc::new(Flow::default()))
    }

    /// A copy with the same values, this context's inbound connection or none, and `flow`.
    fn copy(&self, same_inbound: bool, flow: Rc<Flow>) -> Rc<Context> {
        let (inbound, lazy_inbound) = if same_inbound {
            (self.inbound.borrow().clone(), self.lazy_inbound.borrow().clone())
        } else {
            (Value::Undefined, None)
        };
        Rc::new(Context {
            id: Context::next_id(),
            values: RefCell::new(self.values.borrow().clone()),
            inbound: RefCell::new(inbound),
            lazy_inbound: RefCell::new(lazy_inbound),
            flow,
        })
    }

    /// `__inbound`: the inbound connection's object (made now if this is the first time it is
    /// asked for), or undefined.
    pub fn inbound_value(&self) -> Value {
        let v = self.inbound.borrow().clone();
        if !matches!(v, Value::Undefined) {
            return v;
        }
        let lazy = self.lazy_inbound.borrow().clone();
        match lazy {
            Some(l) => {
                let v = l.object();
                *self.inbound.borrow_mut() = v.clone();
                v
            }
            None => v,
        }
    }

    pub fn get(&self, slot: u32) -> Value {
        let v = self.values.borrow().get(slot as usize).cloned();
        match v {
            Some(v) => v,
            // Slots declared after this context was copied start as the root's value.
            None => ROOT
                .with(|r| if std::ptr::eq(&**r, self) { None } else { r.values.borrow().get(slot as usize).cloned() })
                .unwrap_or_default(),
        }
    }

    pub fn set(&self, slot: u32, v: Value) {
        let mut vals = self.values.borrow_mut();
        let i = slot as usize;
        if vals.len() <= i {
            let root_vals: Vec<Value> =
                ROOT.with(|r| if std::ptr::eq(&**r, self) { Vec::new() } else { r.values.borrow().clone() });
            while vals.len() <= i {
                let k = vals.len();
                vals.push(root_vals.get(k).cloned().unwrap_or_default());
            }
        }
        vals[i] = v;
    }
}

/// The thread's root context (what module top levels run in).
pub fn root() -> Rc<Context> {
    ROOT.with(|r| r.clone())
}

/// A fresh context for a new root pipeline: a copy of the root context.
pub fn new_root_copy() -> Rc<Context> {
    root().fresh_copy()
}

/// The context of the running pipeline, or the root context outside pipelines.
pub fn current() -> Rc<Context> {
    CURRENT.with(|c| c.borrow().clone()).unwrap_or_else(root)
}

/// Makes `ctx` current until the guard drops (restoring the previous one).
pub fn enter(ctx: &Rc<Context>) -> ContextGuard {
    let prev = CURRENT.with(|c| c.borrow_mut().replace(ctx.clone()));
    ContextGuard { prev }
}

pub struct ContextGuard {
    prev: Option<Rc<Context>>,
}

impl Drop for ContextGuard {
    fn drop(&mut self) {
        let prev = self.prev.take();
        CURRENT.with(|c| *c.borrow_mut() = prev);
    }
}

/// Runs `f` with `ctx` current.
pub fn with<R>(ctx: &Rc<Context>, f: impl FnOnce() -> R) -> R {
    let _g = enter(ctx);
    f()
}

// ---- bindings ----

/// The binding of `name` in `module` (created on first use; the compiler calls this).
pub fn binding(module: &str, name: &str) -> u32 {
    REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        let key = (module.to_string(), name.to_string());
        if let Some(&b) = r.by_key.get(&key) {
            return b;
        }
        let id = r.bindings.len() as u32;
        r.bindings.push(BindingInfo { name: name.into(), slot: None });
        r.by_key.insert(key, id);
        id
    })
}

fn new_slot(r: &mut Registry, init: Value) -> u32 {
    let slot = r.slot_count;
    r.slot_count += 1;
    ROOT.with(|root| root.set(slot, init));
    slot
}

/// Declares `name` as a context variable of `module` with its initial value (`pipy({name: init})`,
/// `var $name`). Declaring again keeps the slot and resets the initial value.
pub fn declare(module: &str, name: &str, init: Value) {
    let b = binding(module, name);
    REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        match r.bindings[b as usize].slot {
            Some(slot) => ROOT.with(|root| root.set(slot, init)),
            None => {
                let slot = new_slot(&mut r, init);
                r.bindings[b as usize].slot = Some(slot);
            }
        }
    })
}

/// Declares a fiber variable (`var $x`) unless it already has a slot; its value starts undefined.
pub fn declare_fiber(module: &str, name: &str) {
    let b = binding(module, name);
    REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        if r.bindings[b as usize].slot.is_none() {
            let slot = new_slot(&mut r, Value::Undefined);
            r.bindings[b as usize].slot = Some(slot);
        }
    })
}

/// `.export(ns, {name: init})` from `module`: declares it and publishes it under `ns`.
pub fn export(module: &str, ns: &str, name: &str, init: Value) {
    declare(module, name, init);
    let b = binding(module, name);
    REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        if let Some(slot) = r.bindings[b as usize].slot {
            r.exports.insert((ns.to_string(), name.to_string()), slot);
        }
    })
}

/// `.import({name: ns})` in `module`: points its binding at the exported slot.
pub fn import(module: &str, ns: &str, name: &str) -> JsResult<()> {
    let b = binding(module, name);
    REGISTRY.with(|r| {
        let mut r = r.borrow_mut();
        match r.exports.get(&(ns.to_string(), name.to_string())).copied() {
            Some(slot) => {
                r.bindings[b as usize].slot = Some(slot);
                Ok(())
            }
            None => {
                Err(error::reference_error(&format!("cannot import variable {name} from namespace {ns}: not exported")))
            }
        }
    })
}

fn slot_of(binding: u32) -> Result<u32, Rc<str>> {
    REGISTRY.with(|r| {
        let r = r.borrow();
        match r.bindings.get(binding as usize) {
            Some(BindingInfo { slot: Some(s), .. }) => Ok(*s),
            Some(BindingInfo { name, .. }) => Err(name.clone()),
            None => Err("?".into()),
        }
    })
}

/// Reads a binding in the current context (compiled code's `GetContext`).
pub fn load(binding: u32, typeof_mode: bool) -> JsResult<Value> {
    match slot_of(binding) {
        Ok(slot) => Ok(current().get(slot)),
        Err(name) if &*name == "__inbound" => Ok(current().inbound_value()),
        Err(name) => {
            let global = Value::Object(pipy_value::realm::intrinsics().global.clone());
            let key = pipy_value::PropKey::from(&*name);
            if let Value::Object(g) = &global {
                if pipy_value::ops::has_property(g, &key) {
                    return pipy_value::ops::get(&global, &key);
                }
            }
            if typeof_mode {
                Ok(Value::Undefined)
            } else {
                Err(error::reference_error(&format!("{name} is not defined")))
            }
        }
    }
}

/// Writes a binding in the current context (compiled code's `SetContext`).
pub fn store(binding: u32, v: Value) -> JsResult<()> {
    match slot_of(binding) {
        Ok(slot) => {
            current().set(slot, v);
            Ok(())
        }
        Err(name) => {
            let global = Value::Object(pipy_value::realm::intrinsics().global.clone());
            pipy_value::ops::set(&global, &pipy_value::PropKey::from(&*name), v, false)
        }
    }
}

/// The engine's store of context variables, as the compiler and compiled code see it
/// (`pipy_value::context`): bindings per module and name, values in the running context.
pub struct EngineContexts;

/// The one instance, handed to the compiler and installed for compiled code.
pub static CONTEXTS: EngineContexts = EngineContexts;

impl pipy_value::context::ContextVariables for EngineContexts {
    fn binding(&self, module: &str, name: &str) -> u32 {
        binding(module, name)
    }
    fn declare_fiber(&self, module: &str, name: &str) {
        declare_fiber(module, name)
    }
    fn declare(&self, module: &str, name: &str, init: Value) {
        declare(module, name, init)
    }
    fn load(&self, binding: u32, typeof_mode: bool) -> JsResult<Value> {
        load(binding, typeof_mode)
    }
    fn store(&self, binding: u32, value: Value) -> JsResult<()> {
        store(binding, value)
    }
}

/// Forgets every binding and slot (a fresh worker, a reload), and installs this store for
/// compiled code.
pub fn reset() {
    pipy_value::context::install(&CONTEXTS);
    REGISTRY.with(|r| *r.borrow_mut() = Registry::default());
    ROOT.with(|r| r.values.borrow_mut().clear());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_are_independent_and_shares_are_not() {
        reset();
        declare("m.js", "_x", Value::from(1));
        let b = binding("m.js", "_x");
        let a = new_root_copy();
        let c = a.fork();
        with(&a, || store(b, Value::from(2))).unwrap();
        assert!(matches!(with(&a, || load(b, false)).unwrap(), Value::Number(n) if n == 2.0));
        assert!(matches!(with(&c, || load(b, false)).unwrap(), Value::Number(n) if n == 1.0));
        assert!(matches!(load(b, false).unwrap(), Value::Number(n) if n == 1.0));
    }

    #[test]
    fn imports_alias_the_exported_slot() {
        reset();
        export("main.js", "main", "__route", Value::from(7));
        import("plugin.js", "main", "__route").unwrap();
        let b = binding("plugin.js", "__route");
        let ctx = new_root_copy();
        with(&ctx, || store(binding("main.js", "__route"), Value::from(9))).unwrap();
        assert!(matches!(with(&ctx, || load(b, false)).unwrap(), Value::Number(n) if n == 9.0));
        assert!(import("plugin.js", "nope", "__x").is_err());
    }
}
