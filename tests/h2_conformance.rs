//! HTTP/2 conformance of the server side (`demuxHTTP`), in the spirit of h2spec: RFC 9113
//! (HTTP/2) and RFC 7541 (HPACK), checked with a raw-frame client against the real binary.
//!
//! Every case opens its own connection to a server of its own, sends hand-built frames and
//! header blocks (static-table indices, literals, known Huffman strings), and asserts the exact
//! answer the RFC requires: a GOAWAY with the right code (connection error), a RST_STREAM with
//! the right code on that stream (stream error; a GOAWAY with the same code is accepted too, as
//! an endpoint may treat any stream error as a connection error), or a normal answer.
//!
//! Covered, 84 cases: §3.4 connection preface; §4.1 frame format; §4.2 frame size; §4.3 field
//! blocks; §5.1 stream states and identifiers; §5.1.2 concurrency; §5.3 priority; §5.4.1
//! connection errors; §5.5 extensions; §6.1–§6.10 the frame types (DATA, HEADERS, PRIORITY,
//! RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE with §6.9.1/§6.9.2 flow control,
//! CONTINUATION); §8.1–§8.3 malformed messages (field names, pseudo-header fields,
//! connection-specific fields, TE, content-length, trailers); RFC 7541 index errors, dynamic
//! table size updates, Huffman strings and the dynamic table across requests.
//!
//! Every case passes. Where `h2` would answer a generic PROTOCOL_ERROR, a guard in front of it
//! gives the code the RFC asks for: frames of a wrong length, an initial window over 2^31-1,
//! frames on streams the client ended or reset, and HPACK decoding errors (COMPRESSION_ERROR,
//! found by walking each header block against a shadow of the client's dynamic table).
//!
//! §3.4: the listener also speaks HTTP/1, so a byte stream that stops matching the preface is
//! taken as HTTP/1 and refused with a 400 before the connection closes; the case accepts that,
//! a GOAWAY PROTOCOL_ERROR, or a bare close (RFC 9113 §3.4 lets the GOAWAY be omitted).
//!
//! §5.1.2: the server does not advertise SETTINGS_MAX_CONCURRENT_STREAMS ("initially, there is
//! no limit"), so the case checks that 101 concurrent streams are all served; were a limit
//! advertised, it checks that the stream past it is refused.
//!
//! §5.3: RFC 9113 deprecates the priority scheme of RFC 7540 but keeps §5.3.1 "a stream cannot
//! depend on itself": a stream error of type PROTOCOL_ERROR. The cases assert exactly that
//! (RST_STREAM on that stream) and that the connection goes on.

mod common;

use common::Server;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// Frame types (RFC 9113 §6).
const DATA: u8 = 0x0;
const HEADERS: u8 = 0x1;
const PRIORITY: u8 = 0x2;
const RST_STREAM: u8 = 0x3;
const SETTINGS: u8 = 0x4;
const PING: u8 = 0x6;
const GOAWAY: u8 = 0x7;
const WINDOW_UPDATE: u8 = 0x8;
const CONTINUATION: u8 = 0x9;

// Flags.
const ACK: u8 = 0x1;
const END_STREAM: u8 = 0x1;
const END_HEADERS: u8 = 0x4;
const PADDED: u8 = 0x8;
const PRIORITY_FLAG: u8 = 0x20;

// Error codes (RFC 9113 §7).
const PROTOCOL_ERROR: u32 = 0x1;
const FLOW_CONTROL_ERROR: u32 = 0x3;
const STREAM_CLOSED: u32 = 0x5;
const FRAME_SIZE_ERROR: u32 = 0x6;
const REFUSED_STREAM: u32 = 0x7;
const COMPRESSION_ERROR: u32 = 0x9;

// Settings (RFC 9113 §6.5.2).
const SETTINGS_HEADER_TABLE_SIZE: u16 = 0x1;
const SETTINGS_ENABLE_PUSH: u16 = 0x2;
const SETTINGS_MAX_CONCURRENT_STREAMS: u16 = 0x3;
const SETTINGS_INITIAL_WINDOW_SIZE: u16 = 0x4;
const SETTINGS_MAX_FRAME_SIZE: u16 = 0x5;

/// How long to wait for an answer.
const WAIT: Duration = Duration::from_secs(5);

/// The server of every case: `/` answers `ok`, `/echo` answers the request body, `/h` answers
/// the authority and the `custom-key` header (to see what the HPACK decoder made of them).
const SCRIPT: &str = r"
pipy().listen($PORT0).demuxHTTP().to($ => $.replaceMessage(req => new Message(
  req.head.path === '/echo' ? req.body :
  req.head.path === '/h' ? req.head.authority + ' ' + req.head.headers['custom-key'] :
  'ok')))
";

fn server(name: &str) -> Server {
    Server::start(&format!("h2c-{name}"), SCRIPT, 1)
}

fn error_name(code: u32) -> &'static str {
    match code {
        0x0 => "NO_ERROR",
        0x1 => "PROTOCOL_ERROR",
        0x2 => "INTERNAL_ERROR",
        0x3 => "FLOW_CONTROL_ERROR",
        0x4 => "SETTINGS_TIMEOUT",
        0x5 => "STREAM_CLOSED",
        0x6 => "FRAME_SIZE_ERROR",
        0x7 => "REFUSED_STREAM",
        0x8 => "CANCEL",
        0x9 => "COMPRESSION_ERROR",
        0xa => "CONNECT_ERROR",
        0xb => "ENHANCE_YOUR_CALM",
        0xc => "INADEQUATE_SECURITY",
        0xd => "HTTP_1_1_REQUIRED",
        _ => "unknown",
    }
}

fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
    let mut f = (payload.len() as u32).to_be_bytes()[1..].to_vec();
    f.push(kind);
    f.push(flags);
    f.extend_from_slice(&stream.to_be_bytes());
    f.extend_from_slice(payload);
    f
}

fn settings(values: &[(u16, u32)]) -> Vec<u8> {
    let mut p = Vec::new();
    for (id, v) in values {
        p.extend_from_slice(&id.to_be_bytes());
        p.extend_from_slice(&v.to_be_bytes());
    }
    frame(SETTINGS, 0, 0, &p)
}

fn window_update(stream: u32, increment: u32) -> Vec<u8> {
    frame(WINDOW_UPDATE, 0, stream, &increment.to_be_bytes())
}

/// A PRIORITY payload: dependency and weight.
fn priority_payload(dependency: u32, weight: u8) -> Vec<u8> {
    let mut p = dependency.to_be_bytes().to_vec();
    p.push(weight);
    p
}

// ---- HPACK (RFC 7541), by hand ----

