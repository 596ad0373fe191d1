//! The pipeline engine over real loopback sockets: listeners, `connect`, contexts, threads,
//! signals, timers, and faults. Every test starts its own `pipy` on free ports.

mod common;

use common::{Server, connect, exchange, read_all, send};
use std::io::{Read, Write};
use std::time::Duration;

#[test]
fn tcp_proxy_through_connect_moves_bytes_both_ways() {
    let s = Server::start(
        "proxy",
        "pipy()
         .listen($PORT0).handleData(() => {})
         .listen($PORT1).connect('127.0.0.1:$PORT0')",
        2,
    );
    assert_eq!(exchange(s.port(0), b"direct"), b"direct");
    assert_eq!(exchange(s.port(1), b"through the proxy"), b"through the proxy");
    let big: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(exchange(s.port(1), &big), big);
}

#[test]
fn refused_upstream_ends_the_stream_with_connection_refused() {
    let dead = common::free_port();
    let mut s = Server::start(
        "refused",
        &format!(
            "pipy()
             .listen($PORT0)
               .connect('127.0.0.1:{dead}')
               .handleStreamEnd(e => console.log('upstream ended:', e.error))"
        ),
        1,
    );
    assert_eq!(exchange(s.port(0), b"hello"), b"");
    s.wait_for("upstream ended: ConnectionRefused", Duration::from_secs(5));
}

#[test]
fn inbound_and_context_variables_are_per_connection() {
    let s = Server::start(
        "inbound",
        "pipy({ _count: 0 })
         .listen($PORT0)
           .handleData(d => _count += d.size)
           .replaceData()
           .replaceStreamEnd(() => [
             new Data(`${__inbound.remoteAddress} ${__inbound.localPort} ${_count}\\n`),
             new StreamEnd,
           ])",
        1,
    );
    let a = String::from_utf8(exchange(s.port(0), b"12345")).expect("utf8");
    let b = String::from_utf8(exchange(s.port(0), b"12")).expect("utf8");
    assert_eq!(a, format!("127.0.0.1 {} 5\n", s.port(0)));
    assert_eq!(b, format!("127.0.0.1 {} 2\n", s.port(0)));
}

#[test]
fn fiber_variables_of_the_1x_api_are_per_stream() {
    let s = Server::start(
        "fiber",
        "var $n = 100
         pipy.listen($PORT0, $=>$
           .handleData(d => $n += d.size)
           .replaceData()
           .replaceStreamEnd(() => [new Data(`${$n}`), new StreamEnd])
         )",
        1,
    );
    assert_eq!(exchange(s.port(0), b"abc"), b"103");
    assert_eq!(exchange(s.port(0), b"abcd"), b"104");
}

#[test]
fn a_script_error_ends_only_that_stream() {
    let mut s = Server::start(
        "error",
        "pipy()
         .listen($PORT0)
           .handleData(d => { if (d.toString() === 'boom') throw new Error('bad input') })
           .handleData(() => {})",
        1,
    );
    assert_eq!(exchange(s.port(0), b"boom"), b"");
    let line = s.wait_for("bad input", Duration::from_secs(5));
    assert!(line.contains("[ERR]"), "{line}");
    assert!(line.contains("main.js:3"), "the log names where it was thrown: {line}");
    assert_eq!(exchange(s.port(0), b"fine"), b"fine");
}

#[test]
fn two_threads_serve_one_port() {
    let mut s = Server::start_with(
        "threads",
        "pipy.listen($PORT0, $=>$.serveHTTP(() => new Message(`thread ${pipy.thread.id}`)))",
        1,
        &[],
        &["--threads", "2"],
    );
    // Both workers log that they listen on the port.
    let lines = s.logged(Duration::from_millis(500));
    let listening = lines.iter().filter(|l| l.contains(&format!("port {} ", s.port(0)))).count();
    assert_eq!(listening, 2, "{lines:?}");
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..200 {
        let r = exchange(s.port(0), b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
        let text = String::from_utf8_lossy(&r).into_owned();
        if let Some(t) = text.rsplit("\r\n\r\n").next() {
            seen.insert(t.to_string());
        }
        if seen.len() == 2 {
            break;
        }
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), vec!["thread 0", "thread 1"]);
}

