//! The `Array.prototype` methods that take no callback: element access, stack and queue
//! operations, slicing and splicing, searching by value, joining, and the copying ES2023 variants.

use super::{
    MAX_DENSE, create_data_property, delete_at, dense_range, elem, get_at, is_plain_array, protos_have_no_elements,
    set_at, set_length, species_create, species_ctor, this_obj,
};
use crate::util::{self, arg};
use pipy_value::{JsResult, JsString, Obj, ObjectKind, PropKey, Value, error, function, ops, realm};
use std::cell::RefCell;

/// 2^53 - 1: the largest length a generic array-like may reach.
const MAX_SAFE: usize = 9007199254740991;

pub(super) fn install(proto: &Obj) {
    util::method(proto, "at", 1, at);
    util::method(proto, "concat", 1, concat);
    util::method(proto, "copyWithin", 2, copy_within);
    util::method(proto, "fill", 1, fill);
    util::method(proto, "includes", 1, includes);
    util::method(proto, "indexOf", 1, index_of);
    util::method(proto, "lastIndexOf", 1, last_index_of);
    util::method(proto, "join", 1, join);
    util::method(proto, "pop", 0, pop);
    util::method(proto, "push", 1, push);
    util::method(proto, "reverse", 0, reverse);
    util::method(proto, "shift", 0, shift);
    util::method(proto, "unshift", 1, unshift);
    util::method(proto, "slice", 2, slice);
    util::method(proto, "splice", 2, splice);
    util::method(proto, "toLocaleString", 0, to_locale_string);
    util::method(proto, "toString", 0, to_string);
    util::method(proto, "toReversed", 0, to_reversed);
    util::method(proto, "toSpliced", 2, to_spliced);
    util::method(proto, "with", 2, with);
}

/// Where a method's result array goes: a `Vec` for a plain new array (the usual case), or the
/// object a species constructor made.
pub(super) enum Sink {
    Dense(Vec<Value>),
    Species(Value, usize),
}

impl Sink {
    /// ArraySpeciesCreate(original, len).
    pub(super) fn new(original: &Obj, len: usize) -> JsResult<Sink> {
        Ok(match species_ctor(original)? {
            None => Sink::Dense(Vec::new()),
            Some(c) => Sink::Species(species_create(&c, len)?, 0),
        })
    }
    pub(super) fn push(&mut self, v: Value) -> JsResult<()> {
        match self {
            Sink::Dense(out) => {
                if out.len() >= MAX_DENSE {
                    return Err(error::range_error("Invalid array length"));
                }
                out.push(v)
            }
            Sink::Species(a, n) => {
                create_data_property(a, *n, v)?;
                *n += 1;
            }
        }
        Ok(())
    }
    /// Leaves a hole (the source had none at this index).
    pub(super) fn hole(&mut self) -> JsResult<()> {
        match self {
            Sink::Dense(_) => self.push(Value::Hole),
            Sink::Species(_, n) => {
                *n += 1;
                Ok(())
            }
        }
    }
    /// The result; `set_length` for the methods whose algorithm ends with `Set(A, "length", n)`.
    pub(super) fn finish(self, set_length: bool) -> JsResult<Value> {
        match self {
            Sink::Dense(out) => Ok(ops::new_array(out)),
            Sink::Species(a, n) => {
                if set_length {
                    ops::set(&a, &PropKey::str("length"), Value::from(n), true)?;
                }
                Ok(a)
            }
        }
    }
}

/// A relative index argument (undefined → `default`) resolved against `len`.
fn rel(args: &[Value], i: usize, len: usize, default: usize) -> JsResult<usize> {
    ops::relative_index(&arg(args, i), len, default)
}

/// Every element read with `Get` (holes as undefined): the copy the ES2023 methods start from.
fn read_all(o: &Obj, len: usize) -> JsResult<Vec<Value>> {
    if len > MAX_DENSE {
        return Err(error::range_error("Invalid array length"));
    }
    if let Some(v) = dense_range(o, 0, len) {
        return Ok(v.into_iter().map(Value::unhole).collect());
    }
    (0..len).map(|k| get_at(o, k)).collect()
}