/// An integer with an N-bit prefix (§5.1); `flags` are the bits above the prefix.
fn hpack_int(flags: u8, prefix_bits: u32, value: usize) -> Vec<u8> {
    let max = (1usize << prefix_bits) - 1;
    if value < max {
        return vec![flags | value as u8];
    }
    let mut out = vec![flags | max as u8];
    let mut n = value - max;
    while n >= 128 {
        out.push((n % 128) as u8 | 0x80);
        n /= 128;
    }
    out.push(n as u8);
    out
}

/// A string literal, not Huffman-coded (§5.2).
fn hpack_str(s: &[u8]) -> Vec<u8> {
    let mut out = hpack_int(0, 7, s.len());
    out.extend_from_slice(s);
    out
}

/// A literal field without indexing, with a new name (§6.2.2).
fn lit(name: &str, value: &str) -> Vec<u8> {
    let mut out = vec![0x00];
    out.extend(hpack_str(name.as_bytes()));
    out.extend(hpack_str(value.as_bytes()));
    out
}

/// A literal field without indexing, whose name is static-table entry `index` (§6.2.2).
fn lit_indexed_name(index: usize, value: &str) -> Vec<u8> {
    let mut out = hpack_int(0x00, 4, index);
    out.extend(hpack_str(value.as_bytes()));
    out
}

// Static table entries (RFC 7541 Appendix A).
const METHOD_GET: u8 = 0x82;
const METHOD_POST: u8 = 0x83;
const PATH_ROOT: u8 = 0x84;
const SCHEME_HTTP: u8 = 0x86;
const NAME_AUTHORITY: usize = 1;
const NAME_PATH: usize = 4;

fn authority() -> Vec<u8> {
    lit_indexed_name(NAME_AUTHORITY, "localhost")
}

fn path(p: &str) -> Vec<u8> {
    lit_indexed_name(NAME_PATH, p)
}

/// `GET /` (answered `ok`).
fn get_block() -> Vec<u8> {
    let mut b = vec![METHOD_GET, SCHEME_HTTP, PATH_ROOT];
    b.extend(authority());
    b
}

/// `POST /echo` (answered with the body).
fn post_echo_block() -> Vec<u8> {
    let mut b = vec![METHOD_POST, SCHEME_HTTP];
    b.extend(path("/echo"));
    b.extend(authority());
    b
}

// ---- the client ----

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

    fn is(&self, kind: u8, stream: u32) -> bool {
        self.kind == kind && self.stream == stream
    }

    fn ends_stream(&self) -> bool {
        matches!(self.kind, DATA | HEADERS) && self.flags & END_STREAM != 0
    }
}

/// How a read of frames stopped.
#[derive(Debug, PartialEq)]
enum Stop {
    /// The frame asked for arrived (it is the last one read).
    Found,
    /// The peer closed the connection.
    Closed,
    /// Nothing more within the wait.
    Timeout,
}

struct Conn {
    s: TcpStream,
    buf: Vec<u8>,
    /// What the server's first SETTINGS frame said.
    server_settings: Vec<(u16, u32)>,
}

