//! Unicode-aware String.prototype methods: case mapping, normalization, trimming, and the
//! code-point iterator (`String.prototype[Symbol.iterator]` and its "String Iterator" prototype).

use super::{code_point_at_units, this_str};
use crate::util::{self, arg};
use pipy_value::number::is_whitespace_unit;
use pipy_value::{JsResult, JsString, Obj, ObjectKind, PropKey, Value, attr, error, ops, realm};
use unicode_normalization::UnicodeNormalization;

pub(super) fn install(proto: &Obj) {
    util::method(proto, "toLowerCase", 0, |this, _| Ok(Value::String(lower(&this_str(this, "toLowerCase")?))));
    util::method(proto, "toUpperCase", 0, |this, _| Ok(Value::String(upper(&this_str(this, "toUpperCase")?))));
    util::method(proto, "toLocaleLowerCase", 0, |this, _| {
        Ok(Value::String(lower(&this_str(this, "toLocaleLowerCase")?)))
    });
    util::method(proto, "toLocaleUpperCase", 0, |this, _| {
        Ok(Value::String(upper(&this_str(this, "toLocaleUpperCase")?)))
    });
    util::method(proto, "normalize", 0, normalize);
    util::method(proto, "trim", 0, |this, _| Ok(Value::String(trim(&this_str(this, "trim")?, true, true))));
    let trim_start = function_value(proto, "trimStart", |this, _| {
        Ok(Value::String(trim(&this_str(this, "trimStart")?, true, false)))
    });
    let trim_end =
        function_value(proto, "trimEnd", |this, _| Ok(Value::String(trim(&this_str(this, "trimEnd")?, false, true))));
    // The legacy names are the same function objects, as in V8.
    proto.define_hidden("trimLeft", trim_start);
    proto.define_hidden("trimRight", trim_end);

    util::method(proto, "isWellFormed", 0, |this, _| {
        let s = this_str(this, "isWellFormed")?;
        Ok(Value::Bool(s.as_ascii().is_some() || char::decode_utf16(s.units().iter().copied()).all(|r| r.is_ok())))
    });
    util::method(proto, "toWellFormed", 0, |this, _| {
        let s = this_str(this, "toWellFormed")?;
        if s.as_ascii().is_some() {
            return Ok(Value::String(s));
        }
        let mut out: Vec<u16> = Vec::with_capacity(s.len());
        for r in char::decode_utf16(s.units().iter().copied()) {
            let mut buf = [0u16; 2];
            out.extend_from_slice(r.unwrap_or('\u{FFFD}').encode_utf16(&mut buf));
        }
        Ok(Value::String(JsString::from_utf16(out)))
    });
    install_html_methods(proto);

    let i = realm::intrinsics();
    let iter_proto = Obj::new(Some(i.iterator_prototype.clone()), ObjectKind::Ordinary);
    util::method(&iter_proto, "next", 0, iterator_next);
    iter_proto.define_value(
        PropKey::Symbol(i.sym_to_string_tag.clone()),
        Value::str("String Iterator"),
        attr::CONFIGURABLE,
    );
    realm::register("StringIteratorPrototype", Value::Object(iter_proto));
    util::symbol_method(proto, PropKey::Symbol(i.sym_iterator.clone()), "[Symbol.iterator]", 0, iterator);
}

/// Annex B's HTML methods (`"x".bold()` is `"<b>x</b>"`).
fn install_html_methods(proto: &Obj) {
    macro_rules! html {
        ($($name:literal => $tag:literal $(, $attr:literal)?;)*) => {
            $(util::method(proto, $name, html!(@len $($attr)?), |this, args| {
                create_html(this, args, $name, $tag, html!(@attr $($attr)?))
            });)*
        };
        (@len $attr:literal) => { 1 };
        (@len) => { 0 };
        (@attr $attr:literal) => { $attr };
        (@attr) => { "" };
    }
    html! {
        "anchor" => "a", "name";
        "big" => "big";
        "blink" => "blink";
        "bold" => "b";
        "fixed" => "tt";
        "fontcolor" => "font", "color";
        "fontsize" => "font", "size";
        "italics" => "i";
        "link" => "a", "href";
        "small" => "small";
        "strike" => "strike";
        "sub" => "sub";
        "sup" => "sup";
    }
}

fn create_html(this: &Value, args: &[Value], method: &str, tag: &str, attribute: &str) -> JsResult<Value> {
    let s = this_str(this, method)?;
    let mut open = format!("<{tag}");
    if !attribute.is_empty() {
        let v = ops::to_string(&arg(args, 0))?.to_rust_string().replace('"', "&quot;");
        open.push_str(&format!(" {attribute}=\"{v}\""));
    }
    open.push('>');
    let out = JsString::from_string(open).concat(&s).concat_str(&format!("</{tag}>"));
    Ok(Value::String(out))
}

