//! The original Pipy's own test suites (`test/codec/` and `test/curl/` of flomesh-io/pipy),
//! unchanged, against our binary.
//!
//! The original's files are not part of this repository: the test reads them from the folder
//! named by `$PIPY_ORIGINAL_TESTS` (the original's `test/` folder, e.g. extracted with
//! `git -C <pipy mirror> archive HEAD test | tar -x -C /tmp/pipy-orig`, then
//! `PIPY_ORIGINAL_TESTS=/tmp/pipy-orig/test`). Unset, it prints that it was skipped and passes.
//!
//! - `codec/<name>/`: like `test/codec/run.js`, runs `pipy --no-graph <dir>/main.js` with the
//!   case folder as working directory; the process must exit by itself (the original allows 10 s,
//!   we allow 20 s for a debug build) and its stdout must equal `output` byte for byte.
//! - `curl/NNN-name/`: like `test/curl/run.js`, starts `pipy <dir>/main.js
//!   --log-level=debug:thread` (here in the case folder), waits for the stderr line
//!   `Thread 0 started` (and, since our listeners come up just after that line, for every port
//!   the configuration printed to be listening), runs `test.sh` (60 s bound), and compares its
//!   stdout with `output` after replacing CRLF by LF; then kills pipy. The cases use fixed ports
//!   (8000-8003, 8080-8085, 8443, 9000, 9090): when one is taken, or `curl` is missing, the curl
//!   cases are skipped.
//!
//! One line per case (PASS, FAIL with the first difference, SKIP with why) and a total. The test
//! fails when a case of `EXPECTED_PASS` does not pass (a regression); a case passing that is not
//! in the list is pointed out so the list can grow.

use std::io::{BufRead, BufReader, Read};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Cases that pass now; one of them failing fails the test.
const EXPECTED_PASS: &[&str] = &[
    "codec/bgp",
    "codec/dubbo",
    "codec/gzip",
    "codec/mqtt",
    "codec/multipart",
    "codec/protobuf",
    "codec/redis",
    "codec/thrift",
    "curl/001-tcp",
    "curl/002-http",
    "curl/003-http-tunnel",
    "curl/004-http-compress",
    "curl/006-http2-tunnel",
    "curl/007-socks",
    "curl/008-udp",
];

const CODEC_TIMEOUT: Duration = Duration::from_secs(20);
const START_TIMEOUT: Duration = Duration::from_secs(20);
const SCRIPT_TIMEOUT_SECS: u32 = 60;
const CURL_PORTS: &[u16] = &[8000, 8001, 8002, 8003, 8080, 8081, 8082, 8083, 8084, 8085, 8443, 9000, 9090];

enum Outcome {
    Pass,
    Fail(String),
    Skip(String),
}

fn subdirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(Result::ok).map(|e| e.path()).filter(|p| p.is_dir()).collect(),
        Err(_) => vec![],
    };
    v.sort();
    v
}

fn name_of(p: &Path) -> String {
    p.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Reads a pipe to its end on a thread.
fn drain(mut r: impl Read + Send + 'static) -> mpsc::Receiver<Vec<u8>> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = r.read_to_end(&mut buf);
        let _ = tx.send(buf);
    });
    rx
}

fn wait_exit(child: &mut Child, timeout: Duration) -> Option<std::process::ExitStatus> {
    let end = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(st)) => return Some(st),
            Ok(None) if Instant::now() < end => std::thread::sleep(Duration::from_millis(20)),
            _ => return None,
        }
    }
}

fn hex_row(b: &[u8], at: usize) -> String {
    let end = (at + 16).min(b.len());
    if at >= end {
        return "(end)".into();
    }
    b[at..end].iter().map(|x| format!("{x:02x}")).collect::<Vec<_>>().join(" ")
}

/// The first byte where `got` differs from `want`, with 16 bytes of each from there.
fn first_byte_diff(want: &[u8], got: &[u8]) -> String {
    let i = want.iter().zip(got).position(|(a, b)| a != b).unwrap_or(want.len().min(got.len()));
    format!(
        "{} bytes expected, {} got; first difference at byte {i} (0x{i:x}): expected [{}], got [{}]",
        want.len(),
        got.len(),
        hex_row(want, i),
        hex_row(got, i)
    )
}

