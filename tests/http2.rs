//! HTTP/2 through the real binary: `serveHTTP` and `demuxHTTP` answer HTTP/2 with prior knowledge
//! on the same listener as HTTP/1, streams run concurrently on one connection, bodies stream
//! under flow control, trailers pass both ways. The client is the `h2` crate (a separate
//! implementation from the server's use of it: the bytes cross a real socket) and curl.

mod common;

use bytes::Bytes;
use common::Server;
use std::time::Duration;

/// What a client saw of one response.
#[derive(Debug, Default)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    trailers: Vec<(String, String)>,
}

impl Reply {
    fn header(&self, k: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A request for `exchange`.
struct Req {
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
    trailers: Vec<(&'static str, &'static str)>,
}

fn get(path: &str) -> Req {
    Req { method: "GET", path: path.into(), headers: vec![], body: vec![], trailers: vec![] }
}

fn post(path: &str, body: &[u8]) -> Req {
    Req { method: "POST", path: path.into(), headers: vec![], body: body.to_vec(), trailers: vec![] }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime")
}

async fn send_one(mut client: h2::client::SendRequest<Bytes>, port: u16, r: Req) -> Result<Reply, String> {
    let mut req = http::Request::builder().method(r.method).uri(format!("http://127.0.0.1:{port}{}", r.path));
    for (k, v) in &r.headers {
        req = req.header(*k, v.as_str());
    }
    let req = req.body(()).map_err(|e| e.to_string())?;
    let no_body = r.body.is_empty() && r.trailers.is_empty();
    client = client.ready().await.map_err(|e| e.to_string())?;
    let (resp, mut stream) = client.send_request(req, no_body).map_err(|e| e.to_string())?;
    if !no_body {
        if !r.body.is_empty() {
            stream.send_data(Bytes::from(r.body), r.trailers.is_empty()).map_err(|e| e.to_string())?;
        }
        if !r.trailers.is_empty() {
            let mut t = http::HeaderMap::new();
            for (k, v) in &r.trailers {
                t.insert(*k, http::HeaderValue::from_static(v));
            }
            stream.send_trailers(t).map_err(|e| e.to_string())?;
        }
    }
    let resp = resp.await.map_err(|e| e.to_string())?;
    let (parts, mut body) = resp.into_parts();
    let mut reply = Reply {
        status: parts.status.as_u16(),
        headers: parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        ..Reply::default()
    };
    while let Some(chunk) = body.data().await {
        let chunk = chunk.map_err(|e| e.to_string())?;
        let _ = body.flow_control().release_capacity(chunk.len());
        reply.body.extend_from_slice(&chunk);
    }
    if let Some(t) = body.trailers().await.map_err(|e| e.to_string())? {
        reply.trailers = t
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
    }
    Ok(reply)
}

/// Opens one HTTP/2 connection (prior knowledge) and sends every request on it at once, each
/// on its own stream; the replies come back in the order of the requests.
fn exchange(port: u16, reqs: Vec<Req>) -> Vec<Result<Reply, String>> {
    runtime().block_on(async move {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
        let (client, conn) = h2::client::handshake(tcp).await.expect("h2 handshake");
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let tasks: Vec<_> = reqs.into_iter().map(|r| tokio::spawn(send_one(client.clone(), port, r))).collect();
        let mut out = Vec::new();
        for t in tasks {
            let r = tokio::time::timeout(Duration::from_secs(20), t).await;
            out.push(match r {
                Ok(Ok(r)) => r,
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err("timed out".into()),
            });
        }
        out
    })
}

fn one(port: u16, r: Req) -> Reply {
    exchange(port, vec![r]).pop().expect("a reply").expect("a response")
}

#[test]
fn serve_http_answers_http2_with_the_heads_an_http1_script_sees() {
    let srv = Server::start(
        "h2-serve",
        r#"
pipy().listen($PORT0).serveHTTP(
  req => new Message(
    { status: 201, headers: { 'x-seen': JSON.stringify([req.head.protocol, req.head.method, req.head.scheme,
        req.head.authority, req.head.path, Object.keys(req.head.headers).filter(k => k.startsWith(':')).length,
        req.head.headers['x-custom']]) } },
    'got ' + req.body.size + ' bytes: ' + req.body.toString()
  )
)
"#,
        1,
    );
    let port = srv.ports[0];
    let mut r = post("/a/b?c=1", b"hello h2");
    r.headers.push(("x-custom", "yes".into()));
    let reply = one(port, r);
    assert_eq!(reply.status, 201);
    assert_eq!(reply.text(), "got 8 bytes: hello h2");
    assert_eq!(
        reply.header("x-seen"),
        Some(format!(r#"["HTTP/2","POST","http","127.0.0.1:{port}","/a/b?c=1",0,"yes"]"#).as_str())
    );
    // The same listener still speaks HTTP/1.
    let mut s = common::connect(port);
    let (status, body) = common::http_request(&mut s, "POST", "/x", b"one");
    assert!(status.starts_with("HTTP/1.1 201"), "{status}");
    assert_eq!(body, "got 3 bytes: one");
}

#[test]
fn streams_of_one_connection_are_answered_as_they_finish_not_in_order() {
    let srv = Server::start(
        "h2-concurrent",
        r#"
pipy().listen($PORT0).serveHTTP(
  req => new Timeout(Number(req.head.headers['x-delay'])).wait().then(
    () => new Message({ headers: { 'x-path': req.head.path } }, 'done ' + req.head.path)
  )
)
"#,
        1,
    );
    let port = srv.ports[0];
    let mut reqs = Vec::new();
    for i in 0..20 {
        let mut r = get(&format!("/n{i}"));
        // The first streams wait longest, so they finish last.
        r.headers.push(("x-delay", format!("{}", if i < 5 { 0.4 } else { 0.0 })));
        reqs.push(r);
    }
    let start = std::time::Instant::now();
    let replies = exchange(port, reqs);
    assert!(start.elapsed() < Duration::from_secs(10));
    for (i, r) in replies.into_iter().enumerate() {
        let r = r.expect("a response");
        assert_eq!(r.status, 200);
        assert_eq!(r.text(), format!("done /n{i}"));
        assert_eq!(r.header("x-path"), Some(format!("/n{i}").as_str()));
    }
}

#[test]
fn big_bodies_stream_both_ways_under_flow_control() {
    // 3 MB each way: far past the default 64 KiB windows, so both sides must send
    // WINDOW_UPDATEs as the data is consumed.
    let srv = Server::start(
        "h2-big",
        r#"
pipy().listen($PORT0).demuxHTTP().to($ => $
  .replaceMessage(msg => new Message({ headers: { 'x-in': String(msg.body.size) } }, msg.body))
)
"#,
        1,
    );
    let body: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let replies = exchange(srv.ports[0], vec![post("/big", &body), post("/big2", &body[..100_000])]);
    let r0 = replies[0].as_ref().expect("response");
    assert_eq!(r0.header("x-in"), Some("3000000"));
    assert!(r0.body == body, "the body came back changed ({} bytes)", r0.body.len());
    let r1 = replies[1].as_ref().expect("response");
    assert_eq!(r1.body.len(), 100_000);
}

#[test]
fn trailers_pass_both_ways() {
    let srv = Server::start(
        "h2-trailers",
        r#"
pipy().listen($PORT0).demuxHTTP().to($ => $
  .replaceMessageEnd(end => (_t = end.tail?.headers?.['x-check'], new MessageEnd({ headers: { 'grpc-status': '0', 'x-echo': String(_t) } })))
  .replaceMessageStart(start => new MessageStart({ status: 200, headers: { 'content-type': 'text/plain' } }))
)
var _t
"#,
        1,
    );
    let mut r = post("/t", b"payload");
    r.trailers.push(("x-check", "abc"));
    let reply = one(srv.ports[0], r);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.text(), "payload");
    let t: Vec<_> = reply.trailers.iter().map(|(k, v)| format!("{k}={v}")).collect();
    assert!(t.contains(&"grpc-status=0".to_string()), "{t:?}");
    assert!(t.contains(&"x-echo=abc".to_string()), "{t:?}");
}

#[test]
fn an_http2_client_reaches_an_http1_upstream_through_the_proxy() {
    let srv = Server::start(
        "h2-to-h1",
        r#"
pipy().listen($PORT1).serveHTTP(req => new Message({ headers: { 'x-up': req.head.protocol } },
  req.head.method + ' ' + req.head.path + ' host=' + req.head.headers.host + ' ' + req.body.toString()))
pipy().listen($PORT0).demuxHTTP().to($ => $.muxHTTP().to($ => $.connect('127.0.0.1:$PORT1')))
"#,
        2,
    );
    let port = srv.ports[0];
    let replies = exchange(port, (0..10).map(|i| post(&format!("/p{i}"), format!("b{i}").as_bytes())).collect());
    for (i, r) in replies.into_iter().enumerate() {
        let r = r.expect("response");
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-up"), Some("HTTP/1.1"));
        assert_eq!(r.text(), format!("POST /p{i} host=127.0.0.1:{port} b{i}"));
    }
}

#[test]
fn a_failing_upstream_gives_the_same_502_over_http2() {
    let dead = common::free_port();
    let srv = Server::start(
        "h2-502",
        &format!("pipy().listen($PORT0).demuxHTTP().to($ => $.muxHTTP().to($ => $.connect('127.0.0.1:{dead}')))"),
        1,
    );
    let reply = one(srv.ports[0], get("/"));
    assert_eq!(reply.status, 502);
}

#[test]
fn curl_speaks_http2_with_prior_knowledge() {
    let srv = Server::start(
        "h2-curl",
        "pipy().listen($PORT0).serveHTTP(req => new Message('via ' + req.head.protocol + '\\n'))",
        1,
    );
    let url = format!("http://127.0.0.1:{}/", srv.ports[0]);
    // One URL a run: curl 7.88 fails to reuse a prior-knowledge connection (curl issue 10634).
    let out = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "10", "--http2-prior-knowledge", "-w", "%{http_version}", &url])
        .output()
        .expect("curl runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "via HTTP/2\n2", "{}", String::from_utf8_lossy(&out.stderr));
}

fn tls_fixture(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls").join(name))
        .expect("fixture")
}

/// curl over TLS: `(stdout, stderr)`; `-w` prints the HTTP version curl spoke.
fn curl_tls(port: u16, extra: &[&str]) -> (String, String) {
    let ca = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls/ca.crt");
    let url = format!("https://localhost:{port}/x");
    let resolve = format!("localhost:{port}:127.0.0.1");
    let mut args = vec!["-sS", "--max-time", "10", "--cacert", ca.to_str().expect("path"), "--resolve", &resolve];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["-w", " %{http_version}", &url]);
    let out = std::process::Command::new("curl").args(&args).output().expect("curl runs");
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn alpn_on_accept_tls_chooses_http2_or_http1_on_one_port() {
    let files = [("server.crt", tls_fixture("server.crt")), ("server.key", tls_fixture("server.key"))];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, c)| (*n, c.as_str())).collect();
    let srv = Server::start_with(
        "h2-alpn",
        r#"
var cert = new crypto.Certificate(pipy.load('server.crt'))
var key = new crypto.PrivateKey(pipy.load('server.key'))
pipy()
.listen($PORT0)
  .acceptTLS({ certificate: { cert, key }, alpn: ['h2', 'http/1.1'], handshake: p => console.log('alpn chose', p.alpn) })
  .to($ => $.serveHTTP(req => new Message(req.head.protocol)))
.listen($PORT1)
  .acceptTLS({ certificate: { cert, key }, alpn: names => (console.log('offered', names.join()), names.indexOf('http/1.1')) })
  .to($ => $.serveHTTP(req => new Message(req.head.protocol)))
"#,
        2,
        &files,
        &[],
    );
    let (out, err) = curl_tls(srv.ports[0], &["--http2"]);
    assert_eq!(out, "HTTP/2 2", "{err}");
    let (out, err) = curl_tls(srv.ports[0], &["--http1.1"]);
    assert_eq!(out, "HTTP/1.1 1.1", "{err}");
    // The function is given what the client offers and picks by index.
    let (out, err) = curl_tls(srv.ports[1], &["--http2"]);
    assert_eq!(out, "HTTP/1.1 1.1", "{err}");
    let mut srv = srv;
    srv.wait_for("alpn chose h2", Duration::from_secs(5));
    srv.wait_for("offered h2,http/1.1", Duration::from_secs(5));
}

