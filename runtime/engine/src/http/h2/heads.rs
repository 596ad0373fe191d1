//! HTTP/2 heads as scripts see them, and back. A request head has what an HTTP/1 head has
//! (`method`, `path`, `headers`, `protocol`, here `'HTTP/2'`) and the request's `scheme` and
//! `authority`; pseudo-headers never appear in `headers`. Headers that only mean something to an
//! HTTP/1 connection (`connection`, `keep-alive`, `transfer-encoding`, `upgrade`,
//! `proxy-connection`) are not sent over HTTP/2, as RFC 9113 requires; `host` becomes the
//! `:authority` of a request.

use crate::http::js;
use crate::pipeline::event::{self, Deferred};
use http::header::{HeaderName, HeaderValue};
use http::{HeaderMap, Method, Request, Response, StatusCode, Uri};
use pipy_protocols::http1::Tail;
use pipy_protocols::http1::head::{Header, RequestHead, ResponseHead};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, attr, error, ops};

/// A decoded HTTP/2 request head, as the `h2` crate gave it: nothing is copied until a script
/// (or an HTTP/1 encoder) asks.
#[derive(Debug)]
pub struct RequestHead2(pub http::request::Parts);

impl RequestHead2 {
    fn method(&self) -> &str {
        self.0.method.as_str()
    }

    fn scheme(&self) -> &str {
        self.0.uri.scheme_str().unwrap_or("http")
    }

    fn authority(&self) -> &str {
        self.0.uri.authority().map(|a| a.as_str()).unwrap_or_default()
    }

    /// The request target; a CONNECT names its target in `:authority` alone, and scripts find
    /// it in `path`, as over HTTP/1.
    fn path(&self) -> &str {
        match self.0.uri.path_and_query() {
            Some(p) => p.as_str(),
            None if self.0.method == http::Method::CONNECT => self.authority(),
            None => "/",
        }
    }

    /// The same request for an HTTP/1 encoder.
    pub fn to_http1(&self) -> RequestHead {
        RequestHead {
            method: self.method().to_string(),
            path: self.path().to_string(),
            protocol: "HTTP/1.1".into(),
            headers: js::with_host(headers_of_map(&self.0.headers), Some(self.authority().to_string())),
        }
    }
}

impl Deferred for RequestHead2 {
    fn make(&self) -> Value {
        let o = Obj::ordinary();
        let (h, n) = js::headers_object(&headers_of_map(&self.0.headers));
        o.define_value("protocol", Value::str("HTTP/2"), attr::DEFAULT);
        o.define_value("method", Value::str(self.method()), attr::DEFAULT);
        o.define_value("scheme", Value::str(self.scheme()), attr::DEFAULT);
        o.define_value("authority", Value::str(self.authority()), attr::DEFAULT);
        o.define_value("path", Value::str(self.path()), attr::DEFAULT);
        o.define_value("headers", h, attr::DEFAULT);
        o.define_value("headerNames", n, attr::DEFAULT);
        Value::Object(o)
    }
}

fn headers_of_map(map: &HeaderMap) -> Vec<Header> {
    map.iter().map(|(k, v)| Header::new(k.as_str(), String::from_utf8_lossy(v.as_bytes()).into_owned())).collect()
}

/// The head of a request received on an HTTP/2 stream.
pub fn request_head(parts: http::request::Parts) -> Value {
    event::deferred(RequestHead2(parts))
}

/// The head of a response received on an HTTP/2 stream.
pub fn response_head(parts: &http::response::Parts) -> Value {
    js::response_head_value(ResponseHead {
        protocol: "HTTP/2".into(),
        status: parts.status.as_u16(),
        status_text: parts.status.canonical_reason().unwrap_or("").into(),
        headers: headers_of_map(&parts.headers),
    })
}

/// Trailers received on an HTTP/2 stream, as a MessageEnd tail.
pub fn tail(trailers: Option<&HeaderMap>, body_size: u64) -> Value {
    js::tail_value(Tail { trailers: trailers.map(headers_of_map).unwrap_or_default(), head_size: 0, body_size })
}

/// Whether a header may be sent over HTTP/2.
fn allowed(lower: &str) -> bool {
    !matches!(lower, "connection" | "keep-alive" | "transfer-encoding" | "upgrade" | "proxy-connection" | "host")
}

fn header_map(headers: &[Header]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for h in headers {
        let lower = h.lower_name();
        // `te` may only say `trailers` over HTTP/2.
        if !allowed(&lower) || (lower == "te" && !h.value.eq_ignore_ascii_case("trailers")) {
            continue;
        }
        if let (Ok(k), Ok(v)) = (HeaderName::from_bytes(lower.as_bytes()), HeaderValue::from_str(&h.value)) {
            map.append(k, v);
        }
    }
    map
}

