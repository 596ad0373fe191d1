//! The `Array.prototype` methods that call a script function per element: iteration (forEach, map,
//! filter, some, every), search (find*), folds (reduce*) and flattening (flat, flatMap).
//!
//! They follow the spec's loops exactly (length read once, each element re-read just before its
//! call) so callbacks that push, pop or delete see what they would in Node; `elem` reads real
//! arrays from their `Vec` and never keeps a borrow across the call.

use super::methods::Sink;
use super::{MAX_DENSE, callback, create_data_property, elem, get_at, this_obj};
use crate::util::{self, arg};
use pipy_value::{JsResult, Obj, Value, error, function, ops};

pub(super) fn install(proto: &Obj) {
    util::method(proto, "forEach", 1, for_each);
    util::method(proto, "map", 1, map);
    util::method(proto, "filter", 1, filter);
    util::method(proto, "some", 1, some);
    util::method(proto, "every", 1, every);
    util::method(proto, "find", 1, find);
    util::method(proto, "findIndex", 1, find_index);
    util::method(proto, "findLast", 1, find_last);
    util::method(proto, "findLastIndex", 1, find_last_index);
    util::method(proto, "reduce", 1, reduce);
    util::method(proto, "reduceRight", 1, reduce_right);
    util::method(proto, "flat", 0, flat);
    util::method(proto, "flatMap", 1, flat_map);
}

