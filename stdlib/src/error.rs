//! `Error` and the native error constructors (TypeError, RangeError, …, AggregateError): their
//! constructors, prototypes (`name`, `message`, `toString`) and `Error.captureStackTrace`.
//!
//! `AggregateError` and its prototype are registered in the realm (`"AggregateError"`,
//! `"AggregateError.prototype"`) for `Promise.any`.

use crate::util::{self, arg, method};
use pipy_value::function::{self, NativeFn};
use pipy_value::{JsResult, Obj, ObjectKind, PropKey, Value, attr, error, ops, realm};
use std::rc::Rc;

pub fn install() {
    let i = realm::intrinsics();
    let ep = i.error_prototype.clone();
    let error_ctor = util::constructor("Error", 1, &ep, error_ctor_fn(ep.clone(), 0));
    ep.define_hidden("name", Value::str("Error"));
    ep.define_hidden("message", Value::str(""));
    method(&ep, "toString", 0, to_string);
    method(&error_ctor, "captureStackTrace", 1, capture_stack_trace);
    error_ctor.define_value("stackTraceLimit", Value::num(10.0), attr::DEFAULT);
    realm::register("Error", Value::Object(error_ctor.clone()));

    let natives = [
        ("TypeError", &i.type_error_prototype),
        ("RangeError", &i.range_error_prototype),
        ("ReferenceError", &i.reference_error_prototype),
        ("SyntaxError", &i.syntax_error_prototype),
        ("EvalError", &i.eval_error_prototype),
        ("URIError", &i.uri_error_prototype),
    ];
    for (name, proto) in natives {
        native_error(name, 1, proto, &error_ctor, error_ctor_fn((*proto).clone(), 0));
    }

    let ap = Obj::new(Some(ep.clone()), ObjectKind::Ordinary);
    let agg = native_error("AggregateError", 2, &ap, &error_ctor, aggregate_ctor_fn(ap.clone()));
    realm::register("AggregateError", Value::Object(agg));
    realm::register("AggregateError.prototype", Value::Object(ap));
}

/// Installs a native error constructor whose [[Prototype]] is `Error`.
fn native_error(name: &str, length: u32, proto: &Obj, error_ctor: &Obj, f: NativeFn) -> Obj {
    let c = util::constructor(name, length, proto, f);
    c.set_proto(Some(error_ctor.clone()));
    proto.define_hidden("name", Value::str(name));
    proto.define_hidden("message", Value::str(""));
    c
}

/// The constructor behaviour shared by all error types; `msg_at` is the index of the message
/// argument (1 for AggregateError, whose first argument is the error list).
fn error_ctor_fn(proto: Obj, msg_at: usize) -> NativeFn {
    Rc::new(move |_, args, new_target| Ok(Value::Object(make(&proto, args, msg_at, new_target)?)))
}

fn aggregate_ctor_fn(proto: Obj) -> NativeFn {
    Rc::new(move |_, args, new_target| {
        let e = make(&proto, args, 1, new_target)?;
        let errors = ops::iterate_to_vec(&arg(args, 0))?;
        e.define_hidden("errors", ops::new_array(errors));
        Ok(Value::Object(e))
    })
}

fn make(proto: &Obj, args: &[Value], msg_at: usize, new_target: Option<&Obj>) -> JsResult<Obj> {
    let proto = match new_target {
        Some(nt) => function::prototype_from_ctor(nt, |_| proto.clone())?,
        None => proto.clone(),
    };
    let e = Obj::new(Some(proto), ObjectKind::Error);
    let message = arg(args, msg_at);
    let mut text = String::new();
    if !message.is_undefined() && !message.is_hole() {
        let m = ops::to_string(&message)?;
        text = m.to_rust_string();
        e.define_hidden("message", Value::String(m));
    }
    let options = arg(args, msg_at + 1);
    if let Value::Object(opts) = &options {
        let cause = PropKey::str("cause");
        if ops::has_property(opts, &cause) {
            let c = ops::get(&options, &cause)?;
            e.define_hidden("cause", c);
        }
    }
    // The name comes through the prototype chain so subclasses (`class E extends Error`) that
    // define their own `name` on the prototype show it.
    let name = match ops::get_str(&Value::Object(e.clone()), "name")? {
        Value::Undefined => "Error".to_string(),
        n => ops::to_rust_string(&n)?,
    };
    error::attach_stack(&e, &name, &text);
    Ok(e)
}

