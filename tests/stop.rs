//! Stopping and reloading as a client sees it: idle keep-alive connections are closed at once,
//! a request in flight gets its answer with `connection: close`, long streams are cut at the
//! `--shutdown-timeout`, and a reload winds down the old pipelines' connections the same way.

mod common;

use common::{Server, connect, read_all, send};
use std::io::Write;
use std::time::{Duration, Instant};

/// Reads one response head and its content-length body; returns the head (lowercased) and the body.
fn response(c: &mut std::net::TcpStream) -> (String, String) {
    let (head, body) = common::read_head_and_body(c);
    (head.to_ascii_lowercase(), body)
}

#[test]
fn sigterm_closes_idle_keep_alive_connections_at_once() {
    let mut s = Server::start("stop-idle", "pipy().listen($PORT0).serveHTTP(new Message('hi'))", 1);
    let mut idle: Vec<_> = (0..20).map(|_| connect(s.port(0))).collect();
    for c in &mut idle {
        assert_eq!(common::http_request(c, "GET", "/", b"").1, "hi");
    }
    // And connections that have sent nothing yet.
    let mut silent: Vec<_> = (0..5).map(|_| connect(s.port(0))).collect();
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    // Without draining, these connections keep the process up until the clients leave.
    let code = s.signal_and_wait("TERM", Duration::from_secs(5));
    assert_eq!(code, Some(0), "the server stopped with idle keep-alive clients connected");
    assert!(started.elapsed() < Duration::from_secs(3), "stopping took {:?}", started.elapsed());
    for c in idle.iter_mut().chain(silent.iter_mut()) {
        assert_eq!(read_all(c), b"", "each idle connection was closed");
    }
}

#[test]
fn sigterm_answers_requests_in_flight_with_connection_close() {
    // A slow upstream behind a proxy, both in this process: requests in flight on the proxy
    // and on the upstream finish; their answers say the connection closes.
    let script = "pipy()
        .listen($PORT0).serveHTTP(() => new Timeout(0.6).wait().then(() => new Message('late')))
        .listen($PORT1).demuxHTTP().to($=>$.muxHTTP().to($=>$.connect('127.0.0.1:$PORT0')))";
    let mut s = Server::start("stop-in-flight", script, 2);
    let mut direct = connect(s.port(0));
    let mut proxied = connect(s.port(1));
    for c in [&mut direct, &mut proxied] {
        c.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n").expect("write");
    }
    std::thread::sleep(Duration::from_millis(200));
    let _ = std::process::Command::new("kill").args(["-TERM", &s.pid().to_string()]).status();
    for c in [&mut direct, &mut proxied] {
        let (head, body) = response(c);
        assert!(head.starts_with("http/1.1 200"), "{head}");
        assert!(head.contains("connection: close"), "{head}");
        assert_eq!(body, "late");
        assert_eq!(read_all(c), b"", "closed after the answer");
    }
    assert_eq!(s.signal_and_wait("0", Duration::from_secs(5)), Some(0));
    // A new connection is refused: the listeners closed when the stop began.
    assert!(std::net::TcpStream::connect(("127.0.0.1", s.port(0))).is_err());
}

#[test]
fn a_long_stream_is_closed_at_the_shutdown_timeout() {
    let mut s = Server::start_with(
        "stop-timeout",
        "pipy().listen($PORT0).handleData(() => {})",
        1,
        &[],
        &["--shutdown-timeout", "0.5"],
    );
    let mut c = connect(s.port(0));
    send(&mut c, b"a stream that never ends");
    std::thread::sleep(Duration::from_millis(100));
    let started = Instant::now();
    // Within the grace period the stream keeps the process up...
    assert_eq!(s.signal_and_wait("TERM", Duration::from_millis(300)), None);
    // ...then it is closed and the process exits.
    assert_eq!(s.signal_and_wait("0", Duration::from_secs(5)), Some(0));
    assert!(started.elapsed() >= Duration::from_millis(450), "{:?}", started.elapsed());
    s.wait_for("still busy after 0.5 s (1 inbound connection(s) open)", Duration::from_secs(1));
}