impl Conn {
    /// A TCP connection, nothing sent yet.
    fn connect(port: u16) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_write_timeout(Some(WAIT)).expect("timeout");
        Conn { s, buf: Vec::new(), server_settings: Vec::new() }
    }

    /// A connection past the preface: our (empty) SETTINGS and the server's SETTINGS are
    /// exchanged and acknowledged both ways.
    fn open(port: u16) -> Conn {
        Conn::open_with(port, &[])
    }

    fn open_with(port: u16, values: &[(u16, u32)]) -> Conn {
        let mut c = Conn::connect(port);
        let mut hello = PREFACE.to_vec();
        hello.extend(settings(values));
        c.send(&hello);
        let (mut theirs, mut acked) = (None, false);
        let end = Instant::now() + WAIT;
        while theirs.is_none() || !acked {
            match c.next(end) {
                Ok(f) if f.kind == SETTINGS && f.flags & ACK != 0 => acked = true,
                Ok(f) if f.kind == SETTINGS => theirs = Some(f),
                Ok(_) => {}
                Err(stop) => panic!("handshake: {stop:?} (server SETTINGS: {theirs:?}, ACK: {acked})"),
            }
        }
        let theirs = theirs.expect("server SETTINGS");
        c.server_settings = theirs
            .payload
            .chunks(6)
            .map(|s| (u16::from_be_bytes([s[0], s[1]]), u32::from_be_bytes([s[2], s[3], s[4], s[5]])))
            .collect();
        c.send(&frame(SETTINGS, ACK, 0, &[]));
        c
    }

    fn setting(&self, id: u16) -> Option<u32> {
        self.server_settings.iter().rev().find(|(i, _)| *i == id).map(|(_, v)| *v)
    }

    /// Writes bytes; a server that already closed is not an error here (the answer read next
    /// tells what happened).
    fn send(&mut self, b: &[u8]) {
        let _ = self.s.write_all(b);
    }

    fn send_frame(&mut self, kind: u8, flags: u8, stream: u32, payload: &[u8]) {
        self.send(&frame(kind, flags, stream, payload));
    }

    /// The next frame, or why there is none before `end`.
    fn next(&mut self, end: Instant) -> Result<Frame, Stop> {
        let mut chunk = [0u8; 65536];
        loop {
            if self.buf.len() >= 9 {
                let len = u32::from_be_bytes([0, self.buf[0], self.buf[1], self.buf[2]]) as usize;
                if self.buf.len() >= 9 + len {
                    let b = &self.buf;
                    let f = Frame {
                        kind: b[3],
                        flags: b[4],
                        stream: u32::from_be_bytes([b[5], b[6], b[7], b[8]]) & 0x7fff_ffff,
                        payload: b[9..9 + len].to_vec(),
                    };
                    self.buf.drain(..9 + len);
                    return Ok(f);
                }
            }
            let left = end.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Stop::Timeout);
            }
            self.s.set_read_timeout(Some(left)).expect("timeout");
            match self.s.read(&mut chunk) {
                Ok(0) => return Err(Stop::Closed),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                    return Err(Stop::Timeout);
                }
                Err(_) => return Err(Stop::Closed),
            }
        }
    }

    /// Frames until `stop` says so (that frame is the last), the peer closes, or `wait` passes.
    fn read_for(&mut self, wait: Duration, mut stop: impl FnMut(&Frame) -> bool) -> (Vec<Frame>, Stop) {
        let end = Instant::now() + wait;
        let mut frames = Vec::new();
        loop {
            match self.next(end) {
                Ok(f) => {
                    let done = stop(&f);
                    frames.push(f);
                    if done {
                        return (frames, Stop::Found);
                    }
                }
                Err(why) => return (frames, why),
            }
        }
    }

    fn read_until(&mut self, stop: impl FnMut(&Frame) -> bool) -> (Vec<Frame>, Stop) {
        self.read_for(WAIT, stop)
    }

    /// A connection error: the server sends GOAWAY with `code` (RFC 9113 §5.4.1).
    fn expect_goaway(&mut self, code: u32) -> Frame {
        let (mut frames, why) = self.read_until(|f| f.kind == GOAWAY);
        assert_eq!(why, Stop::Found, "expected GOAWAY {}, got {frames:?} then {why:?}", error_name(code));
        let g = frames.pop().expect("GOAWAY");
        assert_eq!(g.code(), code, "expected GOAWAY {}, got GOAWAY {} ({g:?})", error_name(code), error_name(g.code()));
        g
    }

    /// A stream error on `stream` (RST_STREAM with `code`), or the same code as a connection
    /// error (GOAWAY), which an endpoint may always choose instead (RFC 9113 §5.4).
    fn expect_stream_error(&mut self, stream: u32, code: u32) -> Frame {
        let (mut frames, why) = self.read_until(|f| f.is(RST_STREAM, stream) || f.kind == GOAWAY);
        assert_eq!(
            why,
            Stop::Found,
            "expected RST_STREAM {} on stream {stream} (or GOAWAY), got {frames:?} then {why:?}",
            error_name(code)
        );
        let f = frames.pop().expect("frame");
        assert_eq!(
            f.code(),
            code,
            "expected {} on stream {stream}, got {} ({f:?})",
            error_name(code),
            error_name(f.code())
        );
        f
    }

    /// Exactly a stream error: RST_STREAM with `code` on `stream`, and the connection goes on.
    fn expect_rst(&mut self, stream: u32, code: u32) {
        let f = self.expect_stream_error(stream, code);
        assert_eq!(f.kind, RST_STREAM, "expected a stream error (RST_STREAM), got {f:?}");
        self.expect_alive();
    }

    /// A malformed request (RFC 9113 §8.1.1): a stream error of type PROTOCOL_ERROR. The server
    /// may answer with an HTTP error response first, but never with a 200.
    fn expect_malformed(&mut self, stream: u32) {
        let (mut frames, why) = self.read_until(|f| f.is(RST_STREAM, stream) || f.kind == GOAWAY);
        let answered_ok = frames.iter().any(|f| f.is(HEADERS, stream) && f.payload.first() == Some(&0x88));
        assert!(!answered_ok, "a malformed request was answered 200: {frames:?}");
        assert_eq!(
            why,
            Stop::Found,
            "expected RST_STREAM PROTOCOL_ERROR on stream {stream}, got {frames:?} then {why:?}"
        );
        let f = frames.pop().expect("frame");
        assert_eq!(f.code(), PROTOCOL_ERROR, "expected PROTOCOL_ERROR, got {} ({f:?})", error_name(f.code()));
    }

    /// A complete normal answer on `stream`: (first byte of its field block, body). `0x88` is
    /// `:status 200` from the static table.
    fn expect_response(&mut self, stream: u32) -> (u8, Vec<u8>) {
        let (frames, why) =
            self.read_until(|f| (f.stream == stream && (f.ends_stream() || f.kind == RST_STREAM)) || f.kind == GOAWAY);
        let last = frames.last();
        assert!(
            why == Stop::Found && last.is_some_and(Frame::ends_stream),
            "expected a response on stream {stream}, got {frames:?} then {why:?}"
        );
        let head = frames.iter().find(|f| f.is(HEADERS, stream)).expect("response HEADERS");
        let body = frames.iter().filter(|f| f.is(DATA, stream)).flat_map(|f| f.payload.clone()).collect();
        (head.payload.first().copied().unwrap_or(0), body)
    }

    /// A `200` answer on `stream` with `body`.
    fn expect_ok(&mut self, stream: u32, body: &str) {
        let (status, got) = self.expect_response(stream);
        assert_eq!(status, 0x88, "expected :status 200 (0x88), got field block starting {status:#04x}");
        assert_eq!(String::from_utf8_lossy(&got), body);
    }

    /// The connection still works: a PING is answered with a PING ACK carrying its data.
    fn expect_alive(&mut self) {
        let data = *b"alive?!!";
        self.send_frame(PING, 0, 0, &data);
        let (frames, why) = self.read_until(|f| (f.kind == PING && f.flags & ACK != 0) || f.kind == GOAWAY);
        let last = frames.last();
        assert!(
            why == Stop::Found && last.is_some_and(|f| f.kind == PING && f.payload == data),
            "expected the connection to go on (PING ACK), got {frames:?} then {why:?}"
        );
    }
}

// ---- §3.4 HTTP/2 connection preface ----

#[test]
fn s3_4_the_server_preface_is_a_settings_frame() {
    let srv = server("preface");
    let mut c = Conn::connect(srv.port(0));
    let mut hello = PREFACE.to_vec();
    hello.extend(settings(&[]));
    c.send(&hello);
    let first = c.next(Instant::now() + WAIT).expect("a frame");
    assert!(first.is(SETTINGS, 0) && first.flags & ACK == 0, "first frame: {first:?}");
    assert_eq!(first.payload.len() % 6, 0);
}

#[test]
fn s3_4_an_invalid_connection_preface_is_a_connection_error() {
    let srv = server("bad-preface");
    let mut c = Conn::connect(srv.port(0));
    // Right up to the last line, which is wrong.
    c.send(b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n");
    c.send(&settings(&[]));
    // The connection ends: with a GOAWAY PROTOCOL_ERROR if the server speaks HTTP/2 at all, or
    // with an HTTP/1 error answer (a preface that is not HTTP/2 is not a request either).
    let mut all = Vec::new();
    let end = Instant::now() + WAIT;
    let mut chunk = [0u8; 4096];
    let closed = loop {
        c.s.set_read_timeout(Some(end.saturating_duration_since(Instant::now()).max(Duration::from_millis(1))))
            .expect("timeout");
        match c.s.read(&mut chunk) {
            Ok(0) => break true,
            Ok(n) => all.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => break false,
            Err(_) => break true,
        }
    };
    let text = String::from_utf8_lossy(&all);
    assert!(closed, "the connection stayed open after an invalid preface; got {text:?}");
    let http1_error = text.starts_with("HTTP/1.1 4") || text.starts_with("HTTP/1.1 5");
    let goaway = {
        c.buf = all.clone();
        let (frames, _) = c.read_for(Duration::from_millis(1), |f| f.kind == GOAWAY);
        frames.last().is_some_and(|f| f.kind == GOAWAY && f.code() == PROTOCOL_ERROR)
    };
    assert!(all.is_empty() || http1_error || goaway, "unexpected answer to an invalid preface: {text:?}");
}

// ---- §4.1 frame format ----

#[test]
fn s4_1_a_frame_of_unknown_type_is_ignored() {
    let srv = server("unknown-type");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(0x16, 0, 0, b"whatever");
    c.expect_alive();
}

#[test]
fn s4_1_unknown_flags_are_ignored() {
    let srv = server("unknown-flags");
    let mut c = Conn::open(srv.port(0));
    // A PING with flags that mean nothing for PING (0x16 leaves ACK clear).
    c.send_frame(PING, 0x16, 0, b"flagged!");
    let (frames, why) = c.read_until(|f| f.kind == PING || f.kind == GOAWAY);
    let last = frames.last();
    assert!(
        why == Stop::Found && last.is_some_and(|f| f.kind == PING && f.flags == ACK && f.payload == b"flagged!"),
        "{frames:?} {why:?}"
    );
}

#[test]
fn s4_1_the_reserved_bit_of_the_stream_identifier_is_ignored() {
    let srv = server("reserved-bit");
    let mut c = Conn::open(srv.port(0));
    // A request on stream 1 with the reserved bit set.
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 0x8000_0001, &get_block());
    c.expect_ok(1, "ok");
}