#[test]
fn sigint_lets_streams_in_flight_finish() {
    let mut s = Server::start(
        "sigint",
        "pipy()
         .listen($PORT0)
           .handleData(() => new Timeout(0.5).wait())
           .exit().onStart([new Message, new StreamEnd]).handleMessage(() => console.log('exit pipeline ran'))",
        1,
    );
    let mut c = connect(s.port(0));
    send(&mut c, b"slow");
    std::thread::sleep(Duration::from_millis(100));
    let _ = c.shutdown(std::net::Shutdown::Write);
    let code = s.signal_and_wait("INT", Duration::from_secs(5));
    assert_eq!(read_all(&mut c), b"slow", "the stream in flight got its answer");
    assert_eq!(code, Some(0));
    s.wait_for("exit pipeline ran", Duration::from_secs(2));
}

#[test]
fn interval_tasks_and_signal_tasks_run() {
    let mut s = Server::start(
        "tasks",
        "var n = 0
         pipy()
         .listen($PORT0).dummy()
         .task('0.1s').onStart(new Message).handleMessage(() => (n++ < 3) && console.log('tick', n))
         .task('SIGHUP').onStart(new Message).handleMessage(() => console.log('got SIGHUP'))",
        1,
    );
    s.wait_for("tick 3", Duration::from_secs(5));
    let _ = std::process::Command::new("kill").args(["-HUP", &s.pid().to_string()]).status();
    s.wait_for("got SIGHUP", Duration::from_secs(5));
}

#[test]
fn udp_listener_answers_each_datagram() {
    let port = common::free_port();
    let script = format!(
        "pipy().listen({port}, {{ protocol: 'udp' }}).replaceMessageBody(b => new Data(b.toString().toUpperCase()))"
    );
    let mut s = Server::start("udp2", &script, 0);
    s.wait_for(&format!("UDP port {port}"), Duration::from_secs(10));
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    sock.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    sock.send_to(b"hello udp", ("127.0.0.1", port)).expect("send");
    let mut buf = [0u8; 100];
    let (n, _) = sock.recv_from(&mut buf).expect("an answer");
    assert_eq!(&buf[..n], b"HELLO UDP");
}

/// What a UDP upstream has sent no longer counts as queued: a TCP inbound feeding it keeps
/// reading past the 1 MiB back-pressure limit instead of stalling there.
#[test]
fn a_udp_upstream_does_not_hold_back_its_inbound() {
    let sink = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    let port = sink.local_addr().expect("address").port();
    let s = Server::start(
        "udp-flow",
        &format!("pipy().listen($PORT0).connect('127.0.0.1:{port}', {{ protocol: 'udp' }})"),
        1,
    );
    let mut c = connect(s.port(0));
    c.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let mut w = c.try_clone().expect("clone");
    let writer = std::thread::spawn(move || {
        let chunk = vec![b'x'; 16 * 1024];
        for _ in 0..1024 {
            if w.write_all(&chunk).is_err() {
                return false;
            }
        }
        w.shutdown(std::net::Shutdown::Write).is_ok()
    });
    let mut rest = Vec::new();
    let _ = c.read_to_end(&mut rest);
    // The writer has shut its side down by now (pipy closes after that), or it is stuck because
    // pipy stopped reading; let it return from that call.
    let waited = std::time::Instant::now();
    while !writer.is_finished() && waited.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(10));
    }
    assert!(writer.is_finished(), "16 MiB were not all read by pipy");
    assert!(writer.join().unwrap_or(false));
    drop(sink);
}

