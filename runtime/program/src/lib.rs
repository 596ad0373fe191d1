//! A program: one realm per worker thread with the standard library installed, the codebase's
//! module and script loaders, and the calls that compile and run a script in it. The command line,
//! the shell and (later) the admin service all run scripts through here.
//!
//! Architecture invariant: nothing here depends on the shell; the shell depends on this.

#![forbid(unsafe_code)]

mod loader;
pub mod supervisor;
mod worker;

pub use loader::{clear_module_caches, set_codebase_root};
pub use worker::{WorkerOptions, run_worker};

use pipy_compiler::CompileOptions;
use pipy_compiler::diagnostics::Diagnostic;
use pipy_value::{Value, function, ops};

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
    // PIPY_GC_STRESS=1: collect cycles at every safe point (tests that look for anything freed
    // too early run with it).
    pipy_value::cycles::set_stress(std::env::var_os("PIPY_GC_STRESS").is_some_and(|v| v != "0" && !v.is_empty()));
    // PIPY_GC=off: no cycle collection at all (to measure what it costs; cycles then leak).
    pipy_value::cycles::set_enabled(std::env::var_os("PIPY_GC").is_none_or(|v| v != "off"));
    // PIPY_GC_THRESHOLD=N: the fewest suspects that start a collection (for tuning).
    if let Some(n) = std::env::var("PIPY_GC_THRESHOLD").ok().and_then(|v| v.parse::<usize>().ok()) {
        pipy_value::cycles::set_min_threshold(n);
    }
    loader::install();
    pipy_engine::log::set_exception_describer(describe_exception);
    pipy_engine::memory::set_code_sweeper(pipy_compiler::free_unreachable_modules);
    pipy_stdlib::pipy::set_restart_hook(supervisor::reload_all);
    pipy_stdlib::pipy::set_stop_hook(supervisor::stop_all);
}

/// Compile options with the standard library's regular-expression checker.
pub fn options(top_level_globals: bool) -> CompileOptions {
    CompileOptions {
        contexts: Some(&pipy_engine::pipeline::context::CONTEXTS),
        top_level_globals,
        validate_regexp: Some(pipy_stdlib::regexp::validate),
        tier: Default::default(),
    }
}

/// Compiles and runs `source`, then drains the microtask queue. Returns the completion value.
pub fn run(name: &str, source: &str, options: CompileOptions) -> Result<Value, RunError> {
    let module = pipy_compiler::compile(name, source, options).map_err(RunError::Compile)?;
    pipy_engine::pipeline::layout::push_module(name);
    let result = function::run_script(module.main());
    pipy_engine::pipeline::layout::pop_module();
    pipy_engine::memory::run_microtasks();
    pipy_engine::memory::collect_pending();
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

/// One pipeline layout as a graph shows it: its name, and each filter with the sub-pipelines it
/// links to.
#[derive(Clone, Debug)]
pub struct LayoutGraph {
    pub name: String,
    pub module: String,
    pub filters: Vec<(String, Vec<String>)>,
}

/// Runs `source` in a fresh realm on this thread, without an event loop (listeners are not
/// opened, timers do not fire), and returns the layouts it built. Meant for a thread of its own:
/// it resets this thread's engine state.
pub fn layouts_of(name: &str, source: &str) -> Result<Vec<LayoutGraph>, String> {
    init();
    match run(name, source, options(false)) {
        Ok(_) => {}
        Err(RunError::Compile(diags)) => return Err(diags.iter().map(|d| d.render(name, source)).collect()),
        Err(RunError::Uncaught(e)) => return Err(describe_exception(&e)),
    }
    let out = current_layouts();
    pipy_engine::pipeline::layout::forget_all();
    Ok(out)
}

/// The layouts this thread's scripts built.
pub fn current_layouts() -> Vec<LayoutGraph> {
    pipy_engine::pipeline::layout::all_layouts()
        .iter()
        .filter(|l| !(l.filters.borrow().is_empty() && l.name.borrow().starts_with('(')))
        .map(|l| LayoutGraph {
            name: l.name.borrow().clone(),
            module: l.module.to_string(),
            filters: l.filters.borrow().iter().map(|f| (f.name().to_string(), f.subs())).collect(),
        })
        .collect()
}

static RUNNING_GRAPH: std::sync::Mutex<Vec<LayoutGraph>> = std::sync::Mutex::new(Vec::new());

/// The layouts of the running program (the first worker's, published when it loads or reloads).
pub fn running_layouts() -> Vec<LayoutGraph> {
    RUNNING_GRAPH.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Publishes this thread's layouts as the running program's.
pub(crate) fn publish_layouts() {
    *RUNNING_GRAPH.lock().unwrap_or_else(|e| e.into_inner()) = current_layouts();
}
