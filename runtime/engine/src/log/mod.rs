//! Log lines: `YYYY-MM-DD HH:MM:SS.mmm [INF] message` on stderr (or stdout, or nowhere).

pub mod file;
pub mod history;

use std::cell::RefCell;
use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Level {
    Debug = 0,
    Info = 1,
    Warn = 2,
    Error = 3,
}

impl Level {
    fn tag(self) -> &'static str {
        match self {
            Level::Debug => "[DBG]",
            Level::Info => "[INF]",
            Level::Warn => "[WRN]",
            Level::Error => "[ERR]",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        let s = s.split(':').next().unwrap_or(s);
        Some(match s {
            "debug" => Level::Debug,
            "info" => Level::Info,
            "warn" => Level::Warn,
            "error" => Level::Error,
            _ => return None,
        })
    }
}

static LEVEL: AtomicU8 = AtomicU8::new(1);
/// 0 stderr, 1 stdout, 2 null.
static SINK: AtomicU8 = AtomicU8::new(0);

pub fn set_level(l: Level) {
    LEVEL.store(l as u8, Ordering::Relaxed);
}

/// The log level in force.
pub fn level() -> Level {
    match LEVEL.load(Ordering::Relaxed) {
        0 => Level::Debug,
        1 => Level::Info,
        2 => Level::Warn,
        _ => Level::Error,
    }
}

impl Level {
    /// The name `--log-level` takes.
    pub fn name(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

pub fn enabled(l: Level) -> bool {
    l as u8 >= LEVEL.load(Ordering::Relaxed)
}

/// `stderr` (default), `stdout` or `null`.
pub fn set_local(sink: &str) -> bool {
    let v = match sink {
        "stderr" => 0,
        "stdout" => 1,
        "null" => 2,
        _ => return false,
    };
    SINK.store(v, Ordering::Relaxed);
    true
}

pub fn timestamp() -> String {
    chrono::Local::now().format("%Y-%m-%d %H:%M:%S%.3f").to_string()
}

/// `--log-file`: the main log also goes to this file.
static FILE: std::sync::Mutex<Option<file::RotatingFile>> = std::sync::Mutex::new(None);
/// Whether `FILE` is set (so lines without a log file take no lock).
static HAS_FILE: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Sends the main log to a file too (`--log-file`, with its rotation options).
pub fn set_file(path: &std::path::Path, rotation: file::Rotation) -> std::io::Result<()> {
    let f = file::RotatingFile::open(path, rotation)?;
    *FILE.lock().unwrap_or_else(|e| e.into_inner()) = Some(f);
    HAS_FILE.store(true, Ordering::Relaxed);
    Ok(())
}

pub fn log(l: Level, msg: &str) {
    if !enabled(l) {
        return;
    }
    let line = format!("{} {} {}\n", timestamp(), l.tag(), msg);
    history::record(history::MAIN, line.as_bytes());
    if HAS_FILE.load(Ordering::Relaxed)
        && let Some(f) = FILE.lock().unwrap_or_else(|e| e.into_inner()).as_mut()
    {
        // A full disk must not stop the proxy: the line still goes to the local sink.
        let _ = f.write(line.as_bytes());
    }
    match SINK.load(Ordering::Relaxed) {
        0 => {
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
        }
        1 => {
            let mut out = std::io::stdout().lock();
            let _ = out.write_all(line.as_bytes());
            let _ = out.flush();
        }
        _ => {}
    }
}

pub fn info(msg: &str) {
    log(Level::Info, msg)
}
pub fn warn(msg: &str) {
    log(Level::Warn, msg)
}
pub fn error(msg: &str) {
    log(Level::Error, msg)
}
pub fn debug(msg: &str) {
    log(Level::Debug, msg)
}

type Describer = fn(&pipy_value::Value) -> String;

thread_local! {
    static DESCRIBE: RefCell<Option<Describer>> = const { RefCell::new(None) };
}

/// How exceptions are described in logs (installed by the engine, which knows stack traces).
pub fn set_exception_describer(f: Describer) {
    DESCRIBE.with(|d| *d.borrow_mut() = Some(f));
}

pub fn describe_exception(e: &pipy_value::Value) -> String {
    match DESCRIBE.with(|d| *d.borrow()) {
        Some(f) => f(e),
        None => pipy_value::ops::describe(e),
    }
}

/// Logs an exception thrown by a script callback of `what` (a filter name, `onStart()`…).
/// The first line says what was thrown and where (`file:line:col` of the innermost frame); the
/// rest of the stack follows on lines of its own.
pub fn script_error(e: &pipy_value::Value, what: &str) {
    let text = describe_exception(e);
    let mut lines = text.lines();
    let first = lines.next().unwrap_or("");
    let frames: Vec<&str> = lines.map(str::trim).filter(|l| l.starts_with("at ")).collect();
    let place = frames.first().map(|f| {
        let f = &f[3..];
        match (f.rfind('('), f.ends_with(')')) {
            (Some(i), true) => f[i + 1..f.len() - 1].to_string(),
            _ => f.to_string(),
        }
    });
    match place {
        Some(p) => error(&format!("{what}: {first} at {p}")),
        None => error(&format!("{what}: {first}")),
    }
    for f in frames.iter().skip(1) {
        error(&format!("    {f}"));
    }
}

thread_local! {
    static INSPECT: RefCell<Option<Describer>> = const { RefCell::new(None) };
}

/// How values are printed in logs (`console.log` style; installed by the standard library).
pub fn set_inspector(f: Describer) {
    INSPECT.with(|d| *d.borrow_mut() = Some(f));
}

pub fn inspect(v: &pipy_value::Value) -> String {
    match INSPECT.with(|d| *d.borrow()) {
        Some(f) => f(v),
        None => pipy_value::ops::describe(v),
    }
}
