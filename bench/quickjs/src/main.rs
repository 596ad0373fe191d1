//! `qjs-run FILE [ARG ...]`: evaluate FILE as a (sloppy-mode, global) script on QuickJS, for the
//! engine comparisons in bench/js.  Globals on top of QuickJS's own (`Date.now`, `JSON`, ...):
//!
//! - `println(...args)`: args converted with `String()`, joined by spaces, newline appended;
//! - `print(...args)`: the same without the newline;
//! - `console.log(...args)`: same as `println`;
//! - `scriptArgs`: `[FILE, ARG, ...]`, as QuickJS's own `qjs` shell defines it.
//!
//! Pending promise jobs are run after the script.  An uncaught exception (or an unhandled promise
//! rejection) prints its message and stack to stderr and exits with status 1.

use std::cell::RefCell;
use std::io::Write;
use std::process::ExitCode;
use std::rc::Rc;

use rquickjs::context::EvalOptions;
use rquickjs::convert::Coerced;
use rquickjs::function::Rest;
use rquickjs::{Context, Ctx, FromJs, Function, Object, Runtime, Value};

/// `String(v)`, plus `v.stack` when v is an object that has one (an Error).
fn describe<'js>(ctx: &Ctx<'js>, v: Value<'js>) -> String {
    let mut s = match Coerced::<String>::from_js(ctx, v.clone()) {
        Ok(Coerced(s)) => s,
        Err(_) => format!("{v:?}"),
    };
    if let Some(stack) = v.as_object().and_then(|o| o.get::<_, Option<String>>("stack").ok().flatten()) {
        if !stack.is_empty() {
            s.push('\n');
            s.push_str(stack.trim_end());
        }
    }
    s
}

fn write_args(args: Rest<Coerced<String>>, newline: bool) {
    let mut line = String::new();
    for (i, a) in args.0.iter().enumerate() {
        if i > 0 {
            line.push(' ');
        }
        line.push_str(&a.0);
    }
    if newline {
        line.push('\n');
    }
    let mut out = std::io::stdout().lock();
    // A closed stdout (e.g. `| head`) is not the script's problem.
    let _ = out.write_all(line.as_bytes());
}

fn run(path: &str, args: &[String]) -> Result<(), String> {
    let source = std::fs::read(path).map_err(|e| format!("qjs-run: cannot read {path}: {e}"))?;
    let rt = Runtime::new().map_err(|e| format!("qjs-run: {e}"))?;
    // Deep recursion in benchmarks (fib) is fine; keep QuickJS's own check well inside the
    // main thread's 8 MiB stack.
    rt.set_max_stack_size(4 << 20);
    // Unhandled promise rejections, like node's default: reported, and the exit status is 1.
    let rejected: Rc<RefCell<Vec<String>>> = Rc::default();
    let tracker = rejected.clone();
    rt.set_host_promise_rejection_tracker(Some(Box::new(move |ctx, _promise, reason, handled| {
        let mut r = tracker.borrow_mut();
        if handled {
            r.pop();
        } else {
            r.push(format!("uncaught (in promise) {}", describe(&ctx, reason)));
        }
    })));
    let ctx = Context::full(&rt).map_err(|e| format!("qjs-run: {e}"))?;
    ctx.with(|ctx| -> Result<(), String> {
        let setup = || -> rquickjs::Result<()> {
            let g = ctx.globals();
            g.set("println", Function::new(ctx.clone(), |a: Rest<Coerced<String>>| write_args(a, true))?)?;
            g.set("print", Function::new(ctx.clone(), |a: Rest<Coerced<String>>| write_args(a, false))?)?;
            let console = Object::new(ctx.clone())?;
            console.set("log", Function::new(ctx.clone(), |a: Rest<Coerced<String>>| write_args(a, true))?)?;
            g.set("console", console)?;
            let mut script_args = vec![path.to_string()];
            script_args.extend(args.iter().cloned());
            g.set("scriptArgs", script_args)?;
            Ok(())
        };
        setup().map_err(|e| format!("qjs-run: setting up globals: {e}"))?;
        let mut opts = EvalOptions::default();
        opts.global = true;
        opts.strict = false;
        opts.filename = Some(path.to_string());
        match ctx.eval_with_options::<(), _>(source, opts) {
            Ok(()) => Ok(()),
            Err(rquickjs::Error::Exception) => Err(format!("uncaught {}", describe(&ctx, ctx.catch()))),
            Err(e) => Err(format!("qjs-run: {e}")),
        }
    })?;
    loop {
        match rt.execute_pending_job() {
            Ok(true) => continue,
            Ok(false) => break,
            Err(e) => {
                return Err(e.0.with(|ctx| format!("uncaught {}", describe(&ctx, ctx.catch()))));
            }
        }
    }
    let rejected = rejected.borrow();
    if rejected.is_empty() { Ok(()) } else { Err(rejected.join("\n")) }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().collect();
    let Some(path) = argv.get(1) else {
        eprintln!("usage: qjs-run FILE [ARG ...]");
        return ExitCode::from(2);
    };
    let result = run(path, &argv[2..]);
    let _ = std::io::stdout().flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("{msg}");
            ExitCode::from(1)
        }
    }
}