/// Calls `f(element, index, array)` with `thisArg` for every present element, in order, until
/// `visit` returns false (short-circuit). Returns whether the loop ran to the end.
fn each_present(
    this: &Value,
    args: &[Value],
    mut visit: impl FnMut(usize, Value, Value) -> JsResult<bool>,
) -> JsResult<bool> {
    let (o, ov, len) = this_obj(this)?;
    let f = callback(args)?;
    let this_arg = arg(args, 1);
    // One argument list for every call: the array's reference is counted once per loop.
    let mut argv = [Value::Undefined, Value::Undefined, ov];
    for k in 0..len {
        let Some(v) = elem(&o, k)? else { continue };
        argv[0] = v;
        argv[1] = Value::from(k);
        let r = function::call(&f, &this_arg, &argv)?;
        let v = std::mem::take(&mut argv[0]);
        if !visit(k, v, r)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn for_each(this: &Value, args: &[Value]) -> JsResult<Value> {
    each_present(this, args, |_, _, _| Ok(true))?;
    Ok(Value::Undefined)
}

fn map(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, ov, len) = this_obj(this)?;
    let f = callback(args)?;
    let this_arg = arg(args, 1);
    let mut out = Sink::new(&o, len)?;
    if let Sink::Dense(vec) = &mut out {
        if len > MAX_DENSE {
            return Err(error::range_error("Invalid array length"));
        }
        vec.reserve_exact(len);
    }
    let mut argv = [Value::Undefined, Value::Undefined, ov];
    for k in 0..len {
        let Some(v) = elem(&o, k)? else {
            if let Sink::Dense(vec) = &mut out {
                vec.push(Value::Hole);
            }
            continue;
        };
        argv[0] = v;
        argv[1] = Value::from(k);
        let r = function::call(&f, &this_arg, &argv)?;
        match &mut out {
            Sink::Dense(vec) => vec.push(r),
            Sink::Species(a, _) => create_data_property(a, k, r)?,
        }
    }
    out.finish(false)
}

fn filter(this: &Value, args: &[Value]) -> JsResult<Value> {
    let o = ops::to_object(this)?;
    let mut out = Sink::new(&o, 0)?;
    each_present(this, args, |_, v, r| {
        if r.truthy() {
            out.push(v)?;
        }
        Ok(true)
    })?;
    out.finish(false)
}

fn some(this: &Value, args: &[Value]) -> JsResult<Value> {
    let all_false = each_present(this, args, |_, _, r| Ok(!r.truthy()))?;
    Ok(Value::Bool(!all_false))
}

fn every(this: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(Value::Bool(each_present(this, args, |_, _, r| Ok(r.truthy()))?))
}

/// FindViaPredicate: visits every index (holes read as undefined) forwards or backwards.
fn find_via(this: &Value, args: &[Value], backwards: bool) -> JsResult<Option<(usize, Value)>> {
    let (o, ov, len) = this_obj(this)?;
    let f = callback(args)?;
    let this_arg = arg(args, 1);
    for i in 0..len {
        let k = if backwards { len - 1 - i } else { i };
        let v = get_at(&o, k)?;
        if function::call(&f, &this_arg, &[v.clone(), Value::from(k), ov.clone()])?.truthy() {
            return Ok(Some((k, v)));
        }
    }
    Ok(None)
}

fn find(this: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(find_via(this, args, false)?.map(|(_, v)| v).unwrap_or_default())
}

fn find_index(this: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(find_via(this, args, false)?.map_or(Value::from(-1), |(k, _)| Value::from(k)))
}

fn find_last(this: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(find_via(this, args, true)?.map(|(_, v)| v).unwrap_or_default())
}

fn find_last_index(this: &Value, args: &[Value]) -> JsResult<Value> {
    Ok(find_via(this, args, true)?.map_or(Value::from(-1), |(k, _)| Value::from(k)))
}

fn fold(this: &Value, args: &[Value], backwards: bool) -> JsResult<Value> {
    let (o, ov, len) = this_obj(this)?;
    let f = callback(args)?;
    let index = |i: usize| if backwards { len - 1 - i } else { i };
    let mut i = 0;
    let mut acc = if args.len() >= 2 {
        args[1].clone()
    } else {
        loop {
            if i >= len {
                return Err(error::type_error("Reduce of empty array with no initial value"));
            }
            let found = elem(&o, index(i))?;
            i += 1;
            if let Some(v) = found {
                break v;
            }
        }
    };
    let mut argv = [Value::Undefined, Value::Undefined, Value::Undefined, ov];
    while i < len {
        let k = index(i);
        if let Some(v) = elem(&o, k)? {
            argv[0] = acc;
            argv[1] = v;
            argv[2] = Value::from(k);
            acc = function::call(&f, &Value::Undefined, &argv)?;
        }
        i += 1;
    }
    Ok(acc)
}

fn reduce(this: &Value, args: &[Value]) -> JsResult<Value> {
    fold(this, args, false)
}

fn reduce_right(this: &Value, args: &[Value]) -> JsResult<Value> {
    fold(this, args, true)
}

/// Nesting beyond which `flat` reports a stack overflow (as Node does for cyclic arrays).
const MAX_FLAT_NESTING: usize = 2000;

/// FlattenIntoArray: appends the present elements of `source`, spreading arrays up to `depth`
/// levels; `mapper` (flatMap) maps the top level first.
fn flatten_into(
    out: &mut Sink,
    source: &Obj,
    len: usize,
    depth: f64,
    mapper: Option<(&Value, &Value)>,
    level: usize,
) -> JsResult<()> {
    if level > MAX_FLAT_NESTING {
        // Rust recursion has no JS stack guard: a self-containing array must not overflow it.
        return Err(error::range_error("Maximum call stack size exceeded"));
    }
    for k in 0..len {
        let Some(mut v) = elem(source, k)? else { continue };
        if let Some((f, this_arg)) = mapper {
            v = function::call(f, this_arg, &[v, Value::from(k), Value::Object(source.clone())])?;
        }
        if depth > 0.0 {
            if let Value::Object(inner) = &v {
                if inner.is_array() {
                    let inner_len = ops::length_of(&v)?;
                    flatten_into(out, inner, inner_len, depth - 1.0, None, level + 1)?;
                    continue;
                }
            }
        }
        out.push(v)?;
    }
    Ok(())
}

fn flat(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    let depth = match arg(args, 0) {
        Value::Undefined => 1.0,
        d => ops::to_integer(&d)?.max(0.0),
    };
    let mut out = Sink::new(&o, 0)?;
    flatten_into(&mut out, &o, len, depth, None, 0)?;
    out.finish(false)
}

fn flat_map(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    let f = callback(args)?;
    let this_arg = arg(args, 1);
    let mut out = Sink::new(&o, 0)?;
    flatten_into(&mut out, &o, len, 1.0, Some((&f, &this_arg)), 0)?;
    out.finish(false)
}
