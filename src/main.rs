//! `pipy`: the command line. Runs a script (`pipy run FILE`, or `pipy FILE` as the original),
//! evaluates an expression (`-e`), checks scripts (`check`), or starts the shell (`repl`).

use anyhow::Result;
use clap::{Parser, Subcommand};
use pipy_repl::engine::{self, RunError};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "pipy", version, about = "Pipy in Rust: a programmable network proxy scripted in PipyJS")]
#[command(
    after_help = "Examples:\n  pipy run hello.js\n  pipy hello.js\n  pipy -e '1 + 1'\n  pipy check proxy.js\n  pipy repl"
)]
struct Cli {
    /// Evaluate EXPR and print its value.
    #[arg(short = 'e', long = "eval", value_name = "EXPR")]
    eval: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
    /// A script to run (same as `pipy run FILE`).
    file: Option<String>,
    /// Arguments passed to the script.
    #[arg(last = true)]
    args: Vec<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a script.
    Run {
        file: String,
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Parse and check scripts without running them.
    Check { files: Vec<String> },
    /// Start the interactive shell.
    Repl,
}

fn run_source(name: &str, source: &str, print_value: bool) -> ExitCode {
    run_source_in(name, source, print_value, None)
}

fn run_source_in(name: &str, source: &str, print_value: bool, root: Option<&std::path::Path>) -> ExitCode {
    engine::init();
    if let Some(r) = root {
        engine::set_codebase_root(r);
    }
    match engine::run(name, source, engine::options(false)) {
        Ok(v) => {
            if print_value {
                println!("{}", engine::display(&v));
            }
            ExitCode::SUCCESS
        }
        Err(RunError::Compile(diags)) => {
            for d in diags {
                eprint!("{}", d.render(name, source));
            }
            ExitCode::from(1)
        }
        Err(RunError::Uncaught(e)) => {
            eprintln!("{}", engine::describe_exception(&e));
            ExitCode::from(1)
        }
    }
}

fn run_file(path: &str) -> ExitCode {
    match std::fs::read_to_string(path) {
        Ok(src) => {
            let root = std::path::Path::new(path).parent().map(|p| p.to_path_buf()).unwrap_or_default();
            run_source_in(path, &src, false, Some(&root))
        }
        Err(e) => {
            eprintln!("error: cannot read {path}: {e}");
            ExitCode::from(2)
        }
    }
}

fn check(files: &[String]) -> ExitCode {
    let mut failed = false;
    for f in files {
        match std::fs::read_to_string(f) {
            Ok(src) => {
                if let Err(diags) = pipy_compiler::analyze(f, &src) {
                    for d in diags {
                        eprint!("{}", d.render(f, &src));
                    }
                    failed = true;
                }
            }
            Err(e) => {
                eprintln!("error: cannot read {f}: {e}");
                failed = true;
            }
        }
    }
    if failed { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn main() -> Result<ExitCode> {
    let cli = Cli::parse();
    // Panics are caught where scripts and input can cause them (helpers, the compiler) and turn
    // into errors; keep the report to one line instead of a backtrace.
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("pipy: internal error{place} (recovered)");
    }));
    // Deep JS recursion needs a deep native stack; run the engine on a thread that has one.
    let handle = std::thread::Builder::new().stack_size(256 << 20).spawn(move || -> ExitCode {
        if let Some(expr) = &cli.eval {
            return run_source("<eval>", expr, true);
        }
        match (&cli.command, &cli.file) {
            (Some(Command::Run { file, .. }), _) => run_file(file),
            (Some(Command::Check { files }), _) => check(files),
            (Some(Command::Repl), _) => ExitCode::from(pipy_repl::shell::run() as u8),
            (None, Some(file)) => run_file(file),
            (None, None) => ExitCode::from(pipy_repl::shell::run() as u8),
        }
    })?;
    Ok(handle.join().unwrap_or(ExitCode::from(70)))
}
