//! Sans-IO HTTP/1.x encoders, byte-exact to Pipy's `Encoder::output_head` (src/filters/http.cpp).
//!
//! A message is fed as `head`, any number of `body` chunks, then `end`; each call appends the
//! bytes to write to `out`. The body is buffered until `end` so that `content-length` can be
//! written; with a non-zero `buffer_size`, once more than that is buffered the encoder switches
//! to `transfer-encoding: chunked` and streams. Head bytes are built in Pipy's order:
//!
//! 1. start line (`HTTP/1.1 200 OK` / `GET / HTTP/1.1`, with Pipy's defaults),
//! 2. the head's headers in order, minus `keep-alive`, `transfer-encoding`, `content-length`
//!    (recomputed; kept as given only in a HEAD exchange) and `connection` (re-emitted last),
//! 3. `content-length: N` or `transfer-encoding: chunked`,
//! 4. exactly one `connection:` line, then the empty line.

use bytes::Bytes;

use super::head::{Header, RequestHead, RequestInfo, ResponseHead, TunnelKind, has_token};
use super::status::default_reason;

/// What the caller must do once a message has been encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct EncodeOutcome {
    /// Close the connection after writing (a response marked final; Pipy then outputs a
    /// `StreamEnd` instead of the `MessageEnd`).
    pub close: bool,
    /// A tunnel was accepted by this response: from now on bytes pass through unframed.
    pub tunnel: Option<TunnelKind>,
}

/// The message being encoded. Everything of the head but the length and connection lines is
/// rendered when the message starts, so the caller's head is not kept.
#[derive(Debug)]
struct Msg {
    /// Start line and the kept header lines, CRLF-terminated.
    prefix: String,
    /// The head's `connection` value (the last one), written as the connection line.
    connection: Option<String>,
    is_response: bool,
    method: String,
    /// No length header: 1xx/204 responses, accepted tunnels, and HEAD exchanges whose head
    /// already gives a content-length.
    no_length: bool,
    /// 1xx/204/304 responses, and HEAD exchanges, carry no body bytes.
    no_body: bool,
    /// Write `connection: close` (the request was final).
    is_final: bool,
    /// Tell the caller to close after this message.
    close_after: bool,
    tunnel: Option<TunnelKind>,
    content_length: u64,
    buffer: Vec<Bytes>,
    buffered: usize,
    chunked: bool,
}

impl Msg {
    /// Renders steps 1 and 2 of the module doc.
    fn new(start_line: &str, headers: &[Header], method: String, is_response: bool) -> Self {
        let is_head = method == "HEAD";
        let mut prefix = String::with_capacity(64 + headers.len() * 32);
        prefix.push_str(start_line);
        prefix.push_str("\r\n");
        let mut no_length = false;
        let mut connection = None;
        for h in headers {
            if h.is("keep-alive") || h.is("transfer-encoding") {
                continue;
            }
            if h.is("content-length") {
                // In a HEAD exchange the given length describes the body that is not sent.
                if !is_head {
                    continue;
                }
                no_length = true;
            } else if h.is("connection") {
                connection = Some(h.value.clone());
                continue;
            }
            prefix.push_str(&h.name);
            prefix.push_str(": ");
            prefix.push_str(&h.value);
            prefix.push_str("\r\n");
        }
        Msg {
            prefix,
            connection,
            is_response,
            no_body: is_head,
            method,
            no_length,
            is_final: false,
            close_after: false,
            tunnel: None,
            content_length: 0,
            buffer: Vec::new(),
            buffered: 0,
            chunked: false,
        }
    }

