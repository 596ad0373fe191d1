//! `logging`: loggers scripts write lines to. `new logging.TextLogger(name)` writes its
//! arguments as text separated by spaces (objects as `String(v):JSON`), `new
//! logging.JSONLogger(name)` writes each argument as JSON; `toStdout()`, `toStderr()` and
//! `toFile(path)` (appended, like `os` paths relative to the working directory) add where lines go, and
//! return the logger. Each `log(...)` is one line. (`toHTTP` and `toSyslog` are not here yet.)

use crate::util::{self, arg};
use pipy_runtime::{JsResult, Obj, ObjectKind, Value, error, ops, realm};
use std::io::Write;

enum Target {
    Stdout,
    Stderr,
    File(std::fs::File),
}

struct Logger {
    json: bool,
    targets: Vec<Target>,
}

fn line(json: bool, args: &[Value]) -> JsResult<String> {
    let mut out = String::new();
    for (i, v) in args.iter().enumerate() {
        if json {
            out.push_str(&crate::json::stringify(v)?.unwrap_or_else(|| "null".into()));
            continue;
        }
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&ops::to_rust_string(v)?);
        if matches!(v, Value::Object(_)) && !v.is_callable() {
            out.push(':');
            out.push_str(&crate::json::stringify(v)?.unwrap_or_default());
        }
    }
    out.push('\n');
    Ok(out)
}

fn with_logger<R>(this: &Value, f: impl FnOnce(&mut Logger) -> R) -> JsResult<R> {
    match this {
        Value::Object(o) => o.with_host(f),
        _ => None,
    }
    .ok_or_else(|| error::type_error("not a logger"))
}

fn log(this: &Value, args: &[Value]) -> JsResult<Value> {
    let json = with_logger(this, |l| l.json)?;
    let text = line(json, args)?;
    with_logger(this, |l| {
        for t in &mut l.targets {
            let _ = match t {
                Target::Stdout => std::io::stdout().lock().write_all(text.as_bytes()),
                Target::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
                Target::File(f) => f.write_all(text.as_bytes()),
            };
        }
    })?;
    Ok(Value::Undefined)
}

fn add(this: &Value, t: Target) -> JsResult<Value> {
    with_logger(this, |l| l.targets.push(t))?;
    Ok(this.clone())
}

fn class(logging: &Obj, name: &'static str, json: bool) {
    let proto = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary);
    proto.mark_prototype();
    util::method(&proto, "log", 0, log);
    util::method(&proto, "toStdout", 0, |this, _| add(this, Target::Stdout));
    util::method(&proto, "toStderr", 0, |this, _| add(this, Target::Stderr));
    util::method(&proto, "toFile", 1, |this, args| {
        let path = std::path::PathBuf::from(ops::to_rust_string(&arg(args, 0))?);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| error::type_error(&format!("toFile(): cannot open {}: {e}", path.display())))?;
        add(this, Target::File(file))
    });
    for m in ["toHTTP", "toSyslog"] {
        util::method(&proto, m, 1, |_, _| Err(error::type_error("this logging target is not supported yet")));
    }
    util::namespace_class(logging, name, 1, &proto, move |proto, _| {
        let logger = Logger { json, targets: Vec::new() };
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(logger)))))
    });
}

pub fn install() {
    let logging = Obj::ordinary();
    class(&logging, "TextLogger", false);
    class(&logging, "JSONLogger", true);
    util::global("logging", Value::Object(logging));
}
