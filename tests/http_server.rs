//! HTTP/1 server and proxy behaviour over real sockets: HTTP/1.0 and keep-alive, `Expect:
//! 100-continue`, chunked request bodies, HEAD through a proxy, and responses kept in request
//! order when a later one is ready first.

mod common;

use common::{Server, connect, exchange, read_all, send};
use std::io::Read;
use std::time::Duration;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Asks `ask` again (every 100 ms, 5 s at most) until `done` holds; the last answer either way.
fn until(ask: impl Fn() -> String, done: impl Fn(&str) -> bool) -> String {
    let mut got = ask();
    for _ in 0..50 {
        if done(&got) {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        got = ask();
    }
    got
}

#[test]
fn http_1_0_closes_and_1_1_keeps_alive() {
    let s = Server::start("http10", "pipy().listen($PORT0).serveHTTP(new Message('hi'))", 1);
    let r = text(&exchange(s.port(0), b"GET / HTTP/1.0\r\n\r\n"));
    assert_eq!(r, "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nhi");
    let mut c = connect(s.port(0));
    send(&mut c, b"GET / HTTP/1.1\r\n\r\n");
    let mut buf = [0u8; 256];
    let n = c.read(&mut buf).expect("read");
    assert_eq!(text(&buf[..n]), "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nhi");
    send(&mut c, b"GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n");
    let n = c.read(&mut buf).expect("read");
    assert!(text(&buf[..n]).contains("connection: keep-alive"), "HTTP/1.0 may ask to keep alive");
}

#[test]
fn expect_100_continue_and_chunked_bodies() {
    let s = Server::start(
        "continue",
        "pipy().listen($PORT0).serveHTTP(req => new Message(`${req.body.size}:${req.body.toString()}`))",
        1,
    );
    let mut c = connect(s.port(0));
    send(&mut c, b"POST / HTTP/1.1\r\ncontent-length: 5\r\nexpect: 100-continue\r\n\r\n");
    let mut buf = [0u8; 256];
    let n = c.read(&mut buf).expect("read");
    assert_eq!(text(&buf[..n]), "HTTP/1.1 100 Continue\r\n\r\n");
    send(&mut c, b"hello");
    let n = c.read(&mut buf).expect("read");
    assert!(text(&buf[..n]).ends_with("\r\n\r\n5:hello"));
    let r = text(&exchange(
        s.port(0),
        b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nx-trailer: 1\r\n\r\n",
    ));
    assert!(r.ends_with("\r\n\r\n7:abcdefg"), "{r}");
}

#[test]
fn head_through_a_proxy_has_no_body() {
    let s = Server::start(
        "head",
        "pipy()
         .listen($PORT1).serveHTTP(new Message('twelve bytes'))
         .listen($PORT0).demuxHTTP().to($=>$.muxHTTP().to($=>$.connect('127.0.0.1:$PORT1')))",
        2,
    );
    let mut c = connect(s.port(0));
    send(&mut c, b"HEAD / HTTP/1.1\r\n\r\nGET / HTTP/1.1\r\nconnection: close\r\n\r\n");
    let all = text(&read_all(&mut c));
    assert_eq!(
        all,
        "HTTP/1.1 200 OK\r\ncontent-length: 12\r\nconnection: keep-alive\r\n\r\n\
         HTTP/1.1 200 OK\r\ncontent-length: 12\r\nconnection: close\r\n\r\ntwelve bytes"
    );
}

#[test]
fn pipelined_responses_keep_request_order() {
    let s = Server::start(
        "order",
        "pipy().listen($PORT0).demuxHTTP().to($=>$
           .replaceMessage(req => req.head.path === '/slow'
             ? new Timeout(0.3).wait().then(() => new Message('slow'))
             : new Message('fast'))
         )",
        1,
    );
    let mut c = connect(s.port(0));
    c.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    send(&mut c, b"GET /slow HTTP/1.1\r\n\r\nGET /fast HTTP/1.1\r\nconnection: close\r\n\r\n");
    let all = text(&read_all(&mut c));
    let bodies: Vec<_> = all.split("\r\n\r\n").skip(1).map(|b| b.split("HTTP/1.1").next().unwrap_or("")).collect();
    assert_eq!(bodies, ["slow", "fast"], "{all}");
}

