//! gRPC through pipy: a real gRPC client and server (`@grpc/grpc-js` under node, in
//! `tests/grpc`) talk through `demuxHTTP()` → `muxHTTP({ version: 2 })`. Every kind of call
//! (unary, server streaming, client streaming, bidi) must arrive whole and in order, and the
//! `grpc-status` / `grpc-message` trailers must cross the proxy intact. An upstream that refuses
//! connections must end a call with UNAVAILABLE, not leave it hanging.
//!
//! The node packages are installed on first use (`npm ci` in `tests/grpc`, once for all the
//! tests, guarded by a file lock so parallel test processes do not race).

mod common;

use common::Server;
use serde_json::{Value, json};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Once, mpsc};
use std::time::{Duration, Instant};

/// The folder of the node side of the test: `package.json`, `echo.proto`, `server.js`, `client.js`.
fn grpc_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/grpc")
}

/// Runs `cmd` to completion with its output captured; kills it after `timeout`.
/// Returns (exit code, or None when killed; stdout; stderr).
fn run_within(cmd: &mut Command, timeout: Duration) -> (Option<i32>, String, String) {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?} does not start: {e}"));
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            let _ = r.read_to_end(&mut b);
            String::from_utf8_lossy(&b).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let end = Instant::now() + timeout;
    let code = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st.code(),
            _ if Instant::now() > end => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    };
    (code, out.join().unwrap_or_default(), err.join().unwrap_or_default())
}

/// Whether a finished install is in `tests/grpc/node_modules` (npm writes
/// `node_modules/.package-lock.json` at the end of an install).
fn installed() -> bool {
    let m = grpc_dir().join("node_modules");
    ["@grpc/grpc-js/package.json", "@grpc/proto-loader/package.json", ".package-lock.json"]
        .iter()
        .all(|f| m.join(f).is_file())
}

/// Installs the node packages of `tests/grpc` unless they are there: `npm ci` from the lock
/// file, or `npm install` when that fails. Once per test process; a lock on a file in cargo's
/// temporary folder keeps test processes running at the same time from installing together.
fn npm_install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let lock =
            File::create(PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("grpc-npm-install.lock")).expect("lock file");
        lock.lock().expect("lock the npm install");
        if installed() {
            return;
        }
        let npm = |args: &[&str]| {
            let started = Instant::now();
            let (code, out, err) =
                run_within(Command::new("npm").args(args).current_dir(grpc_dir()), Duration::from_secs(300));
            eprintln!("npm {} took {:?} (exit {code:?})", args.join(" "), started.elapsed());
            (code == Some(0), format!("npm {args:?} exited with {code:?}\nstdout:\n{out}\nstderr:\n{err}"))
        };
        let (ok, ci_log) = npm(&["ci", "--no-audit", "--no-fund"]);
        if ok && installed() {
            return;
        }
        let (ok, install_log) = npm(&["install", "--no-audit", "--no-fund"]);
        assert!(ok && installed(), "the node packages of tests/grpc do not install:\n{ci_log}\n{install_log}");
    });
}

/// The gRPC server (`node tests/grpc/server.js PORT`); killed when dropped.
struct GrpcServer {
    child: Child,
    port: u16,
}

impl GrpcServer {
    /// Starts the server on a free port and waits (up to 30 s) until it prints `listening`.
    fn start() -> GrpcServer {
        npm_install();
        let port = common::free_port();
        let mut child = Command::new("node")
            .arg(grpc_dir().join("server.js"))
            .arg(port.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("node starts (is node installed?)");
        let (tx, rx) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let tx2 = tx.clone();
        std::thread::spawn(move || {
            for l in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = tx.send(l);
            }
        });
        std::thread::spawn(move || {
            for l in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx2.send(format!("stderr: {l}"));
            }
        });
        // Owned from here on, so a panic below still kills the child.
        let server = GrpcServer { child, port };
        let end = Instant::now() + Duration::from_secs(30);
        let mut seen = Vec::new();
        loop {
            match rx.recv_timeout(end.saturating_duration_since(Instant::now())) {
                Ok(l) if l.trim() == "listening" => return server,
                Ok(l) => seen.push(l),
                Err(_) => {
                    panic!("the gRPC server did not print `listening` within 30 s; it printed:\n{}", seen.join("\n"))
                }
            }
        }
    }
}

