//! The String.prototype methods that follow the regular-expression protocol (`match`, `matchAll`,
//! `replace`, `replaceAll`, `search`, `split`) and `GetSubstitution`, which RegExp shares.
//!
//! Each method first delegates to the argument's well-known-symbol method (`Symbol.replace`, …), so
//! RegExp objects and user objects get their turn; only then does the plain string version run.

use super::{check_len, is_regexp, this_str};
use crate::util::{self, arg};
use pipy_value::function;
use pipy_value::value::Symbol;
use pipy_value::{JsResult, JsString, Obj, PropKey, Value, error, ops, realm};

pub(super) fn install(proto: &Obj) {
    util::method(proto, "match", 1, str_match);
    util::method(proto, "matchAll", 1, match_all);
    util::method(proto, "replace", 2, |this, args| replace(this, args, false));
    util::method(proto, "replaceAll", 2, |this, args| replace(this, args, true));
    util::method(proto, "search", 1, search);
    util::method(proto, "split", 2, split);
}

fn sym_key(f: impl Fn(&realm::Intrinsics) -> Symbol) -> PropKey {
    PropKey::Symbol(f(&realm::intrinsics()))
}

/// Calls `arg[key](this, ...rest)` when `arg` is an object (not undefined/null) carrying that method.
fn delegate(target: &Value, key: &PropKey, call_args: &[Value]) -> JsResult<Option<Value>> {
    if target.is_nullish() || !target.is_object() {
        return Ok(None);
    }
    match ops::get_method(target, key)? {
        Some(m) => Ok(Some(function::call(&m, target, call_args)?)),
        None => Ok(None),
    }
}

/// `new RegExp(pattern, flags)` via the registered constructor, then `rx[key](s)`.
fn regexp_create_and_invoke(pattern: &Value, flags: Option<&str>, key: &PropKey, s: JsString) -> JsResult<Value> {
    let Some(Value::Object(ctor)) = realm::registered("RegExp") else {
        return Err(error::type_error("RegExp is not available"));
    };
    let mut args = vec![pattern.clone()];
    if let Some(f) = flags {
        args.push(Value::str(f));
    }
    let rx = function::construct(&ctor, &args, &ctor)?;
    let m = ops::get(&rx, key)?;
    function::call(&m, &rx, &[Value::String(s)])
}

fn require_global_flags(v: &Value, method: &str) -> JsResult<()> {
    if is_regexp(v)? {
        let flags = ops::get_str(v, "flags")?;
        if flags.is_nullish() {
            return Err(error::type_error("Cannot convert undefined or null to object"));
        }
        if !ops::to_string(&flags)?.units().contains(&(b'g' as u16)) {
            return Err(error::type_error(&format!(
                "String.prototype.{method} called with a non-global RegExp argument"
            )));
        }
    }
    Ok(())
}

fn str_match(this: &Value, args: &[Value]) -> JsResult<Value> {
    if this.is_nullish() {
        return Err(error::type_error("String.prototype.match called on null or undefined"));
    }
    let rx = arg(args, 0);
    let key = sym_key(|i| i.sym_match.clone());
    if let Some(r) = delegate(&rx, &key, std::slice::from_ref(this))? {
        return Ok(r);
    }
    let s = this_str(this, "match")?;
    regexp_create_and_invoke(&rx, None, &key, s)
}

fn match_all(this: &Value, args: &[Value]) -> JsResult<Value> {
    if this.is_nullish() {
        return Err(error::type_error("String.prototype.matchAll called on null or undefined"));
    }
    let rx = arg(args, 0);
    let key = sym_key(|i| i.sym_match_all.clone());
    if !rx.is_nullish() {
        require_global_flags(&rx, "matchAll")?;
    }
    if let Some(r) = delegate(&rx, &key, std::slice::from_ref(this))? {
        return Ok(r);
    }
    let s = this_str(this, "matchAll")?;
    regexp_create_and_invoke(&rx, Some("g"), &key, s)
}

fn search(this: &Value, args: &[Value]) -> JsResult<Value> {
    if this.is_nullish() {
        return Err(error::type_error("String.prototype.search called on null or undefined"));
    }
    let rx = arg(args, 0);
    let key = sym_key(|i| i.sym_search.clone());
    if let Some(r) = delegate(&rx, &key, std::slice::from_ref(this))? {
        return Ok(r);
    }
    let s = this_str(this, "search")?;
    regexp_create_and_invoke(&rx, None, &key, s)
}

