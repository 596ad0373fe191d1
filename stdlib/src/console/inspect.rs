//! `inspect`: a port of the common cases of Node's `util.inspect` (depth 2, breakLength 80,
//! compact 3, array grouping, `<ref *n>` cycles), used to format non-string values.

use crate::util::arg;
use pipy_value::function::{self, FuncKind, NativeFn};
use pipy_value::object::{OwnProp, PropSlot};
use pipy_value::{JsString, Obj, ObjectKind, PropKey, Value, attr, number, ops, realm};
use std::cell::RefCell;
use std::rc::Rc;

const DEPTH: usize = 2;
const BREAK_LENGTH: usize = 80;
const MAX_ARRAY_LENGTH: usize = 100;
const COMPACT: usize = 3;

struct Ctx {
    seen: Vec<Obj>,
    circular: Vec<Obj>,
    indentation: usize,
    current_depth: usize,
}

/// Formats `v` as Node's `util.inspect(v)` does (strings are quoted).
pub fn inspect(v: &Value) -> String {
    let mut ctx = Ctx { seen: Vec::new(), circular: Vec::new(), indentation: 0, current_depth: 0 };
    format_value(&mut ctx, v, 0)
}

/// How `console.log` shows one argument: strings raw, everything else inspected.
pub fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_rust_string(),
        _ => inspect(v),
    }
}

pub(super) fn format_number(n: f64) -> String {
    if n == 0.0 && n.is_sign_negative() { "-0".into() } else { number::to_string(n) }
}

/// Quotes and escapes a string the way Node picks quotes: ' unless it contains one, then " or `.
fn quote(units: &[u16]) -> String {
    let has = |c: u8| units.contains(&(c as u16));
    let q = if !has(b'\'') {
        '\''
    } else if !has(b'"') {
        '"'
    } else if !has(b'`') && !units.windows(2).any(|w| w == [b'$' as u16, b'{' as u16]) {
        '`'
    } else {
        '\''
    };
    let mut out = String::with_capacity(units.len() + 2);
    out.push(q);
    for r in char::decode_utf16(units.iter().copied()) {
        match r {
            Ok(c) if c == q || c == '\\' => {
                out.push('\\');
                out.push(c);
            }
            Ok('\n') => out.push_str("\\n"),
            Ok('\t') => out.push_str("\\t"),
            Ok('\r') => out.push_str("\\r"),
            Ok('\u{8}') => out.push_str("\\b"),
            Ok('\u{c}') => out.push_str("\\f"),
            Ok(c) if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02X}", c as u32)),
            Ok(c) => out.push(c),
            Err(e) => out.push_str(&format!("\\u{:X}", e.unpaired_surrogate())),
        }
    }
    out.push(q);
    out
}

fn format_string(ctx: &Ctx, s: &JsString) -> String {
    let units = s.units();
    let n = units.len();
    if n > 16 && n + ctx.indentation + 4 > BREAK_LENGTH && units[..n - 1].contains(&(b'\n' as u16)) {
        let mut lines = Vec::new();
        let mut start = 0;
        for (i, &u) in units.iter().enumerate() {
            if u == b'\n' as u16 {
                lines.push(quote(&units[start..=i]));
                start = i + 1;
            }
        }
        if start < n {
            lines.push(quote(&units[start..]));
        }
        return lines.join(&format!(" +\n{}", " ".repeat(ctx.indentation + 2)));
    }
    quote(&units)
}

pub(super) fn symbol_string(s: &pipy_value::value::Symbol) -> String {
    format!("Symbol({})", s.description().map(|d| d.to_rust_string()).unwrap_or_default())
}

fn format_value(ctx: &mut Ctx, v: &Value, recurse: usize) -> String {
    match v {
        Value::Undefined | Value::Hole => "undefined".into(),
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format_number(*n),
        Value::String(s) => format_string(ctx, s),
        Value::Symbol(s) => symbol_string(s),
        Value::Object(o) => {
            if ctx.seen.iter().any(|x| x.ptr_eq(o)) {
                let idx = match ctx.circular.iter().position(|x| x.ptr_eq(o)) {
                    Some(i) => i + 1,
                    None => {
                        ctx.circular.push(o.clone());
                        ctx.circular.len()
                    }
                };
                return format!("[Circular *{idx}]");
            }
            format_raw(ctx, o, recurse)
        }
    }
}

