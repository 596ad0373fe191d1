//! FastCGI over real loopback sockets. `demuxFastCGI`: a FastCGI client written here (raw
//! records over a TcpStream) talks to `pipy` — params cut across records, stdin in pieces, a
//! request id used again on a kept connection, requests interleaved, the connection closed after
//! a request without FCGI_KEEP_CONN. `muxFastCGI`: `pipy` turns HTTP requests into FastCGI ones for
//! a responder thread written here — keep-alive sessions, a fresh connection per request without
//! keepAlive, the responder down (the HTTP proxy's 502). Malformed records, both ways, close the
//! connection with a logged error while the process goes on serving.

mod common;

use common::{Server, connect, free_port, http_request, read_all};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

const BEGIN_REQUEST: u8 = 1;
const END_REQUEST: u8 = 3;
const PARAMS: u8 = 4;
const STDIN: u8 = 5;
const STDOUT: u8 = 6;
const STDERR: u8 = 7;

/// One record, padded to 8 bytes as the specification recommends.
fn record(kind: u8, id: u16, content: &[u8]) -> Vec<u8> {
    let pad = (8 - content.len() % 8) % 8;
    let [i1, i0] = id.to_be_bytes();
    let [l1, l0] = (content.len() as u16).to_be_bytes();
    let mut out = vec![1, kind, i1, i0, l1, l0, pad as u8, 0];
    out.extend_from_slice(content);
    out.extend(std::iter::repeat_n(0u8, pad));
    out
}

fn pair(name: &str, value: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for n in [name.len(), value.len()] {
        if n < 128 {
            out.push(n as u8);
        } else {
            out.extend_from_slice(&(n as u32 | 0x8000_0000).to_be_bytes());
        }
    }
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(value.as_bytes());
    out
}

/// A whole request: BEGIN_REQUEST, the params cut in two records, stdin in records of 3 bytes.
fn request(id: u16, keep: bool, params: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = record(BEGIN_REQUEST, id, &[0, 1, keep as u8, 0, 0, 0, 0, 0]);
    let stream: Vec<u8> = params.iter().flat_map(|(n, v)| pair(n, v)).collect();
    let cut = stream.len().min(5);
    out.extend(record(PARAMS, id, &stream[..cut]));
    if cut < stream.len() {
        out.extend(record(PARAMS, id, &stream[cut..]));
    }
    out.extend(record(PARAMS, id, &[]));
    for piece in body.chunks(3) {
        out.extend(record(STDIN, id, piece));
    }
    out.extend(record(STDIN, id, &[]));
    out
}

/// Reads one record: (type, id, content); None at the end of the stream.
fn read_record(s: &mut TcpStream) -> Option<(u8, u16, Vec<u8>)> {
    let mut h = [0u8; 8];
    s.read_exact(&mut h).ok()?;
    assert_eq!(h[0], 1, "version");
    let len = u16::from_be_bytes([h[4], h[5]]) as usize;
    let mut body = vec![0u8; len + h[6] as usize];
    s.read_exact(&mut body).ok()?;
    body.truncate(len);
    Some((h[1], u16::from_be_bytes([h[2], h[3]]), body))
}

/// What came back for a request.
#[derive(Default, Debug)]
struct Response {
    stdout: String,
    stderr: String,
    app_status: u32,
    protocol_status: u8,
    /// STDOUT's empty closing record came before END_REQUEST.
    stdout_closed: bool,
}

/// Reads records until every id of `ids` has its END_REQUEST.
fn read_responses(s: &mut TcpStream, ids: &[u16]) -> Vec<Response> {
    let mut got: Vec<Response> = ids.iter().map(|_| Response::default()).collect();
    let mut ended = 0;
    while ended < ids.len() {
        let (kind, id, content) = read_record(s).expect("a record");
        let i = ids.iter().position(|x| *x == id).expect("a known id");
        let r = &mut got[i];
        match kind {
            STDOUT if content.is_empty() => r.stdout_closed = true,
            STDOUT => r.stdout.push_str(&String::from_utf8_lossy(&content)),
            STDERR => r.stderr.push_str(&String::from_utf8_lossy(&content)),
            END_REQUEST => {
                r.app_status = u32::from_be_bytes([content[0], content[1], content[2], content[3]]);
                r.protocol_status = content[4];
                ended += 1;
            }
            k => panic!("unexpected record type {k}"),
        }
    }
    got
}

