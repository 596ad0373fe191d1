//! `RegExp`: the constructor (also what regex literals compile to), `exec`/`test`/`toString`, the
//! flag getters and `lastIndex` handling. The string-protocol methods (`[Symbol.match]` and
//! friends) live in `symbols.rs`. Matching is done by the `regress` crate over UTF-16 code units
//! (or directly over the bytes of ASCII strings, whose indices are the same).

mod symbols;

use crate::util::{self, arg};
use pipy_value::function::{self, NativeFn};
use pipy_value::shape::Shape;
use pipy_value::{JsResult, JsString, Obj, ObjectKind, PropKey, Value, attr, error, ops, realm};
use regress::Regex;
use std::rc::Rc;

#[derive(Clone, Copy, Default)]
pub struct FlagSet {
    pub d: bool,
    pub g: bool,
    pub i: bool,
    pub m: bool,
    pub s: bool,
    pub u: bool,
    pub v: bool,
    pub y: bool,
}

impl FlagSet {
    fn parse(f: &JsString) -> Option<FlagSet> {
        let mut fl = FlagSet::default();
        for u in f.units().iter() {
            let slot = match char::from_u32(*u as u32)? {
                'd' => &mut fl.d,
                'g' => &mut fl.g,
                'i' => &mut fl.i,
                'm' => &mut fl.m,
                's' => &mut fl.s,
                'u' => &mut fl.u,
                'v' => &mut fl.v,
                'y' => &mut fl.y,
                _ => return None,
            };
            if *slot {
                return None;
            }
            *slot = true;
        }
        if fl.u && fl.v {
            return None;
        }
        Some(fl)
    }
    /// Full Unicode matching (`u` or `v`): code points, not code units.
    pub fn unicode(&self) -> bool {
        self.u || self.v
    }
}

/// The internal slots of a RegExp instance.
pub struct RegExpData {
    re: Rc<Regex>,
    source: JsString,
    flags: JsString,
    fl: FlagSet,
    /// The last forward search a sticky exec made: later sticky attempts between `from` and the
    /// match found are answered from it, so sticky scanning (as `split` does) stays linear.
    cache: Option<SearchCache>,
}

struct SearchCache {
    input: JsString,
    from: usize,
    found: Option<regress::Match>,
}

fn host_flags(o: &Obj) -> Option<FlagSet> {
    o.with_host(|d: &mut RegExpData| d.fl)
}

/// Whether `v` is a RegExp instance (has the internal slots).
pub fn is_regexp_obj(v: &Value) -> bool {
    matches!(v, Value::Object(o) if o.is_host::<RegExpData>())
}

/// IsRegExp: `Symbol.match` decides when present, else the internal slot.
pub fn is_regexp(v: &Value) -> JsResult<bool> {
    let Value::Object(_) = v else { return Ok(false) };
    let m = ops::get(v, &PropKey::Symbol(realm::intrinsics().sym_match.clone()))?;
    if !m.is_undefined() {
        return Ok(m.truthy());
    }
    Ok(is_regexp_obj(v))
}

/// Checks a regular expression literal's pattern and flags (UTF-16) as the compiler's early error
/// check: `Err` carries the SyntaxError message.
pub fn validate(pattern: &[u16], flags: &[u16]) -> Result<(), String> {
    match compile(&JsString::from_units(pattern), &JsString::from_units(flags)) {
        Ok(_) => Ok(()),
        Err(e) => Err(ops::get_str(&e, "message").ok().and_then(|m| ops::to_rust_string(&m).ok()).unwrap_or_default()),
    }
}