/// Error.prototype.toString.
fn to_string(this: &Value, _: &[Value]) -> JsResult<Value> {
    if !this.is_object() {
        return Err(error::type_error(&format!(
            "Method Error.prototype.toString called on incompatible receiver {}",
            ops::describe(this).trim_matches('"')
        )));
    }
    let name = match ops::get_str(this, "name")? {
        Value::Undefined => "Error".into(),
        n => ops::to_string(&n)?,
    };
    let msg = match ops::get_str(this, "message")? {
        Value::Undefined => "".into(),
        m => ops::to_string(&m)?,
    };
    Ok(Value::String(if name.is_empty() {
        msg
    } else if msg.is_empty() {
        name
    } else {
        name.concat_str(": ").concat(&msg)
    }))
}

/// `Error.captureStackTrace(obj)`: gives `obj` a `stack` from its name and message.
fn capture_stack_trace(_: &Value, args: &[Value]) -> JsResult<Value> {
    let target = arg(args, 0);
    let Value::Object(o) = &target else { return Err(error::type_error("Invalid argument")) };
    let name = match ops::get_str(&target, "name")? {
        Value::Undefined => "Error".to_string(),
        n => ops::to_rust_string(&n)?,
    };
    let message = match ops::get_str(&target, "message")? {
        Value::Undefined => String::new(),
        m => ops::to_rust_string(&m)?,
    };
    error::attach_stack(o, &name, &message);
    Ok(Value::Undefined)
}

#[cfg(test)]
mod tests {
    use crate::util::testing::{call, path, s, setup};
    use pipy_value::{Obj, PropKey, Value, attr, function, ops};

    fn construct(p: &str, args: &[Value]) -> Value {
        let Value::Object(c) = path(p) else { panic!("{p} missing") };
        function::construct(&c, args, &c).ok().unwrap()
    }

    fn get(v: &Value, k: &str) -> Value {
        ops::get_str(v, k).ok().unwrap()
    }

    #[test]
    fn construct_and_call() {
        setup();
        let e = construct("Error", &[Value::str("boom")]);
        assert!(e.as_object().unwrap().is_error());
        assert_eq!(s(&get(&e, "message")), "boom");
        assert_eq!(s(&get(&e, "name")), "Error");
        assert!(s(&get(&e, "stack")).starts_with("Error: boom"));
        assert_eq!(s(&call("Error.prototype.toString", &e, &[]).ok().unwrap()), "Error: boom");
        // Called without new.
        let e = call("TypeError", &Value::Undefined, &[Value::str("bad")]).ok().unwrap();
        assert_eq!(s(&call("Error.prototype.toString", &e, &[]).ok().unwrap()), "TypeError: bad");
        assert!(ops::instance_of(&e, &path("TypeError")).ok().unwrap());
        assert!(ops::instance_of(&e, &path("Error")).ok().unwrap());
        assert!(!ops::instance_of(&e, &path("RangeError")).ok().unwrap());
        // No own message when undefined (Node: Object.hasOwn(new Error(), 'message') -> false).
        let e = construct("RangeError", &[]);
        assert!(!e.as_object().unwrap().has_own_property(&PropKey::str("message")));
        assert_eq!(s(&call("Error.prototype.toString", &e, &[]).ok().unwrap()), "RangeError");
        assert_eq!(s(&get(&e, "stack")), "RangeError");
    }

