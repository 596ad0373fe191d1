//! The call protocol, and making function objects.
//!
//! `call` and `construct` are the only ways into a function; they check the stack depth, build a
//! `Frame` for compiled code and turn its status return into a `JsResult`. What a function object
//! holds (closures, natives, bound functions, templates, frames) is `callable`, re-exported here.

use crate::error::{self, JsResult};
use crate::object::{Obj, ObjectKind};
use crate::realm;
use crate::shape::{PropKey, attr};
use crate::value::Value;
use std::rc::Rc;

pub use crate::callable::{
    BoundFunction, Closure, CodeFn, DataFn, DataFunction, Frame, FuncKind, FuncTemplate, FunctionData, NativeFn,
    NativeFunction, SourceInfo, VarCell, new_cell,
};

/// Calls `f` with `this` and `args`.
pub fn call(f: &Value, this: &Value, args: &[Value]) -> JsResult<Value> {
    match f {
        Value::Object(o) => call_obj(o, this, args),
        _ => Err(error::type_error(&format!("{} is not a function", crate::ops::describe(f)))),
    }
}

/// Calls the function object `f`.
#[inline]
pub fn call_obj(f: &Obj, this: &Value, args: &[Value]) -> JsResult<Value> {
    match enter(f, this, args) {
        Entered::Returned(v) => Ok(v),
        Entered::Threw => Err(realm::take_exception()),
    }
}

/// How a call went, as compiled code wants it.
pub enum Entered {
    /// The function returned this.
    Returned(Value),
    /// The function threw; the exception is pending in the realm.
    Threw,
}

impl From<JsResult<Value>> for Entered {
    fn from(r: JsResult<Value>) -> Entered {
        match r {
            Ok(v) => Entered::Returned(v),
            Err(e) => {
                realm::set_exception(e);
                Entered::Threw
            }
        }
    }
}

/// Calls the function object `f` with an exception left pending (as compiled code reports it):
/// one look at what `f` holds, then the path for that kind. A script function (the common case)
/// goes straight to `run_frame`.
#[inline(always)]
pub fn enter(f: &Obj, this: &Value, args: &[Value]) -> Entered {
    let callable = match &f.borrow().kind {
        ObjectKind::Function(d) => match &**d {
            FunctionData::Closure(c) if !c.template.kind.is_class_constructor() => {
                Callable::Closure(c.template.clone(), c.env.clone(), c.home.clone())
            }
            FunctionData::Closure(c) => Callable::Other(Other::Class(c.template.name.clone())),
            FunctionData::Native(n) => Callable::Other(Other::Native(n.f.clone())),
            FunctionData::WithData(d) => Callable::Other(Other::WithData(d.f, d.data.clone())),
            FunctionData::Bound(b) => Callable::Other(Other::Bound(b.target.clone(), b.this.clone(), b.args.clone())),
        },
        _ => return Err(error::type_error("not a function")).into(),
    };
    match callable {
        Callable::Closure(template, env, home) => {
            run_frame(f, template, env, home, crate::value::clone_fast(this), args, None)
        }
        Callable::Other(other) => call_other(other, this, args).into(),
    }
}

/// The calls that are not of a script function.
fn call_other(callable: Other, this: &Value, args: &[Value]) -> JsResult<Value> {
    match callable {
        Other::Class(name) => Err(error::type_error(&format!(
            "Class constructor {}cannot be invoked without 'new'",
            if name.is_empty() { String::new() } else { format!("{} ", name.to_rust_string()) }
        ))),
        Other::Native(nf) => {
            let _guard = DepthGuard::enter()?;
            nf(this, args, None)
        }
        Other::WithData(f, data) => {
            let _guard = DepthGuard::enter()?;
            f(&data, this, args)
        }
        Other::Bound(target, bthis, mut bargs) => {
            bargs.extend_from_slice(args);
            call_obj(&target, &bthis, &bargs)
        }
    }
}

/// What `call_obj` found in a function object.
enum Callable {
    /// A script function: its template, captured cells and home object.
    Closure(Rc<FuncTemplate>, Rc<[VarCell]>, Option<Obj>),
    Other(Other),
}

/// The functions `call_other` calls: everything but a callable script function.
enum Other {
    /// A class constructor (named), which only `new` may call.
    Class(crate::string::JsString),
    Native(NativeFn),
    WithData(DataFn, Vec<Value>),
    Bound(Obj, Value, Vec<Value>),
}

/// The RangeError of a call nested too deep.
fn too_deep(_: crate::calls::TooDeep) -> Value {
    error::range_error("Maximum call stack size exceeded")
}