const DEMUX_SCRIPT: &str = r#"
var $fail = false
pipy.listen($PORT0, $=>$
  .demuxFastCGI().to($=>$
    .handleMessageStart(ms => { $fail = 'FAIL' in ms.head.params })
    .replaceMessage(m => new Message(
      `Content-Type: text/plain\r\n\r\nrole=${m.head.role} keep=${m.head.keepAlive} params=${JSON.stringify(m.head.params)} body=${m.body.toString()}`
    ))
    .replaceMessageEnd(me => $fail ? new MessageEnd({ appStatus: 7, stderr: new Data('bad thing') }) : me)
  )
)
"#;

#[test]
fn demux_answers_requests_over_a_socket() {
    let server = Server::start("fastcgi-demux", DEMUX_SCRIPT, 1);
    let mut s = connect(server.port(0));
    let long = "v".repeat(300);
    s.write_all(&request(
        1,
        true,
        &[("SCRIPT_NAME", "/index.php"), ("REQUEST_METHOD", "POST"), ("LONG", &long)],
        b"name=pipy&x=1",
    ))
    .expect("write");
    let r = read_responses(&mut s, &[1]).remove(0);
    let want = format!(
        "Content-Type: text/plain\r\n\r\nrole=1 keep=true params={{\"SCRIPT_NAME\":\"/index.php\",\"REQUEST_METHOD\":\"POST\",\"LONG\":\"{long}\"}} body=name=pipy&x=1"
    );
    assert_eq!(r.stdout, want);
    assert!(r.stdout_closed);
    assert_eq!((r.app_status, r.protocol_status, r.stderr.as_str()), (0, 0, ""));

    // The same id again on the kept connection (what nginx does), and a tail's appStatus and
    // stderr.
    s.write_all(&request(1, true, &[("FAIL", "1")], b"")).expect("write");
    let r = read_responses(&mut s, &[1]).remove(0);
    assert_eq!(r.stdout, "Content-Type: text/plain\r\n\r\nrole=1 keep=true params={\"FAIL\":\"1\"} body=");
    assert_eq!((r.app_status, r.stderr.as_str()), (7, "bad thing"));

    // Two requests interleaved record by record.
    let a = request(2, true, &[("A", "a")], b"first body");
    let b = request(3, true, &[("B", "b")], b"second");
    let (ra, rb) = (records_of(&a), records_of(&b));
    let mut mixed = Vec::new();
    for i in 0..ra.len().max(rb.len()) {
        mixed.extend(ra.get(i).cloned().unwrap_or_default());
        mixed.extend(rb.get(i).cloned().unwrap_or_default());
    }
    s.write_all(&mixed).expect("write");
    let rs = read_responses(&mut s, &[2, 3]);
    assert!(rs[0].stdout.ends_with("params={\"A\":\"a\"} body=first body"), "{:?}", rs[0]);
    assert!(rs[1].stdout.ends_with("params={\"B\":\"b\"} body=second"), "{:?}", rs[1]);

    // Without FCGI_KEEP_CONN the connection closes after the response.
    s.write_all(&request(9, false, &[("LAST", "yes")], b"bye")).expect("write");
    let r = read_responses(&mut s, &[9]).remove(0);
    assert!(r.stdout.ends_with("role=1 keep=false params={\"LAST\":\"yes\"} body=bye"), "{r:?}");
    assert!(read_all(&mut s).is_empty(), "the connection closes");
}

/// Splits an encoded request back into its records.
fn records_of(mut b: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    while b.len() >= 8 {
        let n = 8 + u16::from_be_bytes([b[4], b[5]]) as usize + b[6] as usize;
        out.push(b[..n].to_vec());
        b = &b[n..];
    }
    out
}

