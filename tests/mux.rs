//! demux → mux over real sockets: two clients through one listener share one upstream session
//! (a selector returning the same key), and every reply goes back to the client that asked, in
//! the order it asked. Without a selector each client connection gets its own session.

mod common;

use common::{Server, connect, read_all};
use std::io::Write;
use std::time::Duration;

/// An upstream on $PORT1 that answers each line with `<its connection number>:<line>`, and a
/// front listener on $PORT0 that cuts client input into lines, demuxes them, and muxes them into
/// upstream sessions chosen by `SELECTOR`.
const SCRIPT: &str = r#"
var count = 0
var $conn
pipy.listen($PORT1, $=>$
  .onStart(() => { $conn = ++count; console.warn('upstream connection', $conn); return [] })
  .split('\n')
  .replaceMessage(m => m.body.size ? new Data(`${$conn}:${m.body.toString()}\n`) : undefined)
)
pipy.listen($PORT0, $=>$
  .split('\n')
  .replaceMessage(m => m.body.size ? m : undefined)
  .demux().to($=>$
    .mux(SELECTOR).to($=>$
      .replaceMessage(m => new Data(m.body.toString() + '\n'))
      .connect('127.0.0.1:$PORT1')
      .split('\n')
    )
  )
  .replaceMessage(m => new Data(m.body.toString() + '\n'))
)
"#;

fn lines(b: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(b).lines().map(|s| s.to_string()).collect()
}

/// Two clients send interleaved lines; returns what each got back.
fn two_clients(port: u16) -> (Vec<String>, Vec<String>) {
    let mut a = connect(port);
    let mut b = connect(port);
    let pause = || std::thread::sleep(Duration::from_millis(30));
    for (s, line) in [(&mut a, "a1\n"), (&mut b, "b1\n")] {
        s.write_all(line.as_bytes()).expect("write");
        pause();
    }
    for i in 2..=4 {
        a.write_all(format!("a{i}\n").as_bytes()).expect("write");
        b.write_all(format!("b{i}\n").as_bytes()).expect("write");
        pause();
    }
    // Several lines in one segment, split across two writes.
    a.write_all(b"a5\na").expect("write");
    pause();
    a.write_all(b"6\n").expect("write");
    let _ = a.shutdown(std::net::Shutdown::Write);
    let _ = b.shutdown(std::net::Shutdown::Write);
    (lines(&read_all(&mut a)), lines(&read_all(&mut b)))
}

#[test]
fn one_shared_session_routes_replies_to_each_requester_in_order() {
    let mut server = Server::start("mux-shared", &SCRIPT.replace("SELECTOR", "() => 'k'"), 2);
    let (a, b) = two_clients(server.port(0));
    assert_eq!(a, ["1:a1", "1:a2", "1:a3", "1:a4", "1:a5", "1:a6"]);
    assert_eq!(b, ["1:b1", "1:b2", "1:b3", "1:b4"]);
    // A third client later still uses the same upstream connection.
    let mut c = connect(server.port(0));
    c.write_all(b"c1\nc2\n").expect("write");
    let _ = c.shutdown(std::net::Shutdown::Write);
    assert_eq!(lines(&read_all(&mut c)), ["1:c1", "1:c2"]);
    let log = server.logged(Duration::from_millis(200));
    let upstream = log.iter().filter(|l| l.contains("upstream connection")).count();
    assert_eq!(upstream, 1, "one upstream session expected; log:\n{}", log.join("\n"));
}

#[test]
fn without_a_selector_each_client_gets_its_own_session() {
    let mut server = Server::start("mux-per-inbound", &SCRIPT.replace("SELECTOR", ""), 2);
    let (a, b) = two_clients(server.port(0));
    let tag = |v: &[String]| v.first().and_then(|l| l.split(':').next()).unwrap_or("").to_string();
    let (ta, tb) = (tag(&a), tag(&b));
    assert_ne!(ta, tb, "different sessions expected: {a:?} {b:?}");
    let strip = |v: &[String]| v.iter().map(|l| l.split(':').nth(1).unwrap_or("").to_string()).collect::<Vec<_>>();
    assert!(a.iter().all(|l| l.starts_with(&format!("{ta}:"))), "{a:?}");
    assert!(b.iter().all(|l| l.starts_with(&format!("{tb}:"))), "{b:?}");
    assert_eq!(strip(&a), ["a1", "a2", "a3", "a4", "a5", "a6"]);
    assert_eq!(strip(&b), ["b1", "b2", "b3", "b4"]);
    let log = server.logged(Duration::from_millis(200));
    assert_eq!(log.iter().filter(|l| l.contains("upstream connection")).count(), 2, "{}", log.join("\n"));
}