fn compile(source: &JsString, flags: &JsString) -> JsResult<(Regex, FlagSet)> {
    let show = || format!("/{}/{}", source, flags);
    let Some(fl) = FlagSet::parse(flags) else {
        return Err(error::syntax_error(&format!("Invalid flags supplied to RegExp constructor '{flags}'")));
    };
    let rflags = regress::Flags {
        icase: fl.i,
        multiline: fl.m,
        dot_all: fl.s,
        unicode: fl.u,
        unicode_sets: fl.v,
        no_opt: false,
    };
    let units = source.units();
    let re = if fl.unicode() {
        let cps: Vec<u32> = char::decode_utf16(units.iter().copied())
            .map(|r| r.map(|c| c as u32).unwrap_or_else(|e| e.unpaired_surrogate() as u32))
            .collect();
        Regex::from_unicode(cps.into_iter(), rflags)
    } else {
        // Without `u` a pattern is a sequence of code units: an astral character is two "characters".
        Regex::from_unicode(units.iter().map(|&u| u as u32).collect::<Vec<_>>().into_iter(), rflags)
    };
    match re {
        Ok(re) => Ok((re, fl)),
        Err(e) => {
            let text = if e.text == "Unbalanced parenthesis" { paren_message(&units) } else { e.text };
            Err(error::syntax_error(&format!("Invalid regular expression: {}: {}", show(), text)))
        }
    }
}

/// V8's wording for a parenthesis error (regress reports both kinds the same way).
fn paren_message(units: &[u16]) -> String {
    let (mut depth, mut escaped, mut in_class) = (0i64, false, false);
    for &u in units {
        if !escaped {
            match u {
                0x5B => in_class = true,
                0x5D => in_class = false,
                0x28 if !in_class => depth += 1,
                0x29 if !in_class => depth -= 1,
                _ => {}
            }
            if depth < 0 {
                return "Unmatched ')'".into();
            }
        }
        escaped = !escaped && u == 0x5C;
    }
    if depth > 0 { "Unterminated group".into() } else { "Unbalanced parenthesis".into() }
}

/// Creates a RegExp instance with prototype `proto` (RegExpAlloc + RegExpInitialize).
pub fn regexp_create(source: JsString, flags: JsString, proto: Obj) -> JsResult<Obj> {
    let (re, fl) = compile(&source, &flags)?;
    let data = RegExpData { re: Rc::new(re), source, flags, fl, cache: None };
    let o = Obj::new(Some(proto), ObjectKind::Host(Box::new(data)));
    o.define_value("lastIndex", Value::int(0), attr::WRITABLE);
    Ok(o)
}

/// `new RegExp(pattern, flags)` from Rust (e.g. for `String.prototype.match` with a string).
pub fn new_regexp(pattern: &Value, flags: &Value) -> JsResult<Obj> {
    let ctor = realm::registered("RegExp").and_then(|v| v.as_object().cloned());
    match ctor {
        Some(c) => match function::construct(&c, &[pattern.clone(), flags.clone()], &c)? {
            Value::Object(o) => Ok(o),
            _ => error::throw_type("RegExp constructor returned a non-object"),
        },
        None => error::throw_type("RegExp is not installed"),
    }
}

fn regexp_ctor(_this: &Value, args: &[Value], new_target: Option<&Obj>) -> JsResult<Value> {
    let pattern = arg(args, 0);
    let flags = arg(args, 1);
    let pattern_is_regexp = is_regexp(&pattern)?;
    let ctor = realm::registered("RegExp").and_then(|v| v.as_object().cloned());
    let new_target = match new_target {
        Some(nt) => nt.clone(),
        None => {
            let Some(c) = ctor else { return error::throw_type("RegExp is not installed") };
            if pattern_is_regexp && flags.is_undefined() {
                let pc = ops::get_str(&pattern, "constructor")?;
                if let Value::Object(pc) = pc {
                    if pc.ptr_eq(&c) {
                        return Ok(pattern);
                    }
                }
            }
            c
        }
    };
    let (p, f) = match &pattern {
        Value::Object(o) if o.is_host::<RegExpData>() => {
            let src = o.with_host(|d: &mut RegExpData| (d.source.clone(), d.flags.clone()));
            let (src, fl) = src.unwrap_or_else(|| (JsString::empty(), JsString::empty()));
            (Value::String(src), if flags.is_undefined() { Value::String(fl) } else { flags })
        }
        _ if pattern_is_regexp => {
            let src = ops::get_str(&pattern, "source")?;
            let f = if flags.is_undefined() { ops::get_str(&pattern, "flags")? } else { flags };
            (src, f)
        }
        _ => (pattern, flags),
    };
    let p = if p.is_undefined() { JsString::empty() } else { ops::to_string(&p)? };
    let f = if f.is_undefined() { JsString::empty() } else { ops::to_string(&f)? };
    let proto = function::prototype_from_ctor(&new_target, |_| regexp_prototype())?;
    Ok(Value::Object(regexp_create(p, f, proto)?))
}

