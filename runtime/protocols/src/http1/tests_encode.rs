//! Byte-exact encoder tests: the outputs Pipy 1.5.x writes for the same heads and bodies.

use bytes::Bytes;

use super::*;

fn concat(out: &[Bytes]) -> String {
    let v: Vec<u8> = out.iter().flat_map(|b| b.iter().copied()).collect();
    String::from_utf8_lossy(&v).into_owned()
}

fn h(name: &str, value: &str) -> Header {
    Header::new(name, value)
}

fn response(
    head: &ResponseHead,
    req: Option<&RequestInfo>,
    body: &[&str],
    buffer_size: usize,
) -> (String, EncodeOutcome) {
    let mut e = ResponseEncoder::new(buffer_size);
    let mut out = Vec::new();
    e.head(head, req);
    for b in body {
        e.body(Bytes::copy_from_slice(b.as_bytes()), &mut out);
    }
    let outcome = e.end(&mut out);
    (concat(&out), outcome)
}

fn request(head: &RequestHead, body: &[&str], buffer_size: usize) -> (String, Option<RequestInfo>) {
    let mut e = RequestEncoder::new(buffer_size);
    let mut out = Vec::new();
    let info = e.head(head);
    for b in body {
        e.body(Bytes::copy_from_slice(b.as_bytes()), &mut out);
    }
    e.end(&mut out);
    (concat(&out), info)
}

fn get_info() -> RequestInfo {
    RequestInfo { method: "GET".into(), is_final: false, tunnel: None }
}

#[test]
fn tutorial_hello() {
    let (s, o) = response(&ResponseHead::default(), Some(&get_info()), &["Hi, there!\n"], 0);
    assert_eq!(s, "HTTP/1.1 200 OK\r\ncontent-length: 11\r\nconnection: keep-alive\r\n\r\nHi, there!\n");
    assert_eq!(o, EncodeOutcome { close: false, tunnel: None });
}

#[test]
fn status_text_rules() {
    let head = ResponseHead { status: 404, ..Default::default() };
    assert_eq!(
        response(&head, None, &[], 0).0,
        "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n"
    );
    let head = ResponseHead { status: 299, ..Default::default() };
    assert!(response(&head, None, &[], 0).0.starts_with("HTTP/1.1 299 OK\r\n"));
    let head = ResponseHead { status: 502, status_text: "Connection Refused".into(), ..Default::default() };
    assert!(response(&head, None, &[], 0).0.starts_with("HTTP/1.1 502 Connection Refused\r\n"));
    let head = ResponseHead { protocol: "HTTP/1.0".into(), ..Default::default() };
    assert!(response(&head, None, &[], 0).0.starts_with("HTTP/1.0 200 OK\r\n"));
}

#[test]
fn header_filtering_and_order() {
    let head = ResponseHead {
        headers: vec![
            h("Content-Type", "text/plain"),
            h("Content-Length", "99"),
            h("transfer-encoding", "chunked"),
            h("Keep-Alive", "timeout=5"),
            h("Connection", "Upgrade"),
            h("set-cookie", "a=1"),
            h("set-cookie", "b=2"),
        ],
        ..Default::default()
    };
    let (s, o) = response(&head, Some(&get_info()), &["abc"], 0);
    assert_eq!(
        s,
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nset-cookie: a=1\r\nset-cookie: b=2\r\n\
         content-length: 3\r\nconnection: Upgrade\r\n\r\nabc"
    );
    assert!(!o.close);
}