// ---- §4.2 frame size ----

#[test]
fn s4_2_data_larger_than_max_frame_size_is_a_frame_size_error() {
    let srv = server("big-data");
    let mut c = Conn::open(srv.port(0));
    let max = c.setting(SETTINGS_MAX_FRAME_SIZE).unwrap_or(16_384) as usize;
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    c.send_frame(DATA, END_STREAM, 1, &vec![b'x'; max + 1]);
    c.expect_stream_error(1, FRAME_SIZE_ERROR);
}

#[test]
fn s4_2_headers_larger_than_max_frame_size_is_a_connection_frame_size_error() {
    let srv = server("big-headers");
    let mut c = Conn::open(srv.port(0));
    let max = c.setting(SETTINGS_MAX_FRAME_SIZE).unwrap_or(16_384) as usize;
    let mut block = get_block();
    block.extend(lit("x-big", &"v".repeat(max)));
    // A frame carrying a field block alters the connection's state: a connection error.
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, &block);
    c.expect_goaway(FRAME_SIZE_ERROR);
}

// ---- §4.3 field section compression ----

#[test]
fn s4_3_an_invalid_hpack_index_is_a_compression_error() {
    let srv = server("bad-index");
    let mut c = Conn::open(srv.port(0));
    let mut block = get_block();
    // Index 62: past the static table, and the dynamic table is empty.
    block.push(0x80 | 62);
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, &block);
    c.expect_goaway(COMPRESSION_ERROR);
}

#[test]
fn s4_3_hpack_index_zero_is_a_compression_error() {
    let srv = server("index-zero");
    let mut c = Conn::open(srv.port(0));
    let mut block = get_block();
    block.push(0x80);
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, &block);
    c.expect_goaway(COMPRESSION_ERROR);
}

#[test]
fn s4_3_a_field_block_interrupted_by_another_frame_is_a_protocol_error() {
    let srv = server("interrupted");
    let mut c = Conn::open(srv.port(0));
    let block = post_echo_block();
    let (a, b) = block.split_at(3);
    c.send_frame(HEADERS, 0, 1, a);
    c.send_frame(DATA, 0, 1, b"in between");
    c.send_frame(CONTINUATION, END_HEADERS, 1, b);
    c.expect_goaway(PROTOCOL_ERROR);
}

// ---- §5.1 stream states ----

#[test]
fn s5_1_data_on_an_idle_stream_is_a_protocol_error() {
    let srv = server("idle-data");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(DATA, END_STREAM, 1, b"idle");
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s5_1_window_update_on_an_idle_stream_is_a_protocol_error() {
    let srv = server("idle-window");
    let mut c = Conn::open(srv.port(0));
    c.send(&window_update(1, 100));
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s5_1_headers_on_a_half_closed_remote_stream_is_stream_closed() {
    let srv = server("half-closed-headers");
    let mut c = Conn::open(srv.port(0));
    let mut b = frame(HEADERS, END_HEADERS | END_STREAM, 1, &get_block());
    b.extend(frame(HEADERS, END_HEADERS | END_STREAM, 1, &lit("x-late", "1")));
    c.send(&b);
    c.expect_stream_error(1, STREAM_CLOSED);
}

#[test]
fn s5_1_data_on_a_half_closed_remote_stream_is_stream_closed() {
    let srv = server("half-closed-data");
    let mut c = Conn::open(srv.port(0));
    let mut b = frame(HEADERS, END_HEADERS | END_STREAM, 1, &post_echo_block());
    b.extend(frame(DATA, END_STREAM, 1, b"late"));
    c.send(&b);
    c.expect_stream_error(1, STREAM_CLOSED);
}

#[test]
fn s5_1_data_after_rst_stream_is_stream_closed() {
    let srv = server("closed-rst-data");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    c.send_frame(RST_STREAM, 0, 1, &0x8u32.to_be_bytes());
    c.send_frame(DATA, END_STREAM, 1, b"after reset");
    c.expect_stream_error(1, STREAM_CLOSED);
}

#[test]
fn s5_1_headers_after_rst_stream_is_stream_closed() {
    let srv = server("closed-rst-headers");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    c.send_frame(RST_STREAM, 0, 1, &0x8u32.to_be_bytes());
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, &lit("x-trailer", "1"));
    c.expect_stream_error(1, STREAM_CLOSED);
}

#[test]
fn s5_1_data_on_a_stream_closed_by_end_stream_is_stream_closed() {
    // §5.1 makes this a connection error and §6.1 a stream error, both STREAM_CLOSED.
    let srv = server("closed-end-data");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, &get_block());
    c.expect_ok(1, "ok");
    c.send_frame(DATA, END_STREAM, 1, b"late");
    c.expect_stream_error(1, STREAM_CLOSED);
}