fn own_data(o: &Obj, key: &str) -> Option<Value> {
    match o.get_own_property(&PropKey::str(key))?.slot {
        PropSlot::Data(v) => Some(v),
        _ => None,
    }
}

fn fn_name(f: &Obj) -> String {
    own_data(f, "name").and_then(|v| v.as_string().map(|s| s.to_rust_string())).unwrap_or_default()
}

/// The name of the first constructor on the prototype chain that `o` is an instance of; None for
/// a null-prototype object.
fn constructor_name(o: &Obj) -> Option<String> {
    o.proto()?;
    let mut cur = Some(o.clone());
    while let Some(c) = cur {
        if let Some(Value::Object(f)) = own_data(&c, "constructor") {
            let name = fn_name(&f);
            if f.is_callable() && !name.is_empty() {
                if let Some(Value::Object(p)) = own_data(&f, "prototype") {
                    if in_chain(o, &p) {
                        return Some(name);
                    }
                }
            }
        }
        // Built-in prototypes whose `constructor` another module has not installed (yet).
        let i = realm::intrinsics();
        for (p, name) in
            [(&i.array_prototype, "Array"), (&i.function_prototype, "Function"), (&i.error_prototype, "Error")]
        {
            if c.ptr_eq(p) {
                return Some(name.into());
            }
        }
        cur = c.proto();
    }
    Some("Object".into())
}

fn in_chain(o: &Obj, target: &Obj) -> bool {
    let mut cur = o.proto();
    while let Some(c) = cur {
        if c.ptr_eq(target) {
            return true;
        }
        cur = c.proto();
    }
    false
}

fn registered_in_chain(o: &Obj, name: &str) -> bool {
    match realm::registered(name) {
        Some(Value::Object(p)) => in_chain(o, &p),
        _ => false,
    }
}

