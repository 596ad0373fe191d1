//! The admin service (`--admin-port [ip:]port`): `GET /metrics` answers with every `stats`
//! metric in the Prometheus text format; anything else is a 404. It runs on a thread of its own
//! with blocking sockets, one request per connection, so no script or worker can stall it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// The most bytes read of a request head.
const MAX_HEAD: usize = 16 * 1024;

/// `port` or `ip:port` (all interfaces when the address is left out, as `listen` does).
pub fn address(spec: &str) -> String {
    if spec.contains(':') { spec.to_string() } else { format!("0.0.0.0:{spec}") }
}

/// Binds the admin port and serves it on a background thread.
pub fn start(spec: &str) -> std::io::Result<()> {
    let listener = TcpListener::bind(address(spec))?;
    std::thread::Builder::new().name("pipy-admin".into()).spawn(move || {
        for conn in listener.incoming().flatten() {
            serve(conn);
        }
    })?;
    Ok(())
}

fn serve(mut conn: TcpStream) {
    let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = conn.set_write_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 2048];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_HEAD {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let line = String::from_utf8_lossy(&head);
    let mut parts = line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    let (status, body) = match (method, path) {
        ("GET", "/metrics") => (
            "200 OK",
            pipy_stdlib::stats::render() + &pipy_engine::memory::metrics() + &pipy_engine::http::h2::metrics(),
        ),
        ("GET", _) => ("404 Not Found", "not found\n".to_string()),
        _ => ("405 Method Not Allowed", "method not allowed\n".to_string()),
    };
    let response = format!(
        "HTTP/1.1 {status}\r\ncontent-type: text/plain; version=0.0.4\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = conn.write_all(response.as_bytes());
}