#[test]
fn demux_closes_the_connection_on_malformed_records_and_keeps_serving() {
    let mut server = Server::start("fastcgi-demux-bad", DEMUX_SCRIPT, 1);
    let port = server.port(0);
    let cases: [(&str, Vec<u8>); 3] = [
        ("version 2", {
            let mut r = record(BEGIN_REQUEST, 1, &[0, 1, 1, 0, 0, 0, 0, 0]);
            r[0] = 2;
            r
        }),
        ("short begin", record(BEGIN_REQUEST, 1, &[0, 1])),
        ("params cut inside a pair", {
            let mut r = record(BEGIN_REQUEST, 1, &[0, 1, 1, 0, 0, 0, 0, 0]);
            r.extend(record(PARAMS, 1, &[5, 5, b'a', b'b']));
            r.extend(record(PARAMS, 1, &[]));
            r
        }),
    ];
    for (what, bytes) in &cases {
        let mut s = connect(port);
        s.write_all(bytes).expect("write");
        // Nothing answers, and the connection closes without waiting for the client.
        assert!(read_all(&mut s).is_empty(), "{what}: no answer expected");
    }
    let log = server.logged(Duration::from_millis(200));
    let errors: Vec<&String> = log.iter().filter(|l| l.contains("malformed FastCGI record")).collect();
    assert_eq!(errors.len(), 3, "log:\n{}", log.join("\n"));
    assert!(errors[0].contains("version 2"), "{}", errors[0]);
    assert!(errors[1].contains("FCGI_BEGIN_REQUEST body of 2 bytes"), "{}", errors[1]);
    assert!(errors[2].contains("inside a name-value pair"), "{}", errors[2]);
    // Many requests started at once, none finishing its params: the connection's budget ends it.
    let mut s = connect(port);
    let filler = vec![0x7fu8; 0xfff0];
    for id in 1..=80u16 {
        let mut r = record(BEGIN_REQUEST, id, &[0, 1, 1, 0, 0, 0, 0, 0]);
        r.extend(record(PARAMS, id, &filler));
        if s.write_all(&r).is_err() {
            break;
        }
    }
    assert!(read_all(&mut s).is_empty());
    let line = server.wait_for("requests being started exceed", Duration::from_secs(5));
    assert!(line.contains("malformed FastCGI record"), "{line}");
    // The process still serves.
    let mut s = connect(port);
    s.write_all(&request(1, false, &[("OK", "1")], b"")).expect("write");
    let r = read_responses(&mut s, &[1]).remove(0);
    assert!(r.stdout.ends_with("params={\"OK\":\"1\"} body="), "{r:?}");
}

/// A FastCGI responder on its own thread: answers each request with its params and body, the
/// number of the connection it came on, and a line of stderr; closes a connection after a
/// request without FCGI_KEEP_CONN. `garbage` makes it answer with a record of version 9.
struct Responder {
    port: u16,
    connections: Arc<AtomicUsize>,
}

impl Responder {
    fn start(garbage: bool) -> Responder {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        std::thread::spawn(move || {
            for s in listener.incoming() {
                let Ok(s) = s else { break };
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                std::thread::spawn(move || serve(s, n, garbage));
            }
        });
        Responder { port, connections }
    }
}

fn params_of(mut b: &[u8]) -> Vec<(String, String)> {
    fn len(b: &mut &[u8]) -> usize {
        if b[0] & 0x80 == 0 {
            let n = b[0] as usize;
            *b = &b[1..];
            n
        } else {
            let n = u32::from_be_bytes([b[0] & 0x7f, b[1], b[2], b[3]]) as usize;
            *b = &b[4..];
            n
        }
    }
    let mut out = Vec::new();
    while !b.is_empty() {
        let n = len(&mut b);
        let v = len(&mut b);
        out.push((String::from_utf8_lossy(&b[..n]).into_owned(), String::from_utf8_lossy(&b[n..n + v]).into_owned()));
        b = &b[n + v..];
    }
    out
}

fn serve(mut s: TcpStream, conn: usize, garbage: bool) {
    use std::collections::HashMap;
    let mut reqs: HashMap<u16, (bool, Vec<u8>, Vec<u8>)> = HashMap::new();
    while let Some((kind, id, content)) = read_record(&mut s) {
        match kind {
            BEGIN_REQUEST => {
                reqs.insert(id, (content[2] & 1 != 0, Vec::new(), Vec::new()));
            }
            PARAMS => reqs.entry(id).or_default().1.extend(content),
            STDIN if !content.is_empty() => reqs.entry(id).or_default().2.extend(content),
            STDIN => {
                let (keep, params, body) = reqs.remove(&id).unwrap_or_default();
                if garbage {
                    let mut r = record(STDOUT, id, b"Status: 200\r\n\r\nhi");
                    r[0] = 9;
                    let _ = s.write_all(&r);
                    continue;
                }
                let params: Vec<String> = params_of(&params).iter().map(|(k, v)| format!("{k}={v}")).collect();
                let text = format!(
                    "Content-Type: text/plain\r\n\r\nconn={conn} id={id} keep={keep} {} body={}",
                    params.join(" "),
                    String::from_utf8_lossy(&body)
                );
                // Records carry at most 65535 bytes each.
                let mut out: Vec<u8> = text.as_bytes().chunks(0xffff).flat_map(|c| record(STDOUT, id, c)).collect();
                out.extend(record(STDERR, id, b"a warning"));
                out.extend(record(STDERR, id, b""));
                out.extend(record(STDOUT, id, b""));
                out.extend(record(END_REQUEST, id, &[0, 0, 0, 5, 0, 0, 0, 0]));
                if s.write_all(&out).is_err() {
                    return;
                }
                if !keep {
                    // A responder may take its time to close: the next request must not be
                    // sent on this connection meanwhile.
                    std::thread::sleep(Duration::from_millis(100));
                    return;
                }
            }
            _ => {}
        }
    }
}

