//! `pipy`: the command line. Runs a script (`pipy run FILE`, or `pipy FILE` as the original),
//! evaluates an expression (`-e`), checks scripts (`check`), or starts the shell (`repl`).

// One block calls into the allocator's C interface (`trim_allocator`); nothing else is unsafe.
#![deny(unsafe_code)]

use anyhow::Result;
use clap::{Parser, Subcommand};
use pipy_program::{self as program, RunError};
use std::process::ExitCode;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Returns the pages mimalloc holds freed to the system. It does so by itself only as the
/// thread allocates again, so an idle worker would keep the memory of a flood that ended.
#[allow(unsafe_code)]
fn trim_allocator() {
    // SAFETY: `mi_collect` takes no pointers; it walks the calling thread's own mimalloc heap
    // (every worker calls it from its own thread, between events, so no allocation of that
    // heap is in progress) and the shared arenas, which mimalloc locks itself.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

/// `pipy --version`: the version, the commit and what the build includes.
const LONG_VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    "\nCommit: ",
    env!("PIPY_COMMIT"),
    "\nCommit date: ",
    env!("PIPY_COMMIT_DATE"),
    "\nJIT: Cranelift 0.135\nTLS: rustls 0.23 (ring)\nHTTP: HTTP/1.1, HTTP/2 (h2 0.4)"
);

#[derive(Parser)]
#[command(name = "pipy", version, long_version = LONG_VERSION, about = "Pipy in Rust: a programmable network proxy scripted in PipyJS")]
#[command(
    after_help = "Examples:\n  pipy run hello.js\n  pipy hello.js\n  pipy -e '1 + 1'\n  pipy check proxy.js\n  pipy repl\n  pipy                                   a codebase repo and its console on port 6060 (in memory)\n  pipy --admin-port=6060 ./repo-dir      a repo kept in ./repo-dir\n  pipy http://repo:6060/repo/hello/      run codebase /hello from a repo"
)]
struct Cli {
    /// Evaluate EXPR and print its value.
    #[arg(short = 'e', long = "eval", value_name = "EXPR")]
    eval: Option<String>,
    /// Run the script at PATH (the same as giving it without -f, as the original takes it).
    #[arg(short = 'f', long = "file", value_name = "PATH", conflicts_with = "file")]
    file_path: Option<String>,
    #[command(subcommand)]
    command: Option<Command>,
    /// A script to run (same as `pipy run FILE`).
    file: Option<String>,
    /// Arguments passed to the script (`pipy.argv`). Among them, `--pipy-options` starts pipy
    /// options again (up to the next `--`), as the original's.
    #[arg(last = true)]
    args: Vec<String>,
    #[command(flatten)]
    worker: WorkerArgs,
    /// List every filter: name, parameters and what it does.
    #[arg(long)]
    list_filters: bool,
    /// Describe one filter (or all of them).
    #[arg(long, value_name = "NAME", num_args = 0..=1, default_missing_value = "")]
    help_filters: Option<String>,
}

/// Writes to stdout; a reader that went away (`pipy --list-filters | head`) ends the output
/// quietly instead of with a panic.
fn print_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
}

/// `--list-filters` and `--help-filters`, printed from the runtime's one filter registry.
fn print_filters(only: Option<&str>) -> ExitCode {
    let all = pipy_engine::filters::all();
    match only {
        None => {
            let width = all.iter().map(|s| s.name.len() + s.params.len()).max().unwrap_or(0);
            let mut text = String::new();
            for s in &all {
                let sig = format!("{}{}", s.name, s.params);
                let joint = if s.joint { " [.to(...)]" } else { "" };
                text.push_str(&format!("{sig:width$}  {}{joint}\n", s.help));
            }
            print_out(&text);
            ExitCode::SUCCESS
        }
        Some(name) => {
            let list: Vec<_> = all.iter().filter(|s| name.is_empty() || s.name == name).collect();
            if list.is_empty() {
                eprintln!("error: no filter named '{name}' (see pipy --list-filters)");
                return ExitCode::from(2);
            }
            let mut text = String::new();
            for s in list {
                text.push_str(&format!("{}{}\n    {}\n", s.name, s.params, s.help));
                if !s.options.is_empty() {
                    text.push_str(&format!("    Options: {}\n", s.options.join(", ")));
                }
                if s.joint {
                    text.push_str(&format!("    Takes a sub-pipeline: .{}(...).to(name | $=>$...)\n", s.name));
                }
                text.push('\n');
            }
            print_out(&text);
            ExitCode::SUCCESS
        }
    }
}

