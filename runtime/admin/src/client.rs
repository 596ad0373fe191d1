//! A small HTTP/1.1 client for talking to a repo (downloads, version checks, status reports),
//! over plain TCP or TLS.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite};

/// A reply: status, `etag` (if any) and body.
pub struct Reply {
    pub status: u16,
    pub etag: Option<String>,
    pub body: Bytes,
}

/// Where a URL points.
pub struct Target {
    pub tls: bool,
    /// The host name (for SNI and certificate checks).
    pub host: String,
    /// `host:port`.
    pub authority: String,
    pub path: String,
}

/// `http(s)://host[:port]/path…` → its parts.
pub fn split_url(url: &str) -> Result<Target, String> {
    let (tls, rest) = match (url.strip_prefix("http://"), url.strip_prefix("https://")) {
        (Some(r), _) => (false, r),
        (_, Some(r)) => (true, r),
        _ => return Err(format!("{url}: not an http:// or https:// URL")),
    };
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if authority.is_empty() {
        return Err(format!("{url}: no host"));
    }
    let (host, authority) = match authority.rsplit_once(':').filter(|(_, p)| p.parse::<u16>().is_ok()) {
        Some((h, _)) => (h, authority.to_string()),
        None => (authority, format!("{authority}:{}", if tls { 443 } else { 80 })),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']').to_string();
    Ok(Target { tls, host, authority, path: path.to_string() })
}

/// A byte stream to the repo: TCP, or TLS over it.
pub trait Io: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Io for T {}

/// Talks to one repo: its TLS setup, if its URL is `https://`.
#[derive(Clone, Default)]
pub struct Client {
    pub tls: Option<Arc<rustls::ClientConfig>>,
}

impl Client {
    /// Opens a connection to `t` (TLS when its URL was `https://`).
    pub async fn connect(&self, t: &Target) -> Result<Box<dyn Io>, String> {
        let stream = tokio::time::timeout(Duration::from_secs(10), tokio::net::TcpStream::connect(&t.authority))
            .await
            .map_err(|_| format!("{}: no connection within 10 s", t.authority))?
            .map_err(|e| format!("{}: {e}", t.authority))?;
        let _ = stream.set_nodelay(true);
        if !t.tls {
            return Ok(Box::new(stream));
        }
        let Some(config) = &self.tls else {
            return Err("an https:// repo needs --tls-trusted (the CA that signed its certificate)".into());
        };
        let name = rustls::pki_types::ServerName::try_from(t.host.clone()).map_err(|e| format!("{}: {e}", t.host))?;
        let tls = tokio_rustls::TlsConnector::from(config.clone())
            .connect(name, stream)
            .await
            .map_err(|e| format!("{}: TLS: {e}", t.authority))?;
        Ok(Box::new(tls))
    }

    /// Sends one request on a new connection and reads the whole reply (10 s at most).
    pub async fn request(&self, method: &str, url: &str, body: Bytes) -> Result<Reply, String> {
        tokio::time::timeout(Duration::from_secs(10), self.request_now(method, url, body))
            .await
            .map_err(|_| format!("{method} {url}: no answer within 10 s"))?
    }

    async fn request_now(&self, method: &str, url: &str, body: Bytes) -> Result<Reply, String> {
        let t = split_url(url)?;
        let stream = self.connect(&t).await?;
        let (mut sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| format!("{}: {e}", t.authority))?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        let req = hyper::Request::builder()
            .method(method)
            .uri(&t.path)
            .header(hyper::header::HOST, &t.authority)
            .header(hyper::header::USER_AGENT, concat!("pipy/", env!("CARGO_PKG_VERSION")))
            .body(Full::new(body))
            .map_err(|e| format!("{url}: {e}"))?;
        let res = sender.send_request(req).await.map_err(|e| format!("{method} {url}: {e}"))?;
        let status = res.status().as_u16();
        let etag = res.headers().get(hyper::header::ETAG).and_then(|v| v.to_str().ok()).map(str::to_string);
        let body = res.into_body().collect().await.map_err(|e| format!("{method} {url}: {e}"))?.to_bytes();
        Ok(Reply { status, etag, body })
    }
}
