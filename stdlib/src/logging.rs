//! `logging`: loggers scripts write lines to. `new logging.TextLogger(name)` writes its
//! arguments as text separated by spaces (objects as `String(v):JSON`), `new
//! logging.JSONLogger(name)` writes each argument as JSON, `new logging.BinaryLogger(name)` writes
//! Data arguments as raw bytes (others as text) with no separator or newline; `toStdout()`, `toStderr()` and
//! `toFile(path)` (appended, like `os` paths relative to the working directory) and `toHTTP(url,
//! {method, headers, tls, batch: {size, interval, prefix, postfix, separator}})` (an `http://` or
//! `https://` URL; `tls` as `connectTLS` takes it) add where lines go, and
//! return the logger. Each `log(...)` is one line. An HTTP target collects lines and sends them in
//! one request (`POST` by default, through an `http.Agent`) when `size` lines (default 1000) are
//! waiting or `interval` (default 1 s) after the first one; the body is `prefix`, the lines joined
//! by `separator` (default a newline), then `postfix`. `toSyslog(priority, { address })` sends each
//! line as an RFC 5424 message (facility user) to `/dev/log`, or to `udp://host:port` or
//! `tcp://host:port` (octet-counted frames).

use crate::util::{self, arg};
use pipy_engine::pipeline::event;
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, function, ops, realm};
use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

enum Target {
    Stdout,
    Stderr,
    File(std::fs::File),
    Http(Rc<RefCell<HttpSink>>),
    Syslog(Syslog),
}

/// Where `toSyslog` sends: RFC 5424 messages to the local syslog socket, or over UDP or TCP.
struct Syslog {
    /// Facility `user` (1) times 8, plus the severity.
    pri: u8,
    /// This host's name, as messages carry it.
    host: String,
    to: SyslogTo,
}

enum SyslogTo {
    Unix(std::os::unix::net::UnixDatagram, std::path::PathBuf),
    Udp(std::net::UdpSocket),
    /// Octet-counted frames (RFC 6587); reconnected when a write fails.
    Tcp(String, Option<std::net::TcpStream>),
}

/// The severities by the original's names.
fn severity(name: &str) -> Option<u8> {
    Some(match name.to_ascii_uppercase().as_str() {
        "EMERG" => 0,
        "ALERT" => 1,
        "CRIT" => 2,
        "ERR" => 3,
        "WARNING" => 4,
        "NOTICE" => 5,
        "INFO" => 6,
        "DEBUG" => 7,
        _ => return None,
    })
}

/// `toSyslog(priority = 'INFO', { address })`: `address` is `udp://host:port`,
/// `tcp://host:port` or a unix socket path (default `/dev/log`, as syslog(3) uses).
fn syslog_target(args: &[Value]) -> JsResult<Syslog> {
    let prio = match arg(args, 0) {
        Value::Undefined => 6,
        v => {
            let name = ops::to_rust_string(&v)?;
            severity(&name).ok_or_else(|| error::type_error(&format!("toSyslog(): unknown priority '{name}'")))?
        }
    };
    let opts = arg(args, 1);
    pipy_engine::filters::check_options("toSyslog", &opts, &["address"])?;
    let address = match if opts.is_object() { ops::get_str(&opts, "address")? } else { Value::Undefined } {
        Value::Undefined | Value::Null => "/dev/log".to_string(),
        v => ops::to_rust_string(&v)?,
    };
    let fail = |e: std::io::Error| error::type_error(&format!("toSyslog(): {address}: {e}"));
    let to = if let Some(hp) = address.strip_prefix("udp://") {
        let s = std::net::UdpSocket::bind(if hp.starts_with('[') { "[::]:0" } else { "0.0.0.0:0" }).map_err(fail)?;
        s.connect(hp).map_err(fail)?;
        SyslogTo::Udp(s)
    } else if let Some(hp) = address.strip_prefix("tcp://") {
        SyslogTo::Tcp(hp.to_string(), None)
    } else {
        SyslogTo::Unix(std::os::unix::net::UnixDatagram::unbound().map_err(fail)?, address.clone().into())
    };
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").map(|h| h.trim().to_string()).unwrap_or_default();
    let host = if host.is_empty() { "-".to_string() } else { host };
    Ok(Syslog { pri: 8 + prio, host, to })
}

