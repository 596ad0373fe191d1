//! Malformed and hostile HTTP input: each gets the status nginx gives (or a close), and the
//! server keeps serving.

mod common;

use common::{Server, connect, exchange, read_all, send};
use std::io::Write;
use std::time::{Duration, Instant};

fn status_of(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).lines().next().unwrap_or("").to_string()
}

#[test]
fn bad_requests_get_nginx_statuses_and_the_server_keeps_serving() {
    let s = Server::start(
        "bad-input",
        "pipy().listen($PORT0).serveHTTP(msg => new Message(`ok ${msg.body.size}`), { headerTimeout: 0.5 })",
        1,
    );
    let port = s.port(0);
    // Malformed request line.
    assert!(status_of(&exchange(port, b"GARBAGE\r\n\r\n")).starts_with("HTTP/1.1 400"));
    // A head far larger than the limit.
    let mut big = b"GET / HTTP/1.1\r\n".to_vec();
    for i in 0..2000 {
        big.extend_from_slice(format!("x-filler-{i}: {}\r\n", "y".repeat(60)).as_bytes());
    }
    big.extend_from_slice(b"\r\n");
    let st = status_of(&exchange(port, &big));
    assert!(st.starts_with("HTTP/1.1 400") || st.starts_with("HTTP/1.1 431"), "{st}");
    // A request line longer than a line may be.
    let long = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(40_000));
    assert!(status_of(&exchange(port, long.as_bytes())).starts_with("HTTP/1.1 414"));
    // A bad chunk size.
    let chunked = b"POST / HTTP/1.1\r\ntransfer-encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n";
    assert!(status_of(&exchange(port, chunked)).starts_with("HTTP/1.1 400"));
    // Both content-length and transfer-encoding: request smuggling.
    let both = b"POST / HTTP/1.1\r\ncontent-length: 4\r\ntransfer-encoding: chunked\r\n\r\n0\r\n\r\n";
    assert!(status_of(&exchange(port, both)).starts_with("HTTP/1.1 400"));
    // A body cut short: no answer, the connection closes.
    assert_eq!(exchange(port, b"POST / HTTP/1.1\r\ncontent-length: 10\r\n\r\nabc"), b"");
    // A head sent a byte at a time, forever: 408 once the header timeout passes.
    let mut slow = connect(port);
    let started = Instant::now();
    let mut answer = Vec::new();
    slow.set_read_timeout(Some(Duration::from_millis(100))).expect("timeout");
    for b in b"GET / HTTP/1.1\r\nx-slow: ".iter().chain(std::iter::repeat(&b'z')).take(200) {
        if slow.write_all(&[*b]).is_err() {
            break;
        }
        let mut buf = [0u8; 512];
        if let Ok(n) = std::io::Read::read(&mut slow, &mut buf) {
            if n > 0 {
                answer.extend_from_slice(&buf[..n]);
                break;
            }
        }
    }
    assert!(status_of(&answer).starts_with("HTTP/1.1 408"), "{:?}", String::from_utf8_lossy(&answer));
    assert!(started.elapsed() < Duration::from_secs(10));
    // Still serving.
    let ok = exchange(port, b"POST / HTTP/1.1\r\ncontent-length: 3\r\n\r\nabc");
    assert!(String::from_utf8_lossy(&ok).ends_with("\r\n\r\nok 3"));
    // A keep-alive connection idle between requests is not timed out by the header timer.
    let mut idle = connect(port);
    send(&mut idle, b"GET / HTTP/1.1\r\n\r\n");
    std::thread::sleep(Duration::from_millis(900));
    send(&mut idle, b"GET / HTTP/1.1\r\nconnection: close\r\n\r\n");
    let both = String::from_utf8_lossy(&read_all(&mut idle)).into_owned();
    assert_eq!(both.matches("HTTP/1.1 200 OK").count(), 2, "{both}");
}

/// A garbage flood: connections that send random bytes, some staying connected and some
/// closing their side at once. Each gets `400 Bad Request` (or 505 for a mangled version) as soon as
/// the bytes cannot begin a request, on serveHTTP and through a demuxHTTP → muxHTTP proxy, and
/// the server still serves afterwards.
#[test]
fn a_garbage_flood_is_answered_at_once() {
    let script = "pipy()
        .listen($PORT0).serveHTTP(new Message('up'))
        .listen($PORT1).demuxHTTP().to($=>$.muxHTTP().to($=>$.connect('127.0.0.1:$PORT0')))";
    let s = Server::start("garbage-flood", script, 2);
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let started = Instant::now();
    let (mut answered, mut total, mut slowest) = (0, 0, Duration::ZERO);
    for round in 0..4 {
        let port = s.port(round % 2);
        let half_close = round >= 2;
        let mut conns = Vec::new();
        for _ in 0..100 {
            let bytes: Vec<u8> = (0..48).map(|_| next() as u8).collect();
            let mut c = connect(port);
            c.write_all(&bytes).expect("write");
            if half_close {
                let _ = c.shutdown(std::net::Shutdown::Write);
            }
            conns.push((c, Instant::now(), bytes));
        }
        for (mut c, sent, bytes) in conns {
            total += 1;
            c.set_read_timeout(Some(Duration::from_secs(2))).expect("timeout");
            let mut buf = [0u8; 512];
            if let Ok(n) = std::io::Read::read(&mut c, &mut buf) {
                let st = status_of(&buf[..n]);
                if st.starts_with("HTTP/1.1 400") || st.starts_with("HTTP/1.1 505") {
                    answered += 1;
                    slowest = slowest.max(sent.elapsed());
                } else {
                    eprintln!("not answered: {bytes:?} -> {st:?}");
                }
            } else {
                eprintln!("no answer: {bytes:?}");
            }
        }
    }
    assert_eq!(answered, total, "every garbage connection got an answer");
    assert!(slowest < Duration::from_secs(2), "slowest answer after {slowest:?}");
    eprintln!(
        "{answered} of {total} garbage connections answered; slowest {slowest:?}; all in {:?}",
        started.elapsed()
    );
    let ok = exchange(s.port(1), b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    assert!(String::from_utf8_lossy(&ok).ends_with("up"));
}