#[test]
fn upgrade_h2c_makes_the_request_stream_1_and_goes_on_in_http2() {
    let srv = Server::start(
        "h2-h2c",
        r#"
pipy().listen($PORT0).serveHTTP(req => new Message(
  { headers: { 'x-names': Object.keys(req.head.headers).join() } },
  req.head.protocol + ' ' + req.head.method + ' ' + req.head.authority + ' ' + req.head.path))
pipy().listen($PORT1).demuxHTTP().to($ => $.replaceMessage(req => new Message(req.head.protocol + ' ' + req.head.path)))
"#,
        2,
    );
    for (i, port) in srv.ports.iter().enumerate() {
        let url = format!("http://127.0.0.1:{port}/up{i}");
        let out = std::process::Command::new("curl")
            .args(["-sS", "-i", "--max-time", "10", "--http2", &url])
            .output()
            .expect("curl runs");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with("HTTP/1.1 101 Switching Protocols\r\n"), "{text}");
        assert!(text.contains("\r\n\r\nHTTP/2 200"), "{text}");
        if i == 0 {
            // The upgrade's own headers are not the request's.
            assert!(text.contains("x-names: user-agent,accept\r\n"), "{text}");
            assert!(text.ends_with(&format!("HTTP/2 GET 127.0.0.1:{port} /up0")), "{text}");
        } else {
            assert!(text.ends_with("HTTP/2 /up1"), "{text}");
        }
    }
    // A request with a body is served as HTTP/1 (the server may ignore the upgrade).
    let url = format!("http://127.0.0.1:{}/post", srv.ports[1]);
    let out = std::process::Command::new("curl")
        .args(["-sS", "--max-time", "10", "--http2", "-d", "abc", &url])
        .output()
        .expect("curl runs");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "HTTP/1.1 /post");
}

