//! The string-protocol methods of `RegExp.prototype`: `[Symbol.match]`, `[Symbol.matchAll]` (with
//! the RegExp String Iterator), `[Symbol.replace]`, `[Symbol.search]` and `[Symbol.split]`. They
//! follow the spec's generic algorithms (observable `exec`, `flags`, `lastIndex`), so subclasses
//! and user-defined `exec` work.

use super::{advance_string_index, regexp_exec, set_last_index};
pub use crate::string::get_substitution;
use crate::util::{self, arg};
use pipy_value::function;
use pipy_value::{JsResult, JsString, Obj, ObjectKind, PropKey, Value, error, ops, realm};

pub(super) fn install(proto: &Obj) {
    pipy_value::cycles::trace_host::<StringIterState>(|it, v| v.value(&it.matcher));
    let i = realm::intrinsics();
    util::symbol_method(proto, PropKey::Symbol(i.sym_match.clone()), "[Symbol.match]", 1, match_);
    util::symbol_method(proto, PropKey::Symbol(i.sym_match_all.clone()), "[Symbol.matchAll]", 1, match_all);
    util::symbol_method(proto, PropKey::Symbol(i.sym_replace.clone()), "[Symbol.replace]", 2, replace);
    util::symbol_method(proto, PropKey::Symbol(i.sym_search.clone()), "[Symbol.search]", 1, search);
    util::symbol_method(proto, PropKey::Symbol(i.sym_split.clone()), "[Symbol.split]", 2, split);

    let iter_proto = Obj::new(Some(i.iterator_prototype.clone()), ObjectKind::Ordinary);
    util::method(&iter_proto, "next", 0, iterator_next);
    iter_proto.define_value(
        PropKey::Symbol(i.sym_to_string_tag.clone()),
        Value::str("RegExp String Iterator"),
        pipy_value::attr::CONFIGURABLE,
    );
    realm::register("RegExpStringIterator.prototype", Value::Object(iter_proto));
}

fn require_object(this: &Value, what: &str) -> JsResult<()> {
    if this.is_object() {
        Ok(())
    } else {
        Err(error::type_error(&format!("RegExp.prototype.{what} called on a non-object")))
    }
}

fn flags_of(rx: &Value) -> JsResult<JsString> {
    ops::to_string(&ops::get_str(rx, "flags")?)
}

fn has_flag(flags: &JsString, c: u8) -> bool {
    flags.units().contains(&(c as u16))
}

fn last_index(rx: &Value) -> JsResult<usize> {
    ops::to_length(&ops::get_str(rx, "lastIndex")?)
}

/// After an empty match of a global scan: step `lastIndex` past it so the scan progresses.
fn skip_empty(rx: &Value, result: &Value, s: &JsString, unicode: bool) -> JsResult<()> {
    if ops::to_string(&ops::get(result, &PropKey::index(0))?)?.is_empty() {
        let this_index = last_index(rx)?;
        set_last_index(rx, advance_string_index(s, this_index, unicode))?;
    }
    Ok(())
}

fn match_(this: &Value, args: &[Value]) -> JsResult<Value> {
    require_object(this, "@@match")?;
    let s = ops::to_string(&arg(args, 0))?;
    let flags = flags_of(this)?;
    if !has_flag(&flags, b'g') {
        return regexp_exec(this, &s);
    }
    let unicode = has_flag(&flags, b'u') || has_flag(&flags, b'v');
    set_last_index(this, 0)?;
    let mut out = Vec::new();
    loop {
        let result = regexp_exec(this, &s)?;
        if result.is_null() {
            return Ok(if out.is_empty() { Value::Null } else { ops::new_array(out) });
        }
        out.push(Value::String(ops::to_string(&ops::get(&result, &PropKey::index(0))?)?));
        skip_empty(this, &result, &s, unicode)?;
    }
}

