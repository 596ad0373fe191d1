//! Shared helpers of the end-to-end tests: start the real `pipy` binary on a script with free
//! loopback ports, wait until it listens, talk to it over sockets, stop it.
#![allow(dead_code)] // each test binary uses a different subset

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A port nobody listens on right now.
/// A port nothing listens on now, never one this test process was given before (the kernel may
/// hand a released port out again, and a test's "dead" port must not become a server's).
pub fn free_port() -> u16 {
    static GIVEN: std::sync::Mutex<Vec<u16>> = std::sync::Mutex::new(Vec::new());
    loop {
        let port =
            TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port");
        let mut given = GIVEN.lock().unwrap_or_else(|e| e.into_inner());
        if !given.contains(&port) {
            given.push(port);
            return port;
        }
    }
}

pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pipy-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// A running `pipy` process; killed when dropped.
pub struct Server {
    child: Child,
    pub ports: Vec<u16>,
    pub dir: PathBuf,
    /// Lines the process wrote to stderr so far (collected by a thread).
    lines: mpsc::Receiver<String>,
    pub log: Vec<String>,
}

impl Server {
    /// Writes `script` (with `$PORT0`, `$PORT1`, … replaced by free ports) to `main.js` in a
    /// fresh folder with `files`, starts `pipy main.js`, and waits until it listens on every
    /// port the script names.
    pub fn start(name: &str, script: &str, nports: usize) -> Server {
        Server::start_with(name, script, nports, &[], &[])
    }

    pub fn start_with(name: &str, script: &str, nports: usize, files: &[(&str, &str)], args: &[&str]) -> Server {
        let ports: Vec<u16> = (0..nports).map(|_| free_port()).collect();
        let subst = |s: &str| {
            let mut s = s.to_string();
            for (i, p) in ports.iter().enumerate().rev() {
                s = s.replace(&format!("$PORT{i}"), &p.to_string());
            }
            s
        };
        let dir = temp_dir(name);
        std::fs::write(dir.join("main.js"), subst(script)).expect("write script");
        for (f, text) in files {
            let p = dir.join(f);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent).expect("dir");
            }
            std::fs::write(p, subst(text)).expect("write file");
        }
        Server::spawn(dir, ports, args)
    }

    pub fn spawn(dir: PathBuf, ports: Vec<u16>, args: &[&str]) -> Server {
        Server::spawn_file(dir, "main.js", ports, args)
    }

    /// Starts `pipy FILE` in `dir` (which is removed when the server drops).
    pub fn spawn_file(dir: PathBuf, file: &str, ports: Vec<u16>, args: &[&str]) -> Server {
        let mut all = args.to_vec();
        all.push(file);
        Server::spawn_args(dir, &all, ports)
    }

    /// Starts `pipy --no-graph ARGS…` in `dir` (removed when the server drops) and waits until
    /// it listens on every port of `ports`.
    pub fn spawn_args(dir: PathBuf, args: &[&str], ports: Vec<u16>) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pipy"))
            .arg("--no-graph")
            .args(args)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("pipy starts");
        let (tx, rx) = mpsc::channel();
        let stderr = child.stderr.take().expect("stderr");
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut s = Server { child, ports, dir, lines: rx, log: Vec::new() };
        let need = s.ports.clone();
        for p in need {
            s.wait_for(&format!("port {p} "), Duration::from_secs(20));
        }
        s
    }

    /// Waits until a stderr line contains `text`; panics with the log after `timeout`.
    pub fn wait_for(&mut self, text: &str, timeout: Duration) -> String {
        if let Some(l) = self.log.iter().find(|l| l.contains(text)) {
            return l.clone();
        }
        let end = Instant::now() + timeout;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.log.push(l.clone());
                    if l.contains(text) {
                        return l;
                    }
                }
                Err(_) => panic!("no line with {text:?} within {timeout:?}; log:\n{}", self.log.join("\n")),
            }
        }
    }

    /// Lines logged so far (waits `settle` for more to arrive).
    pub fn logged(&mut self, settle: Duration) -> Vec<String> {
        let end = Instant::now() + settle;
        while let Ok(l) = self.lines.recv_timeout(end.saturating_duration_since(Instant::now())) {
            self.log.push(l);
        }
        self.log.clone()
    }

    pub fn port(&self, i: usize) -> u16 {
        self.ports[i]
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal; waits for exit up to `timeout` and returns the exit status code.
    pub fn signal_and_wait(&mut self, sig: &str, timeout: Duration) -> Option<i32> {
        let _ = Command::new("kill").args([&format!("-{sig}"), &self.child.id().to_string()]).status();
        let end = Instant::now() + timeout;
        while Instant::now() < end {
            if let Ok(Some(st)) = self.child.try_wait() {
                return st.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Copies a folder of the repository (e.g. `tests/seed`) into a fresh temporary folder.
pub fn copy_fixture(rel: &str, name: &str) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("dir");
        for e in std::fs::read_dir(from).expect("fixture").flatten() {
            let p = e.path();
            if p.is_dir() {
                copy(&p, &to.join(e.file_name()));
            } else {
                std::fs::copy(&p, to.join(e.file_name())).expect("copy");
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let dst = temp_dir(name);
    copy(&src, &dst);
    dst
}

/// Sends one HTTP/1.1 request on a connection and reads one response: (status line, body).
pub fn http_request(s: &mut TcpStream, method: &str, path: &str, body: &[u8]) -> (String, String) {
    let head = format!("{method} {path} HTTP/1.1\r\nhost: localhost\r\ncontent-length: {}\r\n\r\n", body.len());
    s.write_all(head.as_bytes()).expect("write");
    s.write_all(body).expect("write");
    read_response(s)
}

/// Reads one response with a content-length body: (status line, body).
pub fn read_response(s: &mut TcpStream) -> (String, String) {
    let (head, body) = read_head_and_body(s);
    (head.lines().next().unwrap_or("").to_string(), body)
}

/// Reads one response head (up to the blank line) and its content-length body: (head, body).
pub fn read_head_and_body(s: &mut TcpStream) -> (String, String) {
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let len = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse::<usize>().unwrap_or(0))
        })
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    let _ = s.read_exact(&mut body);
    (head, String::from_utf8_lossy(&body).into_owned())
}

/// Connects, sends `input`, half-closes, and reads until the server closes (or 10 s pass).
pub fn exchange(port: u16, input: &[u8]) -> Vec<u8> {
    let mut s = connect(port);
    s.write_all(input).expect("write");
    let _ = s.shutdown(std::net::Shutdown::Write);
    read_all(&mut s)
}

pub fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    s
}

pub fn read_all(s: &mut TcpStream) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    out
}