/// True when the `Vec` of a real array may be edited wholesale with the result the element-wise
/// algorithm would give (holes then simply move with the elements).
fn vec_editable(o: &Obj) -> bool {
    if !is_plain_array(o) {
        return false;
    }
    let holey = matches!(&o.borrow().kind, ObjectKind::Array(v) if v.iter().any(|e| e.is_hole()));
    !holey || protos_have_no_elements(o)
}

/// Runs `f` on the `Vec` of a real array.
fn with_vec<R>(o: &Obj, f: impl FnOnce(&mut Vec<Value>) -> R) -> Option<R> {
    match &mut o.borrow_mut().kind {
        ObjectKind::Array(v) => Some(f(v)),
        _ => None,
    }
}

fn at(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    let n = ops::to_integer(&arg(args, 0))?;
    let k = if n >= 0.0 { n } else { len as f64 + n };
    if k < 0.0 || k >= len as f64 {
        return Ok(Value::Undefined);
    }
    get_at(&o, k as usize)
}

fn concat(this: &Value, args: &[Value]) -> JsResult<Value> {
    let o = ops::to_object(this)?;
    let mut out = Sink::new(&o, 0)?;
    let first = Value::Object(o);
    for item in std::iter::once(&first).chain(args.iter()) {
        if !super::is_concat_spreadable(item)? {
            out.push(item.clone())?;
            continue;
        }
        let Value::Object(e) = item else { continue };
        let len = ops::length_of(item)?;
        if let Sink::Dense(vec) = &mut out {
            if let Some(elems) = dense_range(e, 0, len) {
                if vec.len() + elems.len() > MAX_DENSE {
                    return Err(error::range_error("Invalid array length"));
                }
                vec.extend(elems);
                continue;
            }
        }
        for k in 0..len {
            match elem(e, k)? {
                Some(v) => out.push(v)?,
                None => out.hole()?,
            }
        }
    }
    out.finish(true)
}

fn copy_within(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, v, len) = this_obj(this)?;
    let to = rel(args, 0, len, 0)?;
    let from = rel(args, 1, len, 0)?;
    let fin = rel(args, 2, len, len)?;
    let count = fin.saturating_sub(from).min(len - to);
    if count == 0 {
        return Ok(v);
    }
    let backwards = from < to && to < from + count;
    for i in 0..count {
        let (f, t) = if backwards { (from + count - 1 - i, to + count - 1 - i) } else { (from + i, to + i) };
        match elem(&o, f)? {
            Some(x) => set_at(&o, t, x)?,
            None => delete_at(&o, t)?,
        }
    }
    Ok(v)
}

fn fill(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, v, len) = this_obj(this)?;
    let value = arg(args, 0);
    let start = rel(args, 1, len, 0)?;
    let end = rel(args, 2, len, len)?;
    if start >= end {
        return Ok(v);
    }
    if is_plain_array(&o) {
        let done = with_vec(&o, |vec| {
            if end <= vec.len() {
                vec[start..end].fill(value.clone());
                true
            } else {
                false
            }
        });
        if done == Some(true) {
            return Ok(v);
        }
    }
    for k in start..end {
        set_at(&o, k, value.clone())?;
    }
    Ok(v)
}

/// What a borrow-held scan of a real array's `Vec` stopped at.
enum Scan {
    Found(usize),
    /// A hole (or the end of the `Vec` before `len`): the caller looks it up generically.
    Gap(usize),
    End,
}

/// Scans elements `from..len` of a real array for one matching `pred` without calling into JS.
/// `None` when `o` is not a real array.
fn scan(o: &Obj, from: usize, len: usize, pred: &dyn Fn(&Value) -> bool) -> Option<Scan> {
    let b = o.borrow();
    let ObjectKind::Array(v) = &b.kind else { return None };
    for k in from..len {
        match v.get(k) {
            Some(Value::Hole) | None => return Some(Scan::Gap(k)),
            Some(e) if pred(e) => return Some(Scan::Found(k)),
            Some(_) => {}
        }
    }
    Some(Scan::End)
}

