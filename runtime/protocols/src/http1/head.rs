//! Message heads and the small header rules shared by the decoders and the encoders.
//!
//! Heads are plain data. Header names keep the spelling they were received with (or will be
//! written with) and their order; repeated headers stay separate entries. The JS layer builds
//! Pipy's `headers` (lower-cased keys) and `headerNames` (lower-case → original) objects from
//! them, which is why [`Header::lower_name`] exists.

/// One header line, exactly as received or as it is to be written. Decoded values that are not
/// UTF-8 (obs-text) are converted lossily; names are always ASCII tokens. Values are written
/// as given, without checks for CR/LF, as Pipy does.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Header {
    pub name: String,
    pub value: String,
}

impl Header {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Header { name: name.into(), value: value.into() }
    }

    /// The key the JS layer files this header under (`headers[lower] = value`).
    pub fn lower_name(&self) -> String {
        self.name.to_ascii_lowercase()
    }

    /// Case-insensitive name test against an already lower-case name.
    pub fn is(&self, lower: &str) -> bool {
        self.name.eq_ignore_ascii_case(lower)
    }
}

/// A request head (`http::RequestHead` in Pipy). Empty fields take Pipy's defaults when encoded:
/// method `GET`, path `/`, protocol `HTTP/1.1`.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RequestHead {
    pub method: String,
    pub path: String,
    pub protocol: String,
    pub headers: Vec<Header>,
}

/// A response head. An empty `status_text` means "the standard reason phrase" when encoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseHead {
    pub protocol: String,
    pub status: u16,
    pub status_text: String,
    pub headers: Vec<Header>,
}

impl Default for ResponseHead {
    /// Pipy's default response: status 200, everything else empty.
    fn default() -> Self {
        ResponseHead { protocol: String::new(), status: 200, status_text: String::new(), headers: Vec::new() }
    }
}

/// First value of the header `lower` (a lower-case name), if any.
pub fn find_header<'a>(headers: &'a [Header], lower: &str) -> Option<&'a str> {
    headers.iter().find(|h| h.is(lower)).map(|h| h.value.as_str())
}

/// Last value of the header `lower`: what Pipy sees when a header object key is overwritten.
pub fn find_last_header<'a>(headers: &'a [Header], lower: &str) -> Option<&'a str> {
    headers.iter().rev().find(|h| h.is(lower)).map(|h| h.value.as_str())
}

/// Whether the comma-separated token list `value` contains `token` (ASCII case-insensitive), as
/// for `Connection: keep-alive, Upgrade`.
pub fn has_token(value: &str, token: &str) -> bool {
    value.split(',').any(|t| t.trim().eq_ignore_ascii_case(token))
}

impl RequestHead {
    /// First value of a header by lower-case name.
    pub fn header(&self, lower: &str) -> Option<&str> {
        find_header(&self.headers, lower)
    }

    /// The method as it will be written (`GET` when empty).
    pub fn method_or_default(&self) -> &str {
        if self.method.is_empty() { "GET" } else { &self.method }
    }

    /// Whether the response to this request must be the last on the connection. An explicit
    /// `Connection` header decides (a `close` token); otherwise HTTP/1.0 closes, later versions
    /// keep alive. Pipy compares the whole header value to `close`; tokens are the RFC 9112 rule
    /// and agree with Pipy on every value Pipy itself produces.
    pub fn is_final(&self) -> bool {
        let http10 = self.protocol == "HTTP/1.0";
        match find_last_header(&self.headers, "connection") {
            Some(v) if has_token(v, "close") => true,
            Some(v) if http10 => !has_token(v, "keep-alive"),
            Some(_) => false,
            None => http10,
        }
    }

    /// The tunnel this request asks for: `CONNECT`, or an `Upgrade` header.
    pub fn tunnel_kind(&self) -> Option<TunnelKind> {
        if self.method == "CONNECT" {
            return Some(TunnelKind::Connect);
        }
        let up = find_last_header(&self.headers, "upgrade")?.trim();
        if up.is_empty() {
            None
        } else if up.eq_ignore_ascii_case("websocket") {
            Some(TunnelKind::WebSocket)
        } else if up.eq_ignore_ascii_case("h2c") {
            Some(TunnelKind::Http2)
        } else {
            Some(TunnelKind::Other)
        }
    }

    /// Whether the client waits for `100 Continue` before sending the body.
    pub fn expects_continue(&self) -> bool {
        self.header("expect").is_some_and(|v| v.trim().eq_ignore_ascii_case("100-continue"))
    }
}

impl ResponseHead {
    pub fn header(&self, lower: &str) -> Option<&str> {
        find_header(&self.headers, lower)
    }

    /// Whether this response itself asks to close the connection (`Connection: close`, or an
    /// HTTP/1.0 response without `keep-alive`).
    pub fn is_final(&self) -> bool {
        let http10 = self.protocol == "HTTP/1.0";
        match find_last_header(&self.headers, "connection") {
            Some(v) if has_token(v, "close") => true,
            Some(v) if http10 => !has_token(v, "keep-alive"),
            Some(_) => false,
            None => http10,
        }
    }
}

/// Kinds of tunnel a request can ask for (Pipy's `TunnelType`, plus `Other` for any other
/// `Upgrade` token, which Pipy ignores but RFC 9110 switches on all the same).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TunnelKind {
    Connect,
    WebSocket,
    Http2,
    Other,
}

impl TunnelKind {
    /// Whether a response with `status` accepts this tunnel: 2xx for CONNECT, 101 for upgrades.
    pub fn accepted_by(self, status: u16) -> bool {
        match self {
            TunnelKind::Connect => (200..300).contains(&status),
            _ => status == 101,
        }
    }
}

/// What the response side needs to know about the request it answers (Pipy's
/// `RequestQueue::Request`): the method (a HEAD response has no body), whether the response
/// must close the connection, and the tunnel asked for.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct RequestInfo {
    pub method: String,
    pub is_final: bool,
    pub tunnel: Option<TunnelKind>,
}

impl RequestInfo {
    pub fn from_head(head: &RequestHead) -> Self {
        RequestInfo {
            method: head.method_or_default().to_string(),
            is_final: head.is_final(),
            tunnel: head.tunnel_kind(),
        }
    }
}