#[derive(clap::Args, Clone)]
struct WorkerArgs {
    /// Worker threads: a number or `max` (one per CPU). Each loads its own copy of the script.
    #[arg(long, global = true, value_name = "N|max", value_parser = parse_threads)]
    threads: Option<usize>,
    /// Set SO_REUSEPORT on listeners so several processes can serve one port.
    #[arg(long, global = true)]
    reuse_port: bool,
    /// Log level: debug, info, warn or error.
    #[arg(long, global = true, value_name = "LEVEL", value_parser = parse_level)]
    log_level: Option<pipy_engine::log::Level>,
    /// Where log lines go: stderr, stdout or null.
    #[arg(long, global = true, value_name = "stderr|stdout|null", value_parser = ["stderr", "stdout", "null"])]
    log_local: Option<String>,
    /// Do not print the pipeline graph at start-up.
    #[arg(long, global = true)]
    no_graph: bool,
    /// On SIGINT/SIGTERM, how long to wait for streams in flight before closing them: seconds,
    /// or 0 to wait as long as they take.
    #[arg(long, global = true, value_name = "SECONDS", default_value = "30", value_parser = parse_seconds)]
    shutdown_timeout: f64,
    /// Serve the admin service (status, logs, metrics, codebase, program control) on [ip:]port.
    #[arg(long, global = true, value_name = "[IP:]PORT")]
    admin_port: Option<String>,
    /// This instance's name, as the admin service and a repo show it (default: the host name).
    #[arg(long, global = true, value_name = "NAME")]
    instance_name: Option<String>,
    /// Repo mode: load every folder with a main.js under DIR as a codebase (published as version 1).
    #[arg(long, global = true, value_name = "DIR")]
    init_repo: Option<std::path::PathBuf>,
    /// Repo mode: run this codebase of the repo here once the repo is up.
    #[arg(long, global = true, value_name = "CODEBASE")]
    init_code: Option<String>,
    /// Start even when a port cannot be bound (the error is logged; the other ports serve).
    #[arg(long, global = true)]
    force_start: bool,
    /// This process's id as the repo knows it (default: a random UUID).
    #[arg(long, global = true, value_name = "UUID")]
    instance_uuid: Option<String>,
    /// A worker of a repo: do not check for new versions (the first that loads keeps running).
    #[arg(long, global = true)]
    no_reload: bool,
    /// A worker of a repo: do not report status to the repo.
    #[arg(long, global = true)]
    no_status: bool,
    /// A worker of a repo: do not send metrics with the status.
    #[arg(long, global = true)]
    no_metrics: bool,
    /// Remember where each object is made (module:line:column); the admin service's
    /// `GET /dump/objects/<class>` then counts the live objects of a class by that place.
    #[arg(long, global = true)]
    trace_objects: bool,
    /// A worker of a repo: keep the main log here (the repo's console cannot watch it).
    #[arg(long, global = true)]
    log_local_only: bool,
    /// Also write the log to this file.
    #[arg(long, global = true, value_name = "FILE")]
    log_file: Option<std::path::PathBuf>,
    /// Rotate the log file when it would pass this size (bytes, or 10m, 1g…).
    #[arg(long, global = true, value_name = "SIZE", value_parser = parse_size)]
    log_file_max_size: Option<usize>,
    /// Keep at most this many log files (the current one included).
    #[arg(long, global = true, value_name = "N")]
    log_file_max_count: Option<usize>,
    /// Rotate the log file after this long (30s, 15m, 1h, 1d).
    #[arg(long, global = true, value_name = "TIME", value_parser = parse_interval)]
    log_file_rotate_interval: Option<std::time::Duration>,
    /// The most bytes kept of each log for the admin service (`/log`), e.g. 1048576 or 1m.
    #[arg(long, global = true, value_name = "SIZE", value_parser = parse_size)]
    log_history_limit: Option<usize>,
    /// The admin service over TLS: its certificate (PEM).
    #[arg(long, global = true, value_name = "FILE")]
    admin_tls_cert: Option<std::path::PathBuf>,
    /// The admin service over TLS: its private key (PEM).
    #[arg(long, global = true, value_name = "FILE")]
    admin_tls_key: Option<std::path::PathBuf>,
    /// Mutual TLS on the admin port: only clients with a certificate from these CAs (PEM).
    #[arg(long, global = true, value_name = "FILE")]
    admin_tls_trusted: Option<std::path::PathBuf>,
    /// A worker of an https:// repo: its client certificate (PEM).
    #[arg(long, global = true, value_name = "FILE")]
    tls_cert: Option<std::path::PathBuf>,
    /// A worker of an https:// repo: its client key (PEM).
    #[arg(long, global = true, value_name = "FILE")]
    tls_key: Option<std::path::PathBuf>,
    /// A worker of an https:// repo: the CAs that sign the repo's certificate (PEM).
    #[arg(long, global = true, value_name = "FILE")]
    tls_trusted: Option<std::path::PathBuf>,
}