    /// The whole head: the prefix, then steps 3 and 4 of the module doc.
    fn head_bytes(&self) -> Bytes {
        let mut s = String::with_capacity(self.prefix.len() + 64);
        s.push_str(&self.prefix);
        if !self.no_length {
            if self.chunked {
                s.push_str("transfer-encoding: chunked\r\n");
            } else if self.content_length > 0
                || self.is_response
                || matches!(self.method.as_str(), "POST" | "PUT" | "PATCH")
            {
                s.push_str("content-length: ");
                s.push_str(&self.content_length.to_string());
                s.push_str("\r\n");
            }
        }
        match (self.is_final, &self.connection) {
            (true, _) => s.push_str("connection: close\r\n"),
            (false, Some(v)) => {
                s.push_str("connection: ");
                s.push_str(v);
                s.push_str("\r\n");
            }
            (false, None) => s.push_str("connection: keep-alive\r\n"),
        }
        s.push_str("\r\n");
        Bytes::from(s)
    }
}

fn chunk(data: Bytes, size: usize, out: &mut Vec<Bytes>) {
    out.push(Bytes::from(format!("{size:X}\r\n")));
    out.push(data);
    out.push(Bytes::from_static(b"\r\n"));
}

/// The shared encoder state machine.
#[derive(Debug, Default)]
struct Core {
    buffer_size: usize,
    msg: Option<Msg>,
    tunnel: bool,
}

impl Core {
    fn body(&mut self, data: Bytes, out: &mut Vec<Bytes>) {
        if self.tunnel {
            if !data.is_empty() {
                out.push(data);
            }
            return;
        }
        // Body bytes outside a message are dropped, as in Pipy.
        let Some(msg) = self.msg.as_mut() else { return };
        let n = data.len();
        if msg.no_body {
            // Counted (a HEAD response's length is that of the body it would have had) but
            // never written: bytes after such a head would be read as the next message.
            msg.content_length += n as u64;
        } else if msg.chunked {
            if n > 0 {
                chunk(data, n, out);
            }
        } else {
            msg.content_length += n as u64;
            msg.buffered += n;
            msg.buffer.push(data);
            if self.buffer_size > 0 && msg.buffered > self.buffer_size {
                msg.chunked = true;
                out.push(msg.head_bytes());
                let size = std::mem::take(&mut msg.buffered);
                out.push(Bytes::from(format!("{size:X}\r\n")));
                out.extend(msg.buffer.drain(..).filter(|b| !b.is_empty()));
                out.push(Bytes::from_static(b"\r\n"));
            }
        }
    }

    fn end(&mut self, out: &mut Vec<Bytes>) -> EncodeOutcome {
        if self.tunnel {
            return EncodeOutcome::default();
        }
        let Some(mut msg) = self.msg.take() else { return EncodeOutcome::default() };
        if msg.chunked {
            out.push(Bytes::from_static(b"0\r\n\r\n"));
        } else {
            out.push(msg.head_bytes());
            out.extend(msg.buffer.drain(..).filter(|b| !b.is_empty()));
        }
        if msg.tunnel.is_some() {
            self.tunnel = true;
        }
        EncodeOutcome { close: msg.close_after, tunnel: msg.tunnel }
    }
}

/// Encodes responses, as a server writes them.
#[derive(Debug, Default)]
pub struct ResponseEncoder {
    core: Core,
}

impl ResponseEncoder {
    /// `buffer_size` 0 buffers whole bodies (Pipy 1.5.x's default for `serveHTTP`/`demuxHTTP`).
    pub fn new(buffer_size: usize) -> Self {
        ResponseEncoder { core: Core { buffer_size, ..Core::default() } }
    }