impl Syslog {
    /// Sends one line as an RFC 5424 message (a lost datagram or a refused connection is not
    /// an error a script sees: logging never fails the caller).
    fn send(&mut self, line: &[u8]) {
        let text = String::from_utf8_lossy(line);
        let text = text.trim_end_matches('\n');
        let time = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6fZ");
        let msg = format!("<{}>1 {time} {} pipy {} - - {text}", self.pri, self.host, std::process::id());
        match &mut self.to {
            SyslogTo::Unix(sock, path) => {
                let _ = sock.send_to(msg.as_bytes(), &*path);
            }
            SyslogTo::Udp(sock) => {
                let _ = sock.send(msg.as_bytes());
            }
            SyslogTo::Tcp(addr, conn) => {
                let frame = format!("{} {msg}", msg.len());
                for _ in 0..2 {
                    if conn.is_none() {
                        *conn = std::net::TcpStream::connect(addr.as_str()).ok();
                    }
                    match conn.as_mut().map(|c| c.write_all(frame.as_bytes())) {
                        Some(Ok(())) => break,
                        _ => *conn = None,
                    }
                }
            }
        }
    }
}

/// Lines waiting to go to an HTTP collector.
struct HttpSink {
    agent: Value,
    method: String,
    path: String,
    headers: Value,
    size: usize,
    interval: f64,
    prefix: String,
    postfix: String,
    separator: String,
    pending: Vec<String>,
    timer: bool,
}

/// Sends what is waiting as one request (its answer is not awaited: logging never blocks).
fn flush(sink: &Rc<RefCell<HttpSink>>) {
    let (agent, args) = {
        let mut s = sink.borrow_mut();
        s.timer = false;
        if s.pending.is_empty() {
            return;
        }
        let lines = std::mem::take(&mut s.pending);
        let body = format!("{}{}{}", s.prefix, lines.join(&s.separator), s.postfix);
        (s.agent.clone(), [Value::str(&s.method), Value::str(&s.path), s.headers.clone(), Value::str(&body)])
    };
    let sent = ops::get_str(&agent, "request").and_then(|f| function::call(&f, &agent, &args));
    if let Err(e) = sent {
        pipy_engine::log::error(&format!("logging.toHTTP(): {}", ops::describe(&e)));
    }
}

fn to_http_line(sink: &Rc<RefCell<HttpSink>>, text: &str) {
    let (full, arm, interval) = {
        let mut s = sink.borrow_mut();
        s.pending.push(text.trim_end_matches('\n').to_string());
        let full = s.pending.len() >= s.size;
        let arm = !full && !s.timer;
        if arm {
            s.timer = true;
        }
        (full, arm, s.interval)
    };
    if full {
        flush(sink);
    } else if arm {
        let sink = sink.clone();
        pipy_engine::net::spawn_local(async move {
            tokio::time::sleep(std::time::Duration::from_secs_f64(interval.max(0.0))).await;
            flush(&sink);
        });
    }
}

/// `http(s)://host[:port][/path]` as (host:port, path, whether it is https).
fn split_url(url: &str) -> JsResult<(String, String, bool)> {
    let (rest, tls) = match (url.strip_prefix("http://"), url.strip_prefix("https://")) {
        (Some(r), _) => (r, false),
        (_, Some(r)) => (r, true),
        _ => return Err(error::type_error(&format!("toHTTP(): '{url}' is not an http:// or https:// URL"))),
    };
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty() {
        return Err(error::type_error(&format!("toHTTP(): no host in '{url}'")));
    }
    Ok((host.to_string(), path.to_string(), tls))
}

