//! Decoder tests: events for every split of the input, pipelining, chunked bodies, bodiless
//! responses, tunnels, every error kind, an encode→decode round trip, and garbage input.

use bytes::Bytes;

use super::*;

/// Events with consecutive `Body` (and `Tunnel`) pieces merged, so that inputs split
/// differently compare equal.
fn normalize<H: Clone>(events: Vec<Event<H>>) -> Vec<Event<H>> {
    let mut out: Vec<Event<H>> = Vec::new();
    for e in events {
        match (out.last_mut(), e) {
            (_, Event::Body(b)) | (_, Event::Tunnel(b)) if b.is_empty() => {}
            (Some(Event::Body(a)), Event::Body(b)) => *a = [a.as_ref(), b.as_ref()].concat().into(),
            (Some(Event::Tunnel(a)), Event::Tunnel(b)) => *a = [a.as_ref(), b.as_ref()].concat().into(),
            (_, e) => out.push(e),
        }
    }
    out
}

type Res<H> = (Vec<Event<H>>, Option<DecodeError>);

fn run_req(chunks: &[&[u8]]) -> Res<RequestHead> {
    let mut d = RequestDecoder::new();
    let mut out = Vec::new();
    let mut err = None;
    for c in chunks {
        if let Err(e) = d.feed(Bytes::copy_from_slice(c), &mut out) {
            err = Some(e);
            break;
        }
    }
    if err.is_none() {
        err = d.finish(&mut out).err();
    }
    (normalize(out), err)
}

fn run_res(reqs: &[RequestInfo], chunks: &[&[u8]]) -> Res<ResponseHead> {
    let mut d = ResponseDecoder::new();
    for r in reqs {
        d.push_request(r.clone());
    }
    let mut out = Vec::new();
    let mut err = None;
    for c in chunks {
        if let Err(e) = d.feed(Bytes::copy_from_slice(c), &mut out) {
            err = Some(e);
            break;
        }
    }
    if err.is_none() {
        err = d.finish(&mut out).err();
    }
    (normalize(out), err)
}