#[test]
fn s5_1_1_an_even_stream_id_from_the_client_is_a_protocol_error() {
    let srv = server("even-id");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 2, &get_block());
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s5_1_1_a_decreasing_stream_id_is_a_protocol_error() {
    let srv = server("decreasing-id");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 5, &get_block());
    c.expect_ok(5, "ok");
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 3, &get_block());
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s5_1_2_streams_up_to_the_concurrency_limit_are_served_and_past_it_refused() {
    // SETTINGS_MAX_CONCURRENT_STREAMS: "Initially, there is no limit" and "It is recommended that
    // this value be no smaller than 100" (RFC 9113 §6.5.2). Without a limit advertised, 101
    // streams open at once are all served; with one, the stream past it is refused (§5.1.2).
    let srv = server("concurrency");
    let mut c = Conn::open(srv.port(0));
    let limit = c.setting(SETTINGS_MAX_CONCURRENT_STREAMS);
    let open = limit.unwrap_or(101);
    assert!(open >= 100, "SETTINGS_MAX_CONCURRENT_STREAMS {open}");
    for i in 0..open {
        c.send_frame(HEADERS, END_HEADERS, 2 * i + 1, &post_echo_block());
    }
    if let Some(limit) = limit {
        let over = 2 * limit + 1;
        c.send_frame(HEADERS, END_HEADERS, over, &post_echo_block());
        let (mut frames, why) = c.read_until(|f| f.is(RST_STREAM, over) || f.kind == GOAWAY);
        assert_eq!(why, Stop::Found, "the stream past the limit was not refused: {frames:?}");
        let f = frames.pop().expect("frame");
        assert!(f.kind == RST_STREAM && matches!(f.code(), PROTOCOL_ERROR | REFUSED_STREAM), "{f:?}");
    }
    for i in 0..open {
        c.send_frame(DATA, END_STREAM, 2 * i + 1, b"x");
    }
    let mut ended = std::collections::BTreeSet::new();
    let (frames, why) = c.read_until(|f| {
        if f.ends_stream() || f.kind == RST_STREAM {
            ended.insert(f.stream);
        }
        ended.len() == open as usize || f.kind == GOAWAY
    });
    assert_eq!(why, Stop::Found, "{} of {open} streams ended", ended.len());
    for i in 0..open {
        let id = 2 * i + 1;
        let ok = frames.iter().any(|f| f.is(HEADERS, id) && f.payload.first() == Some(&0x88));
        let body: Vec<u8> = frames.iter().filter(|f| f.is(DATA, id)).flat_map(|f| f.payload.clone()).collect();
        assert!(
            ok && body == b"x",
            "stream {id} was not served: {:?}",
            frames.iter().filter(|f| f.stream == id).collect::<Vec<_>>()
        );
    }
}

// ---- §5.3 priority ----

#[test]
fn s5_3_1_a_priority_frame_making_a_stream_depend_on_itself_is_a_stream_protocol_error() {
    let srv = server("self-priority");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    c.send_frame(PRIORITY, 0, 1, &priority_payload(1, 15));
    c.expect_rst(1, PROTOCOL_ERROR);
}

#[test]
fn s5_3_1_headers_making_a_stream_depend_on_itself_is_a_stream_protocol_error() {
    let srv = server("self-priority-headers");
    let mut c = Conn::open(srv.port(0));
    let mut p = priority_payload(1, 15);
    p.extend(get_block());
    c.send_frame(HEADERS, END_HEADERS | END_STREAM | PRIORITY_FLAG, 1, &p);
    c.expect_rst(1, PROTOCOL_ERROR);
}

#[test]
fn s5_3_priority_on_an_idle_stream_is_allowed() {
    let srv = server("idle-priority");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(PRIORITY, 0, 3, &priority_payload(0, 15));
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, &get_block());
    c.expect_ok(1, "ok");
}

// ---- §5.4.1 connection error handling ----

#[test]
fn s5_4_1_a_connection_error_sends_goaway_with_the_last_stream_and_closes() {
    let srv = server("goaway-close");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, &get_block());
    c.expect_ok(1, "ok");
    c.send_frame(PING, 0, 1, b"on strm1");
    let g = c.expect_goaway(PROTOCOL_ERROR);
    let last = u32::from_be_bytes([g.payload[0], g.payload[1], g.payload[2], g.payload[3]]) & 0x7fff_ffff;
    assert_eq!(last, 1, "GOAWAY last stream id");
    let (frames, why) = c.read_until(|_| false);
    assert_eq!(why, Stop::Closed, "the connection goes on after GOAWAY: {frames:?}");
}

// ---- §5.5 extensions ----

#[test]
fn s5_5_an_unknown_frame_inside_a_field_block_is_a_protocol_error() {
    let srv = server("unknown-in-block");
    let mut c = Conn::open(srv.port(0));
    let block = get_block();
    let (a, b) = block.split_at(2);
    c.send_frame(HEADERS, END_STREAM, 1, a);
    c.send_frame(0x16, 0, 1, b"extension");
    c.send_frame(CONTINUATION, END_HEADERS, 1, b);
    c.expect_goaway(PROTOCOL_ERROR);
}

// ---- §6.1 DATA ----

