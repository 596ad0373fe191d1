//! `sort` and `toSorted`: a stable merge sort that lets the comparator throw.
//!
//! Rust's own `sort_by` cannot propagate a JS exception and may panic on an inconsistent
//! comparator (scripts write those), so comparator sorts use the merge sort below. The default
//! order (ToString, code-unit order) is a total order on precomputed strings and can use
//! `sort_by`. Undefined values go last and holes after them, as the spec's SortIndexedProperties.

use super::{MAX_DENSE, delete_at, dense_range, elem, is_plain_array, set_at, this_obj};
use crate::util::{self, arg};
use pipy_value::{JsResult, JsString, Obj, ObjectKind, Value, error, function, ops};
use std::cmp::Ordering;

pub(super) fn install(proto: &Obj) {
    util::method(proto, "sort", 1, sort);
    util::method(proto, "toSorted", 1, to_sorted);
}

fn comparator(args: &[Value]) -> JsResult<Value> {
    let c = arg(args, 0);
    if !c.is_undefined() && !c.is_callable() {
        return Err(error::type_error("The comparison function must be either a function or undefined"));
    }
    Ok(c)
}

/// Sorts `items` (none undefined) with the comparator or the default string order.
fn sort_values(items: Vec<Value>, cmp: &Value) -> JsResult<Vec<Value>> {
    if cmp.is_undefined() {
        let mut keyed: Vec<(JsString, Value)> = Vec::with_capacity(items.len());
        for v in items {
            let s = match &v {
                Value::String(s) => s.clone(),
                other => ops::to_string(other)?,
            };
            keyed.push((s, v));
        }
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        return Ok(keyed.into_iter().map(|(_, v)| v).collect());
    }
    let mut compare = |a: &Value, b: &Value| -> JsResult<Ordering> {
        let r = function::call(cmp, &Value::Undefined, &[a.clone(), b.clone()])?;
        let n = match r {
            Value::Number(n) => n,
            other => ops::to_number(&other)?,
        };
        Ok(if n < 0.0 {
            Ordering::Less
        } else if n > 0.0 {
            Ordering::Greater
        } else {
            Ordering::Equal
        })
    };
    merge_sort(items, &mut compare)
}

/// Stable merge sort (insertion sort for short runs), bottom-up; stops at the first error.
fn merge_sort(mut v: Vec<Value>, cmp: &mut dyn FnMut(&Value, &Value) -> JsResult<Ordering>) -> JsResult<Vec<Value>> {
    const RUN: usize = 8;
    let n = v.len();
    let mut start = 0;
    while start < n {
        let end = (start + RUN).min(n);
        for i in start + 1..end {
            let mut j = i;
            while j > start && cmp(&v[j - 1], &v[j])? == Ordering::Greater {
                v.swap(j - 1, j);
                j -= 1;
            }
        }
        start = end;
    }
    let mut width = RUN;
    let mut buf: Vec<Value> = Vec::with_capacity(n);
    while width < n {
        buf.clear();
        let mut lo = 0;
        while lo < n {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            let (mut i, mut j) = (lo, mid);
            while i < mid && j < hi {
                // Take from the right only when strictly smaller: that keeps equal elements in order.
                if cmp(&v[i], &v[j])? == Ordering::Greater {
                    buf.push(v[j].clone());
                    j += 1;
                } else {
                    buf.push(v[i].clone());
                    i += 1;
                }
            }
            buf.extend_from_slice(&v[i..mid]);
            buf.extend_from_slice(&v[j..hi]);
            lo = hi;
        }
        std::mem::swap(&mut v, &mut buf);
        width *= 2;
    }
    Ok(v)
}

/// SortIndexedProperties: the sorted present values, then how many undefineds and holes.
fn collect_sorted(o: &Obj, len: usize, cmp: &Value, skip_holes: bool) -> JsResult<(Vec<Value>, usize, usize)> {
    let all: Vec<Option<Value>> = match dense_range(o, 0, len) {
        Some(v) => v.into_iter().map(|e| if e.is_hole() { None } else { Some(e) }).collect(),
        None => {
            if len > MAX_DENSE {
                return Err(error::range_error("Invalid array length"));
            }
            let mut out = Vec::with_capacity(len);
            for k in 0..len {
                out.push(if skip_holes { elem(o, k)? } else { Some(super::get_at(o, k)?) });
            }
            out
        }
    };
    let mut items = Vec::with_capacity(all.len());
    let (mut undefs, mut holes) = (0, 0);
    for e in all {
        match e {
            None if skip_holes => holes += 1,
            None | Some(Value::Undefined) | Some(Value::Hole) => undefs += 1,
            Some(v) => items.push(v),
        }
    }
    Ok((sort_values(items, cmp)?, undefs, holes))
}

fn sort(this: &Value, args: &[Value]) -> JsResult<Value> {
    let cmp = comparator(args)?;
    let (o, ov, len) = this_obj(this)?;
    let (sorted, undefs, holes) = collect_sorted(&o, len, &cmp, true)?;
    let n = sorted.len();
    // The comparator may have changed the array; write back through the Vec only if still plain.
    if is_plain_array(&o) {
        let written = match &mut o.borrow_mut().kind {
            ObjectKind::Array(v) => {
                if v.len() < len {
                    v.resize(len, Value::Hole);
                }
                for (slot, x) in v.iter_mut().zip(sorted.iter()) {
                    *slot = x.clone();
                }
                v[n..n + undefs].fill(Value::Undefined);
                v[n + undefs..n + undefs + holes].fill(Value::Hole);
                true
            }
            _ => false,
        };
        if written {
            return Ok(ov);
        }
    }
    for (k, x) in sorted.into_iter().enumerate() {
        set_at(&o, k, x)?;
    }
    for k in n..n + undefs {
        set_at(&o, k, Value::Undefined)?;
    }
    for k in n + undefs..len {
        delete_at(&o, k)?;
    }
    Ok(ov)
}

fn to_sorted(this: &Value, args: &[Value]) -> JsResult<Value> {
    let cmp = comparator(args)?;
    let (o, _, len) = this_obj(this)?;
    super::checked_length(len as f64)?;
    let (mut sorted, undefs, _) = collect_sorted(&o, len, &cmp, false)?;
    sorted.resize(sorted.len() + undefs, Value::Undefined);
    Ok(ops::new_array(sorted))
}
