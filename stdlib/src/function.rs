//! `Function.prototype` (call, apply, bind, toString, `[Symbol.hasInstance]`) and the global
//! `Function` constructor, which exists for `instanceof` and `Function.prototype` but cannot compile
//! source text at run time.

use crate::util::{self, arg, method};
use pipy_value::function::{self, BoundFunction, FunctionData};
use pipy_value::object::PropSlot;
use pipy_value::{JsResult, Obj, ObjectKind, PropKey, Value, attr, error, ops, realm};
use std::rc::Rc;

pub fn install() {
    let i = realm::intrinsics();
    let fp = i.function_prototype.clone();
    fp.define_value("length", Value::from(0), attr::CONFIGURABLE);
    fp.define_value("name", Value::str(""), attr::CONFIGURABLE);
    method(&fp, "call", 1, call);
    method(&fp, "apply", 2, apply);
    method(&fp, "bind", 1, bind);
    method(&fp, "toString", 0, to_string);
    let hi = function::native("[Symbol.hasInstance]", 1, has_instance);
    fp.define_value(PropKey::Symbol(i.sym_has_instance.clone()), Value::Object(hi), 0);

    util::constructor(
        "Function",
        1,
        &fp,
        Rc::new(|_, _, _| Err(error::type_error("Function constructor is not supported"))),
    );
}

fn this_callable<'a>(this: &'a Value, what: &str) -> JsResult<&'a Obj> {
    match this {
        Value::Object(o) if o.is_callable() => Ok(o),
        _ => Err(error::type_error(&format!("Function.prototype.{what} called on a non-function"))),
    }
}

fn call(this: &Value, args: &[Value]) -> JsResult<Value> {
    let f = this_callable(this, "call")?;
    let rest = args.get(1..).unwrap_or(&[]);
    function::call_obj(f, &arg(args, 0), rest)
}

fn apply(this: &Value, args: &[Value]) -> JsResult<Value> {
    let f = this_callable(this, "apply")?;
    let list = arg(args, 1);
    let list = if list.is_nullish() || list.is_hole() { Vec::new() } else { ops::list_from_array_like(&list)? };
    function::call_obj(f, &arg(args, 0), &list)
}

fn bind(this: &Value, args: &[Value]) -> JsResult<Value> {
    let Value::Object(target) = this else { return Err(error::type_error("Bind must be called on a function")) };
    if !target.is_callable() {
        return Err(error::type_error("Bind must be called on a function"));
    }
    let bound_args: Vec<Value> = args.get(1..).unwrap_or(&[]).to_vec();
    let nargs = bound_args.len() as f64;
    let bound = Obj::new(
        target.proto(),
        ObjectKind::Function(Box::new(FunctionData::Bound(BoundFunction {
            target: target.clone(),
            this: arg(args, 0),
            args: bound_args,
        }))),
    );
    let mut length = 0.0;
    if target.has_own_property(&PropKey::str("length")) {
        if let Value::Number(l) = ops::get_str(this, "length")? {
            length = if l == f64::INFINITY {
                l
            } else if l == f64::NEG_INFINITY {
                0.0
            } else {
                let l = if l.is_nan() { 0.0 } else { l.trunc() };
                (l - nargs).max(0.0)
            };
        }
    }
    bound.define_value("length", Value::Number(length), attr::CONFIGURABLE);
    let name = match ops::get_str(this, "name")? {
        Value::String(s) => s.to_rust_string(),
        _ => String::new(),
    };
    bound.define_value("name", Value::string(format!("bound {name}")), attr::CONFIGURABLE);
    Ok(Value::Object(bound))
}

fn to_string(this: &Value, _: &[Value]) -> JsResult<Value> {
    let f = this_callable(this, "toString")?;
    // Script source text is not kept at run time, so every function prints like a native one.
    let name = match f.get_own_property(&PropKey::str("name")).map(|p| p.slot) {
        Some(PropSlot::Data(Value::String(s))) => s.to_rust_string(),
        _ => String::new(),
    };
    Ok(Value::string(format!("function {name}() {{ [native code] }}")))
}

fn has_instance(this: &Value, args: &[Value]) -> JsResult<Value> {
    let Value::Object(f) = this else { return Ok(Value::Bool(false)) };
    if !f.is_callable() {
        return Ok(Value::Bool(false));
    }
    Ok(Value::Bool(ops::ordinary_has_instance(f, &arg(args, 0))?))
}

#[cfg(test)]
mod tests {
    use crate::util::testing::{call, path, s, setup};
    use pipy_value::function::{self, native};
    use pipy_value::{Obj, ObjectKind, Value, ops};

    /// A function returning `[this, ...args]` joined by commas.
    fn echo() -> Value {
        Value::Object(native("echo", 2, |this, args| {
            let mut parts = vec![s(this)];
            parts.extend(args.iter().map(s));
            Ok(Value::string(parts.join(",")))
        }))
    }