/// An HTTP/2 upstream (prior knowledge) that says which connection and protocol each request
/// came on, echoing the body and a trailer.
const H2_UPSTREAM: &str = r#"
pipy().listen($PORT1).serveHTTP(req => new Message(
  { headers: { 'x-conn': String(__inbound.remotePort), 'x-proto': req.head.protocol, 'x-auth': req.head.authority } },
  req.head.method + ' ' + req.head.path + ' ' + req.body.toString()
))
"#;

#[test]
fn mux_http_version_2_shares_one_upstream_connection_among_streams() {
    let script = format!(
        "{H2_UPSTREAM}\npipy().listen($PORT0).demuxHTTP().to($ => $.muxHTTP(() => 'one', {{ version: 2, maxQueue: 0 }}).to($ => $.connect('127.0.0.1:$PORT1')))"
    );
    let srv = Server::start("h2-client", &script, 2);
    let port = srv.ports[0];
    let replies = exchange(port, (0..30).map(|i| post(&format!("/s{i}"), format!("body{i}").as_bytes())).collect());
    let mut conns = std::collections::HashSet::new();
    for (i, r) in replies.into_iter().enumerate() {
        let r = r.expect("response");
        assert_eq!(r.status, 200);
        assert_eq!(r.header("x-proto"), Some("HTTP/2"));
        assert_eq!(r.header("x-auth"), Some(format!("127.0.0.1:{port}").as_str()));
        assert_eq!(r.text(), format!("POST /s{i} body{i}"));
        conns.insert(r.header("x-conn").map(str::to_string));
    }
    assert_eq!(conns.len(), 1, "every stream on one upstream connection: {conns:?}");
    // An HTTP/1 client through the same proxy: HTTP/1 → HTTP/2.
    let mut s = common::connect(port);
    let (status, body) = common::http_request(&mut s, "PUT", "/h1", b"abc");
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert_eq!(body, "PUT /h1 abc");
}