impl Drop for GrpcServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts pipy as a gRPC proxy on `$PORT0` in front of `upstream`.
fn proxy(name: &str, upstream: u16) -> Server {
    let script = "pipy().listen($PORT0).demuxHTTP().to($ => $.muxHTTP({ version: 2 }).to($ => \
                  $.connect('127.0.0.1:UPSTREAM')))"
        .replace("UPSTREAM", &upstream.to_string());
    Server::start_with(name, &script, 1, &[], &["--log-level=debug"])
}

/// Runs `node tests/grpc/client.js PORT ARGS…` (killed after 60 s: five calls of 10 s deadline
/// at most) and returns the JSON lines it printed, one a call; panics with everything the client
/// and pipy printed when it fails.
fn client(srv: &mut Server, args: &[&str]) -> Vec<Value> {
    npm_install();
    let started = Instant::now();
    let (code, out, err) = run_within(
        Command::new("node").arg(grpc_dir().join("client.js")).arg(srv.port(0).to_string()).args(args),
        Duration::from_secs(60),
    );
    let explain = |srv: &mut Server| {
        format!(
            "client exit {code:?} after {:?}\nclient stdout:\n{out}\nclient stderr:\n{err}\npipy log:\n{}",
            started.elapsed(),
            srv.logged(Duration::from_millis(300)).join("\n")
        )
    };
    if code != Some(0) {
        panic!("the gRPC client failed\n{}", explain(srv));
    }
    out.lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("bad line {l:?}: {e}\n{}", explain(srv))))
        .collect()
}

#[test]
fn grpc_calls_of_every_kind_pass_through_the_proxy_with_their_status_trailers() {
    let upstream = GrpcServer::start();
    let mut srv = proxy("grpc-every-kind", upstream.port);
    let lines = client(&mut srv, &[]);
    let want = vec![
        json!({"call": "Say", "replies": ["hello world"]}),
        json!({"call": "Many", "replies": ["item 0", "item 1", "item 2", "item 3", "item 4"]}),
        json!({"call": "Gather", "replies": ["part0;part1;part2;part3;part4;"]}),
        json!({"call": "Chat", "replies": ["msg0", "msg1", "msg2", "msg3", "msg4"]}),
        // PERMISSION_DENIED, from the grpc-status and grpc-message trailers of the server.
        json!({"call": "Fail", "code": 7, "details": "denied: secret"}),
    ];
    if lines != want {
        let log = srv.logged(Duration::from_millis(300)).join("\n");
        panic!(
            "gRPC calls through pipy came back wrong\n got: {}\nwant: {}\npipy log:\n{log}",
            serde_json::to_string_pretty(&lines).unwrap_or_default(),
            serde_json::to_string_pretty(&want).unwrap_or_default(),
        );
    }
}

#[test]
fn grpc_call_to_an_upstream_that_refuses_connections_fails_unavailable_instead_of_hanging() {
    let mut srv = proxy("grpc-refused", common::free_port());
    let started = Instant::now();
    let lines = client(&mut srv, &["unary-only"]);
    let took = started.elapsed();
    let log = srv.logged(Duration::from_millis(300)).join("\n");
    assert_eq!(lines.len(), 1, "one line for the unary call: {lines:?}\npipy log:\n{log}");
    let line = &lines[0];
    assert_eq!(line["call"], "Say", "{line}");
    assert_eq!(line["code"], 14, "the call must end UNAVAILABLE (14), after {took:?}: {line}\npipy log:\n{log}");
    // Well inside the 10 s deadline of the call: the proxy reports the refusal, it does not stall.
    assert!(took < Duration::from_secs(9), "the call took {took:?}: {line}\npipy log:\n{log}");
}