struct DepthGuard;
impl DepthGuard {
    fn enter() -> JsResult<DepthGuard> {
        crate::calls::with_calls(|c| c.push_depth()).map_err(too_deep)?;
        Ok(DepthGuard)
    }
}
impl Drop for DepthGuard {
    fn drop(&mut self) {
        crate::calls::with_calls(|c| c.pop_depth());
    }
}

fn run_closure(
    callee: &Obj,
    template: Rc<FuncTemplate>,
    env: Rc<[VarCell]>,
    home: Option<Obj>,
    this: Value,
    args: &[Value],
    new_target: Option<Obj>,
) -> JsResult<Value> {
    match run_frame(callee, template, env, home, this, args, new_target) {
        Entered::Returned(v) => Ok(v),
        Entered::Threw => Err(realm::take_exception()),
    }
}

/// Builds the frame of one call of a closure, runs its code and gives the registers back: what
/// every call of a script function comes down to.
///
/// Inlined into its two callers so the values it is given stay in registers: passed through
/// memory, a value written in two 8-byte halves and read back as one 16-byte load stalls on store
/// forwarding (measured on fib30).
#[allow(clippy::too_many_arguments)] // The parts of a frame, taken apart once by each caller.
#[inline(always)]
fn run_frame(
    callee: &Obj,
    template: Rc<FuncTemplate>,
    env: Rc<[VarCell]>,
    home: Option<Obj>,
    mut this: Value,
    args: &[Value],
    new_target: Option<Obj>,
) -> Entered {
    if template.uses_this && !template.strict && template.kind != FuncKind::Arrow {
        this = match this {
            Value::Undefined | Value::Null => Value::Object(realm::intrinsics().global.clone()),
            Value::Object(_) => this,
            other => match crate::ops::to_object(&other) {
                Ok(o) => Value::Object(o),
                Err(e) => {
                    realm::set_exception(e);
                    return Entered::Threw;
                }
            },
        };
    }
    crate::calls::with_calls(|calls| {
        if calls.push_depth().is_err() {
            realm::set_exception(too_deep(crate::calls::TooDeep));
            return Entered::Threw;
        }
        let regs = calls.acquire(template.nregs as usize);
        let n = (template.param_regs as usize).min(args.len());
        for (i, a) in args[..n].iter().enumerate() {
            regs.set(i, crate::value::clone_fast(a));
        }
        let ncells = template.ncells;
        let pos = template.pos;
        let mut frame = Frame {
            regs: regs.ptr(),
            pos,
            parent: std::ptr::null(),
            args: args.as_ptr(),
            argc: args.len(),
            callee: Some(callee.clone()),
            template,
            this,
            new_target: new_target.map(Value::Object).unwrap_or_default(),
            cells: Vec::new(),
            env,
            home,
            result: Value::Undefined,
        };
        if ncells > 0 {
            frame.cells = (0..ncells).map(|_| new_cell(Value::Hole)).collect();
        }
        let status = calls.run(&mut frame);
        calls.release(regs);
        calls.pop_depth();
        // Taken apart rather than dropped whole: the values and the cell list usually hold
        // nothing to release, and checking that inline saves the drop glue's calls.
        let Frame { callee, template, this, new_target, cells, env, home, result, .. } = frame;
        crate::value::release(this);
        crate::value::release(new_target);
        if cells.capacity() == 0 {
            std::mem::forget(cells);
        }
        drop((callee, template, env, home));
        if status == 0 {
            Entered::Returned(result)
        } else {
            crate::value::release(result);
            Entered::Threw
        }
    })
}

/// Runs a compiled top-level (script or module body).
pub fn run_script(template: Rc<FuncTemplate>) -> JsResult<Value> {
    let f = make_closure(template.clone(), Rc::from(Vec::new()), None);
    // A script's top-level `this` is the global object.
    let this = Value::Object(realm::intrinsics().global.clone());
    run_closure(&f, template, Rc::from(Vec::new()), None, this, &[], None)
}