#[test]
fn mux_http_version_2_streams_big_bodies_and_trailers_end_to_end() {
    let srv = Server::start(
        "h2-client-big",
        r#"
pipy().listen($PORT1).demuxHTTP().to($ => $
  .replaceMessageEnd(end => new MessageEnd({ headers: { 'grpc-status': '7', 'grpc-message': 'denied ' + end.tail?.headers?.['x-in'] } }))
)
pipy().listen($PORT0).demuxHTTP().to($ => $.muxHTTP({ version: 'h2' }).to($ => $.connect('127.0.0.1:$PORT1')))
"#,
        2,
    );
    let body: Vec<u8> = (0..2_000_000u32).map(|i| (i % 253) as u8).collect();
    let mut r = post("/big", &body);
    r.trailers.push(("x-in", "t1"));
    let reply = one(srv.ports[0], r);
    assert_eq!(reply.status, 200);
    assert!(reply.body == body, "body changed ({} bytes)", reply.body.len());
    let t: Vec<_> = reply.trailers.iter().map(|(k, v)| format!("{k}={v}")).collect();
    assert!(t.contains(&"grpc-status=7".to_string()) && t.contains(&"grpc-message=denied t1".to_string()), "{t:?}");
}

#[test]
fn mux_http_version_2_to_a_refused_upstream_answers_502() {
    let dead = common::free_port();
    let srv = Server::start(
        "h2-client-502",
        &format!(
            "pipy().listen($PORT0).demuxHTTP().to($ => $.muxHTTP({{ version: 2 }}).to($ => $.connect('127.0.0.1:{dead}')))"
        ),
        1,
    );
    let replies = exchange(srv.ports[0], vec![get("/a"), get("/b")]);
    for r in replies {
        assert_eq!(r.expect("response").status, 502);
    }
    let mut s = common::connect(srv.ports[0]);
    let (status, _) = common::http_request(&mut s, "GET", "/", b"");
    assert!(status.starts_with("HTTP/1.1 502"), "{status}");
}

#[test]
fn mux_http_version_from_a_promise_follows_what_alpn_chose() {
    let files = [("server.crt", tls_fixture("server.crt")), ("server.key", tls_fixture("server.key"))];
    let files: Vec<(&str, &str)> = files.iter().map(|(n, c)| (*n, c.as_str())).collect();
    // As the original's test: the version is a Promise resolved by connectTLS's handshake.
    let srv = Server::start_with(
        "h2-client-alpn",
        r#"
var cert = new crypto.Certificate(pipy.load('server.crt'))
var key = new crypto.PrivateKey(pipy.load('server.key'))
var p = pipy({ _select: null })
var proxy = (port, target) => p.listen(port).demuxHTTP().to($ => $
  .muxHTTP(() => target, { version: () => new Promise(f => _select = f) })
  .to($ => $
    .connectTLS({ sni: 'localhost', alpn: ['h2', 'http/1.1'], handshake: ({ alpn }) => _select(alpn) })
    .to($ => $.connect(target))
  )
)
var upstream = (port, alpn) => p.listen(port)
  .acceptTLS({ certificate: { cert, key }, alpn })
  .to($ => $.serveHTTP(req => new Message(req.head.protocol)))
proxy($PORT0, '127.0.0.1:$PORT2')
proxy($PORT1, '127.0.0.1:$PORT3')
upstream($PORT2, ['h2', 'http/1.1'])
upstream($PORT3, ['http/1.1'])
"#,
        4,
        &files,
        &[],
    );
    for (port, want) in [(srv.ports[0], "HTTP/2"), (srv.ports[1], "HTTP/1.1")] {
        let replies = exchange(port, vec![get("/1"), get("/2"), get("/3")]);
        for r in replies {
            assert_eq!(r.expect("response").text(), want);
        }
        let mut s = common::connect(port);
        let (_, body) = common::http_request(&mut s, "GET", "/", b"");
        assert_eq!(body, want);
    }
}