/// A response to send on an HTTP/2 stream, from a script's (or a decoder's) head.
pub fn response_of(head: &Value) -> JsResult<Response<()>> {
    let head = js::response_head_of(head)?;
    let mut r = Response::new(());
    *r.status_mut() = StatusCode::from_u16(head.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    *r.headers_mut() = header_map(&head.headers);
    Ok(r)
}

/// A request to send on an HTTP/2 stream, from a script's head: `authority` (or the `host`
/// header) and `scheme` (default `http`) make the URI with `path`.
pub fn request_of(head: &Value) -> JsResult<Request<()>> {
    // A head no script has seen is read as the struct it is (no script object is made).
    if let Some(r) = event::unseen(head, |h: &RequestHead2| {
        let mut r = Request::new(());
        *r.method_mut() = h.0.method.clone();
        *r.uri_mut() = h.0.uri.clone();
        *r.headers_mut() = h.0.headers.clone();
        r
    }) {
        return Ok(r);
    }
    if let Some(r) = event::unseen(head, |h: &RequestHead| {
        let authority = h.header("host").unwrap_or("localhost").to_string();
        build_request(&h.method, &h.path, &authority, "http", &h.headers)
    }) {
        return r;
    }
    let h1 = js::request_head_of(head)?;
    let seen = event::script_value(head);
    let field = |k: &str| -> JsResult<Option<String>> {
        match if seen.is_object() { ops::get_str(&seen, k)? } else { Value::Undefined } {
            Value::Undefined | Value::Null => Ok(None),
            v => Ok(Some(ops::to_rust_string(&v)?)),
        }
    };
    let authority = match field("authority")? {
        Some(a) if !a.is_empty() => a,
        _ => h1.header("host").unwrap_or("localhost").to_string(),
    };
    let scheme = field("scheme")?.filter(|s| !s.is_empty()).unwrap_or_else(|| "http".into());
    build_request(&h1.method, &h1.path, &authority, &scheme, &h1.headers)
}

/// A request for an HTTP/2 stream: `authority` and `scheme` make the URI with `path`; a
/// CONNECT names its target (`host:port`, in `path` or else the authority) alone.
fn build_request(method: &str, path: &str, authority: &str, scheme: &str, headers: &[Header]) -> JsResult<Request<()>> {
    let method = Method::from_bytes(method.as_bytes()).map_err(|e| error::type_error(&format!("bad method: {e}")))?;
    let uri = if method == Method::CONNECT {
        let target = if path.is_empty() || path.starts_with('/') { authority } else { path };
        Uri::builder().authority(target).build()
    } else {
        Uri::builder()
            .scheme(scheme)
            .authority(authority)
            .path_and_query(if path.is_empty() { "/" } else { path })
            .build()
    }
    .map_err(|e| error::type_error(&format!("bad request target for HTTP/2: {e}")))?;
    let mut r = Request::new(());
    *r.method_mut() = method;
    *r.uri_mut() = uri;
    *r.headers_mut() = header_map(headers);
    Ok(r)
}

/// Trailers to send, from a MessageEnd tail (`tail.headers`); None when it has none.
pub fn trailers_of(tail: &Value) -> JsResult<Option<HeaderMap>> {
    if let Some(t) =
        event::unseen(tail, |t: &Tail| if t.trailers.is_empty() { None } else { Some(header_map(&t.trailers)) })
    {
        return Ok(t);
    }
    let tail = event::script_value(tail);
    if !tail.is_object() {
        return Ok(None);
    }
    let headers = ops::get_str(&tail, "headers")?;
    let Value::Object(h) = &headers else { return Ok(None) };
    let mut list = Vec::new();
    for k in ops::own_enumerable_keys(h) {
        let v = ops::get(&headers, &pipy_value::PropKey::from(k.clone()))?;
        if !v.is_nullish() {
            list.push(Header::new(k.to_rust_string(), ops::to_rust_string(&v)?));
        }
    }
    let map = header_map(&list);
    Ok(if map.is_empty() { None } else { Some(map) })
}

/// A constant answer (`serveHTTP(new Message(…))`) in HTTP/2 form, made once per connection.
pub struct Constant {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

pub fn constant_response(head: &ResponseHead, body: &crate::pipeline::data::Data) -> Constant {
    let mut b = bytes::BytesMut::new();
    for c in body.chunks() {
        b.extend_from_slice(c);
    }
    Constant {
        status: StatusCode::from_u16(head.status).unwrap_or(StatusCode::OK),
        headers: header_map(&head.headers),
        body: b.freeze(),
    }
}
