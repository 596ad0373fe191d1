//! Small helpers every built-in module uses to define itself.

use pipy_value::function::{self, NativeFn};
use pipy_value::shape::attr;
use pipy_value::{JsResult, Obj, PropKey, Value, realm};
use std::rc::Rc;

/// The signature of most built-ins: `(this, args) -> result`.
pub type Builtin = fn(&Value, &[Value]) -> JsResult<Value>;

/// Defines a non-enumerable method `name` on `target`.
pub fn method(target: &Obj, name: &str, length: u32, f: Builtin) {
    let func = function::native(name, length, f);
    target.define_hidden(name, Value::Object(func));
}

/// Defines a method under a symbol key (e.g. `[Symbol.iterator]`), named `[description]`.
pub fn symbol_method(target: &Obj, key: PropKey, name: &str, length: u32, f: Builtin) -> Obj {
    let func = function::native(name, length, f);
    target.define_hidden(key, Value::Object(func.clone()));
    func
}

/// Defines a getter-only accessor `name` on `target` (non-enumerable, configurable).
pub fn getter(target: &Obj, name: &str, f: Builtin) {
    let g = function::native(&format!("get {name}"), 0, f);
    target.define_accessor(name, Some(g), None, attr::CONFIGURABLE);
}

/// Defines a constant (non-writable, non-enumerable, non-configurable) value.
pub fn constant(target: &Obj, name: &str, v: Value) {
    target.define_value(name, v, 0);
}

/// Creates a constructor function bound to `proto` (`C.prototype = proto`, `proto.constructor = C`)
/// and installs it as the global `name`. `f` receives `new.target` (None for a plain call).
pub fn constructor(name: &str, length: u32, proto: &Obj, f: NativeFn) -> Obj {
    let c = function::native_function(name, length, f, true);
    c.define_value("prototype", Value::Object(proto.clone()), 0);
    proto.define_hidden("constructor", Value::Object(c.clone()));
    global(name, Value::Object(c.clone()));
    c
}

/// Installs a global binding (writable, configurable, not enumerable).
pub fn global(name: &str, v: Value) {
    realm::intrinsics().global.define_hidden(name, v);
}

/// Wraps a plain `Builtin` as a `NativeFn`.
pub fn native_fn(f: Builtin) -> NativeFn {
    Rc::new(move |this, args, _| f(this, args))
}

/// Argument `i` or undefined.
pub fn arg(args: &[Value], i: usize) -> Value {
    args.get(i).cloned().unwrap_or_default()
}

/// Test support: a fresh realm, then `f` evaluated with helpers to reach globals.
pub mod testing {
    use super::*;
    use pipy_value::ops;

    pub fn setup() {
        crate::new_realm();
    }

    /// The value at a dotted path from the global object, e.g. `"Array.prototype.map"`.
    pub fn path(p: &str) -> Value {
        let mut v = Value::Object(realm::intrinsics().global.clone());
        for part in p.split('.') {
            v = ops::get(&v, &PropKey::str(part)).unwrap_or_default();
        }
        v
    }

    /// Calls the function at `p` with `this` and `args`.
    pub fn call(p: &str, this: &Value, args: &[Value]) -> JsResult<Value> {
        function::call(&path(p), this, args)
    }

    /// `ToString` of a value as a Rust string (for assertions).
    pub fn s(v: &Value) -> String {
        ops::to_rust_string(v).unwrap_or_else(|_| "<error>".into())
    }
}

/// A prototype for the instances of a built-in class (`Object.prototype` as its prototype).
pub fn class_prototype() -> Obj {
    let proto = Obj::new(Some(realm::intrinsics().object_prototype.clone()), pipy_value::ObjectKind::Ordinary);
    proto.mark_prototype();
    proto
}

/// Installs the constructor `name` on `target` (a namespace such as `crypto`): `C.prototype =
/// proto`, `proto.constructor = C`. `make(proto, args)` builds an instance.
pub fn namespace_class(
    target: &Obj,
    name: &str,
    length: u32,
    proto: &Obj,
    make: impl Fn(&Obj, &[Value]) -> JsResult<Value> + 'static,
) {
    let p2 = proto.clone();
    let ctor = function::native_function(name, length, Rc::new(move |_, args, _| make(&p2, args)), true);
    ctor.define_value("prototype", Value::Object(proto.clone()), 0);
    proto.define_hidden("constructor", Value::Object(ctor.clone()));
    target.define_hidden(name, Value::Object(ctor));
}