#[test]
fn open_streams_show_in_the_http2_stream_count_metric() {
    let admin = common::free_port();
    let admin_arg = format!("--admin-port=127.0.0.1:{admin}");
    let srv = Server::start_with(
        "h2-metrics",
        r#"
pipy().listen($PORT1).serveHTTP(req => new Timeout(1.5).wait().then(() => new Message('late')))
pipy().listen($PORT0).demuxHTTP().to($ => $.muxHTTP({ version: 2, maxQueue: 0 }).to($ => $.connect('127.0.0.1:$PORT1')))
"#,
        2,
        &[],
        &[&admin_arg],
    );
    let port = srv.ports[0];
    let client = std::thread::spawn(move || exchange(port, (0..4).map(|i| get(&format!("/{i}"))).collect()));
    let metric = |side: &str| -> Option<u64> {
        let raw = common::exchange(admin, b"GET /metrics HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
        let text = String::from_utf8_lossy(&raw).into_owned();
        let key = format!("pipy_http2_stream_count{{type=\"{side}\"}} ");
        text.lines().find_map(|l| l.strip_prefix(&key)).and_then(|v| v.trim().parse().ok())
    };
    // While the answers wait: 4 streams in from the client (and the upstream's server side,
    // the same process), 4 out to the upstream.
    let start = std::time::Instant::now();
    let mut seen = (0, 0);
    while start.elapsed() < Duration::from_secs(1) {
        seen = (metric("Server").unwrap_or(0), metric("Client").unwrap_or(0));
        if seen == (8, 4) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(seen, (8, 4));
    for r in client.join().expect("client") {
        assert_eq!(r.expect("response").text(), "late");
    }
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!((metric("Server"), metric("Client")), (Some(0), Some(0)));
}

#[test]
fn connect_tunnels_run_over_http2_streams_both_ends() {
    // As the original's test 006: connectHTTPTunnel → muxHTTP({version: 2}) on one end,
    // demuxHTTP → acceptHTTPTunnel on the other, an HTTP server behind.
    let srv = Server::start(
        "h2-tunnel",
        r#"
pipy({ _target: undefined })
.listen($PORT2).serveHTTP(req => new Message('Hello over ' + req.head.protocol + '\n'))
.listen($PORT1).demuxHTTP().to($ => $
  .acceptHTTPTunnel(msg => msg.head.method === 'CONNECT' && msg.head.protocol === 'HTTP/2' ? void (_target = msg.head.path)
    : new Message({ status: 405 }, 'method not allowed\n'))
  .to($ => $.connect(() => _target))
)
.listen($PORT0)
.connectHTTPTunnel(() => new Message({ method: 'CONNECT', path: '127.0.0.1:$PORT2' }))
.to($ => $.muxHTTP(() => 1, { version: 2, maxQueue: 0 }).to($ => $.connect('127.0.0.1:$PORT1')))
"#,
        3,
    );
    let port = srv.ports[0];
    // HTTP/1 requests through the tunnel, several on one connection, on two connections.
    for _ in 0..2 {
        let mut s = common::connect(port);
        for i in 0..3 {
            let (status, body) = common::http_request(&mut s, "GET", &format!("/{i}"), b"");
            assert!(status.starts_with("HTTP/1.1 200"), "{status}");
            assert_eq!(body, "Hello over HTTP/1.1\n");
        }
    }
    // HTTP/2 inside the tunnel (its bytes are opaque to the tunnel).
    let replies = exchange(port, vec![get("/a"), get("/b")]);
    for r in replies {
        assert_eq!(r.expect("response").text(), "Hello over HTTP/2\n");
    }
    // The tunnel's server end refuses what is not a CONNECT, over HTTP/2 as over HTTP/1.
    let reply = one(srv.ports[1], get("/"));
    assert_eq!((reply.status, reply.text().as_str()), (405, "method not allowed\n"));
}

#[test]
fn shutdown_sends_goaway_and_lets_streams_in_flight_finish() {
    let mut srv = Server::start(
        "h2-goaway",
        "pipy().listen($PORT0).serveHTTP(req => new Timeout(Number(req.head.path.substring(1))).wait().then(() => new Message('done ' + req.head.path)))",
        1,
    );
    let port = srv.ports[0];
    let pid = srv.pid();
    let rt = runtime();
    let (slow, conn_end, late) = rt.block_on(async move {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
        let (client, conn) = h2::client::handshake(tcp).await.expect("h2 handshake");
        let conn = tokio::spawn(conn);
        // A request that takes a second; the worker is told to stop while it runs.
        let slow = tokio::spawn(send_one(client.clone(), port, get("/1")));
        tokio::time::sleep(Duration::from_millis(300)).await;
        let _ = std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status();
        tokio::time::sleep(Duration::from_millis(300)).await;
        // After GOAWAY the connection takes no new streams.
        let late = tokio::time::timeout(Duration::from_secs(5), send_one(client, port, get("/0"))).await;
        let slow = tokio::time::timeout(Duration::from_secs(5), slow).await;
        let conn_end = tokio::time::timeout(Duration::from_secs(5), conn).await;
        (slow, conn_end, late)
    });
    let reply = slow.expect("in time").expect("task").expect("the request in flight is answered");
    assert_eq!(reply.text(), "done /1");
    assert!(late.expect("in time").is_err(), "a stream after GOAWAY is refused");
    assert!(conn_end.is_ok(), "the server closes the connection once its streams are done");
    assert_eq!(srv.signal_and_wait("TERM", Duration::from_secs(5)), Some(0));
}

#[test]
fn mux_http_pings_the_upstream_as_its_ping_option_says() {
    let mut srv = Server::start(
        "h2-ping",
        r#"
var pongs = 0
pipy().listen($PORT1).serveHTTP(new Message('ok'))
pipy().listen($PORT0).demuxHTTP().to($ => $
  // A session of its own key, so it outlives the client's connection.
  .muxHTTP(() => 'up', {
    version: 2,
    // Called as the session starts (no ack) and with each PING's ACK: a Data (or a Promise
    // of one) sends the next PING, nothing stops.
    ping: ack => (
      ack && console.log('pong', ++pongs, ack.toString()),
      pongs < 3 ? new Timeout(0.05).wait().then(() => new Data('ping' + pongs + '...')) : null
    ),
  })
  .to($ => $.connect('127.0.0.1:$PORT1'))
)
"#,
        2,
    );
    assert_eq!(one(srv.ports[0], get("/")).text(), "ok");
    srv.wait_for("pong 3 ping2...", Duration::from_secs(5));
    std::thread::sleep(Duration::from_millis(300));
    assert!(!srv.logged(Duration::from_millis(10)).iter().any(|l| l.contains("pong 4")));
}

#[test]
fn http_agent_speaks_http2_with_version_2() {
    let mut srv = Server::start(
        "h2-agent",
        r#"
pipy().listen($PORT1).serveHTTP(req => new Message({ status: 201 }, req.head.protocol + ' ' + req.head.path + ' ' + req.body))
var agent = new http.Agent('127.0.0.1:$PORT1', { version: 2 })
pipy().listen($PORT0).serveHTTP(() => agent.request('POST', '/via-agent', {}, 'hi').then(
  res => (console.log('agent got', res.head.status, res.body.toString()), new Message('done'))
))
"#,
        2,
    );
    let mut s = common::connect(srv.ports[0]);
    let (_, body) = common::http_request(&mut s, "GET", "/", b"");
    assert_eq!(body, "done");
    srv.wait_for("agent got 201 HTTP/2 /via-agent hi", Duration::from_secs(5));
}

#[test]
fn a_reload_sends_goaway_so_clients_move_to_the_new_pipelines() {
    let srv = Server::start(
        "h2-reload",
        "pipy().listen($PORT0).serveHTTP(req => new Timeout(Number(req.head.path.substring(1))).wait().then(() => new Message('v1')))",
        1,
    );
    let port = srv.ports[0];
    let script = srv.dir.join("main.js");
    let pid = srv.pid();
    let rt = runtime();
    let (slow, late) = rt.block_on(async move {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
        let (client, conn) = h2::client::handshake(tcp).await.expect("h2 handshake");
        tokio::spawn(conn);
        let slow = tokio::spawn(send_one(client.clone(), port, get("/1")));
        tokio::time::sleep(Duration::from_millis(200)).await;
        std::fs::write(
            &script,
            "pipy().listen($PORT0).serveHTTP(new Message('v2'))".replace("$PORT0", &port.to_string()),
        )
        .expect("write");
        let _ = std::process::Command::new("kill").args(["-HUP", &pid.to_string()]).status();
        tokio::time::sleep(Duration::from_millis(400)).await;
        let late = tokio::time::timeout(Duration::from_secs(5), send_one(client, port, get("/0"))).await;
        (tokio::time::timeout(Duration::from_secs(5), slow).await, late)
    });
    assert_eq!(slow.expect("in time").expect("task").expect("answered").text(), "v1");
    assert!(late.expect("in time").is_err(), "the old connection takes no new streams after the reload");
    // A new connection gets the new pipelines.
    assert_eq!(one(port, get("/")).text(), "v2");
}

#[test]
fn dump_shows_each_http2_stream_with_its_head() {
    let mut srv = Server::start(
        "h2-dump",
        "pipy().listen($PORT0).demuxHTTP().to($ => $.dump('h2').replaceMessage(new Message('ok')))",
        1,
    );
    let replies = exchange(srv.ports[0], vec![post("/one", b"1"), post("/two", b"2")]);
    assert!(replies.iter().all(|r| r.as_ref().is_ok_and(|r| r.text() == "ok")));
    srv.wait_for("[h2] MessageStart, head = {", Duration::from_secs(5));
    srv.wait_for("protocol: 'HTTP/2'", Duration::from_secs(5));
    srv.wait_for("path: '/two'", Duration::from_secs(5));
}

#[test]
fn demux_http_options_apply_to_http2_as_to_http1() {
    let srv = Server::start(
        "h2-options",
        r#"
pipy().listen($PORT0).serveHTTP(req => new Message('ok ' + req.head.path),
  { maxMessages: 2, maxHeaderSize: 1000, streamWindowSize: 100000, connectionWindowSize: 200000 })
"#,
        1,
    );
    let port = srv.ports[0];
    // maxMessages over HTTP/1: the second answer closes the connection.
    let mut s = common::connect(port);
    let (_, b1) = common::http_request(&mut s, "GET", "/1", b"");
    assert_eq!(b1, "ok /1");
    std::io::Write::write_all(&mut s, b"GET /2 HTTP/1.1\r\nhost: x\r\n\r\n").expect("write");
    let rest = String::from_utf8_lossy(&common::read_all(&mut s)).into_owned();
    assert!(rest.contains("connection: close\r\n") && rest.ends_with("ok /2"), "{rest}");
    // maxMessages over HTTP/2: GOAWAY after the second stream, so a third is refused.
    let replies = runtime().block_on(async move {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
        let (client, conn) = h2::client::handshake(tcp).await.expect("h2 handshake");
        tokio::spawn(conn);
        let mut out = Vec::new();
        for i in 0..3 {
            let r = tokio::time::timeout(Duration::from_secs(5), send_one(client.clone(), port, get(&format!("/{i}"))));
            out.push(r.await.map_err(|_| "timed out".to_string()).and_then(|r| r));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        out
    });
    assert_eq!(replies[0].as_ref().map(|r| r.text()), Ok("ok /0".to_string()));
    assert_eq!(replies[1].as_ref().map(|r| r.text()), Ok("ok /1".to_string()));
    assert!(replies[2].is_err(), "{:?}", replies[2]);
    // maxHeaderSize over HTTP/2: a 2,000-byte header is refused, a small request served.
    let mut big = get("/big");
    big.headers.push(("x-big", "v".repeat(2000)));
    let replies = exchange(port, vec![big]);
    assert!(replies[0].as_ref().map_or(true, |r| r.status == 431), "{:?}", replies[0]);
    // The windows are what the server's SETTINGS and WINDOW_UPDATE announce.
    let mut s = common::connect(port);
    let mut hello = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    hello.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
    std::io::Write::write_all(&mut s, &hello).expect("write");
    let mut buf = vec![0u8; 256];
    let mut got = Vec::new();
    let settings = [0, 4, 0, 1, 0x86, 0xa0];
    let update = (200_000u32 - 65_535).to_be_bytes();
    while !(got.windows(6).any(|w| w == settings) && got.windows(4).any(|w| w == update)) {
        match std::io::Read::read(&mut s, &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    // SETTINGS_INITIAL_WINDOW_SIZE (4) = 100000; the connection window grows by 200000 - 65535.
    assert!(got.windows(6).any(|w| w == settings), "{got:?}");
    assert!(got.windows(4).any(|w| w == update), "{got:?}");
}

#[test]
fn mux_http_max_header_size_limits_upstream_answers_on_both_versions() {
    let srv = Server::start(
        "h2-mux-max-header",
        r#"
pipy().listen($PORT2).serveHTTP(new Message({ headers: { 'x-big': 'v'.repeat(5000) } }, 'big'))
pipy().listen($PORT0).demuxHTTP().to($ => $.muxHTTP({ maxHeaderSize: 1000 }).to($ => $.connect('127.0.0.1:$PORT2')))
pipy().listen($PORT1).demuxHTTP().to($ => $.muxHTTP({ version: 2, maxHeaderSize: 1000 }).to($ => $.connect('127.0.0.1:$PORT2')))
pipy().listen($PORT3).demuxHTTP().to($ => $.muxHTTP({ version: 2 }).to($ => $.connect('127.0.0.1:$PORT2')))
"#,
        4,
    );
    for port in [srv.ports[0], srv.ports[1]] {
        let mut s = common::connect(port);
        let (status, _) = common::http_request(&mut s, "GET", "/", b"");
        assert!(status.starts_with("HTTP/1.1 502"), "port {port}: {status}");
    }
    let mut s = common::connect(srv.ports[3]);
    let (status, body) = common::http_request(&mut s, "GET", "/", b"");
    assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    assert_eq!(body, "big");
}

#[test]
fn a_slow_upstream_holds_back_only_its_own_request_stream() {
    // Stream A uploads to an upstream that accepts and never reads; stream B, on the same
    // connection, uploads to a handler. A's window must close (pipy stops taking its body once
    // what it queued upstream is at the limit), while the connection goes on reading B.
    let slow = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let slow_port = slow.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for c in slow.incoming().take(4) {
            held.push(c);
        }
        std::thread::sleep(Duration::from_secs(60));
    });
    let srv = Server::start(
        "h2-paced",
        &r#"
pipy({ _slow: false })
.listen($PORT0).demuxHTTP().to($ => $
  .handleMessageStart(msg => { _slow = msg.head.path === '/slow' })
  .branch(
    () => _slow, ($ => $.connect('127.0.0.1:SLOW')),
    ($ => $.replaceMessage(req => new Message('got ' + req.body.size)))
  )
)
"#
        .replace("SLOW", &slow_port.to_string()),
        1,
    );
    let port = srv.ports[0];
    const TOTAL: usize = 48 << 20;
    let (a_sent, b) = runtime().block_on(async move {
        let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.expect("connect");
        let (client, conn) = h2::client::handshake(tcp).await.expect("h2 handshake");
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let sent = std::rc::Rc::new(std::cell::Cell::new(0usize));
        let counter = sent.clone();
        let mut a_client = client.clone().ready().await.expect("ready");
        let req = http::Request::post(format!("http://127.0.0.1:{port}/slow")).body(()).expect("request");
        let (_resp, mut stream) = a_client.send_request(req, false).expect("stream A");
        let local = tokio::task::LocalSet::new();
        local.spawn_local(async move {
            let chunk = Bytes::from(vec![b'a'; 64 << 10]);
            while counter.get() < TOTAL {
                stream.reserve_capacity(chunk.len());
                match std::future::poll_fn(|cx| stream.poll_capacity(cx)).await {
                    Some(Ok(n)) if n > 0 => {
                        if stream.send_data(chunk.slice(..n), false).is_err() {
                            return;
                        }
                        counter.set(counter.get() + n);
                    }
                    Some(Ok(_)) => {}
                    _ => return,
                }
            }
        });
        local
            .run_until(async move {
                // A runs until its window closes.
                tokio::time::sleep(Duration::from_millis(1500)).await;
                let body: Vec<u8> = vec![b'b'; 2 << 20];
                let b =
                    tokio::time::timeout(Duration::from_secs(10), send_one(client, port, post("/fast", &body))).await;
                (sent.get(), b)
            })
            .await
    });
    let b = b.expect("stream B is answered while A is held back").expect("a response");
    assert_eq!(b.text(), format!("got {}", 2 << 20));
    // A got as far as the kernel's socket buffers, pipy's 1 MiB limit and one window take it.
    assert!(a_sent < TOTAL / 2, "stream A sent {a_sent} bytes: its body was not held back");
    assert!(a_sent > 1 << 20, "stream A sent only {a_sent} bytes");
}

#[test]
fn the_servers_hpack_checks_follow_a_real_encoders_dynamic_table() {
    // The `h2` client indexes header fields, Huffman-codes them and evicts entries as its
    // table fills. 400 requests with changing names and values of every length, on one
    // connection: none may be taken for an HPACK error.
    let srv = Server::start(
        "h2-hpack-table",
        "pipy().listen($PORT0).serveHTTP(msg => new Message(String(Object.keys(msg.head.headers).length)))",
        1,
    );
    let reqs = (0..400u32)
        .map(|i| {
            let mut r = get(&format!("/p{}", i % 13));
            for j in 0..(i % 5) {
                let len = ((i * 31 + j * 17) % 300) as usize;
                let value: String = (0..len).map(|k| char::from(b'a' + ((k as u32 + i) % 26) as u8)).collect();
                r.headers.push((["x-alpha", "x-beta", "x-gamma", "x-delta", "x-epsilon"][j as usize], value));
            }
            r
        })
        .collect();
    let replies = exchange(srv.ports[0], reqs);
    let answered = replies.iter().filter(|r| r.as_ref().is_ok_and(|r| r.status == 200)).count();
    assert_eq!(answered, 400, "{:?}", replies.iter().find(|r| r.is_err()));
}