/// An HTTP listener on $PORT0 whose requests go to the FastCGI responder at UPSTREAM (the body
/// streamed as it comes); the response carries the CGI body, and the tail's appStatus and stderr
/// as headers.
const MUX_SCRIPT: &str = r#"
pipy.listen($PORT0, $=>$
  .demuxHTTP().to($=>$
    .replaceMessageStart(ms => new MessageStart({
      keepAlive: KEEP,
      params: { REQUEST_METHOD: ms.head.method, REQUEST_URI: ms.head.path },
    }))
    .muxFastCGI(MUXARGS).to($=>$.connect('127.0.0.1:UPSTREAM'))
    .replaceMessage(m => {
      var text = m.body.toString()
      return new Message(
        { status: 200, headers: { 'x-app-status': String(m.tail.appStatus), 'x-stderr': m.tail.stderr.toString() } },
        text.substring(text.indexOf('\r\n\r\n') + 4)
      )
    })
  )
)
"#;

fn mux_server(name: &str, upstream: u16, keep: bool) -> Server {
    mux_server_with(name, upstream, keep, "")
}

fn mux_server_with(name: &str, upstream: u16, keep: bool, args: &str) -> Server {
    let script = MUX_SCRIPT
        .replace("UPSTREAM", &upstream.to_string())
        .replace("KEEP", &keep.to_string())
        .replace("MUXARGS", args);
    Server::start(name, &script, 1)
}

/// A raw HTTP exchange returning the whole response head and body.
fn http_raw(s: &mut TcpStream, method: &str, path: &str, body: &[u8]) -> (String, String) {
    let head = format!("{method} {path} HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\n", body.len());
    s.write_all(head.as_bytes()).expect("write");
    s.write_all(body).expect("write");
    common::read_head_and_body(s)
}

#[test]
fn mux_sends_http_requests_to_a_responder_on_one_kept_connection() {
    let responder = Responder::start(false);
    let server = mux_server("fastcgi-mux", responder.port, true);
    let mut s = connect(server.port(0));
    let (head, body) = http_raw(&mut s, "GET", "/a?x=1", b"");
    assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
    assert!(head.contains("x-app-status: 5\r\n") && head.contains("x-stderr: a warning\r\n"), "{head}");
    assert_eq!(body, "conn=1 id=1 keep=true REQUEST_METHOD=GET REQUEST_URI=/a?x=1 body=");
    let (_, body) = http_raw(&mut s, "POST", "/form", b"k=v&w=1");
    assert_eq!(body, "conn=1 id=1 keep=true REQUEST_METHOD=POST REQUEST_URI=/form body=k=v&w=1");
    let big = "b".repeat(100_000);
    let (_, body) = http_raw(&mut s, "PUT", "/big", big.as_bytes());
    let want = format!("conn=1 id=1 keep=true REQUEST_METHOD=PUT REQUEST_URI=/big body={big}");
    assert!(body == want, "a 100 kB body and its echo: got {} bytes, {:?}…", body.len(), &body[..body.len().min(80)]);
    assert_eq!(responder.connections.load(Ordering::SeqCst), 1, "one upstream connection for the keep-alive client");
    // curl, as a client would: two requests on one connection.
    let port = server.port(0);
    let out = std::process::Command::new("curl")
        .args(["-s", &format!("http://127.0.0.1:{port}/c1"), &format!("http://127.0.0.1:{port}/c2")])
        .output();
    if let Ok(out) = out {
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            text,
            "conn=2 id=1 keep=true REQUEST_METHOD=GET REQUEST_URI=/c1 body=conn=2 id=1 keep=true REQUEST_METHOD=GET REQUEST_URI=/c2 body="
        );
    }
}