    /// Starts a response to the request described by `req` (from [`RequestInfo::from_head`];
    /// `None` for an interim `100 Continue`, which answers no request yet). Nothing is written
    /// until the body overflows `buffer_size` or the message ends. Ignored while another
    /// response is open, or in tunnel mode (Pipy ignores a nested `MessageStart` too).
    pub fn head(&mut self, head: &ResponseHead, req: Option<&RequestInfo>) {
        if self.core.msg.is_some() || self.core.tunnel {
            return;
        }
        let status = head.status;
        let protocol = http1_version(&head.protocol);
        let text = if head.status_text.is_empty() { default_reason(status) } else { &head.status_text };
        let method = req.map(|r| r.method.clone()).unwrap_or_default();
        let tunnel = req.and_then(|r| r.tunnel).filter(|t| t.accepted_by(status));
        let is_final = req.is_some_and(|r| r.is_final);
        // Pipy closes only when the request was final; a response whose own connection header
        // says close must close too (RFC 9112 §9.6), though the header is written as given.
        let own_close =
            head.headers.iter().rev().find(|h| h.is("connection")).is_some_and(|h| has_token(&h.value, "close"));
        let mut msg = Msg::new(&format!("{protocol} {status} {text}"), &head.headers, method, true);
        msg.no_length |= status < 200 || status == 204 || tunnel.is_some();
        msg.no_body |= status < 200 || status == 204 || status == 304;
        msg.is_final = is_final;
        msg.close_after = is_final || own_close;
        msg.tunnel = tunnel;
        self.core.msg = Some(msg);
    }

    /// Adds body bytes (written at once in chunked or tunnel mode, else buffered).
    pub fn body(&mut self, data: Bytes, out: &mut Vec<Bytes>) {
        self.core.body(data, out);
    }

    /// Ends the response: writes the head and buffered body, or the last chunk.
    pub fn end(&mut self, out: &mut Vec<Bytes>) -> EncodeOutcome {
        self.core.end(out)
    }

    /// Switches to raw pass-through (Pipy's `set_tunnel`).
    pub fn set_tunnel(&mut self) {
        self.core.tunnel = true;
    }

    pub fn is_tunnel(&self) -> bool {
        self.core.tunnel
    }

    /// True while a response is open (between `head` and `end`).
    pub fn is_open(&self) -> bool {
        self.core.msg.is_some()
    }
}

/// Encodes requests, as a client writes them.
#[derive(Debug, Default)]
pub struct RequestEncoder {
    core: Core,
}

impl RequestEncoder {
    /// `buffer_size` as for [`ResponseEncoder::new`].
    pub fn new(buffer_size: usize) -> Self {
        RequestEncoder { core: Core { buffer_size, ..Core::default() } }
    }

    /// Starts a request and returns what its response decoder must know about it (push it to
    /// [`ResponseDecoder::push_request`](super::ResponseDecoder::push_request)). Ignored, with
    /// `None`, while another request is open or in tunnel mode.
    pub fn head(&mut self, head: &RequestHead) -> Option<RequestInfo> {
        if self.core.msg.is_some() || self.core.tunnel {
            return None;
        }
        let method = head.method_or_default().to_string();
        let path = if head.path.is_empty() { "/" } else { &head.path };
        let protocol = http1_version(&head.protocol);
        let info = RequestInfo { method: method.clone(), is_final: head.is_final(), tunnel: head.tunnel_kind() };
        // Pipy's request encoder never writes `connection: close` by itself: the head's own
        // connection header, or keep-alive. A HEAD request's body bytes are only counted.
        self.core.msg = Some(Msg::new(&format!("{method} {path} {protocol}"), &head.headers, method, false));
        Some(info)
    }

    pub fn body(&mut self, data: Bytes, out: &mut Vec<Bytes>) {
        self.core.body(data, out);
    }

    pub fn end(&mut self, out: &mut Vec<Bytes>) -> EncodeOutcome {
        self.core.end(out)
    }

    /// Switches to raw pass-through, once the response accepted a tunnel.
    pub fn set_tunnel(&mut self) {
        self.core.tunnel = true;
    }

    pub fn is_tunnel(&self) -> bool {
        self.core.tunnel
    }

    pub fn is_open(&self) -> bool {
        self.core.msg.is_some()
    }
}

/// The version an HTTP/1 start line names: `HTTP/1.0` when the head says so, else `HTTP/1.1`
/// (a head that came from HTTP/2 says `HTTP/2`, which an HTTP/1 peer must not see).
fn http1_version(protocol: &str) -> &'static str {
    if protocol == "HTTP/1.0" { "HTTP/1.0" } else { "HTTP/1.1" }
}