#[test]
fn final_request_closes() {
    let req = RequestInfo { is_final: true, ..get_info() };
    let head = ResponseHead { headers: vec![h("connection", "keep-alive")], ..Default::default() };
    let (s, o) = response(&head, Some(&req), &["x"], 0);
    assert_eq!(s, "HTTP/1.1 200 OK\r\ncontent-length: 1\r\nconnection: close\r\n\r\nx");
    assert!(o.close);
    // The response's own `connection: close` is written as given and closes too.
    let head = ResponseHead { headers: vec![h("connection", "close")], ..Default::default() };
    let (s, o) = response(&head, Some(&get_info()), &[], 0);
    assert_eq!(s, "HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    assert!(o.close);
}

#[test]
fn head_responses() {
    let req = RequestInfo { method: "HEAD".into(), ..get_info() };
    // Body bytes are counted, not written.
    let (s, _) = response(&ResponseHead::default(), Some(&req), &["hello"], 0);
    assert_eq!(s, "HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: keep-alive\r\n\r\n");
    // A given content-length is kept in place, and none is computed.
    let head = ResponseHead { headers: vec![h("content-length", "1234"), h("x", "y")], ..Default::default() };
    let (s, _) = response(&head, Some(&req), &[], 0);
    assert_eq!(s, "HTTP/1.1 200 OK\r\ncontent-length: 1234\r\nx: y\r\nconnection: keep-alive\r\n\r\n");
    // Never chunked, however large.
    let (s, _) = response(&ResponseHead::default(), Some(&req), &["0123456789"], 4);
    assert_eq!(s, "HTTP/1.1 200 OK\r\ncontent-length: 10\r\nconnection: keep-alive\r\n\r\n");
}

#[test]
fn bodiless_statuses() {
    let head = ResponseHead { status: 204, ..Default::default() };
    let (s, _) = response(&head, Some(&get_info()), &["dropped"], 0);
    assert_eq!(s, "HTTP/1.1 204 No Content\r\nconnection: keep-alive\r\n\r\n");
    let head = ResponseHead { status: 100, ..Default::default() };
    let (s, _) = response(&head, None, &[], 0);
    assert_eq!(s, "HTTP/1.1 100 Continue\r\nconnection: keep-alive\r\n\r\n");
    let head = ResponseHead { status: 304, ..Default::default() };
    let (s, _) = response(&head, Some(&get_info()), &[], 0);
    assert_eq!(s, "HTTP/1.1 304 Not Modified\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n");
}

#[test]
fn tunnels() {
    let ws = RequestInfo { tunnel: Some(TunnelKind::WebSocket), ..get_info() };
    let head = ResponseHead {
        status: 101,
        headers: vec![h("upgrade", "websocket"), h("connection", "Upgrade")],
        ..Default::default()
    };
    let mut e = ResponseEncoder::new(0);
    let mut out = Vec::new();
    e.head(&head, Some(&ws));
    let o = e.end(&mut out);
    assert_eq!(concat(&out), "HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: Upgrade\r\n\r\n");
    assert_eq!(o.tunnel, Some(TunnelKind::WebSocket));
    assert!(e.is_tunnel());
    out.clear();
    e.body(Bytes::from_static(b"raw\r\n"), &mut out);
    e.head(&ResponseHead::default(), None);
    e.end(&mut out);
    assert_eq!(concat(&out), "raw\r\n");

    let connect = RequestInfo { method: "CONNECT".into(), is_final: false, tunnel: Some(TunnelKind::Connect) };
    let (s, o) = response(&ResponseHead::default(), Some(&connect), &[], 0);
    assert_eq!(s, "HTTP/1.1 200 OK\r\nconnection: keep-alive\r\n\r\n");
    assert_eq!(o.tunnel, Some(TunnelKind::Connect));
    // A refused CONNECT is an ordinary response.
    let head = ResponseHead { status: 403, ..Default::default() };
    let (s, o) = response(&head, Some(&connect), &[], 0);
    assert_eq!(s, "HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n");
    assert_eq!(o.tunnel, None);
}

#[test]
fn switch_to_chunked() {
    let (s, _) = response(&ResponseHead::default(), Some(&get_info()), &["ab", "cde", "", "0123456789ABCDEF"], 4);
    assert_eq!(
        s,
        "HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\nconnection: keep-alive\r\n\r\n\
         5\r\nabcde\r\n10\r\n0123456789ABCDEF\r\n0\r\n\r\n"
    );
    // At the limit, still buffered.
    let (s, _) = response(&ResponseHead::default(), Some(&get_info()), &["abcd"], 4);
    assert_eq!(s, "HTTP/1.1 200 OK\r\ncontent-length: 4\r\nconnection: keep-alive\r\n\r\nabcd");
}

#[test]
fn requests() {
    let (s, info) = request(&RequestHead::default(), &[], 0);
    assert_eq!(s, "GET / HTTP/1.1\r\nconnection: keep-alive\r\n\r\n");
    assert_eq!(info, Some(RequestInfo { method: "GET".into(), is_final: false, tunnel: None }));
    let head =
        RequestHead { method: "POST".into(), path: "/api".into(), headers: vec![h("Host", "a")], ..Default::default() };
    let (s, _) = request(&head, &[], 0);
    assert_eq!(s, "POST /api HTTP/1.1\r\nHost: a\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n");
    let (s, _) = request(&RequestHead::default(), &["body"], 0);
    assert_eq!(s, "GET / HTTP/1.1\r\ncontent-length: 4\r\nconnection: keep-alive\r\n\r\nbody");
    // The head's connection header is kept; the request encoder never forces close.
    let head =
        RequestHead { protocol: "HTTP/1.0".into(), headers: vec![h("Connection", "close")], ..Default::default() };
    let (s, info) = request(&head, &[], 0);
    assert_eq!(s, "GET / HTTP/1.0\r\nconnection: close\r\n\r\n");
    assert!(info.is_some_and(|i| i.is_final));
    let head = RequestHead { method: "CONNECT".into(), path: "example.com:443".into(), ..Default::default() };
    let (s, info) = request(&head, &[], 0);
    assert_eq!(s, "CONNECT example.com:443 HTTP/1.1\r\nconnection: keep-alive\r\n\r\n");
    assert_eq!(info.and_then(|i| i.tunnel), Some(TunnelKind::Connect));
    let (s, _) = request(&RequestHead { method: "PUT".into(), ..Default::default() }, &["abcdefgh"], 3);
    assert_eq!(
        s,
        "PUT / HTTP/1.1\r\ntransfer-encoding: chunked\r\nconnection: keep-alive\r\n\r\n8\r\nabcdefgh\r\n0\r\n\r\n"
    );
}

#[test]
fn events_outside_a_message_are_ignored() {
    let mut e = ResponseEncoder::new(0);
    let mut out = Vec::new();
    e.body(Bytes::from_static(b"stray"), &mut out);
    assert_eq!(e.end(&mut out), EncodeOutcome::default());
    assert!(out.is_empty());
    // A second head while one is open is ignored.
    e.head(&ResponseHead::default(), None);
    e.head(&ResponseHead { status: 500, ..Default::default() }, None);
    e.end(&mut out);
    assert!(concat(&out).starts_with("HTTP/1.1 200 OK"));
}

#[test]
fn synthesized_error_responses() {
    // Tutorial 03 with nothing listening upstream.
    let head = status::error_response_head("ConnectionRefused");
    let (s, _) = response(&head, Some(&get_info()), &[], 0);
    assert_eq!(s, "HTTP/1.1 502 Connection Refused\r\ncontent-length: 0\r\nconnection: keep-alive\r\n\r\n");
    // A decode error answered to the client.
    let mut d = RequestDecoder::new();
    let e = d.feed(Bytes::from_static(b"GET / HTTP/3.0\r\n\r\n"), &mut Vec::new()).err();
    let head = e.map(|e| e.response_head()).unwrap_or_default();
    let (s, _) = response(&head, Some(&RequestInfo { is_final: true, ..get_info() }), &[], 0);
    assert_eq!(s, "HTTP/1.1 505 HTTP Version Not Supported\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
}
