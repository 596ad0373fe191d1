//! Listener and `connect` options over real sockets, the error codes a stream ends with, and the
//! logging flags.

mod common;

use common::{Server, connect, read_all, send};
use std::time::{Duration, Instant};

#[test]
fn max_connections_refuses_the_extra_connection() {
    let s = Server::start("maxconn", "pipy().listen($PORT0, { maxConnections: 1 }).handleData(() => {})", 1);
    let mut first = connect(s.port(0));
    send(&mut first, b"a");
    std::thread::sleep(Duration::from_millis(200));
    let mut second = connect(s.port(0));
    let started = Instant::now();
    assert_eq!(read_all(&mut second), b"", "the second connection is closed at once");
    assert!(started.elapsed() < Duration::from_secs(5));
    // The first one still echoes.
    send(&mut first, b"b");
    let _ = first.shutdown(std::net::Shutdown::Write);
    assert_eq!(read_all(&mut first), b"ab");
}

#[test]
fn idle_and_read_timeouts_end_inbound_streams() {
    let mut s = Server::start(
        "timeouts",
        "pipy()
         .listen($PORT0, { idleTimeout: 0.3 }).handleStreamEnd(e => console.log('idle:', e.error))
         .listen($PORT1, { readTimeout: 0.3 }).handleStreamEnd(e => console.log('read:', e.error))",
        2,
    );
    let started = Instant::now();
    let mut a = connect(s.port(0));
    assert_eq!(read_all(&mut a), b"");
    assert!(started.elapsed() < Duration::from_secs(5));
    s.wait_for("idle: IdleTimeout", Duration::from_secs(5));
    let mut b = connect(s.port(1));
    assert_eq!(read_all(&mut b), b"");
    s.wait_for("read: ReadTimeout", Duration::from_secs(5));
}

#[test]
fn connect_reports_timeouts_and_retries() {
    let dead = common::free_port();
    let mut s = Server::start(
        "connect-errors",
        &format!(
            "pipy()
             .listen($PORT0).dummy()
             .listen($PORT1).connect('127.0.0.1:$PORT0', {{ readTimeout: 0.3 }})
               .handleStreamEnd(e => console.log('silent upstream:', e.error))
             .listen($PORT2).connect('127.0.0.1:$PORT0', {{ idleTimeout: 0.3 }})
               .handleStreamEnd(e => console.log('idle upstream:', e.error))
             .listen($PORT3).connect('127.0.0.1:{dead}', {{ retryCount: 2, retryDelay: 0.2 }})
               .handleStreamEnd(e => console.log('retried:', e.error))"
        ),
        4,
    );
    let mut a = connect(s.port(1));
    send(&mut a, b"hello");
    s.wait_for("silent upstream: ReadTimeout", Duration::from_secs(5));
    let mut b = connect(s.port(2));
    send(&mut b, b"hello");
    s.wait_for("idle upstream: IdleTimeout", Duration::from_secs(5));
    let started = Instant::now();
    let mut c = connect(s.port(3));
    send(&mut c, b"hello");
    s.wait_for("retried: ConnectionRefused", Duration::from_secs(5));
    assert!(started.elapsed() >= Duration::from_millis(400), "two retries 0.2 s apart come first");
}

#[test]
fn log_level_and_log_local_choose_what_is_logged_where() {
    let dir = common::temp_dir("logflags");
    std::fs::write(dir.join("main.js"), "console.log('an info line'); console.error('an error line')\n")
        .expect("write");
    let (out, err, code) = common::run_in(&dir, &["--log-level=warn", "main.js"]);
    assert_eq!(code, 0);
    assert!(!err.contains("an info line") && err.contains("[ERR] an error line"), "{err}");
    assert!(out.is_empty());
    let (out, err, _) = common::run_in(&dir, &["--log-local=stdout", "main.js"]);
    assert!(out.contains("[INF] an info line") && !err.contains("an info line"), "{out} / {err}");
    let (_, err, code) = common::run_in(&dir, &["--log-level=loud", "main.js"]);
    assert_eq!(code, 2, "a bad flag value is a usage error: {err}");
}