/// The first line where `got` differs from `want`.
fn first_line_diff(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.split('\n').collect();
    let g: Vec<&str> = got.split('\n').collect();
    let i = w.iter().zip(&g).position(|(a, b)| a != b).unwrap_or(w.len().min(g.len()));
    let at = |v: &[&str]| v.get(i).map(|l| format!("{l:?}")).unwrap_or_else(|| "(end)".into());
    format!("line {}: expected {}, got {}", i + 1, at(&w), at(&g))
}

fn run_codec(dir: &Path) -> Outcome {
    let (Ok(expected), true) = (std::fs::read(dir.join("output")), dir.join("main.js").is_file()) else {
        return Outcome::Skip("no main.js or output".into());
    };
    let mut child = match Command::new(env!("CARGO_BIN_EXE_pipy"))
        .arg("--no-graph")
        .arg(dir.join("main.js"))
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return Outcome::Fail(format!("cannot start pipy: {e}")),
    };
    let out = drain(child.stdout.take().expect("stdout"));
    let err = drain(child.stderr.take().expect("stderr"));
    let Some(status) = wait_exit(&mut child, CODEC_TIMEOUT) else {
        let _ = child.kill();
        let _ = child.wait();
        return Outcome::Fail(format!("did not exit within {CODEC_TIMEOUT:?}"));
    };
    let stdout = out.recv().unwrap_or_default();
    let stderr = err.recv().unwrap_or_default();
    if stdout == expected {
        return Outcome::Pass;
    }
    let mut why = first_byte_diff(&expected, &stdout);
    if !status.success() {
        why.push_str(&format!("; exit {status}"));
    }
    let stderr = String::from_utf8_lossy(&stderr);
    let errs: Vec<&str> = stderr.lines().filter(|l| l.contains("ERR") || l.contains("rror")).take(1).collect();
    if let Some(l) = errs.first() {
        why.push_str(&format!("; stderr: {}", l.trim()));
    }
    Outcome::Fail(why)
}

/// Starts pipy on a curl case; waits for `Thread 0 started` and for every configured port to be
/// listening. Returns the child, or why it did not come up (with the log's last lines).
fn start_curl_pipy(dir: &Path) -> Result<Child, String> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pipy"))
        .arg(dir.join("main.js"))
        .arg("--log-level=debug:thread")
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start pipy: {e}"))?;
    let (tx, rx) = mpsc::channel();
    let stderr = child.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let end = Instant::now() + START_TIMEOUT;
    let mut log: Vec<String> = vec![];
    let mut started = false;
    let mut configured: Vec<String> = vec![];
    let mut listening: Vec<String> = vec![];
    loop {
        if started && configured.iter().all(|p| listening.contains(p)) {
            // The log thread keeps draining stderr so pipy never blocks on it.
            std::thread::spawn(move || for _ in rx {});
            return Ok(child);
        }
        match rx.recv_timeout(end.saturating_duration_since(Instant::now())) {
            Ok(l) => {
                if l.contains("Thread 0 started") {
                    started = true;
                }
                if let Some(p) = l.split("Listen on ").nth(1).and_then(|a| a.rsplit(':').next()) {
                    configured.push(p.trim().to_string());
                }
                if let Some(p) = l.split(" port ").nth(1).filter(|_| l.contains("Listening on")) {
                    listening.push(p.split_whitespace().next().unwrap_or("").to_string());
                }
                log.push(l);
            }
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                let why = log
                    .iter()
                    .find(|l| l.contains("Error") || l.contains("[ERR]"))
                    .or(log.last())
                    .map(|l| l.trim().to_string())
                    .unwrap_or_default();
                return Err(format!("pipy not ready (exited, or not within {START_TIMEOUT:?}): {why}"));
            }
        }
    }
}