/// The first index in `start..len` whose element matches; holes are read by `read_gap`
/// (`None` = absent).
fn search(
    o: &Obj,
    start: usize,
    len: usize,
    pred: &dyn Fn(&Value) -> bool,
    read_gap: fn(&Obj, usize) -> JsResult<Option<Value>>,
) -> JsResult<Option<usize>> {
    let mut k = start;
    while k < len {
        match scan(o, k, len, pred) {
            Some(Scan::Found(i)) => return Ok(Some(i)),
            Some(Scan::End) => return Ok(None),
            Some(Scan::Gap(i)) => k = i,
            None => {}
        }
        if read_gap(o, k)?.is_some_and(|v| pred(&v)) {
            return Ok(Some(k));
        }
        k += 1;
    }
    Ok(None)
}

/// The start index of `indexOf`/`includes` from the `fromIndex` argument.
fn search_start(args: &[Value], len: usize) -> JsResult<usize> {
    let n = ops::to_integer(&arg(args, 1))?;
    Ok(if n >= 0.0 { n.min(len as f64) as usize } else { (len as f64 + n).max(0.0) as usize })
}

fn includes(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    if len == 0 {
        return Ok(Value::Bool(false));
    }
    let target = arg(args, 0);
    let start = search_start(args, len)?;
    let found = search(&o, start, len, &|v| ops::same_value_zero(v, &target), |o, k| Ok(Some(get_at(o, k)?)))?;
    Ok(Value::Bool(found.is_some()))
}

fn index_of(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    if len == 0 {
        return Ok(Value::from(-1));
    }
    let target = arg(args, 0);
    let start = search_start(args, len)?;
    let found = search(&o, start, len, &|v| ops::strict_equals(v, &target), elem)?;
    Ok(found.map_or(Value::from(-1), Value::from))
}

fn last_index_of(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    if len == 0 {
        return Ok(Value::from(-1));
    }
    let target = arg(args, 0);
    let n = if args.len() > 1 { ops::to_integer(&args[1])? } else { len as f64 - 1.0 };
    let start = if n >= 0.0 { n.min(len as f64 - 1.0) } else { len as f64 + n };
    if start < 0.0 {
        return Ok(Value::from(-1));
    }
    for k in (0..=start as usize).rev() {
        if let Some(v) = elem(&o, k)? {
            if ops::strict_equals(&v, &target) {
                return Ok(Value::from(k));
            }
        }
    }
    Ok(Value::from(-1))
}

