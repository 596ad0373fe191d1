//! The codebase's loaders: ES modules (`import`, evaluated once per thread, exports cached) and
//! scripts that `use`, `chain` and `pipy.solve` name (run once per thread, completion value
//! cached). Paths starting with `/` are relative to the codebase root (the main script's folder).

use crate::options;
use pipy_value::{JsResult, Value, error, function, realm};
use std::path::{Path, PathBuf};

/// Installs the loaders of this thread with empty caches.
pub(crate) fn install() {
    MODULES.with(|m| m.borrow_mut().clear());
    SCRIPTS.with(|m| m.borrow_mut().clear());
    realm::set_module_loader(std::rc::Rc::new(load_module));
    pipy_engine::pipeline::layout::set_script_loader(std::rc::Rc::new(load_script));
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
    let source = read_codebase_file(&full)
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

/// A script or module's source, read through the codebase (`pipy.patch`, `pipy.mount`) when it
/// is under the codebase root.
fn read_codebase_file(path: &Path) -> std::io::Result<String> {
    let bytes = pipy_stdlib::pipy::codebase::read_resolved(path)?;
    String::from_utf8(bytes).map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8"))
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
    pipy_engine::net::metrics::set_codebase_root(root);
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
    let source = read_codebase_file(&path)
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