/// Defines `name` on `target` and returns the function object (to alias it under another name).
fn function_value(target: &Obj, name: &str, f: util::Builtin) -> Value {
    let func = Value::Object(pipy_value::function::native(name, 0, f));
    target.define_hidden(name, func.clone());
    func
}

/// Splits units into well-formed runs (mapped by `f`) and lone surrogates (kept as they are).
fn map_runs(s: &JsString, f: impl Fn(&str) -> String) -> JsString {
    let u = s.units();
    let mut out: Vec<u16> = Vec::with_capacity(u.len());
    let mut run = String::new();
    for r in char::decode_utf16(u.iter().copied()) {
        match r {
            Ok(c) => run.push(c),
            Err(e) => {
                if !run.is_empty() {
                    out.extend(f(&run).encode_utf16());
                    run.clear();
                }
                out.push(e.unpaired_surrogate());
            }
        }
    }
    if !run.is_empty() {
        out.extend(f(&run).encode_utf16());
    }
    JsString::from_utf16(out)
}

/// Full Unicode lower-casing (SpecialCasing included: final sigma, 'İ' → "i̇").
fn lower(s: &JsString) -> JsString {
    if let Some(a) = s.as_ascii() {
        if !a.bytes().any(|b| b.is_ascii_uppercase()) {
            return s.clone();
        }
        return JsString::from_string(a.to_ascii_lowercase());
    }
    map_runs(s, str::to_lowercase)
}

/// Full Unicode upper-casing ('ß' → "SS").
fn upper(s: &JsString) -> JsString {
    if let Some(a) = s.as_ascii() {
        if !a.bytes().any(|b| b.is_ascii_lowercase()) {
            return s.clone();
        }
        return JsString::from_string(a.to_ascii_uppercase());
    }
    map_runs(s, str::to_uppercase)
}

fn normalize(this: &Value, args: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "normalize")?;
    let form = match arg(args, 0) {
        Value::Undefined => "NFC".to_string(),
        v => ops::to_string(&v)?.to_rust_string(),
    };
    if !matches!(form.as_str(), "NFC" | "NFD" | "NFKC" | "NFKD") {
        return Err(error::range_error("The normalization form should be one of NFC, NFD, NFKC, NFKD."));
    }
    if s.as_ascii().is_some() {
        return Ok(Value::String(s));
    }
    let out = match form.as_str() {
        "NFC" => map_runs(&s, |r| r.nfc().collect()),
        "NFD" => map_runs(&s, |r| r.nfd().collect()),
        "NFKC" => map_runs(&s, |r| r.nfkc().collect()),
        _ => map_runs(&s, |r| r.nfkd().collect()),
    };
    Ok(Value::String(out))
}

fn trim(s: &JsString, start: bool, end: bool) -> JsString {
    let len = s.len();
    let mut a = 0;
    if start {
        while a < len && is_whitespace_unit(s.unit_at(a)) {
            a += 1;
        }
    }
    let mut b = len;
    if end {
        while b > a && is_whitespace_unit(s.unit_at(b - 1)) {
            b -= 1;
        }
    }
    if a == 0 && b == len { s.clone() } else { s.substring(a, b) }
}

/// The state of one string iterator: the string (None once exhausted) and the next index.
struct StringIter {
    s: Option<JsString>,
    pos: usize,
}

fn iterator(this: &Value, _: &[Value]) -> JsResult<Value> {
    let s = this_str(this, "[Symbol.iterator]")?;
    let proto = match realm::registered("StringIteratorPrototype") {
        Some(Value::Object(p)) => p,
        _ => realm::intrinsics().iterator_prototype.clone(),
    };
    let it = Obj::new(Some(proto), ObjectKind::Host(Box::new(StringIter { s: Some(s), pos: 0 })));
    Ok(Value::Object(it))
}

fn iterator_next(this: &Value, _: &[Value]) -> JsResult<Value> {
    let step = this.as_object().and_then(|o| {
        o.with_host(|st: &mut StringIter| {
            let s = st.s.as_ref()?;
            if st.pos >= s.len() {
                st.s = None;
                return None;
            }
            let first = s.unit_at(st.pos);
            let n = if (0xD800..0xDC00).contains(&first) && st.pos + 1 < s.len() {
                code_point_at_units(&[first, s.unit_at(st.pos + 1)], 0).1
            } else {
                1
            };
            let piece = s.substring(st.pos, st.pos + n);
            st.pos += n;
            Some(piece)
        })
    });
    match step {
        None => Err(error::type_error("next method called on incompatible receiver")),
        Some(Some(piece)) => Ok(ops::iter_result(Value::String(piece), false)),
        Some(None) => Ok(ops::iter_result(Value::Undefined, true)),
    }
}