fn http_sink(args: &[Value]) -> JsResult<HttpSink> {
    let url = ops::to_rust_string(&arg(args, 0))?;
    let (host, path, https) = split_url(&url)?;
    let options = arg(args, 1);
    let opt = |k: &str| if options.is_object() { ops::get_str(&options, k) } else { Ok(Value::Undefined) };
    // An https:// collector: the agent speaks TLS (`tls` options as `connectTLS` takes them).
    let agent_options = Value::Object(pipy_value::Obj::ordinary());
    if https {
        let tls = opt("tls")?;
        ops::set_str(
            &agent_options,
            "tls",
            if tls.is_object() { tls } else { Value::Object(pipy_value::Obj::ordinary()) },
        )?;
    }
    let batch = opt("batch")?;
    let b = |k: &str| if batch.is_object() { ops::get_str(&batch, k) } else { Ok(Value::Undefined) };
    let text = |v: Value, default: &str| -> JsResult<String> {
        if v.is_nullish() { Ok(default.to_string()) } else { ops::to_rust_string(&v) }
    };
    let http = ops::get_str(&Value::Object(realm::intrinsics().global.clone()), "http")?;
    let ctor = ops::get_str(&http, "Agent")?;
    let Value::Object(ctor) = ctor else { return Err(error::type_error("toHTTP(): http.Agent is missing")) };
    let agent = function::construct(&ctor, &[Value::str(&host), agent_options], &ctor)?;
    let size = match b("size")? {
        Value::Undefined | Value::Null => 1000,
        v => ops::to_number(&v)?.max(1.0) as usize,
    };
    Ok(HttpSink {
        agent,
        method: text(opt("method")?, "POST")?,
        path,
        headers: opt("headers")?,
        size,
        interval: pipy_engine::filters::parse_duration(&b("interval")?)?.unwrap_or(1.0),
        prefix: text(b("prefix")?, "")?,
        postfix: text(b("postfix")?, "")?,
        separator: text(b("separator")?, "\n")?,
        pending: Vec::new(),
        timer: false,
    })
}

/// How a logger turns `log(...)` arguments into a record.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    /// `BinaryLogger`: Data arguments as their bytes, anything else as its text; no separator
    /// and no newline.
    Binary,
}

struct Logger {
    /// The log's name: the admin service shows its recent lines under it.
    name: String,
    format: Format,
    targets: Vec<Target>,
}

fn record(format: Format, args: &[Value]) -> JsResult<Vec<u8>> {
    if format == Format::Binary {
        let mut out = Vec::new();
        for v in args {
            match event::as_data(v) {
                Some(d) => out.extend_from_slice(&d.to_vec()),
                None => out.extend_from_slice(ops::to_rust_string(v)?.as_bytes()),
            }
        }
        return Ok(out);
    }
    Ok(line(format == Format::Json, args)?.into_bytes())
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
    let format = with_logger(this, |l| l.format)?;
    let bytes = record(format, args)?;
    // HTTP targets may call into scripts (http.Agent): after the logger is no longer borrowed.
    let mut sinks = Vec::new();
    with_logger(this, |l| {
        pipy_engine::log::history::record(&l.name, &bytes);
        for t in &mut l.targets {
            let _ = match t {
                Target::Stdout => std::io::stdout().lock().write_all(&bytes),
                Target::Stderr => std::io::stderr().lock().write_all(&bytes),
                Target::File(f) => f.write_all(&bytes),
                Target::Http(sink) => {
                    sinks.push(sink.clone());
                    Ok(())
                }
                Target::Syslog(s) => {
                    s.send(&bytes);
                    Ok(())
                }
            };
        }
    })?;
    for sink in sinks {
        to_http_line(&sink, &String::from_utf8_lossy(&bytes));
    }
    Ok(Value::Undefined)
}

fn add(this: &Value, t: Target) -> JsResult<Value> {
    with_logger(this, |l| l.targets.push(t))?;
    Ok(this.clone())
}

fn class(logging: &Obj, name: &'static str, format: Format) {
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
    util::method(&proto, "toHTTP", 2, |this, args| add(this, Target::Http(Rc::new(RefCell::new(http_sink(args)?)))));
    util::method(&proto, "toSyslog", 1, |this, args| add(this, Target::Syslog(syslog_target(args)?)));
    util::namespace_class(logging, name, 1, &proto, move |proto, args| {
        let name = ops::to_rust_string(&arg(args, 0))?;
        let logger = Logger { name, format, targets: Vec::new() };
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(logger)))))
    });
}

pub fn install() {
    let logging = Obj::ordinary();
    class(&logging, "TextLogger", Format::Text);
    class(&logging, "JSONLogger", Format::Json);
    class(&logging, "BinaryLogger", Format::Binary);
    util::global("logging", Value::Object(logging));
}