#[test]
fn mux_without_keep_alive_gets_a_connection_per_request() {
    let responder = Responder::start(false);
    let server = mux_server("fastcgi-mux-close", responder.port, false);
    let mut s = connect(server.port(0));
    for (i, path) in ["/one", "/two", "/three"].iter().enumerate() {
        let (status, body) = http_request(&mut s, "GET", path, b"");
        assert_eq!(status, "HTTP/1.1 200 OK");
        assert_eq!(body, format!("conn={} id=1 keep=false REQUEST_METHOD=GET REQUEST_URI={path} body=", i + 1));
    }
    assert_eq!(responder.connections.load(Ordering::SeqCst), 3);
}

#[test]
fn mux_with_the_responder_down_gives_the_proxy_502_and_keeps_serving() {
    let dead = free_port();
    let server = mux_server("fastcgi-mux-down", dead, true);
    let mut s = connect(server.port(0));
    let (status, _) = http_request(&mut s, "GET", "/", b"");
    assert_eq!(status, "HTTP/1.1 502 Connection Refused");
    // A second request on the same client connection gets the same answer.
    let (status, _) = http_request(&mut s, "GET", "/again", b"");
    assert_eq!(status, "HTTP/1.1 502 Connection Refused");
}

#[test]
fn mux_ends_the_session_on_a_malformed_response_and_keeps_serving() {
    let responder = Responder::start(true);
    let mut server = mux_server("fastcgi-mux-bad", responder.port, true);
    let mut s = connect(server.port(0));
    let (status, _) = http_request(&mut s, "GET", "/", b"");
    assert_eq!(status, "HTTP/1.1 502 Bad Gateway");
    let line = server.wait_for("malformed FastCGI record", Duration::from_secs(5));
    assert!(line.contains("muxFastCGI") && line.contains("version 9"), "{line}");
    // A new request gets a new upstream connection (and the same answer).
    let mut s = connect(server.port(0));
    let (status, _) = http_request(&mut s, "GET", "/", b"");
    assert_eq!(status, "HTTP/1.1 502 Bad Gateway");
    assert_eq!(responder.connections.load(Ordering::SeqCst), 2);
}

/// With room for several streams (`maxQueue: 0`) and one key, two clients' requests share one
/// upstream connection at once, told apart by their request ids.
#[test]
fn mux_multiplexes_concurrent_requests_on_one_session_by_request_id() {
    let responder = Responder::start(false);
    let server =
        mux_server_with("fastcgi-mux-mpx", responder.port, true, "() => 'shared', { maxQueue: 0, maxIdle: 5 }");
    let mut a = connect(server.port(0));
    let mut b = connect(server.port(0));
    // A's request starts (its body half sent): it holds id 1 while B's comes and goes.
    a.write_all(b"POST /a HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\n01234").expect("write");
    std::thread::sleep(Duration::from_millis(200));
    let (_, body) = http_raw(&mut b, "GET", "/b", b"");
    assert_eq!(body, "conn=1 id=2 keep=true REQUEST_METHOD=GET REQUEST_URI=/b body=");
    a.write_all(b"56789").expect("write");
    let (head, body) = {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") && a.read(&mut byte).is_ok_and(|n| n == 1) {
            buf.push(byte[0]);
        }
        let want = "conn=1 id=1 keep=true REQUEST_METHOD=POST REQUEST_URI=/a body=0123456789";
        let mut body = vec![0u8; want.len()];
        let _ = a.read_exact(&mut body);
        (String::from_utf8_lossy(&buf).into_owned(), String::from_utf8_lossy(&body).into_owned())
    };
    assert!(head.starts_with("HTTP/1.1 200 OK"), "{head}");
    assert_eq!(body, "conn=1 id=1 keep=true REQUEST_METHOD=POST REQUEST_URI=/a body=0123456789");
    assert_eq!(responder.connections.load(Ordering::SeqCst), 1);
}

/// Unknown option keys are refused at startup, naming the key.
#[test]
fn unknown_option_keys_are_refused() {
    let (_, err, code) = common::run_script(
        "fastcgi-options",
        "pipy.listen(0, $=>$.demuxHTTP().to($=>$.muxFastCGI({ maxIdel: 5 }).to($=>$.connect('127.0.0.1:1'))))",
        &[],
    );
    assert_ne!(code, 0);
    assert!(err.contains("muxFastCGI(): unknown option 'maxIdel'"), "{err}");
}