/// SpeciesConstructor(o, %RegExp%).
fn species_constructor(o: &Value) -> JsResult<Obj> {
    let default = || match realm::registered("RegExp") {
        Some(Value::Object(c)) => Ok(c),
        _ => error::throw_type("RegExp is not installed"),
    };
    let c = ops::get_str(o, "constructor")?;
    if c.is_undefined() {
        return default();
    }
    if !c.is_object() {
        return error::throw_type("object.constructor is not an object");
    }
    let s = ops::get(&c, &PropKey::Symbol(realm::intrinsics().sym_species.clone()))?;
    match s {
        Value::Undefined | Value::Null => default(),
        Value::Object(f) if f.is_constructor() => Ok(f),
        _ => error::throw_type("object.constructor[Symbol.species] is not a constructor"),
    }
}

fn construct_with(c: &Obj, rx: &Value, flags: JsString) -> JsResult<Value> {
    function::construct(c, &[rx.clone(), Value::String(flags)], c)
}

struct StringIterState {
    matcher: Value,
    s: JsString,
    global: bool,
    unicode: bool,
    done: bool,
}

fn match_all(this: &Value, args: &[Value]) -> JsResult<Value> {
    require_object(this, "@@matchAll")?;
    let s = ops::to_string(&arg(args, 0))?;
    let c = species_constructor(this)?;
    let flags = flags_of(this)?;
    let matcher = construct_with(&c, this, flags.clone())?;
    set_last_index(&matcher, last_index(this)?)?;
    let state = StringIterState {
        matcher,
        s,
        global: has_flag(&flags, b'g'),
        unicode: has_flag(&flags, b'u') || has_flag(&flags, b'v'),
        done: false,
    };
    let proto = match realm::registered("RegExpStringIterator.prototype") {
        Some(Value::Object(p)) => p,
        _ => realm::intrinsics().iterator_prototype.clone(),
    };
    Ok(Value::Object(Obj::new(Some(proto), ObjectKind::Host(Box::new(state)))))
}

fn iterator_next(this: &Value, _: &[Value]) -> JsResult<Value> {
    let Value::Object(it) = this else {
        return error::throw_type("%RegExpStringIterator%.next called on incompatible receiver");
    };
    let Some((matcher, s, global, unicode, done)) =
        it.with_host(|st: &mut StringIterState| (st.matcher.clone(), st.s.clone(), st.global, st.unicode, st.done))
    else {
        return error::throw_type("%RegExpStringIterator%.next called on incompatible receiver");
    };
    if done {
        return Ok(ops::iter_result(Value::Undefined, true));
    }
    let result = regexp_exec(&matcher, &s)?;
    let finish = |it: &Obj| it.with_host(|st: &mut StringIterState| st.done = true);
    if result.is_null() {
        finish(it);
        return Ok(ops::iter_result(Value::Undefined, true));
    }
    if global {
        skip_empty(&matcher, &result, &s, unicode)?;
    } else {
        finish(it);
    }
    Ok(ops::iter_result(result, false))
}

fn search(this: &Value, args: &[Value]) -> JsResult<Value> {
    require_object(this, "@@search")?;
    let s = ops::to_string(&arg(args, 0))?;
    let key = PropKey::str("lastIndex");
    let previous = ops::get(this, &key)?;
    if !ops::same_value(&previous, &Value::int(0)) {
        ops::set(this, &key, Value::int(0), true)?;
    }
    let result = regexp_exec(this, &s)?;
    let current = ops::get(this, &key)?;
    if !ops::same_value(&current, &previous) {
        ops::set(this, &key, previous, true)?;
    }
    if result.is_null() { Ok(Value::int(-1)) } else { ops::get_str(&result, "index") }
}