impl WorkerArgs {
    /// What worker `id` of `threads` runs with.
    fn options(&self, id: usize, threads: usize, args: &[String]) -> program::WorkerOptions {
        program::WorkerOptions {
            id,
            threads,
            reuse_port: self.reuse_port,
            no_graph: self.no_graph,
            args: args.to_vec(),
            shutdown_timeout: (self.shutdown_timeout > 0.0)
                .then(|| std::time::Duration::from_secs_f64(self.shutdown_timeout)),
            control: None,
            force_start: self.force_start,
            peers: Vec::new(),
        }
    }
}

fn parse_threads(s: &str) -> Result<usize, String> {
    if s == "max" {
        return Ok(std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    }
    match s.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!("'{s}' is not a thread count (a number from 1, or max)")),
    }
}

fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim().to_ascii_lowercase();
    let (num, mul) = match t.chars().last() {
        Some('k') => (&t[..t.len() - 1], 1usize << 10),
        Some('m') => (&t[..t.len() - 1], 1 << 20),
        Some('g') => (&t[..t.len() - 1], 1 << 30),
        _ => (t.as_str(), 1),
    };
    num.parse::<usize>()
        .ok()
        .and_then(|n| n.checked_mul(mul))
        .ok_or_else(|| format!("'{s}' is not a size in bytes (like 1048576, 512k or 1m)"))
}

fn parse_interval(s: &str) -> Result<std::time::Duration, String> {
    let t = s.trim();
    let (num, mul) = match t.chars().last() {
        Some('s') => (&t[..t.len() - 1], 1.0),
        Some('m') => (&t[..t.len() - 1], 60.0),
        Some('h') => (&t[..t.len() - 1], 3600.0),
        Some('d') => (&t[..t.len() - 1], 86400.0),
        _ => (t, 1.0),
    };
    match num.parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 => Ok(std::time::Duration::from_secs_f64(n * mul)),
        _ => Err(format!("'{s}' is not a time (like 30s, 15m, 1h or 1d)")),
    }
}

fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.trim_end_matches('s').parse::<f64>() {
        Ok(n) if n.is_finite() && n >= 0.0 => Ok(n),
        _ => Err(format!("'{s}' is not a number of seconds")),
    }
}