#[test]
fn compress_http_gzips_responses_a_client_can_inflate() {
    let s = Server::start(
        "gzip",
        "pipy().listen($PORT0).demuxHTTP().to($=>$
           .replaceMessage(new Message({ headers: { 'content-type': 'text/plain' } }, 'Hi, there! '.repeat(100)))
           .compressHTTP('gzip')
         )",
        1,
    );
    let r = exchange(s.port(0), b"GET / HTTP/1.1\r\naccept-encoding: gzip\r\nconnection: close\r\n\r\n");
    let split = r.windows(4).position(|w| w == b"\r\n\r\n").expect("a head");
    let head = text(&r[..split]);
    assert!(head.contains("content-encoding: gzip"), "{head}");
    let body = &r[split + 4..];
    assert!(head.contains(&format!("content-length: {}", body.len())), "{head}");
    let mut plain = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(body), &mut plain).expect("valid gzip");
    assert_eq!(plain, "Hi, there! ".repeat(100));
}

/// `http.Agent` sends requests from a script: method, path, headers and body, or a Message;
/// a `host` header is added; a refused upstream gives the proxy's 502.
#[test]
fn http_agent_sends_requests_from_a_script() {
    let script = r#"
var agent = new http.Agent('127.0.0.1:$PORT0')
var refused = new http.Agent('127.0.0.1:1')
pipy()
.listen($PORT0)
  .serveHTTP(msg => new Message(
    { status: 201, headers: { 'x-host': msg.head.headers.host, 'x-a': msg.head.headers['x-a'] } },
    `${msg.head.method} ${msg.head.path} ${msg.body}`
  ))

new Timeout(0.2).wait().then(() => agent.request('POST', '/a', { 'x-a': '1' }, 'body!')).then(res => {
  console.log('first', res.head.status, res.head.headers['x-host'], res.head.headers['x-a'], res.body.toString())
  return agent.request(new Message({ method: 'GET', path: '/b' }))
}).then(res => {
  console.log('second', res.head.status, res.body.toString())
  return refused.request('GET', '/')
}).then(res => console.log('refused', res.head.status, res.head.statusText))
"#;
    let mut s = Server::start("http-agent", script, 1);
    let host = format!("127.0.0.1:{}", s.port(0));
    assert!(s.wait_for("first ", Duration::from_secs(10)).ends_with(&format!("first 201 {host} 1 POST /a body!")));
    assert!(s.wait_for("second ", Duration::from_secs(10)).ends_with("second 201 GET /b "));
    assert!(s.wait_for("refused ", Duration::from_secs(10)).ends_with("refused 502 Connection Refused"));
}

/// A head a script changes on the way through a proxy is the head that goes out: request
/// headers added before `muxHTTP` reach the upstream, response changes reach the client; a head
/// nobody touched goes through as decoded.
#[test]
fn heads_changed_by_scripts_are_the_heads_sent() {
    let script = r#"
pipy()
.listen($PORT0)
  .demuxHTTP().to($=>$
    .handleMessageStart(msg => { if (msg.head.path === '/touch') msg.head.headers['x-added'] = 'yes' })
    .muxHTTP().to($=>$.connect('127.0.0.1:$PORT1'))
    .handleMessageStart(msg => { msg.head.headers['x-reply'] = String(msg.head.status) })
  )
.listen($PORT1)
  .serveHTTP(msg => new Message({ headers: { 'x-seen': msg.head.headers['x-added'] || 'none' } }, msg.head.path))
"#;
    let s = Server::start("heads-changed", script, 2);
    let get = |path: &str| {
        let req = format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
        String::from_utf8_lossy(&exchange(s.port(0), req.as_bytes())).into_owned()
    };
    let touched = get("/touch");
    assert!(touched.contains("\r\nx-seen: yes\r\n"), "{touched}");
    assert!(touched.contains("\r\nx-reply: 200\r\n"), "{touched}");
    assert!(touched.ends_with("\r\n\r\n/touch"), "{touched}");
    let plain = get("/plain");
    assert!(plain.contains("\r\nx-seen: none\r\n"), "{plain}");
    assert!(plain.ends_with("/plain"), "{plain}");
}