fn regexp_prototype() -> Obj {
    match realm::registered("RegExp.prototype") {
        Some(Value::Object(o)) => o,
        _ => realm::intrinsics().object_prototype.clone(),
    }
}

/// The leftmost match at or after `from` (no JS runs here).
fn find_at(re: &Regex, unicode: bool, s: &JsString, from: usize) -> Option<regress::Match> {
    if from > s.len() {
        return None;
    }
    if let Some(a) = s.as_ascii() {
        return re.find_from(a, from).next();
    }
    let units = s.units();
    let mut from = from;
    if unicode && from > 0 && from < units.len() && is_trail(units[from]) && is_lead(units[from - 1]) {
        // A lastIndex inside a surrogate pair: the pair is one character in Unicode mode.
        from -= 1;
    }
    if unicode { re.find_from_utf16(&units, from).next() } else { re.find_from_ucs2(&units, from).next() }
}

fn is_lead(u: u16) -> bool {
    (0xD800..0xDC00).contains(&u)
}
fn is_trail(u: u16) -> bool {
    (0xDC00..0xE000).contains(&u)
}

/// AdvanceStringIndex.
pub fn advance_string_index(s: &JsString, index: usize, unicode: bool) -> usize {
    if !unicode || index + 1 >= s.len() {
        return index + 1;
    }
    if is_lead(s.unit_at(index)) && is_trail(s.unit_at(index + 1)) { index + 2 } else { index + 1 }
}

fn set_last_index(r: &Value, v: usize) -> JsResult<()> {
    ops::set(r, &PropKey::str("lastIndex"), Value::from(v), true)
}

/// RegExpBuiltinExec: the match as a result array, or null.
fn builtin_exec(r: &Obj, s: &JsString) -> JsResult<Value> {
    let rv = Value::Object(r.clone());
    let last_index = ops::to_length(&ops::get_str(&rv, "lastIndex")?)?;
    let Some((re, fl)) = r.with_host(|d: &mut RegExpData| (d.re.clone(), d.fl)) else {
        return error::throw_type("RegExp.prototype.exec called on incompatible receiver");
    };
    let global_or_sticky = fl.g || fl.y;
    let start = if global_or_sticky { last_index } else { 0 };
    let found = if start > s.len() {
        None
    } else if fl.y {
        let cached = r
            .with_host(|d: &mut RegExpData| {
                d.cache
                    .as_ref()
                    .filter(|c| {
                        c.input.ptr_eq(s) && c.from <= start && c.found.as_ref().is_none_or(|m| start <= m.start())
                    })
                    .map(|c| c.found.clone())
            })
            .flatten();
        let found = match cached {
            Some(f) => f,
            None => {
                let f = find_at(&re, fl.unicode(), s, start);
                let cache = SearchCache { input: s.clone(), from: start, found: f.clone() };
                r.with_host(|d: &mut RegExpData| d.cache = Some(cache));
                f
            }
        };
        found.filter(|m| m.start() == start)
    } else {
        find_at(&re, fl.unicode(), s, start)
    };
    let Some(m) = found else {
        if global_or_sticky {
            set_last_index(&rv, 0)?;
        }
        return Ok(Value::Null);
    };
    if global_or_sticky {
        set_last_index(&rv, m.end())?;
    }
    Ok(Value::Object(match_result(&m, s, fl.d)))
}

thread_local! {
    /// The shape of a match array: `index`, `input` and `groups`, in that order.
    static MATCH_SHAPE: Rc<Shape> = Shape::of_keys(&["index", "input", "groups"], attr::DEFAULT);
}

fn match_shape() -> Rc<Shape> {
    MATCH_SHAPE.with(Rc::clone)
}

