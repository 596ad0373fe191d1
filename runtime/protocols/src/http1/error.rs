//! Decoding errors and the HTTP status each one is answered with.
//!
//! Statuses follow nginx, the de-facto reference for what a front proxy answers to a broken
//! client: an over-long request line is 414, a header line or head over the limit is 400
//! (nginx's "Request Header Or Cookie Too Large" is sent as `400 Bad Request`), an HTTP
//! version other than 1.x is 505, an unknown `Transfer-Encoding` is 501, and every other
//! framing fault is 400. Faults in an upstream's *response* are all 502 Bad Gateway, as nginx
//! answers "upstream sent invalid header". (Pipy itself just closes the connection on any
//! decode error; the status is for callers that prefer to answer.)

use std::fmt;

/// What went wrong while decoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// The request line or status line is malformed (bad method, target, spacing, status code).
    BadStartLine,
    /// The protocol is not HTTP/1.0 or HTTP/1.1.
    UnsupportedVersion,
    /// A header line is malformed (bad name character, missing colon, obsolete folding, …).
    BadHeader,
    /// The request line is longer than the line limit.
    UriTooLong,
    /// A header line, or the head as a whole, is larger than its limit.
    HeaderTooLarge,
    /// `Content-Length` is not a decimal number (or overflows).
    InvalidContentLength,
    /// `Content-Length` and `Transfer-Encoding` together, or differing `Content-Length`s:
    /// the ingredients of request smuggling.
    ConflictingLength,
    /// A request `Transfer-Encoding` whose last coding is not `chunked`.
    UnsupportedTransferEncoding,
    /// A chunk-size line that is not hex, overflows, or a chunk not followed by CRLF.
    BadChunk,
    /// A malformed trailer section.
    BadTrailer,
    /// The stream ended inside a head or a body.
    Truncated,
}

impl DecodeErrorKind {
    /// The status to answer a client with (request side).
    pub fn request_status(self) -> u16 {
        match self {
            DecodeErrorKind::UriTooLong => 414,
            DecodeErrorKind::UnsupportedVersion => 505,
            DecodeErrorKind::UnsupportedTransferEncoding => 501,
            _ => 400,
        }
    }

    fn message(self) -> &'static str {
        match self {
            DecodeErrorKind::BadStartLine => "malformed start line",
            DecodeErrorKind::UnsupportedVersion => "unsupported HTTP version",
            DecodeErrorKind::BadHeader => "malformed header",
            DecodeErrorKind::UriTooLong => "request line too long",
            DecodeErrorKind::HeaderTooLarge => "header too large",
            DecodeErrorKind::InvalidContentLength => "invalid content-length",
            DecodeErrorKind::ConflictingLength => "conflicting content-length / transfer-encoding",
            DecodeErrorKind::UnsupportedTransferEncoding => "unsupported transfer-encoding",
            DecodeErrorKind::BadChunk => "malformed chunk",
            DecodeErrorKind::BadTrailer => "malformed trailer",
            DecodeErrorKind::Truncated => "stream ended inside a message",
        }
    }
}

/// A decoding error: its kind, and whether it came from a response decoder (which decides the
/// status: a bad request is the client's fault, a bad response the upstream's).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub kind: DecodeErrorKind,
    pub in_response: bool,
}

impl DecodeError {
    /// The HTTP status to reply with: the kind's request status, or 502 for a broken response.
    pub fn status(&self) -> u16 {
        if self.in_response { 502 } else { self.kind.request_status() }
    }

    /// The reason phrase to write with [`DecodeError::status`].
    pub fn status_text(&self) -> &'static str {
        crate::http1::status::default_reason(self.status())
    }

    /// A head to answer the error with (encode it with an empty body).
    pub fn response_head(&self) -> crate::http1::ResponseHead {
        crate::http1::ResponseHead {
            status: self.status(),
            status_text: self.status_text().to_string(),
            ..Default::default()
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = if self.in_response { "response" } else { "request" };
        write!(f, "HTTP {side} decode error: {}", self.kind.message())
    }
}

impl std::error::Error for DecodeError {}
