//! `exec(command, options?)`: runs a child process when the first event arrives. The command is a
//! string (split into words like a shell would, but run directly, not by a shell), an array of
//! arguments, or a function giving either. Input Data goes to the process's standard input; its
//! standard output comes out as Data. When the process has exited and its output is drained, a
//! StreamEnd is output — or, with `onExit(code, stderr)`, whatever that returns. Options: `env`
//! (object or function: the whole environment of the child), `stderr: true` (standard error is
//! output too, else it is collected for onExit), `onStart(pid)`. The process is killed when the
//! pipeline goes away. Unlike the original, a plain input StreamEnd closes the child's standard
//! input (the original kills the child), so a filter program like `tr` can finish its output; a
//! StreamEnd with an error (a reset connection, a timeout) kills it as the original does.

use super::{BuildCx, FilterSpec, arg, check_options, factory, option};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use bytes::Bytes;
use pipy_value::{JsResult, Value, error, ops};
use std::cell::RefCell;
use std::rc::Rc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

const OPTIONS: &[&str] = &["env", "stderr", "pty", "onStart", "onExit"];

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "exec",
    params: "(command, options?)",
    help: "Runs a child process: Data to its stdin, its stdout out as Data, StreamEnd when it exits",
    joint: false,
    options: OPTIONS,
    build,
}];

struct Config {
    command: Value,
    env: Value,
    stderr: bool,
    on_start: Value,
    on_exit: Value,
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let command = arg(args, 0);
    if command.is_nullish() {
        return Err(error::type_error("exec(): a command is required"));
    }
    let options = arg(args, 1);
    check_options("exec", &options, OPTIONS)?;
    if option(&options, "pty")?.truthy() {
        return Err(error::type_error("exec(): the pty option is not supported"));
    }
    let cfg = Config {
        command,
        env: option(&options, "env")?,
        stderr: option(&options, "stderr")?.truthy(),
        on_start: option(&options, "onStart")?,
        on_exit: option(&options, "onExit")?,
    };
    Ok(factory("exec", cfg, |c, _| {
        Box::new(Exec {
            cfg: c.clone(),
            started: false,
            stdin: None,
            kill: None,
            tasks: Vec::new(),
            exit: Rc::new(RefCell::new(None)),
        })
    }))
}

/// Splits a command line into words: blanks separate, quotes group, backslash escapes.
pub fn split_argv(line: &str) -> Vec<String> {
    let mut args = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"'), '\\') | (None, '\\') => {
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                has = true;
            }
            (Some(_), c) => cur.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                has = true;
            }
            (None, c) if c.is_whitespace() => {
                if has || !cur.is_empty() {
                    args.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            (None, c) => cur.push(c),
        }
    }
    if has || !cur.is_empty() {
        args.push(cur);
    }
    args
}

struct Exec {
    cfg: Rc<Config>,
    started: bool,
    /// Chunks for the child's stdin; None closes it.
    stdin: Option<mpsc::UnboundedSender<Option<Bytes>>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
    /// Kills the child (an input StreamEnd with an error).
    kill: Option<tokio::sync::oneshot::Sender<()>>,
    /// The exit code and the collected stderr, once the child is done.
    exit: Rc<RefCell<Option<(i32, Data)>>>,
}

impl Exec {
    fn argv(&self, cx: &mut Cx<'_>) -> Option<Vec<String>> {
        let c = self.cfg.command.clone();
        let v = cx.eval(&c, &[])?;
        let argv = match &v {
            Value::Object(o) if o.is_array() => {
                let mut a = Vec::new();
                for e in o.array_elements().unwrap_or_default() {
                    match ops::to_rust_string(&e) {
                        Ok(s) => a.push(s),
                        Err(e) => {
                            cx.throw(e);
                            return None;
                        }
                    }
                }
                a
            }
            _ => match ops::to_rust_string(&v) {
                Ok(s) => split_argv(&s),
                Err(e) => {
                    cx.throw(e);
                    return None;
                }
            },
        };
        if argv.is_empty() {
            cx.throw(error::type_error("exec() with no arguments"));
            return None;
        }
        Some(argv)
    }

    fn env(&self, cx: &mut Cx<'_>) -> Option<Option<Vec<(String, String)>>> {
        if self.cfg.env.is_nullish() {
            return Some(None);
        }
        let e = self.cfg.env.clone();
        let v = cx.eval(&e, &[])?;
        let Value::Object(o) = &v else {
            if v.is_nullish() {
                return Some(None);
            }
            cx.throw(error::type_error("exec(): options.env didn't give an object"));
            return None;
        };
        let mut vars = Vec::new();
        for k in ops::own_enumerable_keys(o) {
            let k = k.to_rust_string();
            if k.is_empty() {
                continue;
            }
            match ops::get_str(&v, &k).and_then(|x| ops::to_rust_string(&x)) {
                Ok(s) => vars.push((k, s)),
                Err(e) => {
                    cx.throw(e);
                    return None;
                }
            }
        }
        Some(if vars.is_empty() { None } else { Some(vars) })
    }