    fn err_msg(r: Result<Value, Value>) -> String {
        match r {
            Err(e) => s(&ops::get_str(&e, "message").ok().unwrap()),
            Ok(v) => panic!("expected an exception, got {}", s(&v)),
        }
    }

    #[test]
    fn call_and_apply() {
        setup();
        let f = echo();
        let r = call("Function.prototype.call", &f, &[Value::str("t"), Value::num(1.0), Value::num(2.0)]);
        assert_eq!(s(&r.ok().unwrap()), "t,1,2");
        let list = ops::new_array(vec![Value::num(3.0), Value::num(4.0)]);
        let r = call("Function.prototype.apply", &f, &[Value::str("t"), list]);
        assert_eq!(s(&r.ok().unwrap()), "t,3,4");
        // array-like
        let al = Obj::ordinary();
        al.define_value("length", Value::num(2.0), pipy_value::attr::DEFAULT);
        al.define_value("0", Value::str("a"), pipy_value::attr::DEFAULT);
        let r = call("Function.prototype.apply", &f, &[Value::str("t"), Value::Object(al)]);
        assert_eq!(s(&r.ok().unwrap()), "t,a,undefined");
        let r = call("Function.prototype.apply", &f, &[Value::str("t"), Value::Null]);
        assert_eq!(s(&r.ok().unwrap()), "t");
        assert_eq!(
            err_msg(call("Function.prototype.apply", &f, &[Value::Null, Value::num(1.0)])),
            "CreateListFromArrayLike called on non-object"
        );
        assert!(call("Function.prototype.call", &Value::num(1.0), &[]).is_err());
    }

    #[test]
    fn bind_function() {
        setup();
        let f = echo();
        let b = call("Function.prototype.bind", &f, &[Value::str("t"), Value::num(1.0)]).ok().unwrap();
        assert_eq!(s(&ops::get_str(&b, "name").ok().unwrap()), "bound echo");
        assert_eq!(s(&ops::get_str(&b, "length").ok().unwrap()), "1");
        assert_eq!(s(&function::call(&b, &Value::str("ignored"), &[Value::num(2.0)]).ok().unwrap()), "t,1,2");
        let b2 = call("Function.prototype.bind", &b, &[Value::Null, Value::num(5.0), Value::num(6.0)]).ok().unwrap();
        assert_eq!(s(&ops::get_str(&b2, "name").ok().unwrap()), "bound bound echo");
        assert_eq!(s(&ops::get_str(&b2, "length").ok().unwrap()), "0");
        assert_eq!(s(&function::call(&b2, &Value::Undefined, &[]).ok().unwrap()), "t,1,5,6");
        assert_eq!(b2.type_of(), "function");
        assert_eq!(
            err_msg(call("Function.prototype.bind", &Value::num(1.0), &[])),
            "Bind must be called on a function"
        );
    }

    #[test]
    fn bound_constructor_and_instanceof() {
        setup();
        let ctor = path("Object");
        let b = call("Function.prototype.bind", &ctor, &[Value::Null]).ok().unwrap();
        let o = Value::Object(Obj::ordinary());
        assert!(ops::instance_of(&o, &b).ok().unwrap());
        let key = pipy_value::PropKey::Symbol(pipy_value::realm::intrinsics().sym_has_instance.clone());
        let hi = ops::get(&path("Function.prototype"), &key).ok().unwrap();
        assert!(function::call(&hi, &ctor, std::slice::from_ref(&o)).ok().unwrap().truthy());
        assert!(!function::call(&hi, &ctor, &[Value::num(1.0)]).ok().unwrap().truthy());
        assert!(!function::call(&hi, &Value::num(1.0), &[o]).ok().unwrap().truthy());
        let Value::Object(bo) = &b else { panic!() };
        let made = function::construct(bo, &[], bo).ok().unwrap();
        assert!(matches!(&made, Value::Object(m) if matches!(m.borrow().kind, ObjectKind::Ordinary)));
    }

    #[test]
    fn to_string_and_function_ctor() {
        setup();
        let f = echo();
        assert_eq!(s(&call("Function.prototype.toString", &f, &[]).ok().unwrap()), "function echo() { [native code] }");
        assert_eq!(err_msg(call("Function", &Value::Undefined, &[])), "Function constructor is not supported");
        let fp = path("Function.prototype");
        assert!(ops::strict_equals(&ops::get_str(&fp, "constructor").ok().unwrap(), &path("Function")));
        assert!(ops::instance_of(&f, &path("Function")).ok().unwrap());
        assert!(ops::instance_of(&f, &path("Object")).ok().unwrap());
        assert_eq!(s(&ops::get_str(&fp, "length").ok().unwrap()), "0");
    }
}