/// Runs `pipy main.js` (script written to a fresh folder) to completion; returns (stdout,
/// stderr, exit code). Killed after 20 s.
pub fn run_script(name: &str, script: &str, files: &[(&str, &[u8])]) -> (String, String, i32) {
    let dir = temp_dir(name);
    std::fs::write(dir.join("main.js"), script).expect("write");
    for (f, b) in files {
        std::fs::write(dir.join(f), b).expect("write");
    }
    let out = run_in(&dir, &["--no-graph", "main.js"]);
    let _ = std::fs::remove_dir_all(&dir);
    out
}

pub fn run_in(dir: &Path, args: &[&str]) -> (String, String, i32) {
    run_in_env(dir, args, &[])
}

/// `run_in` with environment variables set.
pub fn run_in_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pipy"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("pipy starts");
    let end = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(Some(_)) = child.try_wait() {
            break;
        }
        if Instant::now() > end {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Writes `s` to a stream (for tests that talk step by step).
pub fn send(s: &mut TcpStream, b: &[u8]) {
    s.write_all(b).expect("write");
}

// --- The admin service's HTTP API -------------------------------------------------------

/// One request on its own connection: (status, head, body).
pub fn call(port: u16, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Vec<u8>) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to the admin port");
    s.set_read_timeout(Some(Duration::from_secs(20))).expect("timeout");
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).expect("send");
    s.write_all(body).expect("send body");
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
    let head = String::from_utf8_lossy(&raw[..split]).into_owned();
    let status = head.split(' ').nth(1).and_then(|c| c.parse().ok()).expect("a status code");
    (status, head, raw[split + 4..].to_vec())
}

pub fn get(port: u16, path: &str) -> (u16, String) {
    let (status, _, body) = call(port, "GET", path, &[], b"");
    (status, String::from_utf8_lossy(&body).into_owned())
}

pub fn json(port: u16, path: &str) -> serde_json::Value {
    let (status, body) = get(port, path);
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: not JSON ({e}): {body}"))
}

/// A minimal WebSocket client: handshake, `watch` in one masked text frame, then the text frames
/// that come until one has `until` or `limit` passes (what came is returned either way).
pub fn ws_watch(port: u16, path: &str, until: &str, limit: Duration) -> String {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(limit)).expect("timeout");
    let req = format!(
        "GET {path} HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: upgrade\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n"
    );
    s.write_all(req.as_bytes()).expect("handshake");
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut b).expect("101 head");
        head.push(b[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    assert!(head.starts_with("http/1.1 101"), "{head}");
    assert!(head.contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo="), "{head}");
    let payload = b"watch\n";
    let mask = [1u8, 2, 3, 4];
    let mut frame = vec![0x81, 0x80 | payload.len() as u8];
    frame.extend_from_slice(&mask);
    frame.extend(payload.iter().enumerate().map(|(i, c)| c ^ mask[i % 4]));
    s.write_all(&frame).expect("watch");
    let mut got = String::new();
    let deadline = Instant::now() + limit;
    while !got.contains(until) && Instant::now() < deadline {
        let mut h = [0u8; 2];
        if s.read_exact(&mut h).is_err() {
            break;
        }
        let mut len = (h[1] & 0x7f) as usize;
        if len == 126 {
            let mut l = [0u8; 2];
            s.read_exact(&mut l).expect("len");
            len = u16::from_be_bytes(l) as usize;
        } else if len == 127 {
            let mut l = [0u8; 8];
            s.read_exact(&mut l).expect("len");
            len = u64::from_be_bytes(l) as usize;
        }
        let mut data = vec![0u8; len];
        s.read_exact(&mut data).expect("frame data");
        if h[0] & 0x0f == 1 {
            got.push_str(&String::from_utf8_lossy(&data));
        }
    }
    got
}