    fn start(&mut self, cx: &mut Cx<'_>) {
        let Some(argv) = self.argv(cx) else { return };
        let Some(env) = self.env(cx) else { return };
        if tokio::runtime::Handle::try_current().is_err() {
            return cx.throw(error::type_error("exec(): cannot start a process before the event loop runs"));
        }
        let mut cmd = tokio::process::Command::new(&argv[0]);
        cmd.args(&argv[1..])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        if let Some(vars) = env {
            cmd.env_clear().envs(vars);
        }
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => return cx.throw(error::type_error(&format!("exec(): cannot run '{}': {e}", argv[0]))),
        };
        crate::log::debug(&format!("[exec] child process started [pid = {:?}]: {}", child.id(), argv[0]));
        let pid = child.id();
        let (tx, mut rx) = mpsc::unbounded_channel::<Option<Bytes>>();
        self.stdin = Some(tx);
        let (kill_tx, kill_rx) = tokio::sync::oneshot::channel::<()>();
        self.kill = Some(kill_tx);
        if let Some(mut stdin) = child.stdin.take() {
            if let Some(t) = super::task::spawn(async move {
                while let Some(Some(b)) = rx.recv().await {
                    if stdin.write_all(&b).await.is_err() {
                        break;
                    }
                }
                let _ = stdin.shutdown().await;
            }) {
                self.tasks.push(t);
            }
        }
        let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
        let (h_out, h_err, h_exit) = (cx.handle(), cx.handle(), cx.handle());
        let pass_stderr = self.cfg.stderr;
        let exit = self.exit.clone();
        let guard = crate::net::active();
        let task = super::task::spawn(async move {
            let _guard = guard;
            let out = async move {
                if let Some(mut r) = stdout {
                    let mut buf = vec![0u8; 16 * 1024];
                    while let Ok(n) = r.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        h_out.emit(Event::Data(Data::from(&buf[..n])));
                    }
                }
            };
            let err = async move {
                let mut kept = Data::new();
                if let Some(mut r) = stderr {
                    let mut buf = vec![0u8; 16 * 1024];
                    while let Ok(n) = r.read(&mut buf).await {
                        if n == 0 {
                            break;
                        }
                        if pass_stderr {
                            h_err.emit(Event::Data(Data::from(&buf[..n])));
                        } else {
                            kept.push(&Data::from(&buf[..n]));
                        }
                    }
                }
                kept
            };
            let wait = async move {
                let exited = tokio::select! {
                    s = child.wait() => Some(s),
                    _ = kill_rx => None,
                };
                match exited {
                    Some(s) => s,
                    None => {
                        let _ = child.start_kill();
                        child.wait().await
                    }
                }
            };
            let ((), kept, status) = tokio::join!(out, err, wait);
            let code = status.ok().and_then(|s| s.code()).unwrap_or(-1);
            *exit.borrow_mut() = Some((code, kept));
            h_exit.wake(0);
        });
        if let Some(t) = task {
            self.tasks.push(t);
        }
        if let (Some(pid), true) = (pid, self.cfg.on_start.is_callable()) {
            let f = self.cfg.on_start.clone();
            cx.call(&f, &[Value::from(pid as f64)]);
        }
    }
}

impl Filter for Exec {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if !self.started {
            self.started = true;
            self.start(cx);
        }
        let Some(tx) = &self.stdin else { return };
        match e {
            Event::Data(d) => {
                for c in d.chunks() {
                    let _ = tx.send(Some(c.clone()));
                }
            }
            Event::StreamEnd(err) => {
                let _ = tx.send(None);
                self.stdin = None;
                if err.is_some() {
                    if let Some(k) = self.kill.take() {
                        let _ = k.send(());
                    }
                }
            }
            _ => {}
        }
    }

    fn wake(&mut self, cx: &mut Cx<'_>, _: u32) {
        let Some((code, stderr)) = self.exit.borrow_mut().take() else { return };
        crate::log::debug(&format!("[exec] child process exited with code {code}"));
        if self.cfg.on_exit.is_callable() {
            let f = self.cfg.on_exit.clone();
            let mut args = vec![Value::from(code)];
            if !self.cfg.stderr {
                args.push(event::data_value(stderr));
            }
            let Some(r) = cx.call(&f, &args) else { return };
            if !r.is_undefined() {
                match event::events_of(&r) {
                    Ok(evs) => cx.output_all(evs),
                    Err(_) => cx.throw(error::type_error(
                        "exec(): onExit didn't return an event or Message or an array of those",
                    )),
                }
            }
        } else {
            cx.output(Event::end());
        }
    }
}

impl Drop for Exec {
    fn drop(&mut self) {
        // Dropping the task drops the child, which kills it (kill_on_drop).
        for t in self.tasks.drain(..) {
            t.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::split_argv;

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(split_argv("ls -l  /tmp"), ["ls", "-l", "/tmp"]);
        assert_eq!(split_argv(r#"sh -c "echo 'hi there'" x\ y ''"#), ["sh", "-c", "echo 'hi there'", "x y", ""]);
    }
}