fn run_curl(dir: &Path) -> Outcome {
    let (Ok(expected), true) = (std::fs::read(dir.join("output")), dir.join("test.sh").is_file()) else {
        return Outcome::Skip("no test.sh or output".into());
    };
    let mut pipy = match start_curl_pipy(dir) {
        Ok(c) => c,
        Err(e) => return Outcome::Fail(e),
    };
    let result = Command::new("timeout")
        .args(["-k", "5", &SCRIPT_TIMEOUT_SECS.to_string(), "bash"])
        .arg(dir.join("test.sh"))
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output();
    let _ = pipy.kill();
    let _ = pipy.wait();
    let out = match result {
        Ok(o) => o,
        Err(e) => return Outcome::Fail(format!("cannot run test.sh: {e}")),
    };
    let want = String::from_utf8_lossy(&expected).replace("\r\n", "\n");
    let got = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    if want == got {
        return Outcome::Pass;
    }
    let mut why = first_line_diff(&want, &got);
    if out.status.code() == Some(124) {
        why.push_str(&format!("; test.sh timed out after {SCRIPT_TIMEOUT_SECS} s"));
    }
    Outcome::Fail(why)
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

#[test]
fn original_suites() {
    let Some(root) = std::env::var_os("PIPY_ORIGINAL_TESTS") else {
        println!("original_suites: skipped (set PIPY_ORIGINAL_TESTS to the original Pipy's test/ folder)");
        return;
    };
    let root = PathBuf::from(root);
    assert!(root.join("codec").is_dir() || root.join("curl").is_dir(), "{} has no codec/ or curl/", root.display());

    let mut results: Vec<(String, Outcome)> = vec![];
    let mut report = |name: String, o: Outcome| {
        match &o {
            Outcome::Pass => println!("PASS {name}"),
            Outcome::Fail(why) => println!("FAIL {name}: {why}"),
            Outcome::Skip(why) => println!("SKIP {name}: {why}"),
        }
        results.push((name, o));
    };

    for dir in subdirs(&root.join("codec")) {
        report(format!("codec/{}", name_of(&dir)), run_codec(&dir));
    }

    let curl_dirs: Vec<PathBuf> = subdirs(&root.join("curl"))
        .into_iter()
        .filter(|d| name_of(d).get(..3).is_some_and(|p| p.parse::<u32>().is_ok()))
        .collect();
    let busy: Vec<u16> = CURL_PORTS.iter().copied().filter(|p| TcpListener::bind(("0.0.0.0", *p)).is_err()).collect();
    let no_tools: Vec<&str> = ["curl", "bash", "timeout"].into_iter().filter(|t| !have(t)).collect();
    for dir in curl_dirs {
        let name = format!("curl/{}", name_of(&dir));
        let o = if !no_tools.is_empty() {
            Outcome::Skip(format!("not installed: {}", no_tools.join(", ")))
        } else if !busy.is_empty() {
            Outcome::Skip(format!("fixed ports in use: {busy:?}"))
        } else {
            run_curl(&dir)
        };
        report(name, o);
    }

    let count = |f: fn(&Outcome) -> bool| results.iter().filter(|(_, o)| f(o)).count();
    let (pass, fail, skip) = (
        count(|o| matches!(o, Outcome::Pass)),
        count(|o| matches!(o, Outcome::Fail(_))),
        count(|o| matches!(o, Outcome::Skip(_))),
    );
    println!("original_suites: {pass} passed, {fail} failed, {skip} skipped of {}", results.len());

    let regressed: Vec<&str> = EXPECTED_PASS
        .iter()
        .copied()
        .filter(|n| results.iter().any(|(r, o)| r == n && matches!(o, Outcome::Fail(_))))
        .collect();
    let missing: Vec<&str> = EXPECTED_PASS.iter().copied().filter(|n| !results.iter().any(|(r, _)| r == n)).collect();
    let new: Vec<&str> = results
        .iter()
        .filter(|(r, o)| matches!(o, Outcome::Pass) && !EXPECTED_PASS.contains(&r.as_str()))
        .map(|(r, _)| r.as_str())
        .collect();
    if !new.is_empty() {
        println!("original_suites: passing now but not in EXPECTED_PASS (add them): {}", new.join(", "));
    }
    if !missing.is_empty() {
        println!("original_suites: EXPECTED_PASS cases not found in {}: {}", root.display(), missing.join(", "));
    }
    assert!(regressed.is_empty(), "cases expected to pass failed: {}", regressed.join(", "));
}
