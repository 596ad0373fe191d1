//! Context variables: the interface between the code that names them and the engine that
//! stores them.
//!
//! A PipyJS script names per-stream variables (`pipy({_x})`, `.export('ns', {__x})`, top-level
//! `var $x`, `__inbound`, `__filename`). The compiler turns each such name into a *binding* id
//! when it compiles the script, and compiled code reads and writes the binding through two ABI
//! helpers. Where the values live (one slot vector per pipeline context) is the pipeline
//! engine's business: it implements [`ContextVariables`] and installs it once per process; the
//! compiler is handed the same implementation in its options. Neither side sees the other's
//! state.

use crate::error::{self, JsResult};
use crate::value::Value;
use std::sync::OnceLock;

/// What the compiler and compiled code need from whoever stores context variables.
pub trait ContextVariables: Sync {
    /// The binding id of `name` in `module` (the same id each time it is asked for).
    fn binding(&self, module: &str, name: &str) -> u32;
    /// Declares a fiber variable (`var $x`) of `module` unless it is declared already.
    fn declare_fiber(&self, module: &str, name: &str);
    /// Declares `name` in `module` with its initial value (`__filename` is declared this way).
    fn declare(&self, module: &str, name: &str, init: Value);
    /// Reads a binding in the running pipeline's context (`typeof x` reads do not throw).
    fn load(&self, binding: u32, typeof_mode: bool) -> JsResult<Value>;
    /// Writes a binding in the running pipeline's context.
    fn store(&self, binding: u32, value: Value) -> JsResult<()>;
}

static INSTALLED: OnceLock<&'static dyn ContextVariables> = OnceLock::new();

/// Installs the process's context-variable store (the engine does this before any script
/// runs). A second call keeps the first.
pub fn install(variables: &'static dyn ContextVariables) {
    let _ = INSTALLED.set(variables);
}

/// The installed store, if any.
pub fn installed() -> Option<&'static dyn ContextVariables> {
    INSTALLED.get().copied()
}

fn missing() -> Value {
    error::reference_error("context variables need the pipeline engine, and none is installed")
}

/// Reads a binding (compiled code's `GetContext`).
pub fn load(binding: u32, typeof_mode: bool) -> JsResult<Value> {
    match installed() {
        Some(v) => v.load(binding, typeof_mode),
        None => Err(missing()),
    }
}

/// Writes a binding (compiled code's `SetContext`).
pub fn store(binding: u32, value: Value) -> JsResult<()> {
    match installed() {
        Some(v) => v.store(binding, value),
        None => Err(missing()),
    }
}