/// `new f(...args)` with `new.target` = `new_target`.
pub fn construct(f: &Obj, args: &[Value], new_target: &Obj) -> JsResult<Value> {
    enum Ctor {
        Closure(Rc<FuncTemplate>, Rc<[VarCell]>, Option<Obj>, Option<Obj>),
        Native(NativeFn),
        Bound(Obj, Vec<Value>),
    }
    let c = match &f.borrow().kind {
        ObjectKind::Function(d) if d.is_constructor() => match &**d {
            FunctionData::Closure(c) => {
                Ctor::Closure(c.template.clone(), c.env.clone(), c.home.clone(), c.fields.clone())
            }
            FunctionData::Native(n) => Ctor::Native(n.f.clone()),
            FunctionData::Bound(b) => Ctor::Bound(b.target.clone(), b.args.clone()),
            FunctionData::WithData(_) => return Err(error::type_error("not a constructor")),
        },
        _ => return Err(error::type_error("not a constructor")),
    };
    match c {
        Ctor::Native(nf) => {
            let _guard = DepthGuard::enter()?;
            nf(&Value::Undefined, args, Some(new_target))
        }
        Ctor::Bound(target, mut bargs) => {
            bargs.extend_from_slice(args);
            let nt = if new_target.ptr_eq(f) { target.clone() } else { new_target.clone() };
            construct(&target, &bargs, &nt)
        }
        Ctor::Closure(t, env, home, fields) => {
            let derived = t.kind == FuncKind::DerivedConstructor;
            let this = if derived {
                Value::Hole
            } else {
                let proto = prototype_from_ctor(new_target, |i| i.object_prototype.clone())?;
                let obj = Obj::new(Some(proto), ObjectKind::Ordinary);
                if let Some(init) = &fields {
                    call_obj(init, &Value::Object(obj.clone()), &[])?;
                }
                Value::Object(obj)
            };
            let result = run_closure(f, t, env, home, this.clone(), args, Some(new_target.clone()))?;
            match result {
                Value::Object(_) => Ok(result),
                _ if derived => Err(error::type_error("Derived constructors may only return object or undefined")),
                _ => Ok(this),
            }
        }
    }
}

/// `new_target.prototype` if it is an object, else the fallback intrinsic.
pub fn prototype_from_ctor(new_target: &Obj, fallback: impl Fn(&realm::Intrinsics) -> Obj) -> JsResult<Obj> {
    match crate::ops::get(&Value::Object(new_target.clone()), &PropKey::str("prototype"))? {
        Value::Object(p) => Ok(p),
        _ => Ok(fallback(&realm::intrinsics())),
    }
}

/// Makes a closure object for `template` (no `prototype` property; see `make_function`).
pub fn make_closure(template: Rc<FuncTemplate>, env: Rc<[VarCell]>, home: Option<Obj>) -> Obj {
    let name = template.name.clone();
    let length = template.length;
    let f = Obj::new(
        Some(realm::intrinsics().function_prototype.clone()),
        ObjectKind::Function(Box::new(FunctionData::Closure(Closure { template, env, home, fields: None }))),
    );
    f.define_value("length", Value::from(length), attr::CONFIGURABLE);
    f.define_value("name", Value::String(name), attr::CONFIGURABLE);
    f
}

/// Makes a built-in function object.
pub fn native_function(name: &str, length: u32, f: NativeFn, ctor: bool) -> Obj {
    let o = Obj::new(
        Some(realm::intrinsics().function_prototype.clone()),
        ObjectKind::Function(Box::new(FunctionData::Native(NativeFunction { f, ctor }))),
    );
    o.define_value("length", Value::from(length), attr::CONFIGURABLE);
    o.define_value("name", Value::str(name), attr::CONFIGURABLE);
    o
}

/// Makes a built-in (not a constructor) that keeps `data` for itself: `f(data, this, args)`.
pub fn native_with_data(name: &str, length: u32, data: Vec<Value>, f: DataFn) -> Obj {
    let o = Obj::new(
        Some(realm::intrinsics().function_prototype.clone()),
        ObjectKind::Function(Box::new(FunctionData::WithData(DataFunction { f, data }))),
    );
    o.define_value("length", Value::from(length), attr::CONFIGURABLE);
    o.define_value("name", Value::str(name), attr::CONFIGURABLE);
    o
}

/// Shorthand for a non-constructor built-in from a plain `fn`.
pub fn native(name: &str, length: u32, f: fn(&Value, &[Value]) -> JsResult<Value>) -> Obj {
    native_function(name, length, Rc::new(move |this, args, _| f(this, args)), false)
}

/// The template of a closure, if `f` is one.
pub fn template_of(f: &Obj) -> Option<Rc<FuncTemplate>> {
    match &f.borrow().kind {
        ObjectKind::Function(d) => match &**d {
            FunctionData::Closure(c) => Some(c.template.clone()),
            _ => None,
        },
        _ => None,
    }
}

/// Argument `i`, or undefined.
pub fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or(Value::Undefined)
}