fn match_result(m: &regress::Match, s: &JsString, has_indices: bool) -> Obj {
    let n = m.captures.len();
    let piece = |r: Option<std::ops::Range<usize>>| match r {
        Some(r) => Value::String(s.substring(r.start, r.end)),
        None => Value::Undefined,
    };
    let pair = |r: Option<std::ops::Range<usize>>| match r {
        Some(r) => ops::new_array(vec![Value::from(r.start), Value::from(r.end)]),
        None => Value::Undefined,
    };
    let named: Vec<(String, Option<std::ops::Range<usize>>)> =
        m.named_groups().map(|(name, r)| (name.to_string(), r)).collect();
    let groups_of = |f: &dyn Fn(Option<std::ops::Range<usize>>) -> Value| {
        if named.is_empty() {
            return Value::Undefined;
        }
        let g = Obj::new(None, ObjectKind::Ordinary);
        for (name, r) in &named {
            g.define_value(name.as_str(), f(r.clone()), attr::DEFAULT);
        }
        Value::Object(g)
    };
    let a = Obj::with_shape(
        Some(realm::intrinsics().array_prototype.clone()),
        ObjectKind::Array((0..=n).map(|i| piece(m.group(i))).collect()),
        match_shape(),
        vec![Value::from(m.start()), Value::String(s.clone()), groups_of(&piece)],
    );
    if has_indices {
        let ind = Obj::array((0..=n).map(|i| pair(m.group(i))).collect());
        ind.define_value("groups", groups_of(&pair), attr::DEFAULT);
        a.define_value("indices", Value::Object(ind), attr::DEFAULT);
    }
    a
}

/// RegExpExec: a user `exec` if there is one, else the built-in.
pub fn regexp_exec(r: &Value, s: &JsString) -> JsResult<Value> {
    let exec = ops::get_str(r, "exec")?;
    if exec.is_callable() {
        if let (Some(Value::Object(b)), Value::Object(e), Value::Object(ro)) =
            (realm::registered("RegExp.prototype.exec"), &exec, r)
        {
            if b.ptr_eq(e) && ro.is_host::<RegExpData>() {
                return builtin_exec(ro, s);
            }
        }
        let res = function::call(&exec, r, &[Value::String(s.clone())])?;
        if !res.is_object() && !res.is_null() {
            return error::throw_type("exec result must be an object or null");
        }
        return Ok(res);
    }
    match r {
        Value::Object(o) if o.is_host::<RegExpData>() => builtin_exec(o, s),
        _ => error::throw_type("RegExp exec method called on an incompatible receiver"),
    }
}

fn this_regexp(this: &Value, what: &str) -> JsResult<Obj> {
    match this {
        Value::Object(o) if o.is_host::<RegExpData>() => Ok(o.clone()),
        _ => Err(error::type_error(&format!(
            "Method RegExp.prototype.{what} called on incompatible receiver {}",
            ops::describe(this)
        ))),
    }
}

fn this_object(this: &Value, what: &str) -> JsResult<()> {
    if this.is_object() {
        Ok(())
    } else {
        Err(error::type_error(&format!("Method RegExp.prototype.{what} called on incompatible receiver")))
    }
}

fn exec(this: &Value, args: &[Value]) -> JsResult<Value> {
    let r = this_regexp(this, "exec")?;
    let s = ops::to_string(&arg(args, 0))?;
    builtin_exec(&r, &s)
}

fn test(this: &Value, args: &[Value]) -> JsResult<Value> {
    this_object(this, "test")?;
    let s = ops::to_string(&arg(args, 0))?;
    Ok(Value::Bool(!regexp_exec(this, &s)?.is_null()))
}

fn to_string(this: &Value, _: &[Value]) -> JsResult<Value> {
    this_object(this, "toString")?;
    let src = ops::to_string(&ops::get_str(this, "source")?)?;
    let fl = ops::to_string(&ops::get_str(this, "flags")?)?;
    Ok(Value::String(JsString::new("/").concat(&src).concat_str("/").concat(&fl)))
}