fn parse_level(s: &str) -> Result<pipy_engine::log::Level, String> {
    pipy_engine::log::Level::parse(s).ok_or_else(|| format!("'{s}' is not a log level (debug, info, warn, error)"))
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum CheckFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run a script.
    Run {
        file: String,
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Lint scripts and the modules they reach, without running them (exit 1 on errors).
    Check {
        #[arg(required_unless_present = "list_rules")]
        files: Vec<std::path::PathBuf>,
        /// List the rules (code, name, what each finds) and exit.
        #[arg(long)]
        list_rules: bool,
        /// `human` (like rustc) or `json` (for editors).
        #[arg(long, value_enum, default_value = "human")]
        format: CheckFormat,
    },
    /// Start the interactive shell.
    Repl,
}

fn run_source(name: &str, source: &str, print_value: bool) -> ExitCode {
    run_source_in(name, source, print_value, None)
}

fn run_source_in(name: &str, source: &str, print_value: bool, root: Option<&std::path::Path>) -> ExitCode {
    program::init();
    if let Some(r) = root {
        program::set_codebase_root(r);
    }
    match program::run(name, source, program::options(false)) {
        Ok(v) => {
            if print_value {
                print_out(&format!("{}\n", program::display(&v)));
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
            eprintln!("{}", program::describe_exception(&e));
            ExitCode::from(1)
        }
    }
}

/// Runs under the admin service: a script with `--admin-port`, or a codebase from a repo.
fn run_admin(mode: pipy_admin::Mode, args: &[String], worker: &WorkerArgs) -> ExitCode {
    let threads = worker.threads.unwrap_or(1);
    let options = pipy_admin::Options {
        admin: worker.admin_port.clone(),
        name: worker.instance_name.clone(),
        launch: program::supervisor::Launch { main: Default::default(), worker: worker.options(0, threads, args) },
        admin_tls: pipy_admin::tls::TlsFiles {
            cert: worker.admin_tls_cert.clone(),
            key: worker.admin_tls_key.clone(),
            trusted: worker.admin_tls_trusted.clone(),
        },
        fetch_tls: pipy_admin::tls::TlsFiles {
            cert: worker.tls_cert.clone(),
            key: worker.tls_key.clone(),
            trusted: worker.tls_trusted.clone(),
        },
        uuid: worker.instance_uuid.clone(),
        link: pipy_admin::link::LinkOptions {
            reload: !worker.no_reload,
            status: !worker.no_status,
            metrics: !worker.no_metrics,
            send_log: !worker.log_local_only,
        },
    };
    ExitCode::from(pipy_admin::run(mode, options).clamp(0, 255) as u8)
}

/// Repo mode: `pipy` with no script (the repo in memory) or with a folder (kept there).
fn run_repo(dir: Option<std::path::PathBuf>, args: &[String], worker: &WorkerArgs) -> ExitCode {
    let mode = pipy_admin::Mode::Repo { dir, init_repo: worker.init_repo.clone(), init_code: worker.init_code.clone() };
    run_admin(mode, args, worker)
}

fn run_file(path: &str, args: &[String], worker: &WorkerArgs) -> ExitCode {
    if path.starts_with("http://") || path.starts_with("https://") {
        return run_admin(pipy_admin::Mode::Url(path.to_string()), args, worker);
    }
    if std::path::Path::new(path).is_dir() {
        return run_repo(Some(path.into()), args, worker);
    }
    if worker.init_repo.is_some() || worker.init_code.is_some() {
        eprintln!("error: --init-repo and --init-code are for repo mode (pipy with no script, or with a folder)");
        return ExitCode::from(2);
    }
    if let Err(e) = std::fs::read_to_string(path) {
        eprintln!("error: cannot read {path}: {e}");
        return ExitCode::from(2);
    }
    let admin_tls =
        worker.admin_tls_cert.is_some() || worker.admin_tls_key.is_some() || worker.admin_tls_trusted.is_some();
    if worker.admin_port.is_some() || admin_tls {
        let full = std::fs::canonicalize(path).unwrap_or_else(|_| path.into());
        return run_admin(pipy_admin::Mode::Script(full), args, worker);
    }
    let threads = worker.threads.unwrap_or(1);
    let launch = program::supervisor::Launch { main: path.into(), worker: worker.options(0, threads, args) };
    match program::supervisor::spawn(&launch) {
        Ok(mut running) => ExitCode::from(running.wait().clamp(0, 255) as u8),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

fn check(files: &[std::path::PathBuf], format: CheckFormat) -> ExitCode {
    let format = match format {
        CheckFormat::Human => pipy_lint::Format::Human,
        CheckFormat::Json => pipy_lint::Format::Json,
    };
    let report = pipy_lint::check_files(files, format);
    match format {
        pipy_lint::Format::Human => eprint!("{}", report.text),
        pipy_lint::Format::Json => print_out(&report.text),
    }
    ExitCode::from(report.exit_code())
}

/// The original's `--pipy-options`: after `--` the words are the script's, but from a
/// `--pipy-options` among them up to the next `--` they are pipy options again. Those move in
/// front of the `--` for clap.
fn pipy_options(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let Some(first) = args.iter().position(|a| a == "--") else { return args };
    let mut options: Vec<std::ffi::OsString> = args[..first].to_vec();
    let mut script = Vec::new();
    let mut in_script = true;
    for a in &args[first + 1..] {
        if in_script {
            if a == "--pipy-options" {
                in_script = false;
            } else {
                script.push(a.clone());
            }
        } else if a == "--" {
            in_script = true;
        } else {
            options.push(a.clone());
        }
    }
    options.push("--".into());
    options.extend(script);
    options
}

fn main() -> Result<ExitCode> {
    pipy_engine::memory::set_trim(trim_allocator);
    let mut cli = Cli::parse_from(pipy_options(std::env::args_os().collect()));
    // As the original: with no script named before `--`, the first word after it that is not
    // an option is the script (`pipy -- main.js arg`).
    if cli.file.is_none()
        && cli.file_path.is_none()
        && cli.eval.is_none()
        && cli.command.is_none()
        && let Some(i) = cli.args.iter().position(|a| !a.starts_with('-'))
    {
        cli.file = Some(cli.args.remove(i));
    }
    if cli.worker.trace_objects {
        pipy_engine::memory::set_tracing(true);
    }
    if cli.list_filters {
        return Ok(print_filters(None));
    }
    if let Some(name) = &cli.help_filters {
        return Ok(print_filters(Some(name)));
    }
    if let Some(l) = cli.worker.log_level {
        pipy_engine::log::set_level(l);
    }
    if let Some(s) = &cli.worker.log_local {
        pipy_engine::log::set_local(s);
    }
    if let Some(n) = cli.worker.log_history_limit {
        pipy_engine::log::history::set_limit(n);
    }
    if let Some(path) = &cli.worker.log_file {
        let rotation = pipy_engine::log::file::Rotation {
            max_size: cli.worker.log_file_max_size.unwrap_or(0) as u64,
            max_count: cli.worker.log_file_max_count.unwrap_or(0),
            interval: cli.worker.log_file_rotate_interval,
        };
        if let Err(e) = pipy_engine::log::set_file(path, rotation) {
            eprintln!("error: cannot open the log file {}: {e}", path.display());
            return Ok(ExitCode::from(2));
        }
    }
    // What scripts see as pipy.name, pipy.uuid, pipy.source, pipy.since and pipy.version; the
    // admin service and a repo know the process by the same name and uuid.
    let uuid = cli.worker.instance_uuid.clone().unwrap_or_else(pipy_admin::host::new_uuid);
    cli.worker.instance_uuid = Some(uuid.clone());
    let source = match (&cli.command, &cli.file) {
        (Some(Command::Run { file, .. }), _) | (None, Some(file)) => file.clone(),
        _ => std::env::var("PIPY_CONFIG_FILE").unwrap_or_default(),
    };
    let name = cli.worker.instance_name.clone().unwrap_or_else(|| {
        std::fs::read_to_string("/proc/sys/kernel/hostname").map(|s| s.trim().to_string()).unwrap_or_default()
    });
    cli.worker.instance_name = Some(name.clone());
    pipy_stdlib::pipy::set_instance(pipy_stdlib::pipy::Instance {
        name,
        uuid,
        source,
        since: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_millis()
            as f64,
        version: (
            env!("CARGO_PKG_VERSION").to_string(),
            env!("PIPY_COMMIT").to_string(),
            env!("PIPY_COMMIT_DATE").to_string(),
        ),
    });
    // Panics are caught where scripts and input can cause them (helpers, the compiler) and turn
    // into errors; keep the report to one line instead of a backtrace.
    // The parser's own assertions on malformed input are reported as a syntax error instead.
    std::panic::set_hook(Box::new(|info| {
        if info.location().is_some_and(|l| l.file().contains("swc_ecma_parser")) {
            return;
        }
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!("pipy: internal error{place} (recovered)");
    }));
    // Deep JS recursion needs a deep native stack; run the engine on a thread that has one.
    let handle = std::thread::Builder::new().stack_size(256 << 20).spawn(move || -> ExitCode {
        if let Some(expr) = &cli.eval {
            return run_source("<eval>", expr, true);
        }
        if let Some(path) = &cli.file_path {
            return run_file(path, &cli.args, &cli.worker);
        }
        match (&cli.command, &cli.file) {
            (Some(Command::Run { file, args }), _) => run_file(file, args, &cli.worker),
            (Some(Command::Check { list_rules: true, .. }), _) => {
                let text: String = pipy_lint::rules::ALL
                    .iter()
                    .map(|r| format!("{}  {:<26}{}\n", r.code, r.name, r.summary))
                    .collect();
                print_out(&text);
                ExitCode::SUCCESS
            }
            (Some(Command::Check { files, format, .. }), _) => check(files, *format),
            (Some(Command::Repl), _) => ExitCode::from(pipy_repl::shell::run() as u8),
            (None, Some(file)) => run_file(file, &cli.args, &cli.worker),
            // As the original's container image: PIPY_CONFIG_FILE names the script to run and
            // PIPY_SPAWN how many workers run it (here threads, not processes).
            (None, None) => match std::env::var("PIPY_CONFIG_FILE") {
                Ok(file) if !file.is_empty() => {
                    let mut worker = cli.worker.clone();
                    if worker.threads.is_none() {
                        worker.threads =
                            std::env::var("PIPY_SPAWN").ok().and_then(|n| n.parse::<usize>().ok()).filter(|&n| n >= 1);
                    }
                    run_file(&file, &cli.args, &worker)
                }
                _ => run_repo(None, &cli.args, &cli.worker),
            },
        }
    })?;
    Ok(handle.join().unwrap_or(ExitCode::from(70)))
}
