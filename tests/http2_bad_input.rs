//! HTTP/2 bad input and attacks against the server side, with a raw-frame client: each is
//! answered with the right GOAWAY or RST_STREAM code (RFC 9113), costs bounded work, and the
//! process goes on serving other connections.

mod common;

use common::Server;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
const DATA: u8 = 0x0;
const HEADERS: u8 = 0x1;
const RST_STREAM: u8 = 0x3;
const SETTINGS: u8 = 0x4;
const GOAWAY: u8 = 0x7;
const WINDOW_UPDATE: u8 = 0x8;
const CONTINUATION: u8 = 0x9;
const END_STREAM: u8 = 0x1;
const END_HEADERS: u8 = 0x4;

const PROTOCOL_ERROR: u32 = 0x1;
const FLOW_CONTROL_ERROR: u32 = 0x3;
const STREAM_CLOSED: u32 = 0x5;
const ENHANCE_YOUR_CALM: u32 = 0xb;

fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let mut f = (payload.len() as u32).to_be_bytes()[1..].to_vec();
    f.push(kind);
    f.push(flags);
    f.extend_from_slice(&stream.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

/// A GET / request header block (static-table entries and a literal authority).
fn get_block() -> Vec<u8> {
    vec![0x82, 0x84, 0x86, 0x41, 0x01, b'a']
}

/// A connection past the preface and SETTINGS exchange.
fn open(port: u16) -> TcpStream {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    s.set_write_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut hello = PREFACE.to_vec();
    hello.extend(frame(SETTINGS, 0, 0, &[]));
    s.write_all(&hello).expect("write");
    s
}

#[derive(Debug)]
struct Frame {
    kind: u8,
    flags: u8,
    stream: u32,
    payload: Vec<u8>,
}

impl Frame {
    /// The error code of a GOAWAY or RST_STREAM.
    fn code(&self) -> u32 {
        let at = if self.kind == GOAWAY { 4 } else { 0 };
        self.payload.get(at..at + 4).map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]])).unwrap_or(u32::MAX)
    }
}

