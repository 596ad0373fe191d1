//! The engine facade: one realm per thread with the standard library installed, and the calls to
//! compile and run a script in it.

use pipy_compiler::CompileOptions;
use pipy_compiler::diagnostics::Diagnostic;
use pipy_runtime::{JsResult, Value, function, ops, realm};

/// Why running a script failed.
pub enum RunError {
    /// The source did not compile; the diagnostics say why.
    Compile(Vec<Diagnostic>),
    /// The script threw and nothing caught it.
    Uncaught(Value),
}

/// Creates this thread's realm with every built-in installed.
pub fn init() {
    pipy_stdlib::new_realm();
}

/// Compiles and runs `source`, then drains the microtask queue. Returns the completion value.
pub fn run(name: &str, source: &str, options: CompileOptions) -> Result<Value, RunError> {
    let module = pipy_compiler::compile(name, source, options).map_err(RunError::Compile)?;
    let result = function::run_script(module.main());
    realm::run_microtasks();
    result.map_err(RunError::Uncaught)
}

/// Describes an uncaught exception the way Node does: the error's stack, or the thrown value.
pub fn describe_exception(v: &Value) -> String {
    if let Value::Object(o) = v {
        if o.is_error() {
            if let Ok(Value::String(s)) = ops::get_str(v, "stack") {
                return s.to_rust_string();
            }
        }
    }
    format!("Uncaught {}", inspect(v))
}

/// A value printed for a human (strings raw at top level).
pub fn display(v: &Value) -> String {
    match v {
        Value::String(s) => s.to_rust_string(),
        other => inspect(other),
    }
}

/// Console-style formatting.
pub fn inspect(v: &Value) -> String {
    pipy_stdlib::console::inspect(v)
}

/// Calls `f` and reports an exception as a string (for tests).
pub fn call(f: &Value, args: &[Value]) -> JsResult<Value> {
    function::call(f, &Value::Undefined, args)
}