#[test]
fn http_server_answers_and_keeps_serving_after_bad_requests() {
    let s = Server::start(
        "http",
        "pipy().listen($PORT0).serveHTTP(msg => new Message(`${msg.head.method} ${msg.head.path} ${msg.body.size}`))",
        1,
    );
    let ok = exchange(s.port(0), b"POST /a HTTP/1.1\r\ncontent-length: 3\r\n\r\nabc");
    assert_eq!(
        String::from_utf8_lossy(&ok),
        "HTTP/1.1 200 OK\r\ncontent-length: 9\r\nconnection: keep-alive\r\n\r\nPOST /a 3"
    );
    let bad = exchange(s.port(0), b"GARBAGE\r\n\r\n");
    assert!(String::from_utf8_lossy(&bad).starts_with("HTTP/1.1 400 "), "{}", String::from_utf8_lossy(&bad));
    let smuggle =
        exchange(s.port(0), b"POST / HTTP/1.1\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n");
    assert!(String::from_utf8_lossy(&smuggle).starts_with("HTTP/1.1 400 "));
    // Pipelined requests come back in order on one connection.
    let mut c = connect(s.port(0));
    c.write_all(b"GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\nGET /3 HTTP/1.1\r\nconnection: close\r\n\r\n")
        .expect("write");
    let mut all = String::new();
    let _ = c.read_to_string(&mut all);
    let bodies: Vec<_> = all.split("\r\n\r\n").skip(1).map(|b| b.split("HTTP/1.1").next().unwrap_or("")).collect();
    assert_eq!(bodies, vec!["GET /1 0", "GET /2 0", "GET /3 0"]);
    assert!(all.contains("connection: close"));
}

#[test]
fn sighup_reloads_the_script_and_closes_idle_old_connections() {
    let mut s = Server::start("reload", "pipy().listen($PORT0).serveHTTP(new Message('v1'))", 1);
    let mut old = connect(s.port(0));
    assert_eq!(common::http_request(&mut old, "GET", "/", b"").1, "v1");
    let script = std::fs::read_to_string(s.dir.join("main.js")).expect("script");
    std::fs::write(s.dir.join("main.js"), script.replace("v1", "v2")).expect("rewrite");
    let _ = std::process::Command::new("kill").args(["-HUP", &s.pid().to_string()]).status();
    s.wait_for("Reloaded", Duration::from_secs(5));
    let mut new = connect(s.port(0));
    assert_eq!(common::http_request(&mut new, "GET", "/", b"").1, "v2");
    // The keep-alive connection accepted before the reload was idle: it is closed, so its
    // client comes back to the new pipelines (`tests/stop.rs` has the one with a request in
    // flight).
    assert_eq!(read_all(&mut old), b"");
}

/// A proxy in front of an upstream whose pipeline is `dummy()`: when the client is done (it
/// half-closes), the whole chain closes, as with the original, instead of both connections
/// staying half-open for good.
#[test]
fn a_dummy_upstream_closes_when_the_client_is_done() {
    let s = Server::start("dummy-close", "pipy().listen($PORT0).dummy().listen($PORT1).connect('127.0.0.1:$PORT0')", 2);
    let mut c = connect(s.port(1));
    send(&mut c, b"hello");
    std::thread::sleep(Duration::from_millis(100));
    let _ = c.shutdown(std::net::Shutdown::Write);
    c.set_read_timeout(Some(Duration::from_secs(3))).expect("timeout");
    let mut buf = [0u8; 16];
    assert!(matches!(c.read(&mut buf), Ok(0)), "closed with nothing sent back (not left open)");
}

