//! One worker: its own realm, its own copy of every module, its own event loop. It runs the
//! main script (which builds the pipeline layouts and opens listeners), prints the pipeline
//! graph, serves until the process stops, and reloads the codebase on SIGHUP.

use crate::{RunError, describe_exception, options, run};
use pipy_engine::{log, net, pipeline::layout};
use std::path::Path;

/// How a worker runs its codebase.
#[derive(Clone, Debug, Default)]
pub struct WorkerOptions {
    /// This worker's index (0 is the one that reports start-up errors and prints the graph).
    pub id: usize,
    /// How many workers run the same codebase.
    pub threads: usize,
    /// Set SO_REUSEPORT on listeners (always on with more than one worker).
    pub reuse_port: bool,
    /// Do not print the pipeline graph at start-up.
    pub no_graph: bool,
    /// `pipy.argv` of the script.
    pub args: Vec<String>,
    /// How long a graceful stop waits for streams in flight (None: until they end).
    pub shutdown_timeout: Option<std::time::Duration>,
    /// Where other threads send this worker commands (reload, stop).
    pub control: Option<std::sync::Arc<net::Control>>,
    /// Start even when a port cannot be bound (`--force-start`).
    pub force_start: bool,
    /// For worker 0: the other workers' mailboxes (it passes SIGINT and SIGTERM on to them).
    pub peers: Vec<std::sync::Arc<net::Control>>,
}

/// Runs the main script at `path` (whose text is `source`) as one worker until it stops;
/// returns the process exit code it asks for.
pub fn run_worker(path: &str, source: &str, worker: &WorkerOptions) -> i32 {
    let id = worker.id;
    crate::init();
    let root = Path::new(path).parent().map(|p| p.to_path_buf()).unwrap_or_default();
    crate::set_codebase_root(&root);
    pipy_stdlib::pipy::set_argv(worker.args.clone());
    pipy_stdlib::pipy::set_thread(id, worker.threads.max(1));
    let reload_path = path.to_string();
    net::set_reloader(std::rc::Rc::new(move || reload(&reload_path)));
    let setup = || -> Result<(), i32> {
        match run(path, source, options(false)) {
            Ok(_) => {}
            Err(RunError::Compile(diags)) => {
                if id == 0 {
                    for d in diags {
                        report(&d.render(path, source));
                    }
                }
                return Err(1);
            }
            Err(RunError::Uncaught(e)) => {
                if id == 0 {
                    report(&format!("{}\n", describe_exception(&e)));
                }
                return Err(1);
            }
        }
        let missing = layout::missing_subs();
        if !missing.is_empty() {
            if id == 0 {
                for (l, f) in missing {
                    log::error(&format!("[config] missing .to(...) for {f}() in pipeline '{l}'"));
                }
            }
            return Err(1);
        }
        if id == 0 && !worker.no_graph {
            print_graph();
        }
        if id == 0 {
            crate::publish_layouts();
        }
        log::debug(&format!("[thread] Thread {id} started"));
        Ok(())
    };
    net::run(
        net::WorkerOptions {
            reuse_port: worker.reuse_port || worker.threads > 1,
            thread_id: id,
            shutdown_timeout: worker.shutdown_timeout,
            control: worker.control.clone(),
            force_start: worker.force_start,
            peers: worker.peers.clone(),
        },
        setup,
    )
}

/// Prints a start-up error as it is (a rendered diagnostic), and keeps it in the main log for
/// the admin service.
fn report(text: &str) {
    eprint!("{text}");
    log::history::record(log::history::MAIN, text.as_bytes());
}

/// Reads the main script again and runs it in place of the old one (SIGHUP).
fn reload(path: &str) -> Result<(), String> {
    let source = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    crate::clear_module_caches();
    match run(path, &source, options(false)) {
        Ok(_) => {}
        Err(RunError::Compile(diags)) => {
            return Err(diags.iter().map(|d| d.render(path, &source)).collect::<String>());
        }
        Err(RunError::Uncaught(e)) => return Err(describe_exception(&e)),
    }
    match layout::missing_subs().first() {
        Some((l, f)) => Err(format!("missing .to(...) for {f}() in pipeline '{l}'")),
        None => {
            if net::thread_id() == 0 {
                crate::publish_layouts();
            }
            Ok(())
        }
    }
}

/// The `[config]` lines: every layout the script built, as the original prints them.
fn print_graph() {
    for l in layout::all_layouts() {
        if l.filters.borrow().is_empty() && l.name.borrow().starts_with('(') {
            continue;
        }
        for line in l.graph() {
            log::info(&format!("[config] {line}"));
        }
    }
}