    #[test]
    fn cause_option() {
        setup();
        let opts = Obj::ordinary();
        opts.define_value("cause", Value::num(1.0), attr::DEFAULT);
        let e = construct("Error", &[Value::str("x"), Value::Object(opts)]);
        assert_eq!(s(&get(&e, "cause")), "1");
        let e = construct("Error", &[Value::str("x"), Value::Object(Obj::ordinary())]);
        assert!(!e.as_object().unwrap().has_own_property(&PropKey::str("cause")));
    }

    #[test]
    fn hierarchy() {
        setup();
        let te = path("TypeError");
        let Value::Object(t) = &te else { panic!() };
        assert!(t.proto().unwrap().ptr_eq(path("Error").as_object().unwrap()));
        let tp = get(&te, "prototype");
        assert_eq!(s(&get(&tp, "name")), "TypeError");
        assert_eq!(s(&get(&tp, "message")), "");
        assert!(ops::strict_equals(&get(&tp, "constructor"), &te));
        // Runtime-created errors share these prototypes.
        let re = pipy_value::error::range_error("r");
        assert!(ops::instance_of(&re, &path("RangeError")).ok().unwrap());
        assert_eq!(s(&call("Object.prototype.toString", &re, &[]).ok().unwrap()), "[object Error]");
    }

    #[test]
    fn subclass_prototype_and_name() {
        setup();
        // Emulates `class MyErr extends Error {}` with MyErr.prototype.name = 'MyErr'.
        let my_proto =
            Obj::new(Some(path("Error.prototype").as_object().unwrap().clone()), pipy_value::ObjectKind::Ordinary);
        my_proto.define_hidden("name", Value::str("MyErr"));
        let nt = function::native("MyErr", 0, |_, _| Ok(Value::Undefined));
        nt.define_value("prototype", Value::Object(my_proto.clone()), 0);
        let Value::Object(ec) = path("Error") else { panic!() };
        let e = function::construct(&ec, &[Value::str("m")], &nt).ok().unwrap();
        assert!(e.as_object().unwrap().proto().unwrap().ptr_eq(&my_proto));
        assert!(s(&get(&e, "stack")).starts_with("MyErr: m"));
        assert_eq!(s(&call("Error.prototype.toString", &e, &[]).ok().unwrap()), "MyErr: m");
    }

    #[test]
    fn to_string_algorithm() {
        setup();
        let ts = |name: Value, msg: Value| {
            let o = Obj::ordinary();
            o.define_value("name", name, attr::DEFAULT);
            o.define_value("message", msg, attr::DEFAULT);
            s(&call("Error.prototype.toString", &Value::Object(o), &[]).ok().unwrap())
        };
        // Node: Error.prototype.toString.call({name:'',message:'m'}) -> 'm'
        assert_eq!(ts(Value::str(""), Value::str("m")), "m");
        assert_eq!(ts(Value::str("N"), Value::str("")), "N");
        assert_eq!(ts(Value::Undefined, Value::Undefined), "Error");
        assert_eq!(ts(Value::str("N"), Value::num(5.0)), "N: 5");
        let r = call("Error.prototype.toString", &Value::num(1.0), &[]);
        assert!(r.is_err());
    }

    #[test]
    fn aggregate_and_capture() {
        setup();
        crate::object::tests_support::ensure_array_iterator();
        let list = ops::new_array(vec![Value::num(1.0), Value::num(2.0)]);
        let e = construct("AggregateError", &[list, Value::str("all failed")]);
        assert_eq!(s(&get(&e, "message")), "all failed");
        assert_eq!(s(&get(&e, "name")), "AggregateError");
        assert_eq!(ops::length_of(&get(&e, "errors")).ok().unwrap(), 2);
        assert!(ops::instance_of(&e, &path("Error")).ok().unwrap());
        let o = Obj::ordinary();
        o.define_value("message", Value::str("hi"), attr::DEFAULT);
        let ov = Value::Object(o);
        call("Error.captureStackTrace", &Value::Undefined, std::slice::from_ref(&ov)).ok().unwrap();
        assert!(s(&get(&ov, "stack")).starts_with("Error: hi"));
    }
}