#[test]
fn dump_logs_events_and_filter_misuse_is_a_load_time_error() {
    let mut s = Server::start("dump", "pipy().listen($PORT0).dump('in').print().dummy()", 1);
    let mut c = connect(s.port(0));
    send(&mut c, b"hello dump");
    let line = s.wait_for("[dump]", Duration::from_secs(5));
    assert!(line.contains("[in] Data [10] [ 68 65 6c 6c 6f 20 64 75 6d 70 ]"), "{line}");
    // The client's end is dumped too; `dummy` swallows the data but passes the end, as the
    // original's does, so the connection closes with nothing sent back.
    let _ = c.shutdown(std::net::Shutdown::Write);
    s.wait_for("[in] StreamEnd", Duration::from_secs(5));
    assert_eq!(read_all(&mut c), b"");

    let (_, err, code) = common::run_script("misuse", "pipy().listen(1).connect()\n", &[]);
    assert_eq!(code, 1);
    assert!(err.contains("connect(): a target is required"), "{err}");
    assert!(err.contains("main.js:1:"), "the error names where the filter was added: {err}");
    let (_, err, code) = common::run_script("misuse-opt", "pipy().listen(1).connect('a:1', { retryCont: 2 })\n", &[]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown option 'retryCont'"), "{err}");
    let (_, err, code) = common::run_script("missing-to", "pipy().listen(1).demuxHTTP()\n", &[]);
    assert_eq!(code, 1);
    assert!(err.contains("missing .to(...) for demuxHTTP()"), "{err}");
}

#[test]
fn watch_pipelines_run_when_the_file_changes_and_filename_is_known() {
    let mut s = Server::start_with(
        "watch",
        "pipy().listen($PORT0).dummy()
         .watch('data.txt').onStart(new Message).handleMessage(() => console.log('changed', __filename))",
        1,
        &[("data.txt", "one")],
        &[],
    );
    std::thread::sleep(Duration::from_millis(1200));
    std::fs::write(s.dir.join("data.txt"), "two, longer").expect("write");
    let line = s.wait_for("changed", Duration::from_secs(5));
    assert!(line.ends_with("changed main.js"), "{line}");
}

#[test]
fn reuse_port_lets_two_processes_serve_one_port() {
    let a = Server::start_with(
        "reuse-a",
        "pipy.listen($PORT0, $=>$.serveHTTP(new Message('a')))",
        1,
        &[],
        &["--reuse-port"],
    );
    let script = format!("pipy.listen({}, $=>$.serveHTTP(new Message('b')))", a.port(0));
    let dir = common::temp_dir("reuse-b");
    std::fs::write(dir.join("main.js"), script).expect("write");
    let _b = Server::spawn(dir, vec![a.port(0)], &["--reuse-port"]);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..200 {
        let mut c = connect(a.port(0));
        seen.insert(common::http_request(&mut c, "GET", "/", b"").1);
        if seen.len() == 2 {
            break;
        }
    }
    assert_eq!(seen.into_iter().collect::<Vec<_>>(), vec!["a", "b"]);
}

#[test]
fn a_second_sigint_stops_at_once() {
    let mut s = Server::start("sigint2", "pipy().listen($PORT0).handleData(() => {})", 1);
    let mut c = connect(s.port(0));
    send(&mut c, b"stay open");
    std::thread::sleep(Duration::from_millis(100));
    // The open connection keeps the first SIGINT waiting...
    assert_eq!(s.signal_and_wait("INT", Duration::from_millis(700)), None);
    // ...the second one ends the process.
    assert_eq!(s.signal_and_wait("INT", Duration::from_secs(5)), Some(0));
}

/// SIGTERM behaves as SIGINT: a second one stops at once.
#[test]
fn a_second_sigterm_stops_at_once() {
    let mut s = Server::start("sigterm2", "pipy().listen($PORT0).handleData(() => {})", 1);
    let mut c = connect(s.port(0));
    send(&mut c, b"stay open");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(s.signal_and_wait("TERM", Duration::from_millis(700)), None);
    assert_eq!(s.signal_and_wait("TERM", Duration::from_secs(5)), Some(0));
}

/// An idle pooled upstream connection (muxHTTP's keep-alive session) does not keep a draining
/// worker alive: it is closed when the shutdown starts, not after its minute of idle time.
#[test]
fn shutdown_closes_idle_pooled_connections() {
    let script = "pipy()
        .listen($PORT0).serveHTTP(new Message('up'))
        .listen($PORT1).demuxHTTP().to($=>$.muxHTTP().to($=>$.connect('127.0.0.1:$PORT0')))";
    let mut s = Server::start("pool-shutdown", script, 2);
    let got = String::from_utf8_lossy(&exchange(s.port(1), b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"))
        .into_owned();
    assert!(got.ends_with("up"), "{got}");
    assert_eq!(s.signal_and_wait("TERM", Duration::from_secs(5)), Some(0));
}

/// The original's `test/curl/007-socks`: a SOCKS server (`acceptSOCKS`) reached with SOCKS4,
/// SOCKS4a and SOCKS5 requests written byte by byte, a refused request, and `connectSOCKS`
/// turning plain connections into SOCKS5 tunnels through it.
#[test]
fn socks_server_and_client_carry_http() {
    let script = r#"
var seen = []
pipy({ _target: undefined })
.listen($PORT0)
  .serveHTTP(new Message('Hello!\n'))
.listen($PORT1)
  .acceptSOCKS(
    ({ id, ip, domain, port }) => (
      seen.push(`${id}|${ip}|${domain}|${port}`),
      _target = `${domain||ip}:${port}`,
      port !== 9
    )
  ).to($=>$.connect(() => _target))
.listen($PORT2)
  .connectSOCKS('localhost:$PORT0').to($=>$.connect('127.0.0.1:$PORT1'))
.listen($PORT3)
  .serveHTTP(() => new Message(seen.join(',') + '\n'))
"#;
    let s = Server::start("socks", script, 4);
    let get = b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";
    let hello = |got: &[u8], skip: usize| {
        let text = String::from_utf8_lossy(&got[skip..]).into_owned();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\n") && text.ends_with("Hello!\n"), "{text}");
    };
    let port = s.port(0).to_be_bytes();
    // SOCKS4 to 127.0.0.1, with a user id; the HTTP request follows at once.
    let mut v4 = vec![4, 1, port[0], port[1], 127, 0, 0, 1];
    v4.extend_from_slice(b"alice\0");
    v4.extend_from_slice(get);
    let got = exchange(s.port(1), &v4);
    assert_eq!(got[..8], [0, 0x5a, 0, 0, 0, 0, 0, 0]);
    hello(&got, 8);
    // SOCKS4a to a domain name.
    let mut v4a = vec![4, 1, port[0], port[1], 0, 0, 0, 1, 0];
    v4a.extend_from_slice(b"localhost\0");
    v4a.extend_from_slice(get);
    let got = exchange(s.port(1), &v4a);
    assert_eq!(got[..2], [0, 0x5a]);
    hello(&got, 8);
    // SOCKS5: greeting, then the request, each waiting for its answer.
    let mut c = connect(s.port(1));
    send(&mut c, &[5, 2, 2, 0]);
    let mut answer = [0u8; 2];
    c.read_exact(&mut answer).expect("method");
    assert_eq!(answer, [5, 0]);
    let mut req = vec![5, 1, 0, 3, 9];
    req.extend_from_slice(b"localhost");
    req.extend_from_slice(&port);
    send(&mut c, &req);
    let mut answer = [0u8; 10];
    c.read_exact(&mut answer).expect("reply");
    assert_eq!(answer[..2], [5, 0]);
    send(&mut c, get);
    hello(&read_all(&mut c), 0);
    // onConnect says no (port 9): the refusal, then the end.
    let got = exchange(s.port(1), &[5, 1, 0, 5, 1, 0, 1, 127, 0, 0, 1, 0, 9]);
    assert_eq!(got, [5, 0, 5, 2, 0, 1, 0, 0, 0, 0, 0, 0]);
    let got = exchange(s.port(1), &[4, 1, 0, 9, 127, 0, 0, 1, 0]);
    assert_eq!(got, [0, 0x5b, 0, 0, 0, 0, 0, 0]);
    // connectSOCKS in front: plain HTTP in, tunnelled through the SOCKS server.
    for _ in 0..3 {
        hello(&exchange(s.port(2), get), 0);
    }
    let seen = String::from_utf8_lossy(&exchange(s.port(3), get)).into_owned();
    let p = s.port(0);
    let want = format!(
        "alice|127.0.0.1|undefined|{p},undefined|undefined|localhost|{p},undefined|undefined|localhost|{p},\
         undefined|127.0.0.1|undefined|9,undefined|127.0.0.1|undefined|9,undefined|undefined|localhost|{p}"
    );
    assert!(seen.contains(&want), "{seen}");
}

/// PROXY protocol: `connectProxyProtocol` fronts write version 1 and version 2 headers (with
/// addresses a script chose) before the bytes they forward; `acceptProxyProtocol` reads either,
/// shows the header to its callback, which lets the rest through or ends the stream.
#[test]
fn proxy_protocol_headers_both_ways() {
    let script = r#"
pipy()
.listen($PORT0)
  .acceptProxyProtocol(h => (
    _h = h,
    h.sourcePort !== 9
  )).to($=>$
    .handleData(d => _h.body = (_h.body || '') + d.toString())
    .handleStreamEnd(() => _h.end = true)
    .replaceData(() => new Data(JSON.stringify(_h) + '\n'))
  )
.listen($PORT1)
  .connectProxyProtocol({ sourceAddress: '10.0.0.1', sourcePort: 1234, targetAddress: '10.0.0.2', targetPort: 80 })
  .to($=>$.connect('127.0.0.1:$PORT0'))
.listen($PORT2)
  .connectProxyProtocol(() => ({ version: 2, protocol: 'TCP6', sourceAddress: '2001:db8::1', sourcePort: 4321, targetAddress: '::1', targetPort: 443 }))
  .to($=>$.connect('127.0.0.1:$PORT0'))
"#;
    let script = format!("var _h\n{script}");
    let s = Server::start("proxy-protocol", &script, 3);
    let read_line = |port: u16, input: &[u8]| {
        let mut c = connect(port);
        send(&mut c, input);
        let mut line = Vec::new();
        let mut b = [0u8; 1];
        while c.read(&mut b).unwrap_or(0) == 1 && b[0] != b'\n' {
            line.push(b[0]);
        }
        String::from_utf8_lossy(&line).into_owned()
    };
    let v1 = read_line(s.port(1), b"hi");
    assert_eq!(
        v1,
        r#"{"version":1,"protocol":"TCP4","sourceAddress":"10.0.0.1","sourcePort":1234,"targetAddress":"10.0.0.2","targetPort":80,"body":"hi"}"#
    );
    let v2 = read_line(s.port(2), b"there");
    assert_eq!(
        v2,
        r#"{"version":2,"command":"PROXY","protocol":"TCP6","sourceAddress":"2001:db8::1","sourcePort":4321,"targetAddress":"::1","targetPort":443,"body":"there"}"#
    );
    // A header typed by hand, the data right behind it.
    let direct = read_line(s.port(0), b"PROXY TCP4 1.1.1.1 2.2.2.2 5 6\r\nx");
    assert!(direct.contains(r#""sourcePort":5"#) && direct.ends_with(r#""body":"x"}"#), "{direct}");
    // Refused by the callback, and not a PROXY header at all: the stream just ends.
    assert!(exchange(s.port(0), b"PROXY TCP4 1.1.1.1 2.2.2.2 9 6\r\nx").is_empty());
    assert!(exchange(s.port(0), b"GET / HTTP/1.1\r\n\r\n").is_empty());
}

/// `swap(hub)`: two connections on one `pipeline.Hub` are wired to each other — what one sends
/// the other receives — and a third joining makes it a broadcast; one leaving does not end the
/// others, but the end of one side of a pair ends the other.
#[test]
fn swap_wires_streams_on_a_hub() {
    let s = Server::start("swap", "var hub = new pipeline.Hub\npipy().listen($PORT0).swap(hub)", 1);
    let read_some = |c: &mut std::net::TcpStream, n: usize| {
        let mut buf = vec![0u8; n];
        c.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
        c.read_exact(&mut buf).expect("read");
        String::from_utf8_lossy(&buf).into_owned()
    };
    let mut a = connect(s.port(0));
    let mut b = connect(s.port(0));
    // A stream joins at its first event: a's goes to nobody, b's already reaches a.
    send(&mut a, b"x");
    std::thread::sleep(Duration::from_millis(100));
    send(&mut b, b"hello a");
    assert_eq!(read_some(&mut a, 7), "hello a");
    send(&mut a, b"hello b");
    assert_eq!(read_some(&mut b, 7), "hello b");
    let mut c = connect(s.port(0));
    std::thread::sleep(Duration::from_millis(50));
    send(&mut c, b"hi all");
    assert_eq!(read_some(&mut a, 6), "hi all");
    assert_eq!(read_some(&mut b, 6), "hi all");
    drop(c);
    std::thread::sleep(Duration::from_millis(100));
    send(&mut a, b"still here");
    assert_eq!(read_some(&mut b, 10), "still here");
    // Down to a pair: one side hanging up ends the other.
    drop(b);
    assert_eq!(common::read_all(&mut a), b"");
}

/// A reload frees what the old version held once its last pipeline ends: its machine code,
/// constants and functions, and every object its script made. 100 reloads of a script of 200
/// functions (each version's routing table holds all of them) end with the live-object count where it
/// was and RSS within a few MiB of where it was after the first reloads (before modules were
/// freed, each reload kept about 2 MiB: 100 reloads grew RSS by over 200 MiB).
#[test]
fn a_hundred_reloads_give_back_what_each_old_version_held() {
    let mut script = String::new();
    for i in 0..200 {
        script.push_str(&format!(
            "function h{i}(m) {{ var x = m.head.path + '{i}'; return x.length > {i} ? x : 'n' + x }}\n"
        ));
    }
    let routes: Vec<String> = (0..200).map(|i| format!("'/p{i}': h{i}")).collect();
    script.push_str(&format!("var routes = {{ {} }}\n", routes.join(", ")));
    script.push_str("pipy().listen($PORT0).serveHTTP(m => new Message((routes[m.head.path] || (() => 'none'))(m)))\n");
    let admin = common::free_port().to_string();
    let mut s = Server::start_with("reloads", &script, 1, &[], &["--admin-port", &admin]);
    let admin: u16 = admin.parse().expect("port");
    let rss = |pid: u32| -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or("VmRSS: 0 kB");
        line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    let objects = || -> u64 {
        let (_, text) = common::get(admin, "/metrics");
        let line = text.lines().find(|l| l.starts_with("pipy_object_count ")).unwrap_or("");
        line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
    };
    let reload = |s: &mut Server, n: usize| {
        for i in 0..n {
            let _ = std::process::Command::new("kill").args(["-HUP", &s.pid().to_string()]).status();
            s.wait_for("Reloaded", Duration::from_secs(10));
            let mut c = connect(s.port(0));
            let n = i % 200;
            let path = format!("/p{n}");
            let x = format!("{path}{n}");
            let expected = if x.len() > n { x } else { format!("n{x}") };
            assert_eq!(common::http_request(&mut c, "GET", &path, b"").1, expected);
        }
        // The idle sweep (every 0.5 s) frees the old versions once their connections are gone,
        // and metrics are published twice a second.
        std::thread::sleep(Duration::from_millis(1600));
    };
    let mut c = connect(s.port(0));
    assert_eq!(common::http_request(&mut c, "GET", "/p1", b"").1, "/p11");
    drop(c);
    reload(&mut s, 10);
    let (rss0, objects0) = (rss(s.pid()), objects());
    assert!(objects0 > 0, "pipy_object_count is published");
    reload(&mut s, 100);
    let (rss1, objects1) = (rss(s.pid()), objects());
    eprintln!("after 10 reloads: {rss0} kB, {objects0} objects; after 110: {rss1} kB, {objects1} objects");
    assert!(objects1 <= objects0 + 20, "objects: {objects0} -> {objects1}");
    assert!(rss1 <= rss0 + 8 * 1024, "RSS grew from {rss0} kB to {rss1} kB over 100 reloads");
}