#[test]
fn reload_winds_down_the_old_pipelines_connections() {
    let script = "pipy().listen($PORT0).serveHTTP(
        msg => msg.head.path === '/slow' ? new Timeout(0.6).wait().then(() => new Message('v1 slow')) : new Message('v1'))";
    let mut s = Server::start("reload-drain", script, 1);
    let mut idle = connect(s.port(0));
    assert_eq!(common::http_request(&mut idle, "GET", "/", b"").1, "v1");
    let mut busy = connect(s.port(0));
    busy.write_all(b"GET /slow HTTP/1.1\r\nhost: x\r\n\r\n").expect("write");
    std::thread::sleep(Duration::from_millis(100));
    let text = std::fs::read_to_string(s.dir.join("main.js")).expect("script");
    std::fs::write(s.dir.join("main.js"), text.replace("v1", "v2")).expect("rewrite");
    let _ = std::process::Command::new("kill").args(["-HUP", &s.pid().to_string()]).status();
    s.wait_for("Reloaded", Duration::from_secs(5));
    // The idle old connection is closed (its client reconnects to the new pipelines)...
    assert_eq!(read_all(&mut idle), b"");
    // ...the one with a request in flight gets the old script's answer, then closes.
    let (head, body) = response(&mut busy);
    assert!(head.contains("connection: close"), "{head}");
    assert_eq!(body, "v1 slow");
    assert_eq!(read_all(&mut busy), b"");
    let mut new = connect(s.port(0));
    new.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n").expect("write");
    assert_eq!(response(&mut new).1, "v2");
    // The server is still up and serving after the reload.
    assert_eq!(s.signal_and_wait("0", Duration::from_millis(100)), None);
}

/// With several workers, a SIGTERM sent as soon as the first one listens stops them all: the
/// others may still be loading the script, and a signal reaches only the watchers registered
/// when it arrives (before worker 0 passed it on, such a worker never stopped: the process hung).
#[test]
fn sigterm_right_after_start_stops_every_worker() {
    let mut script = String::new();
    for i in 0..300 {
        script.push_str(&format!("function f{i}(a) {{ return {{ n: a + {i}, s: 'k' + a }} }}\n"));
    }
    script.push_str("pipy().listen($PORT0).serveHTTP(m => new Message(String(f7(1).n)))\n");
    for round in 0..8 {
        let mut s = Server::start_with("stop-early", &script, 1, &[], &["--threads", "2"]);
        let started = Instant::now();
        let code = s.signal_and_wait("TERM", Duration::from_secs(10));
        assert_eq!(code, Some(0), "round {round}: no exit {:?} after SIGTERM", started.elapsed());
    }
}

/// As the original's own `test/curl/001-tcp`: a `task()` that holds a connection open through
/// `fork` and ends only after a long `Timeout` does not hold up a stop (the original ends its
/// tasks and cancels its timers when it stops), and the exit is clean: code 0, nothing torn
/// down after the thread's state is gone ("thread local panicked on drop" before).
#[test]
fn a_running_task_and_pending_timers_do_not_hold_up_a_stop() {
    let mut s = Server::start(
        "stop-task",
        "pipy()
         .listen($PORT0, { maxConnections: 1 }).serveHTTP(new Message('hi'))
         .task()
         .onStart(new Data)
         .fork().to($=>$.connect('127.0.0.1:$PORT0'))
         .replaceStreamStart(() => new Timeout(60).wait().then(new StreamEnd))
         .task('0.1s')
         .handleStreamStart(() => { new Timeout(60).wait().then(() => console.log('never')) })",
        1,
    );
    std::thread::sleep(Duration::from_millis(400));
    let started = Instant::now();
    let code = s.signal_and_wait("TERM", Duration::from_secs(10));
    assert_eq!(code, Some(0), "stopped, and cleanly: {:?}", s.logged(Duration::from_millis(100)));
    assert!(started.elapsed() < Duration::from_secs(4), "stopping took {:?}", started.elapsed());
    let log = s.logged(Duration::from_millis(100)).join("\n");
    assert!(!log.contains("panicked") && !log.contains("internal error"), "{log}");
}

/// `task('SIGTERM')` takes the signal over, as in the original: the task runs and the server
/// keeps serving until the script itself calls `pipy.exit()`.
#[test]
fn a_sigterm_task_runs_instead_of_the_default_stop() {
    let mut s = Server::start(
        "stop-task-signal",
        "pipy()
         .listen($PORT0).serveHTTP(new Message('still here'))
         .task('SIGTERM')
         .onStart(new Data)
         .handleStreamStart(() => {
           console.log('SIGTERM task ran')
           new Timeout(0.5).wait().then(() => pipy.exit(7))
         })",
        1,
    );
    assert_eq!(s.signal_and_wait("TERM", Duration::from_millis(200)), None, "not stopped by the signal itself");
    s.wait_for("SIGTERM task ran", Duration::from_secs(5));
    let mut c = connect(s.port(0));
    assert_eq!(common::http_request(&mut c, "GET", "/", b"").1, "still here");
    drop(c);
    assert_eq!(s.signal_and_wait("0", Duration::from_secs(5)), Some(7), "stopped by pipy.exit(7)");
}