#[test]
fn s6_1_data_on_stream_0_is_a_protocol_error() {
    let srv = server("data-0");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(DATA, END_STREAM, 0, b"zero");
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_1_data_padding_as_long_as_the_payload_is_a_protocol_error() {
    let srv = server("data-padding");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    // Pad Length 6 in a 6-byte payload: the padding does not fit.
    c.send_frame(DATA, END_STREAM | PADDED, 1, &[6, b'a', b'b', b'c', 0, 0]);
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_1_padded_data_is_delivered_without_its_padding() {
    let srv = server("data-padded");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    c.send_frame(DATA, END_STREAM | PADDED, 1, &[3, b'a', b'b', b'c', 0, 0, 0]);
    c.expect_ok(1, "abc");
}

// ---- §6.2 HEADERS ----

#[test]
fn s6_2_headers_on_stream_0_is_a_protocol_error() {
    let srv = server("headers-0");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 0, &get_block());
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_2_headers_padding_longer_than_the_payload_is_a_protocol_error() {
    let srv = server("headers-padding");
    let mut c = Conn::open(srv.port(0));
    let block = get_block();
    let mut p = vec![(block.len() + 1) as u8];
    p.extend(&block);
    c.send_frame(HEADERS, END_HEADERS | END_STREAM | PADDED, 1, &p);
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_2_padded_headers_decode() {
    let srv = server("headers-padded");
    let mut c = Conn::open(srv.port(0));
    let mut p = vec![4];
    p.extend(get_block());
    p.extend([0, 0, 0, 0]);
    c.send_frame(HEADERS, END_HEADERS | END_STREAM | PADDED, 1, &p);
    c.expect_ok(1, "ok");
}

#[test]
fn s6_2_headers_without_end_headers_then_priority_is_a_protocol_error() {
    let srv = server("headers-priority");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_STREAM, 1, &get_block());
    c.send_frame(PRIORITY, 0, 1, &priority_payload(0, 15));
    c.expect_goaway(PROTOCOL_ERROR);
}

// ---- §6.3 PRIORITY ----

#[test]
fn s6_3_priority_on_stream_0_is_a_protocol_error() {
    let srv = server("priority-0");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(PRIORITY, 0, 0, &priority_payload(1, 15));
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_3_priority_of_wrong_length_is_a_frame_size_error() {
    let srv = server("priority-length");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    c.send_frame(PRIORITY, 0, 1, &[0, 0, 0, 3]);
    c.expect_stream_error(1, FRAME_SIZE_ERROR);
}

// ---- §6.4 RST_STREAM ----

#[test]
fn s6_4_rst_stream_on_stream_0_is_a_protocol_error() {
    let srv = server("rst-0");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(RST_STREAM, 0, 0, &8u32.to_be_bytes());
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_4_rst_stream_on_an_idle_stream_is_a_protocol_error() {
    let srv = server("rst-idle");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(RST_STREAM, 0, 1, &8u32.to_be_bytes());
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_4_rst_stream_of_wrong_length_is_a_frame_size_error() {
    let srv = server("rst-length");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    c.send_frame(RST_STREAM, 0, 1, &[0, 0, 8]);
    c.expect_goaway(FRAME_SIZE_ERROR);
}

// ---- §6.5 SETTINGS ----

#[test]
fn s6_5_settings_ack_with_a_payload_is_a_frame_size_error() {
    let srv = server("settings-ack-payload");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(SETTINGS, ACK, 0, &[0, 3, 0, 0, 0, 100]);
    c.expect_goaway(FRAME_SIZE_ERROR);
}

#[test]
fn s6_5_settings_on_a_stream_is_a_protocol_error() {
    let srv = server("settings-stream");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(SETTINGS, 0, 1, &[0, 3, 0, 0, 0, 100]);
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_5_settings_length_not_a_multiple_of_6_is_a_frame_size_error() {
    let srv = server("settings-length");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(SETTINGS, 0, 0, &[0, 3, 0, 0, 100]);
    c.expect_goaway(FRAME_SIZE_ERROR);
}

#[test]
fn s6_5_3_the_server_acknowledges_settings() {
    let srv = server("settings-ack");
    let mut c = Conn::open(srv.port(0));
    c.send(&settings(&[(SETTINGS_MAX_CONCURRENT_STREAMS, 100), (SETTINGS_HEADER_TABLE_SIZE, 4096)]));
    let (frames, why) = c.read_until(|f| f.kind == SETTINGS || f.kind == GOAWAY);
    let last = frames.last();
    assert!(
        why == Stop::Found && last.is_some_and(|f| f.is(SETTINGS, 0) && f.flags == ACK && f.payload.is_empty()),
        "{frames:?} {why:?}"
    );
}

#[test]
fn s6_5_2_enable_push_other_than_0_or_1_is_a_protocol_error() {
    let srv = server("enable-push");
    let mut c = Conn::open(srv.port(0));
    c.send(&settings(&[(SETTINGS_ENABLE_PUSH, 2)]));
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_5_2_initial_window_size_over_2_31_minus_1_is_a_flow_control_error() {
    let srv = server("initial-window");
    let mut c = Conn::open(srv.port(0));
    c.send(&settings(&[(SETTINGS_INITIAL_WINDOW_SIZE, 1 << 31)]));
    c.expect_goaway(FLOW_CONTROL_ERROR);
}

#[test]
fn s6_5_2_max_frame_size_below_16384_is_a_protocol_error() {
    let srv = server("max-frame-low");
    let mut c = Conn::open(srv.port(0));
    c.send(&settings(&[(SETTINGS_MAX_FRAME_SIZE, 16_383)]));
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_5_2_max_frame_size_over_2_24_minus_1_is_a_protocol_error() {
    let srv = server("max-frame-high");
    let mut c = Conn::open(srv.port(0));
    c.send(&settings(&[(SETTINGS_MAX_FRAME_SIZE, 1 << 24)]));
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_5_2_an_unknown_setting_is_ignored() {
    let srv = server("unknown-setting");
    let mut c = Conn::open(srv.port(0));
    c.send(&settings(&[(0xff, 1)]));
    let (frames, why) = c.read_until(|f| f.kind == SETTINGS || f.kind == GOAWAY);
    let last = frames.last();
    assert!(why == Stop::Found && last.is_some_and(|f| f.kind == SETTINGS && f.flags == ACK), "{frames:?} {why:?}");
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, &get_block());
    c.expect_ok(1, "ok");
}

// ---- §6.7 PING ----

#[test]
fn s6_7_ping_is_answered_with_an_ack_and_the_same_data() {
    let srv = server("ping");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(PING, 0, 0, b"h2spec!!");
    let (frames, why) = c.read_until(|f| f.kind == PING || f.kind == GOAWAY);
    let last = frames.last();
    assert!(
        why == Stop::Found && last.is_some_and(|f| f.is(PING, 0) && f.flags == ACK && f.payload == b"h2spec!!"),
        "{frames:?} {why:?}"
    );
}

#[test]
fn s6_7_a_ping_ack_is_not_answered() {
    let srv = server("ping-ack");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(PING, ACK, 0, b"unasked!");
    c.send_frame(PING, 0, 0, b"asked!!!");
    let (frames, why) = c.read_until(|f| f.kind == PING || f.kind == GOAWAY);
    let last = frames.last();
    assert!(
        why == Stop::Found && last.is_some_and(|f| f.kind == PING && f.flags == ACK && f.payload == b"asked!!!"),
        "the PING ACK was answered, or the PING was not: {frames:?} {why:?}"
    );
}

#[test]
fn s6_7_ping_on_a_stream_is_a_protocol_error() {
    let srv = server("ping-stream");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(PING, 0, 1, b"streamed");
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_7_ping_of_wrong_length_is_a_frame_size_error() {
    let srv = server("ping-length");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(PING, 0, 0, b"six!!!");
    c.expect_goaway(FRAME_SIZE_ERROR);
}

// ---- §6.8 GOAWAY ----

#[test]
fn s6_8_goaway_on_a_stream_is_a_protocol_error() {
    let srv = server("goaway-stream");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(GOAWAY, 0, 1, &[0, 0, 0, 0, 0, 0, 0, 0]);
    c.expect_goaway(PROTOCOL_ERROR);
}

// ---- §6.9 WINDOW_UPDATE ----

#[test]
fn s6_9_a_connection_window_increment_of_0_is_a_protocol_error() {
    let srv = server("window-0-conn");
    let mut c = Conn::open(srv.port(0));
    c.send(&window_update(0, 0));
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_9_a_stream_window_increment_of_0_is_a_protocol_error() {
    let srv = server("window-0-stream");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    c.send(&window_update(1, 0));
    c.expect_stream_error(1, PROTOCOL_ERROR);
}

#[test]
fn s6_9_window_update_of_wrong_length_is_a_frame_size_error() {
    let srv = server("window-length");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(WINDOW_UPDATE, 0, 0, &[0, 0, 1]);
    c.expect_goaway(FRAME_SIZE_ERROR);
}

#[test]
fn s6_9_1_a_stream_window_over_2_31_minus_1_is_a_stream_flow_control_error() {
    let srv = server("window-overflow-stream");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    c.send(&window_update(1, 0x7fff_ffff));
    c.expect_rst(1, FLOW_CONTROL_ERROR);
}

#[test]
fn s6_9_1_a_connection_window_over_2_31_minus_1_is_a_flow_control_error() {
    let srv = server("window-overflow-conn");
    let mut c = Conn::open(srv.port(0));
    c.send(&window_update(0, 0x7fff_ffff));
    c.expect_goaway(FLOW_CONTROL_ERROR);
}

#[test]
fn s6_9_2_a_new_initial_window_size_applies_to_open_streams() {
    let srv = server("initial-window-change");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    // Stream 1 is open; now its send window on the server becomes 1 byte.
    c.send(&settings(&[(SETTINGS_INITIAL_WINDOW_SIZE, 1)]));
    let (frames, why) = c.read_until(|f| f.kind == SETTINGS && f.flags & ACK != 0);
    assert_eq!(why, Stop::Found, "no SETTINGS ACK: {frames:?}");
    c.send_frame(DATA, END_STREAM, 1, b"hello");
    let mut body = Vec::new();
    let mut ended = false;
    while body.len() < 5 {
        let (frames, why) =
            c.read_until(|f| (f.is(DATA, 1) && !f.payload.is_empty()) || f.is(RST_STREAM, 1) || f.kind == GOAWAY);
        let d = frames.last().filter(|f| f.is(DATA, 1));
        let d = d.unwrap_or_else(|| panic!("after {body:?}: {frames:?} {why:?}"));
        assert_eq!(d.payload.len(), 1, "a DATA frame larger than the 1-byte window: {d:?}");
        body.extend_from_slice(&d.payload);
        ended |= d.ends_stream();
        // Nothing more until the window opens again.
        let (more, _) = c.read_for(Duration::from_millis(300), |f| f.is(DATA, 1) && !f.payload.is_empty());
        assert!(!more.iter().any(|f| f.is(DATA, 1) && !f.payload.is_empty()), "DATA past the window: {more:?}");
        ended |= more.iter().any(|f| f.stream == 1 && f.ends_stream());
        c.send(&window_update(1, 1));
    }
    assert_eq!(body, b"hello");
    if !ended {
        let (frames, why) = c.read_until(|f| f.stream == 1 && f.ends_stream());
        assert_eq!(why, Stop::Found, "the response did not end: {frames:?}");
    }
}

#[test]
fn s6_9_2_an_initial_window_size_change_overflowing_a_window_is_a_flow_control_error() {
    let srv = server("initial-window-overflow");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    // Stream 1's window: 65,535 + (2^31 - 1 - 65,535) = 2^31 - 1, the most it may be.
    c.send(&window_update(1, 0x7fff_ffff - 65_535));
    c.expect_alive();
    // One more byte of initial window pushes it over.
    c.send(&settings(&[(SETTINGS_INITIAL_WINDOW_SIZE, 65_536)]));
    c.expect_goaway(FLOW_CONTROL_ERROR);
}

// ---- §6.10 CONTINUATION ----

#[test]
fn s6_10_a_field_block_split_into_continuation_frames_decodes() {
    let srv = server("continuation");
    let mut c = Conn::open(srv.port(0));
    let block = get_block();
    c.send_frame(HEADERS, END_STREAM, 1, &block[..2]);
    c.send_frame(CONTINUATION, 0, 1, &block[2..4]);
    c.send_frame(CONTINUATION, END_HEADERS, 1, &block[4..]);
    c.expect_ok(1, "ok");
}

#[test]
fn s6_10_continuation_on_another_stream_is_a_protocol_error() {
    let srv = server("continuation-stream");
    let mut c = Conn::open(srv.port(0));
    let block = get_block();
    c.send_frame(HEADERS, END_STREAM, 1, &block[..2]);
    c.send_frame(CONTINUATION, END_HEADERS, 3, &block[2..]);
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_10_continuation_after_end_headers_is_a_protocol_error() {
    let srv = server("continuation-after");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, &get_block());
    c.send_frame(CONTINUATION, END_HEADERS, 1, &lit("x-more", "1"));
    c.expect_goaway(PROTOCOL_ERROR);
}

#[test]
fn s6_10_continuation_on_an_idle_stream_is_a_protocol_error() {
    let srv = server("continuation-idle");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(CONTINUATION, END_HEADERS, 1, &get_block());
    c.expect_goaway(PROTOCOL_ERROR);
}

// ---- §8 HTTP messages ----

/// Sends `block` as a complete request on stream 1.
fn request(c: &mut Conn, block: &[u8]) {
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, block);
}

#[test]
fn s8_2_an_uppercase_field_name_is_malformed() {
    let srv = server("uppercase");
    let mut c = Conn::open(srv.port(0));
    let mut b = get_block();
    b.extend(lit("X-Upper", "1"));
    request(&mut c, &b);
    c.expect_malformed(1);
}

#[test]
fn s8_3_a_pseudo_header_after_a_regular_field_is_malformed() {
    let srv = server("pseudo-after");
    let mut c = Conn::open(srv.port(0));
    let mut b = vec![METHOD_GET, SCHEME_HTTP];
    b.extend(lit("x-regular", "1"));
    b.push(PATH_ROOT);
    b.extend(authority());
    request(&mut c, &b);
    c.expect_malformed(1);
}

#[test]
fn s8_3_an_unknown_pseudo_header_is_malformed() {
    let srv = server("pseudo-unknown");
    let mut c = Conn::open(srv.port(0));
    let mut b = get_block();
    b.extend(lit(":unknown", "1"));
    request(&mut c, &b);
    c.expect_malformed(1);
}

#[test]
fn s8_3_a_response_pseudo_header_in_a_request_is_malformed() {
    let srv = server("pseudo-status");
    let mut c = Conn::open(srv.port(0));
    let mut b = get_block();
    b.extend(lit_indexed_name(8, "200"));
    request(&mut c, &b);
    c.expect_malformed(1);
}

#[test]
fn s8_3_1_a_request_without_method_is_malformed() {
    let srv = server("no-method");
    let mut c = Conn::open(srv.port(0));
    let mut b = vec![SCHEME_HTTP, PATH_ROOT];
    b.extend(authority());
    request(&mut c, &b);
    c.expect_malformed(1);
}

#[test]
fn s8_3_1_a_request_without_scheme_is_malformed() {
    let srv = server("no-scheme");
    let mut c = Conn::open(srv.port(0));
    let mut b = vec![METHOD_GET, PATH_ROOT];
    b.extend(authority());
    request(&mut c, &b);
    c.expect_malformed(1);
}

#[test]
fn s8_3_1_a_request_without_path_is_malformed() {
    let srv = server("no-path");
    let mut c = Conn::open(srv.port(0));
    let mut b = vec![METHOD_GET, SCHEME_HTTP];
    b.extend(authority());
    request(&mut c, &b);
    c.expect_malformed(1);
}

#[test]
fn s8_3_1_an_empty_path_is_malformed() {
    let srv = server("empty-path");
    let mut c = Conn::open(srv.port(0));
    let mut b = vec![METHOD_GET, SCHEME_HTTP];
    b.extend(path(""));
    b.extend(authority());
    request(&mut c, &b);
    c.expect_malformed(1);
}

#[test]
fn s8_3_1_a_duplicate_path_is_malformed() {
    let srv = server("dup-path");
    let mut c = Conn::open(srv.port(0));
    let mut b = get_block();
    b.push(PATH_ROOT);
    request(&mut c, &b);
    c.expect_malformed(1);
}

#[test]
fn s8_2_2_a_connection_specific_field_is_malformed() {
    let srv = server("connection-field");
    let mut c = Conn::open(srv.port(0));
    let mut b = get_block();
    b.extend(lit("connection", "keep-alive"));
    request(&mut c, &b);
    c.expect_malformed(1);
}

#[test]
fn s8_2_2_te_trailers_is_allowed() {
    let srv = server("te-trailers");
    let mut c = Conn::open(srv.port(0));
    let mut b = get_block();
    b.extend(lit("te", "trailers"));
    request(&mut c, &b);
    c.expect_ok(1, "ok");
}

#[test]
fn s8_2_2_te_other_than_trailers_is_malformed() {
    let srv = server("te-gzip");
    let mut c = Conn::open(srv.port(0));
    let mut b = get_block();
    b.extend(lit("te", "gzip"));
    request(&mut c, &b);
    c.expect_malformed(1);
}

#[test]
fn s8_1_1_content_length_above_the_data_length_is_malformed() {
    let srv = server("content-length-short");
    let mut c = Conn::open(srv.port(0));
    let mut b = post_echo_block();
    b.extend(lit("content-length", "5"));
    c.send_frame(HEADERS, END_HEADERS, 1, &b);
    c.send_frame(DATA, END_STREAM, 1, b"abc");
    c.expect_malformed(1);
}

#[test]
fn s8_1_1_content_length_below_the_data_length_is_malformed() {
    let srv = server("content-length-long");
    let mut c = Conn::open(srv.port(0));
    let mut b = post_echo_block();
    b.extend(lit("content-length", "2"));
    c.send_frame(HEADERS, END_HEADERS, 1, &b);
    c.send_frame(DATA, END_STREAM, 1, b"abc");
    c.expect_malformed(1);
}

#[test]
fn s8_1_a_second_headers_without_end_stream_is_malformed() {
    let srv = server("trailers-no-end");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    c.send_frame(DATA, 0, 1, b"body");
    c.send_frame(HEADERS, END_HEADERS, 1, &lit("x-trailer", "1"));
    c.expect_malformed(1);
}

#[test]
fn s8_1_trailers_with_a_pseudo_header_are_malformed() {
    let srv = server("trailers-pseudo");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    c.send_frame(DATA, 0, 1, b"body");
    let mut t = lit("x-trailer", "1");
    t.push(METHOD_GET);
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, &t);
    c.expect_malformed(1);
}

#[test]
fn s8_1_trailers_are_accepted() {
    let srv = server("trailers");
    let mut c = Conn::open(srv.port(0));
    c.send_frame(HEADERS, END_HEADERS, 1, &post_echo_block());
    c.send_frame(DATA, 0, 1, b"body");
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, &lit("x-trailer", "1"));
    c.expect_ok(1, "body");
}

// ---- RFC 7541 HPACK ----

#[test]
fn hpack_4_2_a_table_size_update_over_the_limit_is_a_compression_error() {
    let srv = server("size-update-over");
    let mut c = Conn::open(srv.port(0));
    let limit = c.setting(SETTINGS_HEADER_TABLE_SIZE).unwrap_or(4096) as usize;
    let mut b = hpack_int(0x20, 5, limit + 1);
    b.extend(get_block());
    request(&mut c, &b);
    c.expect_goaway(COMPRESSION_ERROR);
}

#[test]
fn hpack_4_2_a_table_size_update_within_the_limit_is_accepted() {
    let srv = server("size-update-ok");
    let mut c = Conn::open(srv.port(0));
    let mut b = hpack_int(0x20, 5, 0);
    b.extend(hpack_int(0x20, 5, 256));
    b.extend(get_block());
    request(&mut c, &b);
    c.expect_ok(1, "ok");
}

#[test]
fn hpack_4_2_a_table_size_update_after_a_field_is_a_compression_error() {
    let srv = server("size-update-late");
    let mut c = Conn::open(srv.port(0));
    let mut b = get_block();
    b.extend(hpack_int(0x20, 5, 256));
    request(&mut c, &b);
    c.expect_goaway(COMPRESSION_ERROR);
}

#[test]
fn hpack_5_2_huffman_coded_strings_decode() {
    let srv = server("huffman");
    let mut c = Conn::open(srv.port(0));
    let mut b = vec![METHOD_GET, SCHEME_HTTP];
    b.extend(path("/h"));
    // :authority www.example.com, Huffman-coded (RFC 7541 C.4.1).
    b.extend([0x01, 0x8c, 0xf1, 0xe3, 0xc2, 0xe5, 0xf2, 0x3a, 0x6b, 0xa0, 0xab, 0x90, 0xf4, 0xff]);
    // custom-key: custom-value, both Huffman-coded (RFC 7541 C.4.3).
    b.extend([0x00, 0x88, 0x25, 0xa8, 0x49, 0xe9, 0x5b, 0xa9, 0x7d, 0x7f]);
    b.extend([0x89, 0x25, 0xa8, 0x49, 0xe9, 0x5b, 0xb8, 0xe8, 0xb4, 0xbf]);
    request(&mut c, &b);
    c.expect_ok(1, "www.example.com custom-value");
}

#[test]
fn hpack_2_3_the_dynamic_table_carries_over_to_the_next_request() {
    let srv = server("dynamic-table");
    let mut c = Conn::open(srv.port(0));
    let mut b = vec![METHOD_GET, SCHEME_HTTP];
    b.extend(path("/h"));
    // Literals with incremental indexing: :authority becomes index 62, then custom-key 62
    // and :authority 63.
    b.push(0x40 | NAME_AUTHORITY as u8);
    b.extend(hpack_str(b"www.example.com"));
    b.push(0x40);
    b.extend(hpack_str(b"custom-key"));
    b.extend(hpack_str(b"custom-value"));
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 1, &b);
    c.expect_ok(1, "www.example.com custom-value");
    let mut b = vec![METHOD_GET, SCHEME_HTTP];
    b.extend(path("/h"));
    b.extend([0x80 | 63, 0x80 | 62]);
    c.send_frame(HEADERS, END_HEADERS | END_STREAM, 3, &b);
    c.expect_ok(3, "www.example.com custom-value");
}