fn replace(this: &Value, args: &[Value]) -> JsResult<Value> {
    require_object(this, "@@replace")?;
    let s = ops::to_string(&arg(args, 0))?;
    let len = s.len();
    let replace_value = arg(args, 1);
    let functional = replace_value.is_callable();
    let replace_str = if functional { JsString::empty() } else { ops::to_string(&replace_value)? };
    let flags = flags_of(this)?;
    let global = has_flag(&flags, b'g');
    let unicode = has_flag(&flags, b'u') || has_flag(&flags, b'v');
    if global {
        set_last_index(this, 0)?;
    }
    let mut results = Vec::new();
    loop {
        let result = regexp_exec(this, &s)?;
        if result.is_null() {
            break;
        }
        if !global {
            results.push(result);
            break;
        }
        skip_empty(this, &result, &s, unicode)?;
        results.push(result);
    }
    let mut acc: Vec<u16> = Vec::new();
    let mut next_pos = 0usize;
    for result in results {
        let n_captures = ops::length_of(&result)?.saturating_sub(1);
        let matched = ops::to_string(&ops::get(&result, &PropKey::index(0))?)?;
        let position = ops::to_integer(&ops::get_str(&result, "index")?)?.clamp(0.0, len as f64) as usize;
        let mut captures = Vec::with_capacity(n_captures);
        for i in 1..=n_captures {
            let c = ops::get(&result, &PropKey::index(i as u32))?;
            captures.push(if c.is_undefined() { c } else { Value::String(ops::to_string(&c)?) });
        }
        let named = ops::get_str(&result, "groups")?;
        let replacement = if functional {
            let mut fargs = Vec::with_capacity(n_captures + 4);
            fargs.push(Value::String(matched.clone()));
            fargs.extend(captures);
            fargs.push(Value::from(position));
            fargs.push(Value::String(s.clone()));
            if !named.is_undefined() {
                fargs.push(named);
            }
            ops::to_string(&function::call(&replace_value, &Value::Undefined, &fargs)?)?
        } else {
            let named = if named.is_undefined() { named } else { Value::Object(ops::to_object(&named)?) };
            get_substitution(&matched, &s, position, &captures, &named, &replace_str)?
        };
        if position >= next_pos {
            acc.extend_from_slice(&s.units()[next_pos..position]);
            acc.extend_from_slice(&replacement.units());
            next_pos = position + matched.len();
        }
    }
    if next_pos < len {
        acc.extend_from_slice(&s.units()[next_pos..]);
    }
    Ok(Value::String(JsString::from_utf16(acc)))
}

fn split(this: &Value, args: &[Value]) -> JsResult<Value> {
    require_object(this, "@@split")?;
    let s = ops::to_string(&arg(args, 0))?;
    let limit = arg(args, 1);
    let c = species_constructor(this)?;
    let flags = flags_of(this)?;
    let unicode = has_flag(&flags, b'u') || has_flag(&flags, b'v');
    let new_flags = if has_flag(&flags, b'y') { flags } else { flags.concat_str("y") };
    let splitter = construct_with(&c, this, new_flags)?;
    let lim = if limit.is_undefined() { u32::MAX as usize } else { ops::to_uint32(&limit)? as usize };
    let mut out: Vec<Value> = Vec::new();
    if lim == 0 {
        return Ok(ops::new_array(out));
    }
    let size = s.len();
    if size == 0 {
        if regexp_exec(&splitter, &s)?.is_null() {
            out.push(Value::String(s));
        }
        return Ok(ops::new_array(out));
    }
    let (mut p, mut q) = (0usize, 0usize);
    while q < size {
        set_last_index(&splitter, q)?;
        let z = regexp_exec(&splitter, &s)?;
        if z.is_null() {
            q = advance_string_index(&s, q, unicode);
            continue;
        }
        let e = last_index(&splitter)?.min(size);
        if e == p {
            q = advance_string_index(&s, q, unicode);
            continue;
        }
        out.push(Value::String(s.substring(p, q)));
        if out.len() == lim {
            return Ok(ops::new_array(out));
        }
        p = e;
        let n = ops::length_of(&z)?.saturating_sub(1);
        for i in 1..=n {
            out.push(ops::get(&z, &PropKey::index(i as u32))?);
            if out.len() == lim {
                return Ok(ops::new_array(out));
            }
        }
        q = p;
    }
    out.push(Value::String(s.substring(p, size)));
    Ok(ops::new_array(out))
}
