//! `Symbol`: the (non-constructible) constructor, the global symbol registry behind `Symbol.for` /
//! `Symbol.keyFor`, the well-known symbols and `Symbol.prototype`.

use crate::util::{self, arg, getter, method, symbol_method};
use pipy_value::value::Symbol;
use pipy_value::{JsResult, JsString, Obj, ObjectKind, PropKey, Value, attr, error, ops, realm};
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// The per-realm registry of `Symbol.for` keys (kept in a host object under `REGISTRY`).
#[derive(Default)]
struct Registry {
    by_key: FxHashMap<JsString, Symbol>,
    by_symbol: FxHashMap<Symbol, JsString>,
}

const REGISTRY: &str = "Symbol.registry";

pub fn install() {
    let i = realm::intrinsics();
    let proto = i.symbol_prototype.clone();
    let ctor = util::constructor("Symbol", 0, &proto, Rc::new(symbol_ctor));
    realm::register(REGISTRY, Value::Object(Obj::new(None, ObjectKind::Host(Box::new(Registry::default())))));
    method(&ctor, "for", 1, symbol_for);
    method(&ctor, "keyFor", 1, key_for);
    let well_known = [
        ("iterator", &i.sym_iterator),
        ("hasInstance", &i.sym_has_instance),
        ("toPrimitive", &i.sym_to_primitive),
        ("toStringTag", &i.sym_to_string_tag),
        ("species", &i.sym_species),
        ("asyncIterator", &i.sym_async_iterator),
        ("match", &i.sym_match),
        ("matchAll", &i.sym_match_all),
        ("replace", &i.sym_replace),
        ("search", &i.sym_search),
        ("split", &i.sym_split),
        ("unscopables", &i.sym_unscopables),
        ("isConcatSpreadable", &i.sym_is_concat_spreadable),
    ];
    for (name, sym) in well_known {
        util::constant(&ctor, name, Value::Symbol(sym.clone()));
    }

    method(&proto, "toString", 0, to_string);
    method(&proto, "valueOf", 0, value_of);
    getter(&proto, "description", description);
    let tp = symbol_method(&proto, PropKey::Symbol(i.sym_to_primitive.clone()), "[Symbol.toPrimitive]", 1, value_of);
    // Symbol.prototype[Symbol.toPrimitive] is read-only but configurable.
    proto.define_value(PropKey::Symbol(i.sym_to_primitive.clone()), Value::Object(tp), attr::CONFIGURABLE);
    proto.define_value(PropKey::Symbol(i.sym_to_string_tag.clone()), Value::str("Symbol"), attr::CONFIGURABLE);
}

fn symbol_ctor(_this: &Value, args: &[Value], new_target: Option<&Obj>) -> JsResult<Value> {
    if new_target.is_some() {
        return Err(error::type_error("Symbol is not a constructor"));
    }
    let d = arg(args, 0);
    let desc = if d.is_undefined() || d.is_hole() { None } else { Some(ops::to_string(&d)?) };
    Ok(Value::Symbol(Symbol::new(desc)))
}

fn with_registry<R>(f: impl FnOnce(&mut Registry) -> R) -> Option<R> {
    match realm::registered(REGISTRY) {
        Some(Value::Object(o)) => o.with_host(f),
        _ => None,
    }
}

fn symbol_for(_: &Value, args: &[Value]) -> JsResult<Value> {
    let key = ops::to_string(&arg(args, 0))?;
    let sym = with_registry(|r| {
        if let Some(s) = r.by_key.get(&key) {
            return s.clone();
        }
        let s = Symbol::new(Some(key.clone()));
        r.by_key.insert(key.clone(), s.clone());
        r.by_symbol.insert(s.clone(), key.clone());
        s
    });
    match sym {
        Some(s) => Ok(Value::Symbol(s)),
        None => Err(error::type_error("the symbol registry is not installed")),
    }
}

fn key_for(_: &Value, args: &[Value]) -> JsResult<Value> {
    let v = arg(args, 0);
    let Value::Symbol(sym) = &v else {
        return Err(error::type_error(&format!("{} is not a symbol", ops::describe(&v).trim_matches('"'))));
    };
    let key = with_registry(|r| r.by_symbol.get(sym).cloned()).flatten();
    Ok(key.map(Value::String).unwrap_or_default())
}

/// thisSymbolValue.
fn this_symbol(this: &Value, what: &str) -> JsResult<Symbol> {
    match this {
        Value::Symbol(s) => Ok(s.clone()),
        Value::Object(o) => match &o.borrow().kind {
            ObjectKind::Symbol(s) => Ok(s.clone()),
            _ => Err(error::type_error(&format!("{what} requires that 'this' be a Symbol"))),
        },
        _ => Err(error::type_error(&format!("{what} requires that 'this' be a Symbol"))),
    }
}