fn replace(this: &Value, args: &[Value], all: bool) -> JsResult<Value> {
    let name = if all { "replaceAll" } else { "replace" };
    if this.is_nullish() {
        return Err(error::type_error(&format!("String.prototype.{name} called on null or undefined")));
    }
    let search_value = arg(args, 0);
    let replace_value = arg(args, 1);
    if all && !search_value.is_nullish() {
        require_global_flags(&search_value, "replaceAll")?;
    }
    let key = sym_key(|i| i.sym_replace.clone());
    if let Some(r) = delegate(&search_value, &key, &[this.clone(), replace_value.clone()])? {
        return Ok(r);
    }
    let string = this_str(this, name)?;
    let search = ops::to_string(&search_value)?;
    let functional = replace_value.is_callable();
    let template = if functional { JsString::empty() } else { ops::to_string(&replace_value)? };
    let mut positions = Vec::new();
    let advance = search.len().max(1);
    let mut from = string.find(&search, 0);
    while let Some(p) = from {
        positions.push(p);
        if !all {
            break;
        }
        from = string.find(&search, p + advance);
    }
    if positions.is_empty() {
        return Ok(Value::String(string));
    }
    let mut out = JsString::empty();
    let mut end_of_last = 0;
    for p in positions {
        out = out.concat(&string.substring(end_of_last, p));
        let replacement = if functional {
            let r = function::call(
                &replace_value,
                &Value::Undefined,
                &[Value::String(search.clone()), Value::from(p), Value::String(string.clone())],
            )?;
            ops::to_string(&r)?
        } else {
            get_substitution(&search, &string, p, &[], &Value::Undefined, &template)?
        };
        out = out.concat(&replacement);
        check_len(out.len())?;
        end_of_last = p + search.len();
    }
    out = out.concat(&string.substring(end_of_last, string.len()));
    check_len(out.len())?;
    Ok(Value::String(out))
}

fn split(this: &Value, args: &[Value]) -> JsResult<Value> {
    if this.is_nullish() {
        return Err(error::type_error("String.prototype.split called on null or undefined"));
    }
    let sep = arg(args, 0);
    let limit = arg(args, 1);
    let key = sym_key(|i| i.sym_split.clone());
    if let Some(r) = delegate(&sep, &key, &[this.clone(), limit.clone()])? {
        return Ok(r);
    }
    let s = this_str(this, "split")?;
    let lim = if limit.is_undefined() { u32::MAX } else { ops::to_uint32(&limit)? } as usize;
    let r = ops::to_string(&sep)?;
    if lim == 0 {
        return Ok(ops::new_array(Vec::new()));
    }
    if sep.is_undefined() {
        return Ok(ops::new_array(vec![Value::String(s)]));
    }
    if s.is_empty() {
        return Ok(ops::new_array(if r.is_empty() { Vec::new() } else { vec![Value::String(s)] }));
    }
    let mut parts = Vec::new();
    if r.is_empty() {
        for i in 0..s.len().min(lim) {
            parts.push(Value::String(s.substring(i, i + 1)));
        }
        return Ok(ops::new_array(parts));
    }
    let mut start = 0;
    while let Some(p) = s.find(&r, start) {
        parts.push(Value::String(s.substring(start, p)));
        if parts.len() >= lim {
            return Ok(ops::new_array(parts));
        }
        start = p + r.len();
    }
    parts.push(Value::String(s.substring(start, s.len())));
    Ok(ops::new_array(parts))
}

/// GetSubstitution: expands `$$`, `$&`, `` $` ``, `$'`, `$1`..`$99` and `$<name>` in `replacement`
/// for a match of `matched` at `position` in `string`.
pub fn get_substitution(
    matched: &JsString,
    string: &JsString,
    position: usize,
    captures: &[Value],
    named_captures: &Value,
    replacement: &JsString,
) -> JsResult<JsString> {
    let t = replacement.units();
    if !t.contains(&(b'$' as u16)) {
        return Ok(replacement.clone());
    }
    let su = string.units();
    let position = position.min(su.len());
    let mut out: Vec<u16> = Vec::with_capacity(t.len());
    let is_digit = |c: u16| (b'0' as u16..=b'9' as u16).contains(&c);
    let mut i = 0;
    while i < t.len() {
        let c = t[i];
        let next = t.get(i + 1).copied();
        if c != b'$' as u16 || next.is_none() {
            out.push(c);
            i += 1;
            continue;
        }
        let n = next.unwrap_or(0);
        if n == b'$' as u16 {
            out.push(b'$' as u16);
            i += 2;
        } else if n == b'&' as u16 {
            out.extend_from_slice(&matched.units());
            i += 2;
        } else if n == b'`' as u16 {
            out.extend_from_slice(&su[..position]);
            i += 2;
        } else if n == b'\'' as u16 {
            let tail = (position + matched.len()).min(su.len());
            out.extend_from_slice(&su[tail..]);
            i += 2;
        } else if is_digit(n) {
            let d1 = (n - b'0' as u16) as usize;
            let two = t.get(i + 2).copied().filter(|&c| is_digit(c)).map(|c| d1 * 10 + (c - b'0' as u16) as usize);
            let (index, consumed) = match two {
                Some(idx) if idx >= 1 && idx <= captures.len() => (idx, 3),
                _ => (d1, 2),
            };
            if index >= 1 && index <= captures.len() {
                match &captures[index - 1] {
                    Value::Undefined | Value::Hole => {}
                    v => out.extend_from_slice(&ops::to_string(v)?.units()),
                }
                i += consumed;
            } else {
                out.extend_from_slice(&t[i..i + 2]);
                i += 2;
            }
        } else if n == b'<' as u16 {
            let gt = t[i + 2..].iter().position(|&c| c == b'>' as u16).map(|p| p + i + 2);
            match gt {
                Some(gt) if !named_captures.is_undefined() => {
                    let name = JsString::from_units(&t[i + 2..gt]);
                    let v = ops::get(named_captures, &PropKey::String(name))?;
                    if !v.is_undefined() {
                        out.extend_from_slice(&ops::to_string(&v)?.units());
                    }
                    i = gt + 1;
                }
                _ => {
                    out.extend_from_slice(&t[i..i + 2]);
                    i += 2;
                }
            }
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(JsString::from_utf16(out))
}
