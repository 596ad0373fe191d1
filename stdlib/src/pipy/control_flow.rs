//! The Pipy control-flow globals `repeat`, `branch`, `select` and `invoke`, which Pipy scripts use
//! in place of statements inside expression-only configuration code.

use crate::util::{self, arg};
use pipy_value::function;
use pipy_value::{JsResult, ObjectKind, PropKey, Value, error, ops};

pub fn install() {
    for (name, len, f) in
        [("repeat", 2, repeat as util::Builtin), ("branch", 2, branch), ("select", 3, select), ("invoke", 2, invoke)]
    {
        util::global(name, Value::Object(function::native(name, len, f)));
    }
}

/// Calls `v` (no arguments) if it is a function, else returns it as is.
fn resolve_value(v: &Value) -> JsResult<Value> {
    if v.is_callable() { function::call(v, &Value::Undefined, &[]) } else { Ok(v.clone()) }
}

fn repeat(_: &Value, args: &[Value]) -> JsResult<Value> {
    let a0 = arg(args, 0);
    if args.len() < 2 {
        if !a0.is_callable() {
            return error::throw_type("repeat: callback is not a function");
        }
        let mut i = 0.0;
        loop {
            let r = function::call(&a0, &Value::Undefined, &[Value::Number(i)])?;
            if !r.is_undefined() {
                return Ok(r);
            }
            i += 1.0;
        }
    }
    let f = arg(args, 1);
    if !f.is_callable() {
        return error::throw_type("repeat: callback is not a function");
    }
    if let Value::Object(o) = &a0 {
        if o.is_array() {
            // Re-read the length each step: the callback may grow or shrink the array.
            let mut i = 0usize;
            while i < ops::length_of(&a0)? {
                let v = ops::get(&a0, &PropKey::index(i as u32))?.unhole();
                function::call(&f, &Value::Undefined, &[v, Value::from(i)])?;
                i += 1;
            }
            return Ok(Value::Undefined);
        }
    }
    let n = ops::to_integer(&a0)?;
    let mut i = 0.0;
    while i < n {
        function::call(&f, &Value::Undefined, &[Value::Number(i)])?;
        i += 1.0;
    }
    Ok(Value::Undefined)
}

fn branch(_: &Value, args: &[Value]) -> JsResult<Value> {
    let mut i = 0;
    while i + 1 < args.len() {
        if resolve_value(&args[i])?.truthy() {
            return resolve_value(&args[i + 1]);
        }
        i += 2;
    }
    match args.get(i) {
        Some(d) => resolve_value(d),
        None => Ok(Value::Undefined),
    }
}

fn select(_: &Value, args: &[Value]) -> JsResult<Value> {
    let x = arg(args, 0);
    let mut i = 1;
    while i + 1 < args.len() {
        if ops::strict_equals(&x, &args[i]) {
            return resolve_value(&args[i + 1]);
        }
        i += 2;
    }
    match args.get(i) {
        Some(d) => resolve_value(d),
        None => Ok(Value::Undefined),
    }
}

fn invoke(_: &Value, args: &[Value]) -> JsResult<Value> {
    let f = arg(args, 0);
    match function::call(&f, &Value::Undefined, &[]) {
        Ok(v) => Ok(v),
        Err(e) => {
            let catcher = arg(args, 1);
            if !catcher.is_callable() {
                return Ok(catcher);
            }
            let is_error = matches!(&e, Value::Object(o) if matches!(o.borrow().kind, ObjectKind::Error));
            let what = if is_error { ops::get_str(&e, "message")? } else { e };
            function::call(&catcher, &Value::Undefined, &[what])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::testing::*;
    use pipy_value::Obj;
    use std::cell::RefCell;
    use std::rc::Rc;

    fn run(p: &str, this: &Value, args: &[Value]) -> Value {
        call(p, this, args).unwrap_or_else(|e| panic!("threw {}", s(&e)))
    }

    fn closure(f: impl Fn(&[Value]) -> JsResult<Value> + 'static) -> Value {
        Value::Object(function::native_function("f", 0, Rc::new(move |_, a, _| f(a)), false))
    }

    #[test]
    fn repeat_forms() {
        setup();
        let r = run(
            "repeat",
            &Value::Undefined,
            &[closure(|a| Ok(if ops::to_number(&a[0])? == 3.0 { Value::str("done") } else { Value::Undefined }))],
        );
        assert_eq!(s(&r), "done");
        let log = Rc::new(RefCell::new(Vec::new()));
        let l = log.clone();
        let r = run(
            "repeat",
            &Value::Undefined,
            &[
                Value::int(3),
                closure(move |a| {
                    l.borrow_mut().push(s(&a[0]));
                    Ok(Value::Undefined)
                }),
            ],
        );
        assert!(r.is_undefined());
        assert_eq!(*log.borrow(), ["0", "1", "2"]);
        let log = Rc::new(RefCell::new(Vec::new()));
        let l = log.clone();
        let arr = Value::Object(Obj::array(vec![Value::str("a"), Value::str("b")]));
        run(
            "repeat",
            &Value::Undefined,
            &[
                arr,
                closure(move |a| {
                    l.borrow_mut().push(format!("{}{}", s(&a[0]), s(&a[1])));
                    Ok(Value::Undefined)
                }),
            ],
        );
        assert_eq!(*log.borrow(), ["a0", "b1"]);
    }

    #[test]
    fn branch_and_select() {
        setup();
        let u = Value::Undefined;
        let r = run(
            "branch",
            &u,
            &[Value::Bool(false), Value::int(1), closure(|_| Ok(Value::Bool(true))), closure(|_| Ok(Value::int(2)))],
        );
        assert_eq!(s(&r), "2");
        let r = run("branch", &u, &[Value::Bool(false), Value::int(1), Value::int(9)]);
        assert_eq!(s(&r), "9");
        let r = run("branch", &u, &[Value::Bool(false), Value::int(1)]);
        assert!(r.is_undefined());
        let r = run(
            "select",
            &u,
            &[Value::str("b"), Value::str("a"), Value::int(1), Value::str("b"), Value::int(2), Value::int(3)],
        );
        assert_eq!(s(&r), "2");
        let r = run("select", &u, &[Value::int(5), Value::str("5"), Value::int(1), closure(|_| Ok(Value::str("d")))]);
        assert_eq!(s(&r), "d");
    }

    #[test]
    fn invoke_catches() {
        setup();
        let u = Value::Undefined;
        let r = run("invoke", &u, &[closure(|_| Ok(Value::int(7))), Value::int(0)]);
        assert_eq!(s(&r), "7");
        let r = run("invoke", &u, &[closure(|_| Err(error::type_error("boom"))), closure(|a| Ok(a[0].clone()))]);
        assert_eq!(s(&r), "boom");
        let r = run("invoke", &u, &[closure(|_| Err(Value::str("raw"))), closure(|a| Ok(a[0].clone()))]);
        assert_eq!(s(&r), "raw");
        let r = run("invoke", &u, &[closure(|_| Err(Value::str("raw"))), Value::str("fallback")]);
        assert_eq!(s(&r), "fallback");
    }
}