/// Decodes `input` whole, then split at every offset, then byte by byte: all must agree.
fn req_all_splits(input: &[u8]) -> Res<RequestHead> {
    let whole = run_req(&[input]);
    for i in 0..=input.len() {
        let (a, b) = input.split_at(i);
        assert_eq!(run_req(&[a, b]), whole, "split at {i}");
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(run_req(&bytes), whole, "byte by byte");
    whole
}

fn res_all_splits(reqs: &[RequestInfo], input: &[u8]) -> Res<ResponseHead> {
    let whole = run_res(reqs, &[input]);
    for i in 0..=input.len() {
        let (a, b) = input.split_at(i);
        assert_eq!(run_res(reqs, &[a, b]), whole, "split at {i}");
    }
    let bytes: Vec<&[u8]> = input.chunks(1).collect();
    assert_eq!(run_res(reqs, &bytes), whole, "byte by byte");
    whole
}

fn body<H>(b: &str) -> Event<H> {
    Event::Body(Bytes::copy_from_slice(b.as_bytes()))
}

fn end<H>(head_size: u64, body_size: u64) -> Event<H> {
    Event::End(Tail { trailers: vec![], head_size, body_size })
}

fn head_of<H: Clone>(e: &Event<H>) -> (H, MessageInfo) {
    match e {
        Event::Head { head, info } => (head.clone(), *info),
        _ => panic!("not a head: {}", std::any::type_name::<H>()),
    }
}

fn get(method: &str) -> RequestInfo {
    RequestInfo { method: method.into(), is_final: false, tunnel: None }
}

fn kind<H>(r: &Res<H>) -> Option<DecodeErrorKind> {
    r.1.map(|e| e.kind)
}

#[test]
fn simple_get() {
    let input = b"GET /index.html?x=1 HTTP/1.1\r\nHost: example.com\r\nX-Multi: a\r\nx-multi: b\r\n\r\n";
    let (ev, err) = req_all_splits(input);
    assert_eq!(err, None);
    assert_eq!(ev.len(), 2);
    let (head, info) = head_of(&ev[0]);
    assert_eq!(head.method, "GET");
    assert_eq!(head.path, "/index.html?x=1");
    assert_eq!(head.protocol, "HTTP/1.1");
    assert_eq!(
        head.headers,
        vec![Header::new("Host", "example.com"), Header::new("X-Multi", "a"), Header::new("x-multi", "b")]
    );
    assert_eq!(head.headers[0].lower_name(), "host");
    assert_eq!(info, MessageInfo { keep_alive: true, body: BodyKind::Empty, tunnel: None, expect_continue: false });
    assert_eq!(ev[1], end(input.len() as u64, 0));
}

#[test]
fn pipelined_requests_with_bodies() {
    let input = b"POST /a HTTP/1.1\r\nContent-Length: 5\r\n\r\nhelloGET /b HTTP/1.1\r\n\r\n\r\nPUT /c HTTP/1.1\r\ncontent-length: 3\r\nExpect: 100-continue\r\n\r\nxyz";
    let (ev, err) = req_all_splits(input);
    assert_eq!(err, None);
    assert_eq!(ev.len(), 8);
    assert_eq!(head_of(&ev[0]).1.body, BodyKind::Length(5));
    assert_eq!(ev[1], body("hello"));
    assert_eq!(ev[2], end(39, 5));
    assert_eq!(head_of(&ev[3]).0.path, "/b");
    assert_eq!(ev[4], end(19, 0));
    // The stray CRLF before the third request is skipped.
    let (h, info) = head_of(&ev[5]);
    assert_eq!(h.path, "/c");
    assert!(info.expect_continue);
    assert_eq!(ev[6], body("xyz"));
}

#[test]
fn zero_copy_body() {
    let data = Bytes::from_static(b"POST / HTTP/1.1\r\ncontent-length: 4\r\n\r\nbody");
    let mut d = RequestDecoder::new();
    let mut out = Vec::new();
    assert!(d.feed(data.clone(), &mut out).is_ok());
    let Some(Event::Body(b)) = out.get(1) else { panic!("no body") };
    assert_eq!(b.as_ptr(), data[data.len() - 4..].as_ptr());
}

#[test]
fn chunked_with_extensions_and_trailers() {
    let input = b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5;name=val\r\nhello\r\na \r\n0123456789\r\n000\r\nX-Sum: 1\r\nx-more:  2 \r\n\r\nGET / HTTP/1.1\r\n\r\n";
    let (ev, err) = req_all_splits(input);
    assert_eq!(err, None);
    assert_eq!(head_of(&ev[0]).1.body, BodyKind::Chunked);
    assert_eq!(ev[1], body("hello0123456789"));
    let Event::End(tail) = &ev[2] else { panic!("no end") };
    assert_eq!(tail.trailers, vec![Header::new("X-Sum", "1"), Header::new("x-more", "2")]);
    assert_eq!(tail.head_size, 53);
    // Pipy counts the body as it is on the wire, framing and trailers included.
    assert_eq!(tail.body_size, 65);
    assert_eq!(head_of(&ev[3]).0.method, "GET");
    // No trailers, bare LF line ends.
    let (ev, err) = req_all_splits(b"POST / HTTP/1.1\ntransfer-encoding: chunked\n\n3\nabc\n0\n\n");
    assert_eq!(err, None);
    assert_eq!(ev[1], body("abc"));
    assert_eq!(ev[2], end(44, 9));
}

#[test]
fn http10_keep_alive_rules() {
    let info = |s: &[u8]| head_of(&run_req(&[s]).0[0]).1.keep_alive;
    assert!(!info(b"GET / HTTP/1.0\r\n\r\n"));
    assert!(info(b"GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"));
    assert!(info(b"GET / HTTP/1.1\r\n\r\n"));
    assert!(!info(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n"));
    assert!(!info(b"GET / HTTP/1.1\r\nConnection: TE, Close\r\n\r\n"));
    let (h, _) = head_of(&run_req(&[b"GET / HTTP/1.0\r\n\r\n"]).0[0]);
    assert!(RequestInfo::from_head(&h).is_final);
}

#[test]
fn responses_and_bodiless_cases() {
    let input = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\ncontent-length: 1\r\n\r\nx";
    let reqs = [get("GET"), get("HEAD"), get("GET"), get("GET"), get("POST")];
    let (ev, err) = res_all_splits(&reqs, input);
    assert_eq!(err, None);
    let heads: Vec<(u16, BodyKind)> = ev
        .iter()
        .filter_map(|e| match e {
            Event::Head { head, info } => Some((head.status, info.body)),
            _ => None,
        })
        .collect();
    assert_eq!(
        heads,
        vec![
            (200, BodyKind::Length(2)),
            (200, BodyKind::Empty),
            (204, BodyKind::Empty),
            (304, BodyKind::Empty),
            (100, BodyKind::Empty),
            (404, BodyKind::Length(1))
        ]
    );
    assert_eq!(ev.len(), 6 * 2 + 2);
    let (h, _) = head_of(&ev[0]);
    assert_eq!((h.protocol.as_str(), h.status_text.as_str()), ("HTTP/1.1", "OK"));
}

#[test]
fn response_until_close() {
    let input = b"HTTP/1.0 200 OK\r\nServer: x\r\n\r\nall of this, until close";
    let (ev, err) = res_all_splits(&[get("GET")], input);
    assert_eq!(err, None);
    let (_, info) = head_of(&ev[0]);
    assert_eq!(info.body, BodyKind::UntilClose);
    assert!(!info.keep_alive);
    assert_eq!(ev[1], body("all of this, until close"));
    assert_eq!(ev[2], end(30, 24));
    // Unknown transfer-encoding in a response also runs until close; chunked beats length.
    let (ev, _) = run_res(&[], &[b"HTTP/1.1 200 OK\r\ntransfer-encoding: gzip\r\n\r\nzz"]);
    assert_eq!(head_of(&ev[0]).1.body, BodyKind::UntilClose);
    let (ev, err) = run_res(
        &[],
        &[b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\ncontent-length: 3\r\n\r\n1\r\na\r\n0\r\n\r\n"],
    );
    assert_eq!((err, ev[1].clone()), (None, body("a")));
}

#[test]
fn response_keep_alive_follows_request() {
    let input = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
    let (ev, _) = run_res(&[RequestInfo { is_final: true, ..get("GET") }], &[input]);
    assert!(!head_of(&ev[0]).1.keep_alive);
    let (ev, _) = run_res(&[get("GET")], &[input]);
    assert!(head_of(&ev[0]).1.keep_alive);
    let (ev, _) = run_res(&[get("GET")], &[b"HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"]);
    assert!(!head_of(&ev[0]).1.keep_alive);
}

#[test]
fn response_tunnels() {
    let connect = RequestInfo { method: "CONNECT".into(), is_final: false, tunnel: Some(TunnelKind::Connect) };
    let input = b"HTTP/1.1 200 Connection Established\r\n\r\nHTTP/1.1 raw bytes";
    let (ev, err) = res_all_splits(std::slice::from_ref(&connect), input);
    assert_eq!(err, None);
    assert_eq!(head_of(&ev[0]).1.tunnel, Some(TunnelKind::Connect));
    assert_eq!(ev[2], Event::Tunnel(Bytes::from_static(b"HTTP/1.1 raw bytes")));
    // A refused CONNECT has an ordinary body and no tunnel.
    let (ev, _) = run_res(&[connect], &[b"HTTP/1.1 407 No\r\ncontent-length: 2\r\n\r\nnoHTTP/1.1 200 OK\r\n\r\n"]);
    assert_eq!(head_of(&ev[0]).1.tunnel, None);
    assert_eq!(ev[1], body("no"));
    let ws = RequestInfo { tunnel: Some(TunnelKind::WebSocket), ..get("GET") };
    let (ev, _) = run_res(&[ws], &[b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05"]);
    assert_eq!(ev[2], Event::Tunnel(Bytes::from_static(b"\x81\x05")));
}

#[test]
fn request_tunnels() {
    let input = b"CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n\x16\x03\x01";
    // Not holding: the tunnel is reported, and bytes after it are parsed as HTTP (Pipy's
    // plain decoder) until the caller switches the decoder to tunnel mode: TLS bytes cannot
    // begin a request line, so they are refused as they arrive.
    let (ev, err) = run_req(&[input]);
    assert_eq!(head_of(&ev[0]).1.tunnel, Some(TunnelKind::Connect));
    assert_eq!(err.map(|e| e.kind), Some(DecodeErrorKind::BadStartLine));
    assert_eq!(ev.len(), 2);
    // Holding: bytes wait for the decision.
    let mut d = RequestDecoder::new();
    d.set_hold_tunnel(true);
    let mut out = Vec::new();
    assert!(d.feed(Bytes::from_static(input), &mut out).is_ok());
    assert!(d.is_holding());
    assert_eq!(out.len(), 2);
    d.tunnel_accepted(&mut out);
    assert!(d.feed(Bytes::from_static(b"more"), &mut out).is_ok());
    assert_eq!(normalize(out).get(2), Some(&Event::Tunnel(Bytes::from_static(b"\x16\x03\x01more"))));
    // Rejected: held bytes are decoded as HTTP.
    let mut d = RequestDecoder::new();
    d.set_hold_tunnel(true);
    let mut out = Vec::new();
    let up = b"GET /ws HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nGET /next HTTP/1.1\r\n\r\n";
    assert!(d.feed(Bytes::from_static(up), &mut out).is_ok());
    assert_eq!(head_of(&out[0]).1.tunnel, Some(TunnelKind::WebSocket));
    assert_eq!(out.len(), 2);
    assert!(d.tunnel_rejected(&mut out).is_ok());
    assert_eq!(head_of(&out[2]).0.path, "/next");
}

#[test]
fn http2_preface() {
    let input = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04";
    let (ev, err) = req_all_splits(input);
    assert_eq!(err, None);
    assert_eq!(ev, vec![Event::Http2Preface, Event::Tunnel(Bytes::from_static(b"\x00\x00\x00\x04"))]);
    assert_eq!(kind(&run_req(&[b"PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n"])), Some(DecodeErrorKind::BadStartLine));
}

#[test]
fn error_kinds_and_statuses() {
    use DecodeErrorKind as K;
    let cases: &[(&[u8], K, u16)] = &[
        (b"GET\r\n\r\n", K::BadStartLine, 400),
        (b"GET  / HTTP/1.1\r\n\r\n", K::BadStartLine, 400),
        (b"G(T / HTTP/1.1\r\n\r\n", K::BadStartLine, 400),
        (b"GET / HTTP/2.0\r\n\r\n", K::UnsupportedVersion, 505),
        (b"GET / HTTP/1.1\r\nBad Header: x\r\n\r\n", K::BadHeader, 400),
        (b"GET / HTTP/1.1\r\nno-colon\r\n\r\n", K::BadHeader, 400),
        (b"GET / HTTP/1.1\r\nx: a\r\n folded\r\n\r\n", K::BadHeader, 400),
        (b"POST / HTTP/1.1\r\ncontent-length: 1x\r\n\r\n", K::InvalidContentLength, 400),
        (b"POST / HTTP/1.1\r\ncontent-length: -1\r\n\r\n", K::InvalidContentLength, 400),
        (b"POST / HTTP/1.1\r\ncontent-length: 99999999999999999999\r\n\r\n", K::InvalidContentLength, 400),
        (b"POST / HTTP/1.1\r\ncontent-length: 1\r\ncontent-length: 2\r\n\r\n", K::ConflictingLength, 400),
        (b"POST / HTTP/1.1\r\ncontent-length: 3\r\ntransfer-encoding: chunked\r\n\r\n", K::ConflictingLength, 400),
        (b"POST / HTTP/1.1\r\ntransfer-encoding: gzip\r\n\r\n", K::UnsupportedTransferEncoding, 501),
        (b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n", K::BadChunk, 400),
        (b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n\r\n", K::BadChunk, 400),
        (b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n1 2\r\n", K::BadChunk, 400),
        (b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n11111111111111111\r\n", K::BadChunk, 400),
        (b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n1\r\nabc", K::BadChunk, 400),
        (b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n0\r\nbad trailer\r\n\r\n", K::BadTrailer, 400),
        (b"POST / HTTP/1.1\r\ncontent-length: 10\r\n\r\nshort", K::Truncated, 400),
        (b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n5\r\nab", K::Truncated, 400),
        (b"GET / HTTP/1.1\r\nHost: x", K::Truncated, 400),
    ];
    for (input, k, status) in cases {
        let r = req_all_splits(input);
        let e = r.1.unwrap_or_else(|| panic!("no error for {:?}", String::from_utf8_lossy(input)));
        assert_eq!((e.kind, e.status()), (*k, *status), "{:?}", String::from_utf8_lossy(input));
        assert!(!e.in_response);
    }
    // Accepted leniencies: identical repeated lengths, empty stream, stray CRLF at the end.
    assert_eq!(run_req(&[b"POST / HTTP/1.1\r\ncontent-length: 1, 1\r\n\r\nx"]).1, None);
    assert_eq!(run_req(&[]).1, None);
    assert_eq!(run_req(&[b"GET / HTTP/1.1\r\n\r\n\r\n"]).1, None);
    // Response-side errors are the upstream's fault: 502.
    let r = run_res(&[], &[b"HTTP/1.1 600 Weird\r\n\r\n"]);
    assert_eq!(r.1.map(|e| (e.kind, e.status(), e.status_text())), Some((K::BadStartLine, 502, "Bad Gateway")));
    let r = run_res(&[], &[b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nab"]);
    assert_eq!(r.1.map(|e| (e.kind, e.status())), Some((K::Truncated, 502)));
}

#[test]
fn size_limits() {
    let limits = Limits { max_line_size: 32, max_head_size: 64 };
    let feed = |input: &[u8]| {
        let mut d = RequestDecoder::with_limits(limits);
        d.feed(Bytes::copy_from_slice(input), &mut Vec::new()).err().map(|e| (e.kind, e.status()))
    };
    let long_uri = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(40));
    assert_eq!(feed(long_uri.as_bytes()), Some((DecodeErrorKind::UriTooLong, 414)));
    // Without a line end yet, too: the limit bounds memory, not just complete lines.
    assert_eq!(feed(&[b'G'; 40]), Some((DecodeErrorKind::UriTooLong, 414)));
    let long_header = format!("GET / HTTP/1.1\r\nx: {}\r\n\r\n", "b".repeat(40));
    assert_eq!(feed(long_header.as_bytes()), Some((DecodeErrorKind::HeaderTooLarge, 400)));
    let many = format!("GET / HTTP/1.1\r\n{}\r\n", "x: 0123456789\r\n".repeat(5));
    assert_eq!(feed(many.as_bytes()), Some((DecodeErrorKind::HeaderTooLarge, 400)));
    assert_eq!(feed(b"GET / HTTP/1.1\r\nx: 0123456789012345678901234567\r\n\r\n"), None);
    // The error sticks.
    let mut d = RequestDecoder::with_limits(limits);
    assert!(d.feed(Bytes::from(long_uri), &mut Vec::new()).is_err());
    assert!(d.feed(Bytes::from_static(b"GET / HTTP/1.1\r\n\r\n"), &mut Vec::new()).is_err());
    assert!(d.error().is_some());
}

/// xorshift64*: deterministic randomness without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or_default()
    }
    fn text(&mut self, max: usize) -> String {
        let n = self.below(max + 1);
        (0..n).map(|_| (b'!' + self.below(94) as u8) as char).collect()
    }
}

/// Splits `data` into random pieces.
fn random_split(rng: &mut Rng, data: &Bytes) -> Vec<Bytes> {
    let mut out = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        let n = 1 + rng.below((data.len() - pos).min(20));
        out.push(data.slice(pos..pos + n));
        pos += n;
    }
    out
}

#[test]
fn encode_decode_round_trip() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    for _ in 0..400 {
        let method = rng.pick(&["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]);
        let headers: Vec<Header> = (0..rng.below(5))
            .map(|i| Header::new(format!("X-H{i}-{}", rng.pick(&["a", "Bb", "cC"])), rng.text(12).trim().to_string()))
            .collect();
        let path = format!("/{}", rng.text(10).replace(' ', ""));
        let req = RequestHead { method: method.into(), path, protocol: "HTTP/1.1".into(), headers };
        let body: Vec<Bytes> = (0..rng.below(4)).map(|_| Bytes::from(rng.text(30))).collect();
        let buffer_size = rng.pick(&["0", "1", "16"]).parse().unwrap_or(0);
        let mut enc = RequestEncoder::new(buffer_size);
        let mut wire = Vec::new();
        let info = enc.head(&req);
        for b in &body {
            enc.body(b.clone(), &mut wire);
        }
        enc.end(&mut wire);
        let wire: Bytes = wire.concat().into();
        let mut dec = RequestDecoder::new();
        let mut ev = Vec::new();
        for piece in random_split(&mut rng, &wire) {
            assert!(dec.feed(piece, &mut ev).is_ok());
        }
        assert!(dec.finish(&mut ev).is_ok());
        let ev = normalize(ev);
        let (got, dinfo) = head_of(&ev[0]);
        assert_eq!((&got.method, &got.path), (&req.method, &req.path));
        assert_eq!(got.headers.get(..req.headers.len()), Some(req.headers.as_slice()));
        assert_eq!(Some(RequestInfo::from_head(&got)), info);
        assert!(dinfo.keep_alive);
        let sent: Vec<u8> = body.concat();
        let received = ev.iter().find_map(|e| if let Event::Body(b) = e { Some(b.to_vec()) } else { None });
        assert_eq!(received.unwrap_or_default(), sent);
        assert!(matches!(ev.last(), Some(Event::End(_))));

        // And the response to it.
        let status = [200u16, 201, 204, 404, 500][rng.below(5)];
        let res = ResponseHead { status, headers: vec![Header::new("Server", "pipy")], ..Default::default() };
        let mut enc = ResponseEncoder::new(buffer_size);
        let mut wire = Vec::new();
        enc.head(&res, info.as_ref());
        for b in &body {
            enc.body(b.clone(), &mut wire);
        }
        assert!(!enc.end(&mut wire).close);
        let wire: Bytes = wire.concat().into();
        let mut dec = ResponseDecoder::new();
        dec.push_request(info.clone().unwrap_or_default());
        let mut ev = Vec::new();
        for piece in random_split(&mut rng, &wire) {
            assert!(dec.feed(piece, &mut ev).is_ok());
        }
        assert!(dec.finish(&mut ev).is_ok());
        let ev = normalize(ev);
        let (got, dinfo) = head_of(&ev[0]);
        assert_eq!((got.status, got.status_text.as_str()), (status, status::default_reason(status)));
        assert!(dinfo.keep_alive);
        let expect: Vec<u8> = if status == 204 { Vec::new() } else { sent };
        let received = ev.iter().find_map(|e| if let Event::Body(b) = e { Some(b.to_vec()) } else { None });
        assert_eq!(received.unwrap_or_default(), expect);
    }
}

/// Bytes that cannot begin a request are refused as they arrive, not when the head would end:
/// each case fails on its last byte (the head is never complete), with the kind the full parse
/// gives for the same bytes followed by the end of the head.
#[test]
fn a_bad_head_is_refused_at_its_first_bad_byte() {
    use DecodeErrorKind as K;
    let cases: &[(&[u8], K)] = &[
        (b"\x16", K::BadStartLine),
        (b"\x00", K::BadStartLine),
        (b"\r\r", K::BadStartLine),
        (b" ", K::BadStartLine),
        (b"GET\r", K::BadStartLine),
        (b"GET  ", K::BadStartLine),
        (b"GET /\x7f", K::BadStartLine),
        (b"GET /a\r", K::BadStartLine),
        (b"GET /\xff", K::BadStartLine),
        (b"GET /\xc3 ", K::BadStartLine),
        (b"GET /\xed\xa0", K::BadStartLine),
        (b"GET /\xe0\x80", K::BadStartLine),
        (b"GET / X", K::UnsupportedVersion),
        (b"GET / HTTP/1.2", K::UnsupportedVersion),
        (b"GET / HTTP/3", K::UnsupportedVersion),
        (b"GET / HTTP/1.1x", K::BadStartLine),
        (b"GET / HTTP/1.1\r\r", K::BadStartLine),
        (b"GET / HTTP/1.1\r\n ", K::BadHeader),
        (b"GET / HTTP/1.1\r\nBad ", K::BadHeader),
        (b"GET / HTTP/1.1\r\nx: a\x01", K::BadHeader),
        (b"GET / HTTP/1.1\r\nx: a\rb", K::BadHeader),
    ];
    for (input, kind) in cases {
        let mut d = RequestDecoder::new();
        let mut out = Vec::new();
        let (last, before) = input.split_last().map(|(l, b)| (*l, b)).unwrap_or((0, &[]));
        let shown = String::from_utf8_lossy(input);
        assert!(d.feed(Bytes::copy_from_slice(before), &mut out).is_ok(), "{shown:?} failed early");
        let e = d.feed(Bytes::copy_from_slice(&[last]), &mut out).err();
        assert_eq!(e.map(|e| e.kind), Some(*kind), "{shown:?}");
        // The same kind as the full parse of the bytes made a complete head.
        let mut whole = input.to_vec();
        whole.extend_from_slice(b"\r\n\r\n");
        assert_eq!(run_req(&[&whole]).1.map(|e| e.kind), Some(*kind), "{shown:?} whole");
    }
    // What may still become a request is not refused: odd but valid heads byte by byte.
    for ok in [
        &b"\r\n\nGET /%C3%A9?a=1 HTTP/1.0\nX-A:\tv\xc3\xa9 \x80\r\nx:\r\n\r\n"[..],
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\n\r\n",
        b"GET /\xc3\xa9 HTTP/1.1\r\n\r\n",
    ] {
        assert_eq!(req_all_splits(ok).1, None, "{:?}", String::from_utf8_lossy(ok));
    }
}

#[test]
fn garbage_never_panics() {
    let mut rng = Rng(0xdead_beef_cafe_f00d);
    let seeds: &[&[u8]] = &[
        b"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
        b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\n5;x\r\nhello\r\n0\r\nT: 1\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabc",
        b"CONNECT a:1 HTTP/1.1\r\n\r\nxx",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"\r\n\r\n\n\n\r\r: \x00\xff",
    ];
    let limits = Limits { max_line_size: 64, max_head_size: 256 };
    // More rounds on demand: HTTP_FUZZ_ROUNDS=1000000 cargo test -p pipy-runtime garbage
    let rounds = std::env::var("HTTP_FUZZ_ROUNDS").ok().and_then(|v| v.parse().ok()).unwrap_or(3000);
    for round in 0..rounds {
        let mut data: Vec<u8> = Vec::new();
        for _ in 0..1 + rng.below(4) {
            if rng.below(3) == 0 {
                data.extend((0..rng.below(64)).map(|_| rng.next() as u8));
            } else {
                let mut s = seeds[rng.below(seeds.len())].to_vec();
                for _ in 0..rng.below(4) {
                    let i = rng.below(s.len());
                    if let Some(b) = s.get_mut(i) {
                        *b = rng.next() as u8;
                    }
                }
                data.extend(s);
            }
        }
        let data = Bytes::from(data);
        let mut req = if round % 2 == 0 { RequestDecoder::new() } else { RequestDecoder::with_limits(limits) };
        req.set_hold_tunnel(round % 3 == 0);
        let mut res = ResponseDecoder::with_limits(limits);
        res.push_request(RequestInfo { method: "CONNECT".into(), is_final: false, tunnel: Some(TunnelKind::Connect) });
        let (mut a, mut b) = (Vec::new(), Vec::new());
        for piece in random_split(&mut rng, &data) {
            let _ = req.feed(piece.clone(), &mut a);
            let _ = res.feed(piece, &mut b);
            if req.is_holding() {
                let _ = req.tunnel_rejected(&mut a);
            }
        }
        let _ = req.finish(&mut a);
        let _ = res.finish(&mut b);
        // Split invariance holds for garbage too: same events and error as in one piece.
        let pieces = random_split(&mut rng, &data);
        let slices: Vec<&[u8]> = pieces.iter().map(|p| p.as_ref()).collect();
        assert_eq!(run_req(&slices), run_req(&[&data]));
        let reqs = [RequestInfo { method: "GET".into(), is_final: false, tunnel: Some(TunnelKind::WebSocket) }];
        assert_eq!(run_res(&reqs, &slices), run_res(&reqs, &[&data]));
    }
}

#[test]
fn mux_session_pipelining() {
    // A client encodes three pipelined requests and decodes the answers in order.
    let mut enc = RequestEncoder::new(0);
    let mut dec = ResponseDecoder::new();
    let mut wire = Vec::new();
    for method in ["GET", "HEAD", "GET"] {
        let info = enc.head(&RequestHead { method: method.into(), ..Default::default() });
        dec.push_request(info.unwrap_or_default());
        enc.end(&mut wire);
    }
    assert_eq!(wire.concat(), b"GET / HTTP/1.1\r\nconnection: keep-alive\r\n\r\nHEAD / HTTP/1.1\r\nconnection: keep-alive\r\n\r\nGET / HTTP/1.1\r\nconnection: keep-alive\r\n\r\n");
    assert_eq!(dec.pending_requests(), 3);
    let answers = b"HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\naHTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nc";
    let mut ev = Vec::new();
    for b in answers.chunks(7) {
        assert!(dec.feed(Bytes::copy_from_slice(b), &mut ev).is_ok());
    }
    let ev = normalize(ev);
    assert_eq!(ev.iter().filter(|e| matches!(e, Event::End(_))).count(), 3);
    assert_eq!(ev[1], body("a"));
    assert_eq!(ev.last(), Some(&end(38, 1)));
    assert_eq!(dec.pending_requests(), 0);
    assert!(dec.is_idle());
}

#[test]
fn forced_tunnel_keeps_held_bytes() {
    let mut d = RequestDecoder::new();
    d.set_hold_tunnel(true);
    let mut out = Vec::new();
    assert!(d.feed(Bytes::from_static(b"CONNECT h:1 HTTP/1.1\r\n\r\nearly"), &mut out).is_ok());
    d.set_tunnel(&mut out);
    assert!(d.is_tunnel());
    assert_eq!(out.last(), Some(&Event::Tunnel(Bytes::from_static(b"early"))));
}