/// SymbolDescriptiveString: `Symbol(desc)`.
pub fn descriptive_string(s: &Symbol) -> String {
    format!("Symbol({})", s.description().map(|d| d.to_rust_string()).unwrap_or_default())
}

fn to_string(this: &Value, _: &[Value]) -> JsResult<Value> {
    let s = this_symbol(this, "Symbol.prototype.toString")?;
    let desc = s.description().unwrap_or_else(JsString::empty);
    Ok(Value::String(JsString::new("Symbol(").concat(&desc).concat_str(")")))
}

fn value_of(this: &Value, _: &[Value]) -> JsResult<Value> {
    Ok(Value::Symbol(this_symbol(this, "Symbol.prototype.valueOf")?))
}

fn description(this: &Value, _: &[Value]) -> JsResult<Value> {
    let s = this_symbol(this, "Symbol.prototype.description")?;
    Ok(s.description().map(Value::String).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use crate::util::testing::{call, path, s, setup};
    use pipy_value::{Obj, ObjectKind, PropKey, Value, function, ops, realm};

    fn err_msg(r: Result<Value, Value>) -> String {
        match r {
            Err(e) => s(&ops::get_str(&e, "message").ok().unwrap()),
            Ok(v) => panic!("expected an exception, got {}", s(&v)),
        }
    }

    #[test]
    fn create_and_describe() {
        setup();
        let a = call("Symbol", &Value::Undefined, &[Value::str("x")]).ok().unwrap();
        assert_eq!(a.type_of(), "symbol");
        assert_eq!(s(&call("Symbol.prototype.toString", &a, &[]).ok().unwrap()), "Symbol(x)");
        assert_eq!(s(&ops::get_str(&a, "description").ok().unwrap()), "x");
        let b = call("Symbol", &Value::Undefined, &[]).ok().unwrap();
        assert_eq!(s(&call("Symbol.prototype.toString", &b, &[]).ok().unwrap()), "Symbol()");
        assert!(ops::get_str(&b, "description").ok().unwrap().is_undefined());
        let c = call("Symbol", &Value::Undefined, &[Value::str("x")]).ok().unwrap();
        assert!(!ops::strict_equals(&a, &c));
        let Value::Object(ctor) = path("Symbol") else { panic!() };
        assert_eq!(err_msg(function::construct(&ctor, &[], &ctor)), "Symbol is not a constructor");
        assert_eq!(
            err_msg(call("Symbol.prototype.toString", &Value::num(1.0), &[])),
            "Symbol.prototype.toString requires that 'this' be a Symbol"
        );
    }

    #[test]
    fn registry() {
        setup();
        let a = call("Symbol.for", &Value::Undefined, &[Value::str("app")]).ok().unwrap();
        let b = call("Symbol.for", &Value::Undefined, &[Value::str("app")]).ok().unwrap();
        assert!(ops::strict_equals(&a, &b));
        assert_eq!(s(&call("Symbol.keyFor", &Value::Undefined, &[a]).ok().unwrap()), "app");
        let local = call("Symbol", &Value::Undefined, &[Value::str("app")]).ok().unwrap();
        assert!(call("Symbol.keyFor", &Value::Undefined, &[local]).ok().unwrap().is_undefined());
        assert_eq!(err_msg(call("Symbol.keyFor", &Value::Undefined, &[Value::num(1.0)])), "1 is not a symbol");
    }

    #[test]
    fn well_known_and_wrappers() {
        setup();
        let it = path("Symbol.iterator");
        assert!(ops::strict_equals(&it, &Value::Symbol(realm::intrinsics().sym_iterator.clone())));
        assert_eq!(s(&call("Symbol.prototype.toString", &it, &[]).ok().unwrap()), "Symbol(Symbol.iterator)");
        let Value::Object(ctor) = path("Symbol") else { panic!() };
        let flags = ctor.own_flags(&PropKey::str("iterator")).unwrap();
        assert_eq!(flags, 0);
        // A Symbol wrapper object converts back through [Symbol.toPrimitive].
        let sym = call("Symbol", &Value::Undefined, &[Value::str("w")]).ok().unwrap();
        let Value::Symbol(raw) = &sym else { panic!() };
        let wrapper = Value::Object(Obj::new(
            Some(realm::intrinsics().symbol_prototype.clone()),
            ObjectKind::Symbol(raw.clone()),
        ));
        let prim = ops::to_primitive(&wrapper, ops::Hint::String).ok().unwrap();
        assert!(ops::strict_equals(&prim, &sym));
        assert_eq!(s(&call("Object.prototype.toString", &wrapper, &[]).ok().unwrap()), "[object Symbol]");
        assert!(ops::strict_equals(&call("Symbol.prototype.valueOf", &wrapper, &[]).ok().unwrap(), &sym));
    }
}
