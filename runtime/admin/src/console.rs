//! The web console: three static files built from `console/` (CodeMirror 6 and plain DOM
//! code, bundled once with esbuild and committed), served from the binary so the console works
//! offline and neither `cargo build` nor CI needs Node.

use crate::server::{Body, Req, with_type};
use hyper::header::{ACCEPT, ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, HeaderValue};
use hyper::{Method, Response, StatusCode};
use std::sync::OnceLock;

/// The files: path, content, type.
const FILES: [(&str, &[u8], &str); 3] = [
    ("/index.html", include_bytes!("../../../console/dist/index.html"), "text/html; charset=utf-8"),
    ("/console.js", include_bytes!("../../../console/dist/console.js"), "application/javascript; charset=utf-8"),
    ("/console.css", include_bytes!("../../../console/dist/console.css"), "text/css; charset=utf-8"),
];

/// The console's file for `req`, if it asks for one: `/`, `/console.js`, `/console.css`, or any
/// other page a browser asks for (the console routes by the URL's fragment).
pub fn serve(req: &Req) -> Option<Response<Body>> {
    if req.method != Method::GET && req.method != Method::HEAD {
        return None;
    }
    let browser = req.headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"));
    let index = match req.path.as_str() {
        "/" => 0,
        p => match FILES.iter().position(|f| f.0 == p) {
            Some(i) => i,
            None if browser && !p.starts_with("/api/") => 0,
            None => return None,
        },
    };
    let (_, body, kind) = FILES[index];
    let gzip = req
        .headers
        .get(ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().split(';').next() == Some("gzip")));
    let mut r = match packed(index).filter(|_| gzip) {
        Some(p) => {
            let mut r = with_type(StatusCode::OK, kind, bytes::Bytes::from_static(p));
            r.headers_mut().insert(CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            r
        }
        None => with_type(StatusCode::OK, kind, bytes::Bytes::from_static(body)),
    };
    r.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Some(r)
}

/// The gzipped copy of file `i` (made on first use; None if it is small or packing failed).
fn packed(i: usize) -> Option<&'static [u8]> {
    static PACKED: OnceLock<Vec<Option<Vec<u8>>>> = OnceLock::new();
    let all = PACKED.get_or_init(|| {
        FILES
            .iter()
            .map(|(_, b, _)| {
                if b.len() < 1024 {
                    return None;
                }
                let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                std::io::Write::write_all(&mut enc, b).ok()?;
                enc.finish().ok()
            })
            .collect()
    });
    all.get(i)?.as_deref()
}
