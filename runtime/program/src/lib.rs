//! A program: one realm per worker thread with the standard library installed, the codebase's
//! module and script loaders, and the calls that compile and run a script in it. The command line,
//! the shell and (later) the admin service all run scripts through here.
//!
//! Architecture invariant: nothing here depends on the shell; the shell depends on this.

#![forbid(unsafe_code)]

use pipy_compiler::CompileOptions;
use pipy_compiler::diagnostics::Diagnostic;
use pipy_value::{JsResult, Value, error, function, ops, realm};
use std::path::{Path, PathBuf};

/// Why running a script failed.
pub enum RunError {
    /// The source did not compile; the diagnostics say why.
    Compile(Vec<Diagnostic>),
    /// The script threw and nothing caught it.
    Uncaught(Value),
}

/// Creates this thread's realm with every built-in installed, and the module loader.
pub fn init() {
    pipy_engine::pipeline::context::reset();
    pipy_engine::pipeline::layout::forget_all();
    pipy_engine::net::reset();
    pipy_stdlib::new_realm();
    MODULES.with(|m| m.borrow_mut().clear());
    SCRIPTS.with(|m| m.borrow_mut().clear());
    realm::set_module_loader(std::rc::Rc::new(load_module));
    pipy_engine::pipeline::layout::set_script_loader(std::rc::Rc::new(load_script));
    pipy_engine::log::set_exception_describer(describe_exception);
}

thread_local! {
    /// Codebase scripts loaded by `use`, `chain` and `pipy.solve`, by path: each runs once.
    static SCRIPTS: std::cell::RefCell<std::collections::HashMap<PathBuf, (std::rc::Rc<str>, Value)>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Loads a codebase script once per thread (paths relative to the codebase root) and returns its
/// completion value (for a 0.x module, its Configuration).
fn load_script(path: &str) -> JsResult<(std::rc::Rc<str>, Value)> {
    let root = CODEBASE_ROOT.with(|r| r.borrow().clone()).unwrap_or_else(|| PathBuf::from("."));
    let full = root.join(path.trim_start_matches('/'));
    let key = full.canonicalize().unwrap_or_else(|_| full.clone());
    if let Some(v) = SCRIPTS.with(|s| s.borrow().get(&key).cloned()) {
        return Ok(v);
    }
    let source = std::fs::read_to_string(&full)
        .map_err(|e| error::type_error(&format!("cannot load script '{}': {e}", full.display())))?;
    let name = full.display().to_string();
    let module = pipy_compiler::compile(&name, &source, options(false)).map_err(|diags| {
        let text: String = diags.iter().map(|d| d.render(&name, &source)).collect();
        error::syntax_error(&format!("in {name}:\n{text}"))
    })?;
    pipy_engine::pipeline::layout::push_module(&name);
    let result = function::run_script(module.main());
    pipy_engine::pipeline::layout::pop_module();
    let v: (std::rc::Rc<str>, Value) = (name.into(), result?);
    SCRIPTS.with(|s| s.borrow_mut().insert(key, v.clone()));
    Ok(v)
}

enum ModuleState {
    Loading,
    Loaded(Value),
}

thread_local! {
    /// Modules of this thread by canonical path: each is evaluated once.
    static MODULES: std::cell::RefCell<std::collections::HashMap<PathBuf, ModuleState>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
    /// Where `/…` module paths start: the folder of the main script.
    static CODEBASE_ROOT: std::cell::RefCell<Option<PathBuf>> = const { std::cell::RefCell::new(None) };
}

/// Forgets loaded modules and scripts so the next load reads them from disk again (a reload).
pub fn clear_module_caches() {
    MODULES.with(|m| m.borrow_mut().clear());
    SCRIPTS.with(|m| m.borrow_mut().clear());
    pipy_engine::pipeline::layout::forget_all();
}

/// Sets the folder `/…` imports are resolved against (the main script's folder).
pub fn set_codebase_root(root: &Path) {
    pipy_stdlib::pipy::set_codebase_root(root);
    CODEBASE_ROOT.with(|r| *r.borrow_mut() = Some(root.to_path_buf()));
}

fn resolve_module(specifier: &str, referrer: &str) -> Option<PathBuf> {
    if let Some(rest) = specifier.strip_prefix('/') {
        let root = CODEBASE_ROOT.with(|r| r.borrow().clone()).unwrap_or_else(|| PathBuf::from("."));
        return Some(root.join(rest));
    }
    if specifier.starts_with("./") || specifier.starts_with("../") {
        let base = Path::new(referrer).parent().map(Path::to_path_buf).unwrap_or_default();
        return Some(base.join(specifier));
    }
    None
}

/// The module loader: resolves, compiles and evaluates a module once, returning its exports.
fn load_module(specifier: &str, referrer: &str) -> JsResult<Value> {
    let Some(path) = resolve_module(specifier, referrer) else {
        return Err(error::type_error(&format!(
            "cannot find module '{specifier}' (imported from {referrer}): use a path starting with ./, ../ or /"
        )));
    };
    let key = path.canonicalize().unwrap_or_else(|_| path.clone());
    let cached = MODULES.with(|m| match m.borrow().get(&key) {
        Some(ModuleState::Loaded(v)) => Some(Ok(v.clone())),
        Some(ModuleState::Loading) => Some(Err(())),
        None => None,
    });
    match cached {
        Some(Ok(v)) => return Ok(v),
        Some(Err(())) => {
            return Err(error::type_error(&format!(
                "circular import of '{}' (from {referrer}) is not supported",
                path.display()
            )));
        }
        None => {}
    }
    let source = std::fs::read_to_string(&path)
        .map_err(|e| error::type_error(&format!("cannot load module '{}': {e}", path.display())))?;
    MODULES.with(|m| m.borrow_mut().insert(key.clone(), ModuleState::Loading));
    let name = path.display().to_string();
    let result = match pipy_compiler::compile(&name, &source, options(false)) {
        Ok(module) => {
            pipy_engine::pipeline::layout::push_module(&name);
            let r = function::run_script(module.main());
            pipy_engine::pipeline::layout::pop_module();
            r
        }
        Err(diags) => {
            let text: String = diags.iter().map(|d| d.render(&name, &source)).collect();
            Err(error::syntax_error(&format!("in module {name}:\n{text}")))
        }
    };
    MODULES.with(|m| match &result {
        Ok(v) => {
            m.borrow_mut().insert(key, ModuleState::Loaded(v.clone()));
        }
        Err(_) => {
            m.borrow_mut().remove(&key);
        }
    });
    result
}

/// Compile options with the standard library's regular-expression checker.
pub fn options(top_level_globals: bool) -> CompileOptions {
    CompileOptions {
        contexts: Some(&pipy_engine::pipeline::context::CONTEXTS),
        top_level_globals,
        validate_regexp: Some(pipy_stdlib::regexp::validate),
    }
}

/// Compiles and runs `source`, then drains the microtask queue. Returns the completion value.
pub fn run(name: &str, source: &str, options: CompileOptions) -> Result<Value, RunError> {
    let module = pipy_compiler::compile(name, source, options).map_err(RunError::Compile)?;
    pipy_engine::pipeline::layout::push_module(name);
    let result = function::run_script(module.main());
    pipy_engine::pipeline::layout::pop_module();
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
