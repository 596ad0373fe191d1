//! The value word every piece of the engine passes around.
//!
//! `Value` is `#[repr(C, u64)]`: a tag word at offset 0 and the payload at offset 8, 16 bytes in
//! all. JIT code relies on exactly this layout (see `abi.rs`): it reads the tag's low byte (the
//! upper seven are always zero, so it may also write just that byte) to take the number fast path,
//! and reads or writes the `f64` at offset 8. The tag is a whole word, not a byte, so no byte of a
//! value is padding: a move is two 8-byte copies, where a byte tag made Rust copy the padding
//! piecewise and the next 16-byte load of the value stall on store forwarding (min of 5 pinned
//! runs: classes 165 -> 148 ms, arrayfn 145 -> 127, mapget 97 -> 70). Heap values (`String`, `Symbol`,
//! `Object`) are `Rc`s: cloning a `Value` counts a reference, dropping it releases one, and the last
//! release frees the thing at once. Nothing traces; a reference cycle leaks (see `ARCHITECTURE.md`).

use crate::object::Obj;
use crate::string::JsString;
pub use crate::symbol::{Symbol, SymbolData};

/// What every fallible operation returns: the thrown value on error.
pub type JsResult<T> = Result<T, Value>;

/// Tag values as JIT code sees them (the discriminants of `Value`).
pub mod tag {
    pub const UNDEFINED: u8 = 0;
    pub const NULL: u8 = 1;
    pub const BOOL: u8 = 2;
    pub const NUMBER: u8 = 3;
    /// Internal: an uninitialised `let`/`const` (temporal dead zone) or an array hole.
    pub const HOLE: u8 = 4;
    /// Tags at or above this one own a reference count.
    pub const FIRST_HEAP: u8 = 5;
    pub const STRING: u8 = 5;
    pub const SYMBOL: u8 = 6;
    pub const OBJECT: u8 = 7;
}

#[repr(C, u64)]
#[derive(Clone, Default)]
pub enum Value {
    #[default]
    Undefined = tag::UNDEFINED as u64,
    Null = tag::NULL as u64,
    Bool(bool) = tag::BOOL as u64,
    Number(f64) = tag::NUMBER as u64,
    Hole = tag::HOLE as u64,
    String(JsString) = tag::STRING as u64,
    Symbol(Symbol) = tag::SYMBOL as u64,
    Object(Obj) = tag::OBJECT as u64,
}

/// `*dst = v`, without calling the drop glue when the value replaced holds no reference (the
/// common case in registers: numbers, booleans, undefined).
#[inline(always)]
pub fn store(dst: &mut Value, v: Value) {
    if dst.tag() < tag::FIRST_HEAP {
        std::mem::forget(std::mem::replace(dst, v));
    } else {
        *dst = v;
    }
}

/// Drops `v`, calling the drop glue only when it holds a reference.
#[inline(always)]
pub fn release(v: Value) {
    if v.tag() < tag::FIRST_HEAP {
        std::mem::forget(v);
    }
}

/// `v.clone()`, with the plain values (undefined, numbers) copied inline rather than through the
/// clone's jump table.
#[inline(always)]
pub fn clone_fast(v: &Value) -> Value {
    match v {
        Value::Undefined => Value::Undefined,
        Value::Number(n) => Value::Number(*n),
        other => other.clone(),
    }
}

impl Value {
    pub fn tag(&self) -> u8 {
        match self {
            Value::Undefined => tag::UNDEFINED,
            Value::Null => tag::NULL,
            Value::Bool(_) => tag::BOOL,
            Value::Number(_) => tag::NUMBER,
            Value::Hole => tag::HOLE,
            Value::String(_) => tag::STRING,
            Value::Symbol(_) => tag::SYMBOL,
            Value::Object(_) => tag::OBJECT,
        }
    }
    pub fn str(s: &str) -> Value {
        Value::String(JsString::new(s))
    }
    pub fn string(s: String) -> Value {
        Value::String(JsString::from_string(s))
    }
    pub fn num(n: f64) -> Value {
        Value::Number(n)
    }
    pub fn int(n: i64) -> Value {
        Value::Number(n as f64)
    }
    pub fn is_undefined(&self) -> bool {
        matches!(self, Value::Undefined)
    }
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }
    pub fn is_nullish(&self) -> bool {
        matches!(self, Value::Undefined | Value::Null)
    }
    pub fn is_hole(&self) -> bool {
        matches!(self, Value::Hole)
    }
    pub fn is_object(&self) -> bool {
        matches!(self, Value::Object(_))
    }
    pub fn is_string(&self) -> bool {
        matches!(self, Value::String(_))
    }
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Number(_))
    }
    pub fn as_object(&self) -> Option<&Obj> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    pub fn as_string(&self) -> Option<&JsString> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_number(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }
    /// ToBoolean.
    pub fn truthy(&self) -> bool {
        match self {
            Value::Undefined | Value::Null | Value::Hole => false,
            Value::Bool(b) => *b,
            Value::Number(n) => !(*n == 0.0 || n.is_nan()),
            Value::String(s) => !s.is_empty(),
            Value::Symbol(_) | Value::Object(_) => true,
        }
    }
    /// Holes read as `undefined`.
    pub fn unhole(self) -> Value {
        if let Value::Hole = self { Value::Undefined } else { self }
    }
    /// The `typeof` string.
    pub fn type_of(&self) -> &'static str {
        match self {
            Value::Undefined | Value::Hole => "undefined",
            Value::Null => "object",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Symbol(_) => "symbol",
            Value::Object(o) => {
                if o.is_callable() {
                    "function"
                } else {
                    "object"
                }
            }
        }
    }
    pub fn is_callable(&self) -> bool {
        matches!(self, Value::Object(o) if o.is_callable())
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Self {
        Value::Number(n)
    }
}
impl From<i32> for Value {
    fn from(n: i32) -> Self {
        Value::Number(n as f64)
    }
}
impl From<u32> for Value {
    fn from(n: u32) -> Self {
        Value::Number(n as f64)
    }
}
impl From<usize> for Value {
    fn from(n: usize) -> Self {
        Value::Number(n as f64)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::str(s)
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::string(s)
    }
}
impl From<JsString> for Value {
    fn from(s: JsString) -> Self {
        Value::String(s)
    }
}
impl From<Obj> for Value {
    fn from(o: Obj) -> Self {
        Value::Object(o)
    }
}

impl std::fmt::Debug for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Undefined => write!(f, "undefined"),
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::Hole => write!(f, "<hole>"),
            Value::String(s) => write!(f, "{:?}", s.to_rust_string()),
            Value::Symbol(_) => write!(f, "Symbol()"),
            Value::Object(o) => write!(f, "[object {}]", o.kind_name()),
        }
    }
}