/// EscapeRegExpPattern as V8 does it: `/` outside classes and line terminators are escaped.
fn escape_source(src: &JsString) -> JsString {
    if src.is_empty() {
        return JsString::new("(?:)");
    }
    let units = src.units();
    let mut out: Vec<u16> = Vec::with_capacity(units.len() + 4);
    let (mut escaped, mut in_class) = (false, false);
    let push_str = |out: &mut Vec<u16>, s: &str| out.extend(s.encode_utf16());
    for &u in units.iter() {
        match u {
            0x0A => push_str(&mut out, if escaped { "n" } else { "\\n" }),
            0x0D => push_str(&mut out, if escaped { "r" } else { "\\r" }),
            0x2028 => push_str(&mut out, if escaped { "u2028" } else { "\\u2028" }),
            0x2029 => push_str(&mut out, if escaped { "u2029" } else { "\\u2029" }),
            0x2F if !escaped && !in_class => push_str(&mut out, "\\/"),
            _ => out.push(u),
        }
        if !escaped {
            if u == b'[' as u16 {
                in_class = true;
            } else if u == b']' as u16 {
                in_class = false;
            }
        }
        escaped = !escaped && u == b'\\' as u16;
    }
    JsString::from_utf16(out)
}

fn get_source(this: &Value, _: &[Value]) -> JsResult<Value> {
    if let Value::Object(o) = this {
        if let Some(src) = o.with_host(|d: &mut RegExpData| d.source.clone()) {
            return Ok(Value::String(escape_source(&src)));
        }
        if o.ptr_eq(&regexp_prototype()) {
            return Ok(Value::str("(?:)"));
        }
    }
    error::throw_type("RegExp.prototype.source getter called on non-RegExp object")
}

fn get_flags(this: &Value, _: &[Value]) -> JsResult<Value> {
    if !this.is_object() {
        return error::throw_type("RegExp.prototype.flags getter called on non-object");
    }
    let mut out = String::new();
    for (name, c) in [
        ("hasIndices", 'd'),
        ("global", 'g'),
        ("ignoreCase", 'i'),
        ("multiline", 'm'),
        ("dotAll", 's'),
        ("unicode", 'u'),
        ("unicodeSets", 'v'),
        ("sticky", 'y'),
    ] {
        if ops::get_str(this, name)?.truthy() {
            out.push(c);
        }
    }
    Ok(Value::string(out))
}

type FlagPick = fn(&FlagSet) -> bool;

fn flag_getter(name: &'static str, pick: FlagPick) -> Obj {
    let f: NativeFn = Rc::new(move |this, _, _| {
        if let Value::Object(o) = this {
            if let Some(fl) = host_flags(o) {
                return Ok(Value::Bool(pick(&fl)));
            }
            if o.ptr_eq(&regexp_prototype()) {
                return Ok(Value::Undefined);
            }
        }
        error::throw_type(&format!("RegExp.prototype.{name} getter called on non-RegExp object"))
    });
    function::native_function(&format!("get {name}"), 0, f, false)
}

fn species_getter(this: &Value, _: &[Value]) -> JsResult<Value> {
    Ok(this.clone())
}

pub fn install() {
    let i = realm::intrinsics();
    let proto = Obj::new(Some(i.object_prototype.clone()), ObjectKind::Ordinary);
    realm::register("RegExp.prototype", Value::Object(proto.clone()));
    let ctor = util::constructor("RegExp", 2, &proto, Rc::new(regexp_ctor));
    realm::register("RegExp", Value::Object(ctor.clone()));
    let species = function::native("get [Symbol.species]", 0, species_getter);
    ctor.define_accessor(PropKey::Symbol(i.sym_species.clone()), Some(species), None, attr::CONFIGURABLE);

    let exec_fn = function::native("exec", 1, exec);
    proto.define_hidden("exec", Value::Object(exec_fn.clone()));
    realm::register("RegExp.prototype.exec", Value::Object(exec_fn));
    util::method(&proto, "test", 1, test);
    util::method(&proto, "toString", 0, to_string);
    util::getter(&proto, "source", get_source);
    util::getter(&proto, "flags", get_flags);
    let flags: [(&'static str, FlagPick); 8] = [
        ("global", |f| f.g),
        ("ignoreCase", |f| f.i),
        ("multiline", |f| f.m),
        ("dotAll", |f| f.s),
        ("unicode", |f| f.u),
        ("unicodeSets", |f| f.v),
        ("sticky", |f| f.y),
        ("hasIndices", |f| f.d),
    ];
    for (name, pick) in flags {
        proto.define_accessor(name, Some(flag_getter(name, pick)), None, attr::CONFIGURABLE);
    }
    symbols::install(&proto);
}

#[cfg(test)]
mod tests;