/// Reads frames until `stop` says so, the peer closes, or 5 s pass.
fn read_until(s: &mut TcpStream, stop: impl Fn(&Frame) -> bool) -> Vec<Frame> {
    let mut buf = Vec::new();
    let mut frames = Vec::new();
    let end = Instant::now() + Duration::from_secs(5);
    let mut chunk = [0u8; 65536];
    while Instant::now() < end {
        while buf.len() >= 9 {
            let len = u32::from_be_bytes([0, buf[0], buf[1], buf[2]]) as usize;
            if buf.len() < 9 + len {
                break;
            }
            let f = Frame {
                kind: buf[3],
                flags: buf[4],
                stream: u32::from_be_bytes([buf[5], buf[6], buf[7], buf[8]]) & 0x7fff_ffff,
                payload: buf[9..9 + len].to_vec(),
            };
            buf.drain(..9 + len);
            let done = stop(&f);
            frames.push(f);
            if done {
                return frames;
            }
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
    frames
}

fn goaway(frames: &[Frame]) -> Option<u32> {
    frames.iter().find(|f| f.kind == GOAWAY).map(Frame::code)
}

/// A plain request on a new connection still gets its answer.
fn still_serves(port: u16) {
    let mut s = open(port);
    s.write_all(&frame(HEADERS, END_HEADERS | END_STREAM, 1, &get_block())).expect("write");
    let frames = read_until(&mut s, |f| f.kind == DATA && f.flags & END_STREAM != 0 && f.stream == 1);
    let body: Vec<u8> =
        frames.iter().filter(|f| f.kind == DATA && f.stream == 1).flat_map(|f| f.payload.clone()).collect();
    assert_eq!(String::from_utf8_lossy(&body), "ok", "frames: {frames:?}");
}

fn server(name: &str) -> Server {
    Server::start(name, "pipy().listen($PORT0).serveHTTP(new Message('ok'))", 1)
}

#[test]
fn rapid_reset_is_cut_off_with_enhance_your_calm() {
    let srv = server("h2-rapid-reset");
    let port = srv.ports[0];
    let mut s = open(port);
    // 20,000 streams opened and reset at once (CVE-2023-44487).
    let mut burst = Vec::new();
    for i in 0..20_000u32 {
        let id = 2 * i + 1;
        burst.extend(frame(HEADERS, END_HEADERS, id, &get_block()));
        burst.extend(frame(RST_STREAM, 0, id, &8u32.to_be_bytes()));
    }
    let _ = s.write_all(&burst);
    let frames = read_until(&mut s, |f| f.kind == GOAWAY);
    assert_eq!(goaway(&frames), Some(ENHANCE_YOUR_CALM), "{:?}", frames.last());
    still_serves(port);
}

#[test]
fn a_continuation_flood_is_refused_before_it_is_buffered() {
    let srv = server("h2-continuation");
    let port = srv.ports[0];
    let mut s = open(port);
    // A header block that never ends: 64 MiB of CONTINUATION frames.
    let _ = s.write_all(&frame(HEADERS, 0, 1, &get_block()));
    let junk = frame(CONTINUATION, 0, 1, &[0x40, 0x7f, 0x7f].repeat(5461));
    let start = Instant::now();
    let mut sent = 0usize;
    while sent < 64 << 20 && start.elapsed() < Duration::from_secs(5) {
        if s.write_all(&junk).is_err() {
            break;
        }
        sent += junk.len();
    }
    assert!(sent < 64 << 20, "the server read 64 MiB of one header block");
    still_serves(port);
}

/// Sends a GET on `stream` with one extra header of `size` bytes (HEADERS + CONTINUATIONs).
fn send_big_headers(s: &mut TcpStream, stream: u32, size: usize) {
    let mut block = get_block();
    block.extend_from_slice(&[0x00, 0x01, b'x', 0x7f]);
    let mut n = size - 127;
    while n >= 128 {
        block.push((n % 128) as u8 | 0x80);
        n /= 128;
    }
    block.push(n as u8);
    block.extend(std::iter::repeat_n(b'v', size));
    let chunks: Vec<&[u8]> = block.chunks(16_384).collect();
    for (i, c) in chunks.iter().enumerate() {
        let last = i + 1 == chunks.len();
        let kind = if i == 0 { HEADERS } else { CONTINUATION };
        let flags = if last { END_HEADERS } else { 0 } | if i == 0 { END_STREAM } else { 0 };
        // The server may end the connection before the block is whole (it is far too large).
        if s.write_all(&frame(kind, flags, stream, c)).is_err() {
            break;
        }
    }
}

#[test]
fn an_oversize_header_list_is_refused_and_the_connection_goes_on() {
    let srv = server("h2-big-headers");
    let port = srv.ports[0];
    let mut s = open(port);
    // 20 KiB of headers (over the 16 KiB limit): that request is refused with 431, or reset.
    send_big_headers(&mut s, 1, 20 << 10);
    let frames = read_until(&mut s, |f| f.stream == 1 || f.kind == GOAWAY);
    let answer = frames.iter().find(|f| f.stream == 1 || f.kind == GOAWAY).expect("an answer");
    // 0x88 is `:status 200` from the static table.
    let refused = (answer.kind == HEADERS && answer.payload.first() != Some(&0x88)) || answer.kind == RST_STREAM;
    assert!(refused, "{answer:?}");
    s.write_all(&frame(HEADERS, END_HEADERS | END_STREAM, 3, &get_block())).expect("write");
    let frames = read_until(&mut s, |f| f.kind == DATA && f.stream == 3);
    assert!(frames.iter().any(|f| f.kind == DATA && f.stream == 3 && f.payload == b"ok"), "{frames:?}");
    // Far over the limit is an attack: the connection ends with ENHANCE_YOUR_CALM.
    send_big_headers(&mut s, 5, 256 << 10);
    let frames = read_until(&mut s, |f| f.kind == GOAWAY);
    assert_eq!(goaway(&frames), Some(ENHANCE_YOUR_CALM));
    still_serves(port);
}

#[test]
fn a_window_update_past_2_31_is_a_flow_control_error() {
    let srv = server("h2-window");
    let port = srv.ports[0];
    let mut s = open(port);
    let mut w = Vec::new();
    w.extend(frame(WINDOW_UPDATE, 0, 0, &0x7fff_ffffu32.to_be_bytes()));
    w.extend(frame(WINDOW_UPDATE, 0, 0, &0x7fff_ffffu32.to_be_bytes()));
    s.write_all(&w).expect("write");
    let frames = read_until(&mut s, |f| f.kind == GOAWAY);
    assert_eq!(goaway(&frames), Some(FLOW_CONTROL_ERROR));
    still_serves(port);
}

#[test]
fn data_on_a_closed_stream_is_answered_with_stream_closed() {
    let srv = server("h2-closed-stream");
    let port = srv.ports[0];
    let mut s = open(port);
    s.write_all(&frame(HEADERS, END_HEADERS | END_STREAM, 1, &get_block())).expect("write");
    let _ = read_until(&mut s, |f| f.kind == DATA && f.flags & END_STREAM != 0);
    s.write_all(&frame(DATA, 0, 1, b"late")).expect("write");
    let frames = read_until(&mut s, |f| f.kind == GOAWAY || f.kind == RST_STREAM);
    let last = frames.last().expect("an answer");
    assert!(matches!(last.kind, GOAWAY | RST_STREAM) && last.code() == STREAM_CLOSED, "{last:?}");
    still_serves(port);
}

#[test]
fn garbage_after_the_preface_is_a_protocol_error() {
    let srv = server("h2-garbage");
    let port = srv.ports[0];
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    let mut b = PREFACE.to_vec();
    // A DATA frame where the SETTINGS frame must be.
    b.extend(frame(DATA, 0, 1, b"nope"));
    s.write_all(&b).expect("write");
    let frames = read_until(&mut s, |f| f.kind == GOAWAY);
    assert_eq!(goaway(&frames), Some(PROTOCOL_ERROR));
    still_serves(port);
}

/// Resident memory of a process, in KiB.
fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| l.strip_prefix("VmRSS:").map(|v| v.trim().trim_end_matches(" kB").to_string()))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[test]
fn a_client_that_never_reads_costs_bounded_memory() {
    // An HTTP/1 upstream with a 512 MiB answer (python, outside pipy's memory), proxied to an
    // HTTP/2 client that opens its stream and then reads nothing (its window stays at 64 KiB).
    let up = common::free_port();
    let mut upstream = std::process::Command::new("python3")
        .args([
            "-c",
            &format!(
                "import socket\n\
             s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n\
             s.bind(('127.0.0.1', {up})); s.listen(); print('listening', flush=True)\n\
             while True:\n\
             \x20   c, _ = s.accept(); c.recv(65536)\n\
             \x20   c.sendall(b'HTTP/1.1 200 OK\\r\\ncontent-length: %d\\r\\n\\r\\n' % (512 << 20))\n\
             \x20   try:\n\
             \x20       for _ in range(8192): c.sendall(b'x' * 65536)\n\
             \x20   except OSError: pass\n"
            ),
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let mut line = String::new();
    let mut out = std::io::BufReader::new(upstream.stdout.take().expect("stdout"));
    std::io::BufRead::read_line(&mut out, &mut line).expect("upstream starts");
    let srv = Server::start(
        "h2-never-reads",
        &format!(
            "pipy().listen($PORT0).demuxHTTP().to($ => $.muxHTTP().to($ => $.connect('127.0.0.1:{up}')))\n\
             pipy().listen($PORT1).serveHTTP(new Message('ok'))"
        ),
        2,
    );
    let before = rss_kib(srv.pid());
    let mut s = open(srv.ports[0]);
    s.write_all(&frame(HEADERS, END_HEADERS | END_STREAM, 1, &get_block())).expect("write");
    std::thread::sleep(Duration::from_secs(3));
    let grown = rss_kib(srv.pid()).saturating_sub(before);
    let _ = upstream.kill();
    let _ = upstream.wait();
    assert!(grown < 32 << 10, "RSS grew by {grown} KiB for a client that reads nothing");
    still_serves(srv.ports[1]);
    drop(s);
}

/// An HTTP/2 server in node whose stream handler is `on_stream` (it sees `st` and `h`, the
/// headers); its port and process, once it listens.
fn node_h2_upstream(on_stream: &str) -> (u16, std::process::Child) {
    let up = common::free_port();
    let mut upstream = std::process::Command::new("node")
        .args([
            "-e",
            &format!(
                "const h2 = require('http2'); const s = h2.createServer();\n\
                 s.on('stream', (st, h) => {{ st.on('error', () => {{}});\n{on_stream}\n}});\n\
                 s.listen({up}, '127.0.0.1', () => console.log('listening'));"
            ),
        ])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node runs");
    let mut line = String::new();
    let mut out = std::io::BufReader::new(upstream.stdout.take().expect("stdout"));
    std::io::BufRead::read_line(&mut out, &mut line).expect("upstream starts");
    (up, upstream)
}

#[test]
fn a_client_that_never_reads_slows_only_its_own_stream_of_a_shared_upstream_connection() {
    // An HTTP/2 upstream (node) with a 512 MiB answer on /big and small ones elsewhere, behind one
    // shared HTTP/2 upstream session. Client A asks for /big and reads nothing; client B's
    // requests on the same upstream connection must still be answered, and pipy must not buffer
    // A's answer.
    let (up, mut upstream) = node_h2_upstream(
        "if (h[':path'] !== '/big') { st.respond({ ':status': 200 }); st.end('small ' + h[':path']); return; }\n\
         st.respond({ ':status': 200 });\n\
         const chunk = Buffer.alloc(65536, 120); let sent = 0;\n\
         const pump = () => { while (sent < 512 * 1024 * 1024) { sent += chunk.length; if (!st.write(chunk)) { st.once('drain', pump); return; } } st.end(); };\n\
         pump();",
    );
    let srv = Server::start(
        "h2-shared-slow",
        &format!(
            "pipy().listen($PORT0).demuxHTTP().to($ => $.muxHTTP(() => 'up', {{ version: 2, maxQueue: 0 }}).to($ => $.connect('127.0.0.1:{up}')))"
        ),
        1,
    );
    let port = srv.ports[0];
    let before = rss_kib(srv.pid());
    let mut a = open(port);
    a.write_all(&frame(
        HEADERS,
        END_HEADERS | END_STREAM,
        1,
        &[0x82, 0x86, 0x41, 0x01, b'a', 0x04, 0x04, b'/', b'b', b'i', b'g'],
    ))
    .expect("write");
    std::thread::sleep(Duration::from_millis(500));
    // B, on its own connection, through the same upstream connection.
    let start = Instant::now();
    for i in 0..20u32 {
        let mut b = open(port);
        let path = format!("/s{i}");
        let mut block = vec![0x82, 0x86, 0x41, 0x01, b'a', 0x04, path.len() as u8];
        block.extend_from_slice(path.as_bytes());
        b.write_all(&frame(HEADERS, END_HEADERS | END_STREAM, 1, &block)).expect("write");
        let frames = read_until(&mut b, |f| f.kind == DATA && f.flags & END_STREAM != 0);
        let body: Vec<u8> = frames.iter().filter(|f| f.kind == DATA).flat_map(|f| f.payload.clone()).collect();
        assert_eq!(String::from_utf8_lossy(&body), format!("small {path}"), "request {i}: {frames:?}");
    }
    assert!(start.elapsed() < Duration::from_secs(5), "B waited {:?}", start.elapsed());
    std::thread::sleep(Duration::from_secs(1));
    let grown = rss_kib(srv.pid()).saturating_sub(before);
    let _ = upstream.kill();
    let _ = upstream.wait();
    assert!(grown < 32 << 10, "RSS grew by {grown} KiB for a client that reads nothing");
    drop(a);
}

#[test]
fn an_upstream_that_never_reads_holds_back_the_request_body_not_memory() {
    // An HTTP/2 upstream (node) that takes a request and never reads its body, behind
    // `muxHTTP({version: 2})`. The HTTP/1 client uploading 64 MiB must be back-pressured (pipy
    // stops reading it once the stream's unsent bytes are at the limit) instead of having its
    // body buffered whole; another client is still served on the same upstream connection.
    let (up, mut upstream) = node_h2_upstream(
        "if (h[':path'] === '/up') { st.pause(); return; }\n\
         st.respond({ ':status': 200 }); st.end('small');",
    );
    let srv = Server::start(
        "h2-upload-held",
        &format!(
            "pipy().listen($PORT0).demuxHTTP().to($ => $.muxHTTP(() => 'up', {{ version: 2 }}).to($ => $.connect('127.0.0.1:{up}')))"
        ),
        1,
    );
    let port = srv.ports[0];
    let before = rss_kib(srv.pid());
    const TOTAL: usize = 64 << 20;
    let mut c = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    c.set_write_timeout(Some(Duration::from_millis(200))).expect("timeout");
    c.write_all(format!("POST /up HTTP/1.1\r\nhost: a\r\ncontent-length: {TOTAL}\r\n\r\n").as_bytes()).expect("head");
    let chunk = vec![b'x'; 64 << 10];
    let mut written = 0;
    let start = Instant::now();
    while written < TOTAL && start.elapsed() < Duration::from_secs(4) {
        match c.write(&chunk) {
            Ok(n) => written += n,
            Err(_) => std::thread::sleep(Duration::from_millis(50)),
        }
    }
    let grown = rss_kib(srv.pid()).saturating_sub(before);
    // Another client, through the same upstream connection.
    let mut b = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    b.set_read_timeout(Some(Duration::from_secs(5))).expect("timeout");
    b.write_all(b"GET /small HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\n").expect("write");
    let mut answer = String::new();
    let _ = b.read_to_string(&mut answer);
    let _ = upstream.kill();
    let _ = upstream.wait();
    assert!(answer.starts_with("HTTP/1.1 200") && answer.ends_with("small"), "{answer:?}");
    assert!(written < TOTAL / 2, "the client wrote {written} bytes: its body was not held back");
    assert!(grown < 24 << 10, "RSS grew by {grown} KiB for an upstream that reads nothing");
    drop(c);
}