#[test]
fn an_idle_session_closes_after_max_idle() {
    let script = SCRIPT.replace("SELECTOR", "() => 'k', { maxIdle: 0.2 }");
    let mut server = Server::start("mux-idle", &script, 2);
    let ask = |line: &str| {
        let mut c = connect(server.port(0));
        c.write_all(line.as_bytes()).expect("write");
        let _ = c.shutdown(std::net::Shutdown::Write);
        lines(&read_all(&mut c))
    };
    assert_eq!(ask("x\n"), ["1:x"]);
    assert_eq!(ask("y\n"), ["1:y"]);
    std::thread::sleep(Duration::from_millis(700));
    // The session (and its upstream connection) is gone: a new one is made.
    assert_eq!(ask("z\n"), ["2:z"]);
    let log = server.logged(Duration::from_millis(100));
    assert_eq!(log.iter().filter(|l| l.contains("upstream connection")).count(), 2, "{}", log.join("\n"));
}

/// exec's child is killed when its pipeline goes away (here: the connection idles out while the
/// child still runs); a child that reads its stdin sees the end of the client's input.
#[test]
fn exec_child_dies_with_its_pipeline() {
    let script = r#"
pipy.listen($PORT0, { idleTimeout: 0.5 }, $=>$
  .exec('sleep 30', { onStart: pid => console.warn('child pid', pid) })
)
pipy.listen($PORT1, $=>$.exec('cat'))
"#;
    let mut server = Server::start("exec-kill", script, 2);
    assert_eq!(common::exchange(server.port(1), b"echo me"), b"echo me");
    let mut c = connect(server.port(0));
    c.write_all(b"go").expect("write");
    let line = server.wait_for("child pid", Duration::from_secs(10));
    let pid: u32 = line.rsplit(' ').next().and_then(|p| p.trim().parse().ok()).expect("a pid");
    let alive = |pid: u32| {
        std::fs::read_to_string(format!("/proc/{pid}/stat"))
            .map(|s| s.split(' ').nth(2).is_some_and(|st| st != "Z"))
            .unwrap_or(false)
    };
    assert!(alive(pid));
    let end = std::time::Instant::now() + Duration::from_secs(10);
    while alive(pid) && std::time::Instant::now() < end {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!alive(pid), "the child {pid} outlived its pipeline");
    drop(c);
}

/// muxHTTP's default key is the client connection: when the client closes, its upstream session
/// closes at once (not after `maxIdle`), so short clients do not pile up upstream connections.
#[test]
fn an_upstream_session_closes_when_its_client_connection_does() {
    let script = r#"
var open = 0
pipy.listen($PORT1, $=>$
  .onStart(() => { open++; return [] })
  .onEnd(() => { open--; console.warn('upstream connections open:', open) })
  .serveHTTP(new Message('hi'))
)
pipy.listen($PORT0, $=>$
  .demuxHTTP().to($=>$
    .muxHTTP().to($=>$.connect('127.0.0.1:$PORT1'))
  )
)
"#;
    let mut server = Server::start("mux-churn", script, 2);
    for _ in 0..20 {
        let mut c = connect(server.port(0));
        c.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n").expect("write");
        let mut got = Vec::new();
        let mut buf = [0u8; 512];
        // One response, then the client goes away (keep-alive connection closed by the client).
        while !String::from_utf8_lossy(&got).ends_with("hi") {
            match std::io::Read::read(&mut c, &mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
        assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200 OK"), "{}", String::from_utf8_lossy(&got));
    }
    let log = server.logged(Duration::from_millis(1500));
    let closed = log.iter().filter(|l| l.contains("upstream connections open:")).count();
    assert_eq!(closed, 20, "every upstream connection closed with its client:\n{}", log.join("\n"));
    assert!(log.iter().any(|l| l.contains("upstream connections open: 0")), "{}", log.join("\n"));
}
