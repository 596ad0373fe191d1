//! Thrown values and the Error objects the runtime itself creates.
//!
//! Everywhere in Rust a JS exception is `Err(value)`; compiled code sees a status return and the
//! realm's pending exception instead (see `abi.rs`).

use crate::object::{Obj, ObjectKind};
use crate::realm;
use crate::shape::attr;
use crate::value::Value;

/// `Err` carries the thrown JS value.
pub use crate::value::JsResult;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Error,
    TypeError,
    RangeError,
    ReferenceError,
    SyntaxError,
    EvalError,
    UriError,
}

/// Creates an error object of `kind` with `message` and a `stack` captured from the current frames.
pub fn make_error(kind: ErrorKind, message: &str) -> Value {
    let i = realm::intrinsics();
    let proto = match kind {
        ErrorKind::Error => &i.error_prototype,
        ErrorKind::TypeError => &i.type_error_prototype,
        ErrorKind::RangeError => &i.range_error_prototype,
        ErrorKind::ReferenceError => &i.reference_error_prototype,
        ErrorKind::SyntaxError => &i.syntax_error_prototype,
        ErrorKind::EvalError => &i.eval_error_prototype,
        ErrorKind::UriError => &i.uri_error_prototype,
    };
    let e = Obj::new(Some(proto.clone()), ObjectKind::Error);
    e.define_hidden("message", Value::str(message));
    attach_stack(&e, kind_name(kind), message);
    Value::Object(e)
}

pub fn kind_name(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Error => "Error",
        ErrorKind::TypeError => "TypeError",
        ErrorKind::RangeError => "RangeError",
        ErrorKind::ReferenceError => "ReferenceError",
        ErrorKind::SyntaxError => "SyntaxError",
        ErrorKind::EvalError => "EvalError",
        ErrorKind::UriError => "URIError",
    }
}

/// Sets `stack` to "Name: message" followed by one `    at …` line per active script frame.
pub fn attach_stack(e: &Obj, name: &str, message: &str) {
    let mut text = if message.is_empty() { name.to_string() } else { format!("{name}: {message}") };
    for frame in crate::calls::capture_stack() {
        text.push_str("\n    at ");
        text.push_str(&frame.to_string());
    }
    e.define_value("stack", Value::string(text), attr::HIDDEN);
}

pub fn type_error(message: &str) -> Value {
    make_error(ErrorKind::TypeError, message)
}
pub fn range_error(message: &str) -> Value {
    make_error(ErrorKind::RangeError, message)
}
pub fn reference_error(message: &str) -> Value {
    make_error(ErrorKind::ReferenceError, message)
}
pub fn syntax_error(message: &str) -> Value {
    make_error(ErrorKind::SyntaxError, message)
}
pub fn uri_error(message: &str) -> Value {
    make_error(ErrorKind::UriError, message)
}

pub fn throw_type<T>(message: &str) -> JsResult<T> {
    Err(type_error(message))
}
pub fn throw_range<T>(message: &str) -> JsResult<T> {
    Err(range_error(message))
}