/// A WebSocket server on `demuxHTTP` + `acceptHTTPTunnel` + the WebSocket codec: the upgrade is
/// answered with 101 and the accept key, frames then go both ways on the same connection, also
/// through a `demuxHTTP → muxHTTP → connect` proxy in front; a refused upgrade gets its answer
/// and a close.
#[test]
fn websocket_upgrade_through_accept_http_tunnel() {
    let script = r#"
var accept = key => {
  var h = new crypto.Hash('sha1')
  h.update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11')
  return h.digest('base64')
}
pipy()
.listen($PORT0)
  .demuxHTTP().to($=>$
    .acceptHTTPTunnel(msg => msg.head.path === '/ws'
      ? new Message({ status: 101, headers: { upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-accept': accept(msg.head.headers['sec-websocket-key']) } })
      : new Message({ status: 403 }, 'no')
    ).to($=>$
      .decodeWebSocket()
      .replaceMessage(m => new Message({ opcode: 1 }, 'echo: ' + m.body.toString()))
      .encodeWebSocket()
    )
  )
.listen($PORT1)
  .demuxHTTP().to($=>$.muxHTTP().to($=>$.connect('127.0.0.1:$PORT0')))
"#;
    let s = Server::start("websocket", script, 2);
    // Straight to the WebSocket server, then through a plain HTTP proxy in front of it.
    for port in [s.port(0), s.port(1)] {
        websocket_echo(port);
    }
    let refused = text(&exchange(
        s.port(0),
        b"GET /other HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\nxx",
    ));
    assert!(refused.starts_with("HTTP/1.1 403 Forbidden\r\n") && refused.ends_with("no"), "{refused}");
}

fn websocket_echo(port: u16) {
    use std::io::{Read, Write};
    let mut c = connect(port);
    let upgrade = "GET /ws HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\
                   sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n";
    // The first frame rides in the same packet as the upgrade: it must wait for the answer.
    let mut first = upgrade.as_bytes().to_vec();
    first.extend_from_slice(&[0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]); // masked "Hello"
    c.write_all(&first).expect("write");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        assert_eq!(c.read(&mut byte).expect("read"), 1);
        head.push(byte[0]);
    }
    let head = text(&head);
    assert!(head.starts_with("HTTP/1.1 101 Switching Protocols\r\n"), "{head}");
    assert!(head.contains("sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"), "{head}");
    assert!(!head.contains("content-length"), "{head}");
    let mut frame = [0u8; 13];
    c.read_exact(&mut frame).expect("frame");
    assert_eq!(&frame[..2], &[0x81, 11]);
    assert_eq!(&frame[2..], b"echo: Hello");
    // A second frame on the open tunnel.
    c.write_all(&[0x81, 0x82, 1, 2, 3, 4, b'h' ^ 1, b'i' ^ 2]).expect("write");
    let mut frame = [0u8; 10];
    c.read_exact(&mut frame).expect("frame");
    assert_eq!(&frame[2..], b"echo: hi");
}

/// The original's `test/curl/003-http-tunnel`: an HTTP proxy that accepts only CONNECT (405
/// otherwise), used directly as a CONNECT proxy, and used by a `connectHTTPTunnel` front that
/// turns plain connections into tunnels through it. `onState` reports the tunnel's states.
#[test]
fn http_tunnels_connect_through_a_connect_only_proxy() {
    use std::io::Write;
    let script = r#"
var states = []
pipy({ _target: undefined })
.listen($PORT0)
  .serveHTTP(new Message('Hello!\n'))
.listen($PORT1)
  .demuxHTTP().to($=>$
    .acceptHTTPTunnel(
      msg => msg.head.method === 'CONNECT' ? (
        void (_target = msg.head.path)
      ) : (
        new Message({ status: 405 }, 'method not allowed\n')
      )
    ).to($=>$.connect(() => _target))
  )
.listen($PORT2)
  .connectHTTPTunnel(
    () => new Message({ method: 'CONNECT', path: '127.0.0.1:$PORT0' }),
    { onState: s => states.push(s) }
  ).to($=>$
    .muxHTTP().to($=>$.connect('127.0.0.1:$PORT1'))
  )
.listen($PORT3)
  .connectHTTPTunnel('127.0.0.1:$DEAD').to($=>$
    .muxHTTP().to($=>$.connect('127.0.0.1:$PORT1'))
  )
.listen($PORT4)
  .serveHTTP(() => new Message(states.join(',') + '\n'))
.listen($PORT5)
  .demuxHTTP().to($=>$
    .acceptHTTPTunnel(
      msg => new Timeout(0.05).wait().then(() => (_target = msg.head.path, new Message({ status: 200 })))
    ).to($=>$.connect(() => _target))
  )
"#;
    let script = script.replace("$DEAD", &common::free_port().to_string());
    let s = Server::start("http-tunnel", &script, 6);
    let get = b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";
    // A plain request to the CONNECT-only proxy.
    let refused = text(&exchange(s.port(1), get));
    assert!(refused.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"), "{refused}");
    assert!(refused.ends_with("method not allowed\n"), "{refused}");
    // CONNECT to the hello server, then HTTP inside the tunnel (in the same packet).
    let through_tunnel = |proxy: u16| {
        let mut c = connect(proxy);
        let mut both = format!("CONNECT 127.0.0.1:{} HTTP/1.1\r\nhost: x\r\n\r\n", s.port(0)).into_bytes();
        both.extend_from_slice(get);
        c.write_all(&both).expect("write");
        text(&read_all(&mut c))
    };
    let got = through_tunnel(s.port(1));
    assert!(got.starts_with("HTTP/1.1 200 OK\r\n"), "{got}");
    assert!(got.contains("\r\n\r\nHTTP/1.1 200 OK\r\n") && got.ends_with("Hello!\n"), "{got}");
    // connectHTTPTunnel: plain connections become tunnels to the hello server, several times.
    for _ in 0..3 {
        let got = text(&exchange(s.port(2), get));
        assert!(got.starts_with("HTTP/1.1 200 OK\r\n") && got.ends_with("Hello!\n"), "{got}");
    }
    let states = text(&exchange(s.port(4), get));
    assert!(states.ends_with("\r\n\r\nconnecting,connected,connecting,connected,connecting,connected\n"), "{states}");
    // A handler answering with a Promise: the bytes behind the CONNECT wait for it.
    let got = through_tunnel(s.port(5));
    assert!(got.starts_with("HTTP/1.1 200 OK\r\n") && got.ends_with("Hello!\n"), "{got}");
    // A tunnel the proxy cannot open (nothing listens on the target): the stream just ends.
    let got = exchange(s.port(3), get);
    assert!(got.is_empty(), "{}", text(&got));
}

/// `stats` metrics a script keeps while it serves, read as Prometheus text from the admin
/// service (`--admin-port`), with two worker threads adding to the same metrics.
#[test]
fn stats_metrics_are_served_on_the_admin_port() {
    let script = r#"
var requests = new stats.Counter('http_requests_total', ['method'])
var size = new stats.Histogram('http_request_size_bytes', [10, 100])
var up = new stats.Gauge('up')
up.set(1)
var retried = new stats.Counter('retried_total')
retried.increase(3)
retried.decrease()
pipy()
.listen($PORT0)
  .serveHTTP(msg => (
    requests.withLabels(msg.head.method).increase(),
    size.observe(msg.body.size),
    new Message('ok')
  ))
"#;
    let admin = common::free_port();
    let admin_arg = format!("--admin-port=127.0.0.1:{admin}");
    let s = Server::start_with("stats", script, 1, &[], &["--threads", "2", &admin_arg]);
    let get = b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";
    let post = b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 50\r\nconnection: close\r\n\r\n\
                 01234567890123456789012345678901234567890123456789";
    for _ in 0..3 {
        assert!(text(&exchange(s.port(0), get)).ends_with("ok"));
    }
    assert!(text(&exchange(s.port(0), post)).ends_with("ok"));
    // The second worker may still be starting: wait (bounded) until both have run the script.
    let metrics = until(
        || text(&exchange(admin, b"GET /metrics HTTP/1.1\r\nhost: x\r\n\r\n")),
        |m| m.contains("retried_total 4\n"),
    );
    assert!(metrics.starts_with("HTTP/1.1 200 OK\r\n"), "{metrics}");
    for line in [
        "# TYPE http_requests_total counter\n",
        "http_requests_total{method=\"GET\"} 3\n",
        "http_requests_total{method=\"POST\"} 1\n",
        "http_request_size_bytes_bucket{le=\"10\"} 3\n",
        "http_request_size_bytes_bucket{le=\"100\"} 4\n",
        "http_request_size_bytes_bucket{le=\"+Inf\"} 4\n",
        "http_request_size_bytes_sum 50\n",
        "http_request_size_bytes_count 4\n",
        // Both workers set it: one metric, set twice to 1.
        "# TYPE up gauge\nup 1\n",
        // Both workers add 3 and take 1 away.
        "# TYPE retried_total counter\nretried_total 4\n",
    ] {
        assert!(metrics.contains(line), "missing {line:?} in\n{metrics}");
    }
    let other = text(&exchange(admin, b"GET /other HTTP/1.1\r\nhost: x\r\n\r\n"));
    assert!(other.starts_with("HTTP/1.1 404 Not Found\r\n"), "{other}");
}

/// `logging.JSONLogger(...).toHTTP(url, {batch})`: lines go to an HTTP collector in batches, by
/// size (three lines) and by time (the fourth, after the interval), framed as configured.
#[test]
fn loggers_ship_batches_over_http() {
    let script = r#"
var received = []
var logger = new logging.JSONLogger('access').toHTTP('http://127.0.0.1:$PORT0/logs', {
  headers: { 'content-type': 'application/json' },
  batch: { size: 3, interval: '200ms', prefix: '[', postfix: ']', separator: ',' },
})
pipy()
.listen($PORT0)
  .serveHTTP(msg => (received.push(`${msg.head.method} ${msg.head.path} ${msg.head.headers['content-type']} ${msg.body.toString()}`), new Message('')))
.listen($PORT1)
  .serveHTTP(msg => (logger.log({ path: msg.head.path }), new Message('logged')))
.listen($PORT2)
  .serveHTTP(() => new Message(received.join('\n') + '\n'))
"#;
    let s = Server::start("log-http", script, 3);
    let get = |port: u16, path: &str| {
        let req = format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
        text(&exchange(port, req.as_bytes()))
    };
    for p in ["/a", "/b", "/c", "/d"] {
        assert!(get(s.port(1), p).ends_with("logged"));
    }
    std::thread::sleep(Duration::from_millis(600));
    let got = get(s.port(2), "/");
    let body = got.split("\r\n\r\n").nth(1).unwrap_or_default();
    assert_eq!(
        body,
        "POST /logs application/json [{\"path\":\"/a\"},{\"path\":\"/b\"},{\"path\":\"/c\"}]\n\
         POST /logs application/json [{\"path\":\"/d\"}]\n",
        "{got}"
    );
}

/// `algo.SharedMap` is one map for every worker thread: each of two workers counts itself in at
/// start-up, and whichever answers sees both.
#[test]
fn shared_map_is_shared_by_worker_threads() {
    let script = r#"
var workers = new algo.SharedMap('workers')
workers.add('started')
workers.set('thread' + pipy.thread.id, true)
pipy().listen($PORT0).serveHTTP(() => new Message(`${workers.get('started')} ${workers.has('thread0')} ${workers.has('thread1')}`))
"#;
    let s = Server::start_with("shared-map", script, 1, &[], &["--threads", "2"]);
    // Both workers must have started (bounded wait); any of them then answers with both.
    let got = until(
        || text(&exchange(s.port(0), b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")),
        |g| g.ends_with("2 true true"),
    );
    assert!(got.ends_with("2 true true"), "{got}");
}

/// A server whose handler makes a reference cycle per request: the cycle collector frees them
/// (the idle collector runs within a second), and the admin service's `/metrics` shows it.
#[test]
fn the_cycle_collector_is_visible_in_the_metrics() {
    let script = r#"
pipy()
.listen($PORT0)
  .serveHTTP(msg => {
    var a = { path: msg.head.path }
    a.self = a
    a.f = () => a
    return new Message('ok')
  })
"#;
    let admin = common::free_port();
    let admin_arg = format!("--admin-port=127.0.0.1:{admin}");
    let s = Server::start_with("gc-metrics", script, 1, &[], &[&admin_arg]);
    let get = b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";
    for _ in 0..20 {
        assert!(text(&exchange(s.port(0), get)).ends_with("ok"));
    }
    let collected = |m: &str| {
        m.lines()
            .find_map(|l| l.strip_prefix("pipy_gc_collected_total "))
            .and_then(|n| n.trim().parse::<u64>().ok())
            .unwrap_or(0)
    };
    let metrics = until(|| text(&exchange(admin, b"GET /metrics HTTP/1.1\r\nhost: x\r\n\r\n")), |m| collected(m) >= 40);
    assert!(collected(&metrics) >= 40, "20 requests leave 40 objects in cycles:\n{metrics}");
    assert!(metrics.contains("# TYPE pipy_gc_collections_total counter\n"), "{metrics}");
    assert!(metrics.contains("pipy_objects_live{thread=\"0\"} "), "{metrics}");
}
