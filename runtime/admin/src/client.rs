//! A small HTTP/1.1 client for talking to a repo (downloads, version checks, status reports).

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::time::Duration;

/// A reply: status, `etag` (if any) and body.
pub struct Reply {
    pub status: u16,
    pub etag: Option<String>,
    pub body: Bytes,
}

/// `http://host:port/path…` → (`host:port`, `/path…`).
pub fn split_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| format!("{url}: only http:// repos are supported here (https is not yet)"))?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(format!("{url}: no host"));
    }
    let authority = if authority.contains(':') { authority.to_string() } else { format!("{authority}:80") };
    Ok((authority, path.to_string()))
}

/// Sends one request on a new connection and reads the whole reply (10 s at most).
pub async fn request(method: &str, url: &str, body: Bytes) -> Result<Reply, String> {
    tokio::time::timeout(Duration::from_secs(10), request_now(method, url, body))
        .await
        .map_err(|_| format!("{method} {url}: no answer within 10 s"))?
}

async fn request_now(method: &str, url: &str, body: Bytes) -> Result<Reply, String> {
    let (authority, path) = split_url(url)?;
    let stream = tokio::net::TcpStream::connect(&authority).await.map_err(|e| format!("{authority}: {e}"))?;
    let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .map_err(|e| format!("{authority}: {e}"))?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    let req = hyper::Request::builder()
        .method(method)
        .uri(&path)
        .header(hyper::header::HOST, &authority)
        .header(hyper::header::USER_AGENT, concat!("pipy/", env!("CARGO_PKG_VERSION")))
        .body(Full::new(body))
        .map_err(|e| format!("{url}: {e}"))?;
    let res = sender.send_request(req).await.map_err(|e| format!("{method} {url}: {e}"))?;
    let status = res.status().as_u16();
    let etag = res.headers().get(hyper::header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_string);
    let body = res.into_body().collect().await.map_err(|e| format!("{method} {url}: {e}"))?.to_bytes();
    Ok(Reply { status, etag, body })
}