thread_local! {
    /// Arrays being joined right now: a cycle (`a.push(a); a.join()`) joins as '' (as engines do).
    static JOINING: RefCell<Vec<Obj>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` unless `o` is already being joined further up the stack.
fn guard_cycle(o: &Obj, f: impl FnOnce() -> JsResult<JsString>) -> JsResult<JsString> {
    if JOINING.with(|j| j.borrow().iter().any(|x| x.ptr_eq(o))) {
        return Ok(JsString::empty());
    }
    JOINING.with(|j| j.borrow_mut().push(o.clone()));
    let r = f();
    JOINING.with(|j| j.borrow_mut().pop());
    r
}

fn join(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    let sep = match arg(args, 0) {
        Value::Undefined => JsString::new(","),
        s => ops::to_string(&s)?,
    };
    let s = guard_cycle(&o, || {
        let mut out = JsString::empty();
        for k in 0..len {
            if k > 0 {
                out = out.concat(&sep);
            }
            match get_at(&o, k)? {
                Value::Undefined | Value::Null | Value::Hole => {}
                Value::String(s) => out = out.concat(&s),
                v => out = out.concat(&ops::to_string(&v)?),
            }
        }
        Ok(out)
    })?;
    Ok(Value::String(s))
}

fn to_locale_string(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    let s = guard_cycle(&o, || {
        let mut out = JsString::empty();
        for k in 0..len {
            if k > 0 {
                out = out.concat(&JsString::new(","));
            }
            let v = get_at(&o, k)?;
            if !v.is_nullish() {
                out = out.concat(&ops::to_string(&ops::invoke(&v, "toLocaleString", &[])?)?);
            }
        }
        Ok(out)
    })?;
    Ok(Value::String(s))
}

fn to_string(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let o = ops::to_object(this)?;
    let v = Value::Object(o.clone());
    let f = ops::get(&v, &PropKey::str("join"))?;
    if f.is_callable() {
        return function::call(&f, &v, &[]);
    }
    // %Object.prototype.toString%, or its answer when the object module is not there.
    let ots = ops::get_obj(&realm::intrinsics().object_prototype, &PropKey::str("toString"), &v)?;
    if ots.is_callable() {
        return function::call(&ots, &v, &[]);
    }
    let tag = ops::get(&v, &PropKey::Symbol(realm::intrinsics().sym_to_string_tag.clone()))?;
    let name = match &tag {
        Value::String(s) => s.to_rust_string(),
        _ if o.is_array() => "Array".into(),
        _ if o.is_callable() => "Function".into(),
        _ => "Object".into(),
    };
    Ok(Value::string(format!("[object {name}]")))
}

fn pop(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    if is_plain_array(&o) {
        let popped = with_vec(&o, |v| if v.last().is_some_and(|e| !e.is_hole()) { v.pop() } else { None });
        if let Some(Some(x)) = popped {
            return Ok(x);
        }
    }
    if len == 0 {
        set_length(&o, 0)?;
        return Ok(Value::Undefined);
    }
    let x = get_at(&o, len - 1)?;
    delete_at(&o, len - 1)?;
    set_length(&o, len - 1)?;
    Ok(x)
}

fn push(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    if is_plain_array(&o) {
        if let Some(n) = with_vec(&o, |v| {
            v.extend_from_slice(args);
            v.len()
        }) {
            return Ok(Value::from(n));
        }
    }
    if len + args.len() > MAX_SAFE {
        return Err(error::type_error("Pushing elements past 2^53-1 length"));
    }
    for (i, a) in args.iter().enumerate() {
        set_at(&o, len + i, a.clone())?;
    }
    set_length(&o, len + args.len())?;
    Ok(Value::from(len + args.len()))
}

fn reverse(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let (o, v, len) = this_obj(this)?;
    if vec_editable(&o) && with_vec(&o, |v| v.len() == len).unwrap_or(false) {
        with_vec(&o, |v| v.reverse());
        return Ok(v);
    }
    let mut lower = 0;
    while lower < len / 2 {
        let upper = len - 1 - lower;
        let lv = elem(&o, lower)?;
        let uv = elem(&o, upper)?;
        match (lv, uv) {
            (Some(l), Some(u)) => {
                set_at(&o, lower, u)?;
                set_at(&o, upper, l)?;
            }
            (None, Some(u)) => {
                set_at(&o, lower, u)?;
                delete_at(&o, upper)?;
            }
            (Some(l), None) => {
                delete_at(&o, lower)?;
                set_at(&o, upper, l)?;
            }
            (None, None) => {}
        }
        lower += 1;
    }
    Ok(v)
}

fn shift(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    if len == 0 {
        set_length(&o, 0)?;
        return Ok(Value::Undefined);
    }
    if vec_editable(&o) {
        if let Some(Some(first)) = with_vec(&o, |v| if v.is_empty() { None } else { Some(v.remove(0)) }) {
            return Ok(first.unhole());
        }
    }
    let first = get_at(&o, 0)?;
    for k in 1..len {
        match elem(&o, k)? {
            Some(x) => set_at(&o, k - 1, x)?,
            None => delete_at(&o, k - 1)?,
        }
    }
    delete_at(&o, len - 1)?;
    set_length(&o, len - 1)?;
    Ok(first)
}

fn unshift(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    let n = args.len();
    if n > 0 && vec_editable(&o) {
        if let Some(new_len) = with_vec(&o, |v| {
            v.splice(0..0, args.iter().cloned());
            v.len()
        }) {
            return Ok(Value::from(new_len));
        }
    }
    if n > 0 {
        if len + n > MAX_SAFE {
            return Err(error::type_error("Unshift past 2^53-1 length"));
        }
        for k in (0..len).rev() {
            match elem(&o, k)? {
                Some(x) => set_at(&o, k + n, x)?,
                None => delete_at(&o, k + n)?,
            }
        }
        for (j, a) in args.iter().enumerate() {
            set_at(&o, j, a.clone())?;
        }
    }
    set_length(&o, len + n)?;
    Ok(Value::from(len + n))
}

fn slice(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    let start = rel(args, 0, len, 0)?;
    let end = rel(args, 1, len, len)?;
    let count = end.saturating_sub(start);
    let mut out = Sink::new(&o, count)?;
    if let Sink::Dense(_) = out {
        if let Some(v) = dense_range(&o, start, start + count) {
            return Ok(ops::new_array(v));
        }
    }
    for k in start..start + count {
        match elem(&o, k)? {
            Some(v) => out.push(v)?,
            None => out.hole()?,
        }
    }
    out.finish(true)
}

/// The start and delete count of `splice`/`toSpliced`.
fn splice_range(args: &[Value], len: usize) -> JsResult<(usize, usize)> {
    let start = rel(args, 0, len, 0)?;
    let count = match args.len() {
        0 => 0,
        1 => len - start,
        _ => ops::to_integer(&args[1])?.clamp(0.0, (len - start) as f64) as usize,
    };
    Ok((start, count))
}

fn splice(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, v, len) = this_obj(this)?;
    let (start, del) = splice_range(args, len)?;
    let items = args.get(2..).unwrap_or(&[]);
    if len + items.len() - del > MAX_SAFE {
        return Err(error::type_error("Splice past 2^53-1 length"));
    }
    let mut removed = Sink::new(&o, del)?;
    if matches!(removed, Sink::Dense(_)) && vec_editable(&o) {
        let r = with_vec(&o, |vec| {
            (vec.len() == len).then(|| vec.splice(start..start + del, items.iter().cloned()).collect::<Vec<_>>())
        });
        if let Some(Some(r)) = r {
            return Ok(ops::new_array(r));
        }
    }
    for k in start..start + del {
        match elem(&o, k)? {
            Some(x) => removed.push(x)?,
            None => removed.hole()?,
        }
    }
    let removed = removed.finish(true)?;
    let n = items.len();
    if n < del {
        for k in start..len - del {
            match elem(&o, k + del)? {
                Some(x) => set_at(&o, k + n, x)?,
                None => delete_at(&o, k + n)?,
            }
        }
        for k in (len - del + n..len).rev() {
            delete_at(&o, k)?;
        }
    } else if n > del {
        for k in (start..len - del).rev() {
            match elem(&o, k + del)? {
                Some(x) => set_at(&o, k + n, x)?,
                None => delete_at(&o, k + n)?,
            }
        }
    }
    for (j, item) in items.iter().enumerate() {
        set_at(&o, start + j, item.clone())?;
    }
    set_length(&o, len - del + n)?;
    let _ = v;
    Ok(removed)
}

fn to_reversed(this: &Value, _args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    let mut v = read_all(&o, len)?;
    v.reverse();
    Ok(ops::new_array(v))
}

fn to_spliced(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    let (start, del) = splice_range(args, len)?;
    let items = args.get(2..).unwrap_or(&[]);
    let new_len = len + items.len() - del;
    if new_len > MAX_SAFE {
        return Err(error::type_error("Invalid array length"));
    }
    super::checked_length(new_len as f64)?;
    let mut out = Vec::with_capacity(new_len);
    for k in 0..start {
        out.push(get_at(&o, k)?);
    }
    out.extend_from_slice(items);
    for k in start + del..len {
        out.push(get_at(&o, k)?);
    }
    Ok(ops::new_array(out))
}

fn with(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (o, _, len) = this_obj(this)?;
    let n = ops::to_integer(&arg(args, 0))?;
    let idx = if n >= 0.0 { n } else { len as f64 + n };
    if idx < 0.0 || idx >= len as f64 {
        return Err(error::range_error(&format!("Invalid index : {}", pipy_value::number::to_string(n))));
    }
    let value = arg(args, 1);
    super::checked_length(len as f64)?;
    let mut out = Vec::with_capacity(len);
    for k in 0..len {
        out.push(if k == idx as usize { value.clone() } else { get_at(&o, k)? });
    }
    Ok(ops::new_array(out))
}