fn prefix(constructor: &Option<String>, tag: &str, fallback: &str, size: &str) -> String {
    match constructor {
        None if !tag.is_empty() && tag != fallback => format!("[{fallback}{size}: null prototype] [{tag}] "),
        None => format!("[{fallback}{size}: null prototype] "),
        Some(c) if !tag.is_empty() && c != tag => format!("{c}{size} [{tag}] "),
        Some(c) => format!("{c}{size} "),
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

enum Extras {
    Object,
    Array,
}

fn format_property(ctx: &mut Ctx, prop: &OwnProp, recurse: usize, key: Option<&PropKey>) -> String {
    let s = match &prop.slot {
        PropSlot::Data(v) => {
            ctx.indentation += 2;
            let s = format_value(ctx, v, recurse);
            ctx.indentation -= 2;
            s
        }
        PropSlot::Accessor(Some(_), Some(_)) => "[Getter/Setter]".into(),
        PropSlot::Accessor(Some(_), None) => "[Getter]".into(),
        PropSlot::Accessor(None, Some(_)) => "[Setter]".into(),
        PropSlot::Accessor(None, None) => "undefined".into(),
    };
    let Some(key) = key else { return s };
    let name = match key {
        PropKey::Symbol(sym) => format!("[{}]", symbol_string(sym)),
        PropKey::String(k) => {
            let k = k.to_rust_string();
            if prop.flags & attr::ENUMERABLE == 0 {
                format!("[{k}]")
            } else if is_ident(&k) {
                k
            } else {
                quote(&JsString::new(&k).units())
            }
        }
    };
    format!("{name}: {s}")
}

fn error_base(ctx: &Ctx, o: &Obj) -> String {
    let v = Value::Object(o.clone());
    let stack = match o.get_own_property(&PropKey::str("stack")).map(|p| p.slot) {
        Some(PropSlot::Data(Value::String(s))) if !s.is_empty() => Some(s.to_rust_string()),
        _ => None,
    };
    let text = stack.unwrap_or_else(|| {
        let name = ops::get_str(&v, "name").ok().filter(|n| !n.is_undefined());
        let name = name.and_then(|n| ops::to_rust_string(&n).ok()).unwrap_or_else(|| "Error".into());
        let msg = ops::get_str(&v, "message").ok().and_then(|m| ops::to_rust_string(&m).ok()).unwrap_or_default();
        if msg.is_empty() { format!("[{name}]") } else { format!("[{name}: {msg}]") }
    });
    if ctx.indentation > 0 { text.replace('\n', &format!("\n{}", " ".repeat(ctx.indentation))) } else { text }
}

fn function_base(f: &Obj, constructor: &Option<String>) -> String {
    let name = fn_name(f);
    if let Some(t) = function::template_of(f) {
        if t.kind.is_class_constructor() {
            let mut s = if name.is_empty() { "[class (anonymous)".to_string() } else { format!("[class {name}") };
            if t.kind == FuncKind::DerivedConstructor {
                if let Some(p) = f.proto() {
                    let pn = fn_name(&p);
                    if !pn.is_empty() {
                        s.push_str(&format!(" extends {pn}"));
                    }
                }
            }
            s.push(']');
            return s;
        }
    }
    let mut s = "[Function".to_string();
    if constructor.is_none() {
        s.push_str(" (null prototype)");
    }
    if name.is_empty() {
        s.push_str(" (anonymous)");
    } else {
        s.push_str(&format!(": {name}"));
    }
    s.push(']');
    s
}

/// Entries of a Map (key, value) or Set (value, value) through its `forEach`.
fn collection_entries(o: &Obj) -> Vec<(Value, Value)> {
    let out: Rc<RefCell<Vec<(Value, Value)>>> = Default::default();
    let o2 = out.clone();
    let f: NativeFn = Rc::new(move |_, a, _| {
        o2.borrow_mut().push((arg(a, 1), arg(a, 0)));
        Ok(Value::Undefined)
    });
    let cb = Value::Object(function::native_function("", 2, f, false));
    let _ = ops::invoke(&Value::Object(o.clone()), "forEach", &[cb]);
    out.take()
}

fn format_raw(ctx: &mut Ctx, o: &Obj, recurse: usize) -> String {
    let v = Value::Object(o.clone());
    let constructor = constructor_name(o);
    let i = realm::intrinsics();
    let tag_key = PropKey::Symbol(i.sym_to_string_tag.clone());
    let own_tag_enumerable = o.get_own_property(&tag_key).is_some_and(|p| p.flags & attr::ENUMERABLE != 0);
    let tag = match ops::get(&v, &tag_key) {
        Ok(Value::String(t)) if !own_tag_enumerable => t.to_rust_string(),
        _ => String::new(),
    };
    let keys: Vec<PropKey> = o
        .own_keys()
        .into_iter()
        .filter(|k| o.get_own_property(k).is_some_and(|p| p.flags & attr::ENUMERABLE != 0))
        .collect();
    let non_index = |keys: &[PropKey]| keys.iter().filter(|k| k.array_index().is_none()).cloned().collect::<Vec<_>>();
    let mut base = String::new();
    let mut braces = ("{".to_string(), "}");
    let mut extras = Extras::Object;
    enum Body {
        Array(Vec<Value>),
        Map(Vec<(Value, Value)>),
        Set(Vec<(Value, Value)>),
        Promise(&'static str, Value),
        None,
    }
    let mut body = Body::None;
    let keys = if let Some(elems) = o.array_elements() {
        let keys = non_index(&keys);
        let pre = match &constructor {
            Some(c) if c == "Array" => String::new(),
            _ => prefix(&constructor, &tag, "Array", &format!("({})", elems.len())),
        };
        if elems.is_empty() && keys.is_empty() {
            return format!("{pre}[]");
        }
        braces = (format!("{pre}["), "]");
        extras = Extras::Array;
        body = Body::Array(elems);
        keys
    } else if registered_in_chain(o, "Map.prototype") || registered_in_chain(o, "Set.prototype") {
        let is_map = registered_in_chain(o, "Map.prototype");
        let entries = collection_entries(o);
        let pre = prefix(&constructor, &tag, if is_map { "Map" } else { "Set" }, &format!("({})", entries.len()));
        if entries.is_empty() && keys.is_empty() {
            return format!("{pre}{{}}");
        }
        braces = (format!("{pre}{{"), "}");
        body = if is_map { Body::Map(entries) } else { Body::Set(entries) };
        keys
    } else if constructor.as_deref() == Some("Object") && !o.is_error() && !is_special(o) {
        if matches!(o.borrow().kind, ObjectKind::Arguments(_)) {
            braces = ("[Arguments] [".into(), "]");
        } else if !tag.is_empty() {
            braces = (format!("{}{{", prefix(&constructor, &tag, "Object", "")), "}");
        }
        if keys.is_empty() {
            return format!("{}{}", braces.0, braces.1);
        }
        keys
    } else if o.is_callable() {
        base = function_base(o, &constructor);
        if keys.is_empty() {
            return base;
        }
        keys
    } else if crate::regexp::is_regexp_obj(&v) {
        base = ops::invoke(&v, "toString", &[]).ok().map(|s| display(&s)).unwrap_or_default();
        if keys.is_empty() {
            return base;
        }
        keys
    } else if registered_in_chain(o, "Date.prototype") {
        base = match ops::invoke(&v, "toISOString", &[]) {
            Ok(Value::String(s)) => s.to_rust_string(),
            _ => "Invalid Date".into(),
        };
        if keys.is_empty() {
            return base;
        }
        keys
    } else if o.is_error() {
        base = error_base(ctx, o);
        if keys.is_empty() {
            return base;
        }
        keys
    } else if let Some((st, val)) = crate::promise::state(o) {
        braces = (format!("{}{{", prefix(&constructor, &tag, "Promise", "")), "}");
        body = Body::Promise(st, val);
        keys
    } else if let Some((kind, inner)) = boxed(o) {
        let keys = if kind == "String" { non_index(&keys) } else { keys };
        ctx.indentation += 2;
        base = format!("[{kind}: {}]", format_value(ctx, &inner, recurse));
        ctx.indentation -= 2;
        if keys.is_empty() {
            return base;
        }
        keys
    } else {
        if keys.is_empty() {
            return format!("{}{{}}", prefix(&constructor, &tag, "Object", ""));
        }
        braces = (format!("{}{{", prefix(&constructor, &tag, "Object", "")), "}");
        keys
    };

    if recurse > DEPTH {
        let name = prefix(&constructor, &tag, "Object", "");
        let name = name.trim_end();
        return if constructor.is_some() { format!("[{name}]") } else { name.to_string() };
    }
    let recurse = recurse + 1;
    ctx.seen.push(o.clone());
    ctx.current_depth = recurse;
    let mut output: Vec<String> = Vec::new();
    let mut all_numbers = true;
    match body {
        Body::Array(elems) => format_array(ctx, &elems, recurse, &mut output, &mut all_numbers),
        Body::Map(entries) => {
            ctx.indentation += 2;
            for (k, val) in entries {
                let k = format_value(ctx, &k, recurse);
                let val = format_value(ctx, &val, recurse);
                output.push(format!("{k} => {val}"));
            }
            ctx.indentation -= 2;
        }
        Body::Set(entries) => {
            ctx.indentation += 2;
            for (_, val) in entries {
                output.push(format_value(ctx, &val, recurse));
            }
            ctx.indentation -= 2;
        }
        Body::Promise(st, val) => {
            if st == "pending" {
                output.push("<pending>".into());
            } else {
                ctx.indentation += 2;
                let s = format_value(ctx, &val, recurse);
                ctx.indentation -= 2;
                output.push(if st == "rejected" { format!("<rejected> {s}") } else { s });
            }
        }
        Body::None => {}
    }
    for k in &keys {
        if let Some(p) = o.get_own_property(k) {
            output.push(format_property(ctx, &p, recurse, Some(k)));
        }
    }
    ctx.seen.pop();
    if let Some(idx) = ctx.circular.iter().position(|x| x.ptr_eq(o)) {
        let reference = format!("<ref *{}>", idx + 1);
        base = if base.is_empty() { reference } else { format!("{reference} {base}") };
    }
    reduce_to_single_string(ctx, output, &base, (&braces.0, braces.1), extras, recurse, all_numbers)
}

fn is_special(o: &Obj) -> bool {
    o.is_callable()
        || crate::regexp::is_regexp_obj(&Value::Object(o.clone()))
        || crate::promise::state(o).is_some()
        || boxed(o).is_some()
        || registered_in_chain(o, "Date.prototype")
}

fn boxed(o: &Obj) -> Option<(&'static str, Value)> {
    match &o.borrow().kind {
        ObjectKind::Number(n) => Some(("Number", Value::Number(*n))),
        ObjectKind::String(s) => Some(("String", Value::String(s.clone()))),
        ObjectKind::Boolean(b) => Some(("Boolean", Value::Bool(*b))),
        ObjectKind::Symbol(s) => Some(("Symbol", Value::Symbol(s.clone()))),
        _ => None,
    }
}

fn format_array(ctx: &mut Ctx, elems: &[Value], recurse: usize, output: &mut Vec<String>, all_numbers: &mut bool) {
    let mut i = 0;
    while i < elems.len() && output.len() < MAX_ARRAY_LENGTH {
        if elems[i].is_hole() {
            let start = i;
            while i < elems.len() && elems[i].is_hole() {
                i += 1;
            }
            let n = i - start;
            output.push(format!("<{n} empty item{}>", if n > 1 { "s" } else { "" }));
            *all_numbers = false;
            continue;
        }
        if !elems[i].is_number() {
            *all_numbers = false;
        }
        let prop = OwnProp { slot: PropSlot::Data(elems[i].clone()), flags: attr::DEFAULT };
        output.push(format_property(ctx, &prop, recurse, None));
        i += 1;
    }
    let remaining = elems.len() - i;
    if remaining > 0 {
        if elems.get(i).is_some_and(|v| !v.is_number()) {
            *all_numbers = false;
        }
        output.push(format!("... {remaining} more item{}", if remaining > 1 { "s" } else { "" }));
    }
}

fn group_array_elements(ctx: &Ctx, output: Vec<String>, has_more: bool, all_numbers: bool) -> Vec<String> {
    let output_len = if has_more { output.len() - 1 } else { output.len() };
    let separator_space = 2;
    let data_len: Vec<usize> = output[..output_len].iter().map(|s| s.chars().count()).collect();
    let total_length: usize = data_len.iter().map(|l| l + separator_space).sum();
    let max_length = data_len.iter().copied().max().unwrap_or(0);
    let actual_max = max_length + separator_space;
    if actual_max * 3 + ctx.indentation < BREAK_LENGTH
        && (total_length as f64 / actual_max as f64 > 5.0 || max_length <= 6)
    {
        let average_bias = (actual_max as f64 - total_length as f64 / output.len() as f64).sqrt();
        let biased_max = (actual_max as f64 - 3.0 - average_bias).max(1.0);
        let columns = ((2.5 * biased_max * output_len as f64).sqrt() / biased_max)
            .round()
            .min((BREAK_LENGTH.saturating_sub(ctx.indentation) / actual_max) as f64)
            .min((COMPACT * 4) as f64)
            .min(15.0) as usize;
        if columns <= 1 {
            return output;
        }
        let mut max_line_length = Vec::with_capacity(columns);
        for i in 0..columns {
            let line = (i..output_len).step_by(columns).map(|j| data_len[j]).max().unwrap_or(0);
            max_line_length.push(line + separator_space);
        }
        let mut tmp = Vec::new();
        let mut i = 0;
        while i < output_len {
            let max = (i + columns).min(output_len);
            let mut s = String::new();
            for j in i..max - 1 {
                let cell = format!("{}, ", output[j]);
                let width = max_line_length[j - i];
                s.push_str(&pad(&cell, width, all_numbers));
            }
            let j = max - 1;
            if all_numbers {
                s.push_str(&pad(&output[j], max_line_length[j - i] - separator_space, true));
            } else {
                s.push_str(&output[j]);
            }
            tmp.push(s);
            i += columns;
        }
        if has_more {
            tmp.push(output[output_len].clone());
        }
        return tmp;
    }
    output
}

fn pad(s: &str, width: usize, start: bool) -> String {
    let n = s.chars().count();
    if n >= width {
        return s.to_string();
    }
    let fill = " ".repeat(width - n);
    if start { format!("{fill}{s}") } else { format!("{s}{fill}") }
}

fn reduce_to_single_string(
    ctx: &Ctx,
    output: Vec<String>,
    base: &str,
    braces: (&str, &str),
    extras: Extras,
    recurse: usize,
    all_numbers: bool,
) -> String {
    let entries = output.len();
    let has_more = output.last().is_some_and(|s| s.starts_with("... ") && s.ends_with(" more items"))
        || output.last().is_some_and(|s| s.starts_with("... ") && s.ends_with(" more item"));
    let output = if matches!(extras, Extras::Array) && entries > 6 {
        group_array_elements(ctx, output, has_more, all_numbers)
    } else {
        output
    };
    let base_sp = if base.is_empty() { String::new() } else { format!("{base} ") };
    if ctx.current_depth.saturating_sub(recurse) < COMPACT && entries == output.len() {
        let start = output.len() + ctx.indentation + braces.0.chars().count() + base.chars().count() + 10;
        if is_below_break_length(&output, start, base) {
            let joined = output.join(", ");
            if !joined.contains('\n') {
                return format!("{base_sp}{} {joined} {}", braces.0, braces.1);
            }
        }
    }
    let ind = format!("\n{}", " ".repeat(ctx.indentation));
    format!("{base_sp}{}{ind}  {}{ind}{}", braces.0, output.join(&format!(",{ind}  ")), braces.1)
}

fn is_below_break_length(output: &[String], start: usize, base: &str) -> bool {
    let mut total = output.len() + start;
    if total + output.len() > BREAK_LENGTH {
        return false;
    }
    for s in output {
        total += s.chars().count();
        if total > BREAK_LENGTH {
            return false;
        }
    }
    base.is_empty() || !base.contains('\n')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::util::testing::*;
    use pipy_value::error;

    fn obj(props: &[(&str, Value)]) -> Value {
        let o = Obj::ordinary();
        for (k, v) in props {
            o.define_value(*k, v.clone(), attr::DEFAULT);
        }
        Value::Object(o)
    }

    fn arr(items: Vec<Value>) -> Value {
        ops::new_array(items)
    }

    fn nums(r: std::ops::Range<i64>) -> Value {
        arr(r.map(Value::int).collect())
    }

    #[test]
    fn primitives() {
        setup();
        assert_eq!(inspect(&Value::str("a")), "'a'");
        assert_eq!(inspect(&Value::str("it's")), "\"it's\"");
        assert_eq!(inspect(&Value::str("a\"b'c")), "`a\"b'c`");
        assert_eq!(inspect(&Value::str("x\ty\u{1}\u{7f}\\")), "'x\\ty\\x01\\x7F\\\\'");
        assert_eq!(inspect(&Value::num(-0.0)), "-0");
        assert_eq!(inspect(&Value::num(1.5)), "1.5");
        assert_eq!(inspect(&Value::Undefined), "undefined");
        assert_eq!(inspect(&Value::Null), "null");
        let sym = pipy_value::value::Symbol::new(Some(JsString::new("x")));
        assert_eq!(inspect(&Value::Symbol(sym)), "Symbol(x)");
        assert_eq!(display(&Value::str("raw")), "raw");
    }

    #[test]
    fn arrays_and_objects() {
        setup();
        assert_eq!(inspect(&nums(1..4)), "[ 1, 2, 3 ]");
        assert_eq!(inspect(&arr(vec![])), "[]");
        assert_eq!(inspect(&obj(&[])), "{}");
        assert_eq!(inspect(&obj(&[("a", Value::int(1)), ("b", Value::str("x"))])), "{ a: 1, b: 'x' }");
        let keys = obj(&[("1a", Value::int(1)), ("a1", Value::int(2)), ("$x", Value::int(5))]);
        assert_eq!(inspect(&keys), "{ '1a': 1, a1: 2, '$x': 5 }");
        let holes = arr(vec![Value::Hole, Value::int(1), Value::Hole, Value::Hole, Value::int(2)]);
        assert_eq!(inspect(&holes), "[ <1 empty item>, 1, <2 empty items>, 2 ]");
        let deep = obj(&[("a", obj(&[("b", obj(&[("c", obj(&[("d", Value::int(1))]))]))]))]);
        assert_eq!(inspect(&deep), "{ a: { b: { c: [Object] } } }");
        let deep_empty = obj(&[("a", obj(&[("b", obj(&[("c", obj(&[]))]))]))]);
        assert_eq!(inspect(&deep_empty), "{ a: { b: { c: {} } } }");
        let nested = arr(vec![arr(vec![arr(vec![nums(1..2)])])]);
        assert_eq!(inspect(&nested), "[ [ [ [Array] ] ] ]");
        let np = Value::Object(Obj::new(None, ObjectKind::Ordinary));
        assert_eq!(inspect(&np), "[Object: null prototype] {}");
        let long = obj(&[("a", Value::string("x".repeat(60))), ("b", Value::str("yyyyy"))]);
        assert_eq!(inspect(&long), format!("{{\n  a: '{}',\n  b: 'yyyyy'\n}}", "x".repeat(60)));
        let with_str = obj(&[(
            "a",
            Value::str("line1\nline2 long long long long long long long long long long long long long long long"),
        )]);
        assert_eq!(
            inspect(&with_str),
            "{\n  a: 'line1\\n' +\n    'line2 long long long long long long long long long long long long long long long'\n}"
        );
    }

    #[test]
    fn array_grouping_and_truncation() {
        setup();
        assert_eq!(inspect(&nums(1..8)), "[\n  1, 2, 3, 4,\n  5, 6, 7\n]");
        assert_eq!(
            inspect(&nums(1..31)),
            "[\n   1,  2,  3,  4,  5,  6,  7,  8,  9,\n  10, 11, 12, 13, 14, 15, 16, 17, 18,\n  19, 20, 21, 22, 23, 24, 25, 26, 27,\n  28, 29, 30\n]"
        );
        let letters = arr("abcdefg".chars().map(|c| Value::string(c.to_string())).collect());
        assert_eq!(inspect(&letters), "[\n  'a', 'b', 'c',\n  'd', 'e', 'f',\n  'g'\n]");
        let ab = arr((0..101).map(|_| Value::str("ab")).collect());
        let out = inspect(&ab);
        assert!(
            out.ends_with("'ab', 'ab', 'ab', 'ab', 'ab', 'ab', 'ab', 'ab', 'ab', 'ab',\n  ... 1 more item\n]"),
            "{out}"
        );
        let ones = arr((0..200).map(|_| Value::int(1)).collect());
        assert!(inspect(&ones).ends_with("  1, 1, 1, 1,\n  ... 100 more items\n]"));
    }

    #[test]
    fn special_objects() {
        setup();
        let f = Value::Object(function::native("foo", 0, |_, _| Ok(Value::Undefined)));
        assert_eq!(inspect(&f), "[Function: foo]");
        let anon = Value::Object(function::native("", 0, |_, _| Ok(Value::Undefined)));
        assert_eq!(inspect(&arr(vec![anon])), "[ [Function (anonymous)] ]");
        let o = Obj::ordinary();
        o.define_value("x", Value::int(1), attr::DEFAULT);
        o.define_value("self", Value::Object(o.clone()), attr::DEFAULT);
        assert_eq!(inspect(&Value::Object(o.clone())), "<ref *1> { x: 1, self: [Circular *1] }");
        assert_eq!(inspect(&arr(vec![Value::Object(o.clone())])), "[ <ref *1> { x: 1, self: [Circular *1] } ]");
        o.remove_own(&PropKey::str("self"));
        let e = error::type_error("boom");
        if let Value::Object(eo) = &e {
            eo.define_hidden("stack", Value::str("TypeError: boom\n    at x"));
        }
        assert_eq!(inspect(&e), "TypeError: boom\n    at x");
        assert_eq!(inspect(&obj(&[("e", e)])), "{\n  e: TypeError: boom\n      at x\n}");
        let (p, res, _) = crate::promise::new_promise();
        assert_eq!(inspect(&Value::Object(p.clone())), "Promise { <pending> }");
        let _ = function::call(&res, &Value::Undefined, &[Value::int(2)]);
        assert_eq!(inspect(&Value::Object(p)), "Promise { 2 }");
        let re = crate::regexp::new_regexp(&Value::str("a/b"), &Value::str("g")).map(Value::Object);
        assert_eq!(inspect(&re.unwrap_or_default()), "/a\\/b/g");
        let boxed = ops::to_object(&Value::str("ab")).map(Value::Object).unwrap_or_default();
        assert_eq!(inspect(&boxed), "[String: 'ab']");
        let accessors = Obj::ordinary();
        let g = function::native("g", 0, |_, _| Ok(Value::Undefined));
        accessors.define_accessor("g", Some(g.clone()), None, attr::ENUMERABLE | attr::CONFIGURABLE);
        accessors.define_accessor("gs", Some(g.clone()), Some(g), attr::ENUMERABLE | attr::CONFIGURABLE);
        assert_eq!(inspect(&Value::Object(accessors)), "{ g: [Getter], gs: [Getter/Setter] }");
    }
}
