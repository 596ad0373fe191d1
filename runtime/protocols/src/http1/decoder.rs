//! Sans-IO HTTP/1.x decoders: bytes in (split anywhere), message events out.
//!
//! One state machine serves both directions; a [`Side`] supplies what differs (parsing the
//! start line, and how the head decides the body's framing). Heads are collected line by line
//! until the empty line, then parsed in one go by `httparse`; that way a head fed byte by byte
//! costs one parse, not one per byte. Bodies are handed out as zero-copy slices of the input.
//!
//! Size accounting follows Pipy (`MessageTail`): `head_size` is the head's bytes including the
//! final CRLF; `body_size` is the body's bytes on the wire, chunk framing and trailers included.
//!
//! Decoded heads keep *every* header, `connection` included. Pipy's decoder leaves
//! `connection` out of the `headers` object it builds (its encoder then writes `keep-alive`
//! unless the request was final), so the JS layer should skip it when building that object.

use std::collections::VecDeque;

use bytes::Bytes;

use super::error::{DecodeError, DecodeErrorKind as K};
use super::framing::{self, Lines};
use super::head::{Header, RequestHead, RequestInfo, ResponseHead, TunnelKind};

/// Size limits of a head. Pipy limits each line to `maxHeaderSize` (default 16 KiB) and has no
/// overall limit; the overall limit here bounds memory against endless small header lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Longest line of a head, trailer section or chunk-size line, without its CRLF.
    pub max_line_size: usize,
    /// Largest head (or trailer section) in total.
    pub max_head_size: usize,
}

impl Limits {
    /// The limits for Pipy's `maxHeaderSize` option (a per-line limit in Pipy); the total stays
    /// at least four lines' worth.
    pub fn from_max_header_size(size: usize) -> Self {
        Limits { max_line_size: size, max_head_size: Limits::default().max_head_size.max(size.saturating_mul(4)) }
    }
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_line_size: 16 * 1024, max_head_size: 64 * 1024 }
    }
}

/// How the body of a message is delimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// No body at all (no length, length 0, HEAD/1xx/204/304 responses, accepted tunnels).
    Empty,
    Length(u64),
    Chunked,
    /// A response without length: the body runs until the connection closes.
    UntilClose,
}

/// Facts about a decoded message beyond its head, for the pipeline around the decoder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MessageInfo {
    /// Whether the connection may carry another message after this one.
    pub keep_alive: bool,
    pub body: BodyKind,
    /// Request: the tunnel asked for (CONNECT / Upgrade). Response: the tunnel accepted; after
    /// its `End` every further byte comes as [`Event::Tunnel`].
    pub tunnel: Option<TunnelKind>,
    /// The request carries `Expect: 100-continue`.
    pub expect_continue: bool,
}

/// Pipy's `MessageEnd` tail.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Tail {
    pub trailers: Vec<Header>,
    pub head_size: u64,
    pub body_size: u64,
}

/// What a decoder produces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event<H> {
    Head {
        head: H,
        info: MessageInfo,
    },
    Body(Bytes),
    End(Tail),
    /// Raw bytes after a tunnel was established (or after an HTTP/2 preface).
    Tunnel(Bytes),
    /// The request stream opened with the HTTP/2 prior-knowledge preface; the preface is
    /// consumed and the rest of the stream is HTTP/2 frames, as `Tunnel` events.
    Http2Preface,
}

mod sealed {
    pub trait Sealed {}
}

/// The direction-specific half of a decoder: [`RequestSide`] or [`ResponseSide`].
pub trait Side: sealed::Sealed {
    type Head;
    #[doc(hidden)]
    const IS_RESPONSE: bool;
    /// Parses a complete head block of `lines` lines (start line included).
    #[doc(hidden)]
    fn parse_head(&mut self, block: &[u8], lines: usize) -> Result<(Self::Head, MessageInfo), K>;
    /// Whether to hold the bytes after a tunnel request until the caller decides.
    #[doc(hidden)]
    fn hold_tunnel(&self) -> bool;
}

/// Request-side rules.
#[derive(Debug, Default)]
pub struct RequestSide {
    hold_tunnel: bool,
}

/// Response-side rules, with the queue of requests still waiting for their responses.
#[derive(Debug, Default)]
pub struct ResponseSide {
    queue: VecDeque<RequestInfo>,
}

impl sealed::Sealed for RequestSide {}
impl sealed::Sealed for ResponseSide {}

fn map_parse_error(e: httparse::Error) -> K {
    match e {
        httparse::Error::Version => K::UnsupportedVersion,
        httparse::Error::HeaderName | httparse::Error::HeaderValue | httparse::Error::TooManyHeaders => K::BadHeader,
        _ => K::BadStartLine,
    }
}

fn to_headers(raw: &[httparse::Header<'_>]) -> Vec<Header> {
    raw.iter()
        .filter(|h| !h.name.is_empty())
        .map(|h| Header::new(h.name, String::from_utf8_lossy(h.value).into_owned()))
        .collect()
}

fn protocol_name(version: Option<u8>) -> String {
    if version == Some(0) { "HTTP/1.0".to_string() } else { "HTTP/1.1".to_string() }
}

impl Side for RequestSide {
    type Head = RequestHead;
    const IS_RESPONSE: bool = false;

    fn parse_head(&mut self, block: &[u8], lines: usize) -> Result<(RequestHead, MessageInfo), K> {
        let mut raw = vec![httparse::EMPTY_HEADER; lines.saturating_sub(1)];
        let mut req = httparse::Request::new(&mut raw);
        match req.parse(block) {
            Ok(httparse::Status::Complete(_)) => {}
            Ok(httparse::Status::Partial) => return Err(K::BadStartLine),
            Err(e) => return Err(map_parse_error(e)),
        }
        let head = RequestHead {
            method: req.method.unwrap_or_default().to_string(),
            path: req.path.unwrap_or_default().to_string(),
            protocol: protocol_name(req.version),
            headers: to_headers(req.headers),
        };
        // RFC 9112 §6.3: a request's body is chunked, content-length delimited, or absent. Both
        // framings at once is how requests get smuggled past proxies, so it is refused.
        let te = framing::transfer_encoding(&head.headers);
        let cl = framing::content_length(&head.headers)?;
        let body = match (te, cl) {
            (Some(_), Some(_)) => return Err(K::ConflictingLength),
            (Some(chunked), None) => {
                if chunked {
                    BodyKind::Chunked
                } else {
                    return Err(K::UnsupportedTransferEncoding);
                }
            }
            (None, Some(n)) if n > 0 => BodyKind::Length(n),
            (None, _) => BodyKind::Empty,
        };
        let info = MessageInfo {
            keep_alive: !head.is_final(),
            body,
            tunnel: head.tunnel_kind(),
            expect_continue: head.expects_continue(),
        };
        Ok((head, info))
    }

    fn hold_tunnel(&self) -> bool {
        self.hold_tunnel
    }
}

impl Side for ResponseSide {
    type Head = ResponseHead;
    const IS_RESPONSE: bool = true;

    fn parse_head(&mut self, block: &[u8], lines: usize) -> Result<(ResponseHead, MessageInfo), K> {
        let mut raw = vec![httparse::EMPTY_HEADER; lines.saturating_sub(1)];
        let mut res = httparse::Response::new(&mut raw);
        match res.parse(block) {
            Ok(httparse::Status::Complete(_)) => {}
            Ok(httparse::Status::Partial) => return Err(K::BadStartLine),
            Err(e) => return Err(map_parse_error(e)),
        }
        let status = res.code.unwrap_or_default();
        // Pipy accepts 100..=599 only.
        if !(100..=599).contains(&status) {
            return Err(K::BadStartLine);
        }
        let head = ResponseHead {
            protocol: protocol_name(res.version),
            status,
            status_text: res.reason.unwrap_or_default().to_string(),
            headers: to_headers(res.headers),
        };
        // Interim responses (1xx but 101) answer no request yet: the final one follows.
        if status < 200 && status != 101 {
            let info = MessageInfo { keep_alive: true, body: BodyKind::Empty, tunnel: None, expect_continue: false };
            return Ok((head, info));
        }
        let req = self.queue.pop_front().unwrap_or_default();
        let tunnel = req.tunnel.filter(|t| t.accepted_by(status));
        // RFC 9112 §6.3, in order: no body after HEAD, for 1xx/204/304, or for an accepted
        // tunnel; then transfer-encoding (chunked, or else until close) overrides any length;
        // then content-length; else the body runs until the connection closes.
        let body = if req.method == "HEAD" || status < 200 || status == 204 || status == 304 || tunnel.is_some() {
            BodyKind::Empty
        } else if let Some(chunked) = framing::transfer_encoding(&head.headers) {
            if chunked { BodyKind::Chunked } else { BodyKind::UntilClose }
        } else {
            match framing::content_length(&head.headers)? {
                Some(0) => BodyKind::Empty,
                Some(n) => BodyKind::Length(n),
                None => BodyKind::UntilClose,
            }
        };
        let keep_alive = !req.is_final && !head.is_final() && body != BodyKind::UntilClose && tunnel.is_none();
        Ok((head, MessageInfo { keep_alive, body, tunnel, expect_continue: false }))
    }

    fn hold_tunnel(&self) -> bool {
        false
    }
}

/// The head of the HTTP/2 prior-knowledge preface, `PRI * HTTP/2.0` and an empty line; the
/// rest of the preface follows.
const PREFACE_HEAD: &[u8] = b"PRI * HTTP/2.0\r\n\r\n";
const PREFACE_TAIL: &[u8] = b"SM\r\n\r\n";

#[derive(Clone, Copy, Debug)]
enum State {
    Head,
    Body(u64),
    ChunkSize(framing::ChunkLine),
    ChunkData(u64),
    /// After a chunk's data: expecting CRLF (`true` once the CR was seen).
    ChunkEnd(bool),
    Trailers,
    UntilClose,
    Preface(usize),
    HoldTunnel,
    Tunnel,
}

/// A decoder for one direction of one connection.
#[derive(Debug)]
pub struct Decoder<S: Side> {
    side: S,
    limits: Limits,
    state: State,
    lines: Lines,
    tunnel: Option<TunnelKind>,
    head_size: u64,
    body_size: u64,
    held: Vec<Bytes>,
    error: Option<DecodeError>,
    /// Checks a request head while it is incomplete (garbage is refused at its first bad byte).
    check: framing::HeadCheck,
}

/// Decodes requests, as a server reads them.
pub type RequestDecoder = Decoder<RequestSide>;
/// Decodes responses, as a client reads them; needs to be told of each request sent.
pub type ResponseDecoder = Decoder<ResponseSide>;

impl<S: Side + Default> Default for Decoder<S> {
    fn default() -> Self {
        Self::with_limits(Limits::default())
    }
}

impl<S: Side + Default> Decoder<S> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_limits(limits: Limits) -> Self {
        Decoder {
            side: S::default(),
            limits,
            state: State::Head,
            lines: Lines::default(),
            tunnel: None,
            head_size: 0,
            body_size: 0,
            held: Vec::new(),
            error: None,
            check: framing::HeadCheck::default(),
        }
    }
}

impl<S: Side> Decoder<S> {
    /// Decodes the next bytes of the stream, appending events to `out`. Events decoded before an
    /// error are still appended; after an error the decoder stays failed and returns it again.
    pub fn feed(&mut self, data: Bytes, out: &mut Vec<Event<S::Head>>) -> Result<(), DecodeError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        self.run(data, out).map_err(|kind| self.fail(kind))
    }

    /// The stream has ended. A body that runs until close ends here; a stream ending inside a
    /// head or a delimited body is [`DecodeErrorKind::Truncated`](super::DecodeErrorKind).
    pub fn finish(&mut self, out: &mut Vec<Event<S::Head>>) -> Result<(), DecodeError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        match self.state {
            State::Head if self.lines.is_blank() => Ok(()),
            State::UntilClose => {
                self.end_message(Vec::new(), out);
                Ok(())
            }
            State::HoldTunnel | State::Tunnel => Ok(()),
            _ => Err(self.fail(K::Truncated)),
        }
    }

    /// Switches to raw pass-through (Pipy's `set_tunnel`): every further byte comes out as
    /// [`Event::Tunnel`], starting with any bytes held after a tunnel request.
    pub fn set_tunnel(&mut self, out: &mut Vec<Event<S::Head>>) {
        if self.error.is_none() {
            self.state = State::Tunnel;
            out.extend(self.held.drain(..).map(Event::Tunnel));
        }
    }

    pub fn is_tunnel(&self) -> bool {
        matches!(self.state, State::Tunnel)
    }

    /// Lets go of the memory kept for the next head (call between messages).
    pub fn release_buffers(&mut self) {
        if self.is_idle() {
            self.lines.shrink();
        }
    }

    /// True between messages (no partial head or body pending).
    pub fn is_idle(&self) -> bool {
        matches!(self.state, State::Head) && self.lines.is_blank()
    }

    pub fn error(&self) -> Option<DecodeError> {
        self.error
    }

    fn fail(&mut self, kind: K) -> DecodeError {
        let e = DecodeError { kind, in_response: S::IS_RESPONSE };
        self.error = Some(e);
        e
    }

    fn end_message(&mut self, trailers: Vec<Header>, out: &mut Vec<Event<S::Head>>) {
        out.push(Event::End(Tail { trailers, head_size: self.head_size, body_size: self.body_size }));
        self.head_size = 0;
        self.body_size = 0;
        self.state = match self.tunnel.take() {
            Some(_) if S::IS_RESPONSE => State::Tunnel,
            Some(_) if self.side.hold_tunnel() => State::HoldTunnel,
            _ => State::Head,
        };
    }

    fn on_head_block(&mut self, out: &mut Vec<Event<S::Head>>) -> Result<(), K> {
        let (block, lines) = self.lines.take();
        self.check = framing::HeadCheck::default();
        self.head_size = block.len() as u64;
        if !S::IS_RESPONSE && block == PREFACE_HEAD {
            self.state = State::Preface(0);
            self.lines.give_back(block);
            return Ok(());
        }
        let parsed = self.side.parse_head(&block, lines);
        self.lines.give_back(block);
        let (head, info) = parsed?;
        self.tunnel = info.tunnel;
        out.push(Event::Head { head, info });
        match info.body {
            BodyKind::Empty => self.end_message(Vec::new(), out),
            BodyKind::Length(n) => self.state = State::Body(n),
            BodyKind::Chunked => self.state = State::ChunkSize(framing::ChunkLine::default()),
            BodyKind::UntilClose => self.state = State::UntilClose,
        }
        // A request's tunnel is only a wish until its response arrives; the response side has
        // already checked acceptance, so only an accepted tunnel is remembered there.
        Ok(())
    }

    fn run(&mut self, data: Bytes, out: &mut Vec<Event<S::Head>>) -> Result<(), K> {
        let len = data.len();
        let mut pos = 0;
        while pos < len {
            let rest = data.get(pos..).unwrap_or_default();
            match self.state {
                State::Head => {
                    let (n, done) =
                        self.lines.scan(rest, &self.limits, true).map_err(|e| e.head_kind(S::IS_RESPONSE))?;
                    if done {
                        pos += n;
                        self.on_head_block(out)?;
                    } else {
                        // An incomplete request head is checked as it comes; a complete one is
                        // parsed whole.
                        if !S::IS_RESPONSE {
                            self.check.feed(rest.get(..n).unwrap_or_default())?;
                        }
                        pos += n;
                    }
                }
                State::Body(remaining) => {
                    let n = remaining.min(rest.len() as u64) as usize;
                    out.push(Event::Body(data.slice(pos..pos + n)));
                    pos += n;
                    self.body_size += n as u64;
                    let left = remaining - n as u64;
                    if left == 0 {
                        self.end_message(Vec::new(), out);
                    } else {
                        self.state = State::Body(left);
                    }
                }
                State::ChunkSize(mut line) => {
                    let mut next = None;
                    for &b in rest {
                        pos += 1;
                        self.body_size += 1;
                        if let Some(size) = line.push(b, self.limits.max_line_size)? {
                            next = Some(size);
                            break;
                        }
                    }
                    self.state = match next {
                        None => State::ChunkSize(line),
                        Some(0) => State::Trailers,
                        Some(size) => State::ChunkData(size),
                    };
                }
                State::ChunkData(remaining) => {
                    let n = remaining.min(rest.len() as u64) as usize;
                    out.push(Event::Body(data.slice(pos..pos + n)));
                    pos += n;
                    self.body_size += n as u64;
                    let left = remaining - n as u64;
                    self.state = if left == 0 { State::ChunkEnd(false) } else { State::ChunkData(left) };
                }
                State::ChunkEnd(cr) => {
                    let b = rest.first().copied().unwrap_or_default();
                    pos += 1;
                    self.body_size += 1;
                    self.state = match b {
                        b'\r' if !cr => State::ChunkEnd(true),
                        b'\n' => State::ChunkSize(framing::ChunkLine::default()),
                        _ => return Err(K::BadChunk),
                    };
                }
                State::Trailers => {
                    let (n, done) = self.lines.scan(rest, &self.limits, false).map_err(|_| K::HeaderTooLarge)?;
                    pos += n;
                    self.body_size += n as u64;
                    if done {
                        let (block, lines) = self.lines.take();
                        let trailers = framing::parse_trailers(&block, lines);
                        self.lines.give_back(block);
                        self.end_message(trailers?, out);
                    }
                }
                State::UntilClose => {
                    out.push(Event::Body(data.slice(pos..)));
                    self.body_size += rest.len() as u64;
                    pos = len;
                }
                State::Preface(matched) => {
                    let b = rest.first().copied().unwrap_or_default();
                    pos += 1;
                    if PREFACE_TAIL.get(matched) != Some(&b) {
                        return Err(K::BadStartLine);
                    }
                    if matched + 1 == PREFACE_TAIL.len() {
                        out.push(Event::Http2Preface);
                        self.state = State::Tunnel;
                    } else {
                        self.state = State::Preface(matched + 1);
                    }
                }
                State::HoldTunnel => {
                    self.held.push(data.slice(pos..));
                    pos = len;
                }
                State::Tunnel => {
                    out.push(Event::Tunnel(data.slice(pos..)));
                    pos = len;
                }
            }
        }
        Ok(())
    }
}

impl Decoder<RequestSide> {
    /// With `hold` set, after a request that asks for a tunnel (CONNECT, Upgrade) the decoder
    /// stops parsing and holds further bytes until [`tunnel_accepted`](Self::tunnel_accepted) or
    /// [`tunnel_rejected`](Self::tunnel_rejected) is called, so that tunnel bytes sent early are
    /// never parsed as HTTP. Off by default, as in Pipy's plain `decodeHTTPRequest`.
    pub fn set_hold_tunnel(&mut self, hold: bool) {
        self.side.hold_tunnel = hold;
    }

    /// Whether the decoder is holding bytes, waiting for the tunnel decision.
    pub fn is_holding(&self) -> bool {
        matches!(self.state, State::HoldTunnel)
    }

    /// The tunnel was accepted: held bytes come out as `Tunnel` events, and so will the rest.
    pub fn tunnel_accepted(&mut self, out: &mut Vec<Event<RequestHead>>) {
        self.set_tunnel(out);
    }

    /// The tunnel was refused: HTTP decoding resumes, starting with the held bytes.
    pub fn tunnel_rejected(&mut self, out: &mut Vec<Event<RequestHead>>) -> Result<(), DecodeError> {
        if matches!(self.state, State::HoldTunnel) {
            self.state = State::Head;
        }
        for data in std::mem::take(&mut self.held) {
            self.feed(data, out)?;
        }
        Ok(())
    }
}

impl Decoder<ResponseSide> {
    /// Records a request sent on this connection, in order: its response is decoded with it
    /// (no body after HEAD; tunnel acceptance; whether the connection closes afterwards).
    /// A response with no recorded request is decoded as if answering a plain GET.
    pub fn push_request(&mut self, info: RequestInfo) {
        self.side.queue.push_back(info);
    }

    /// Requests still waiting for their responses.
    pub fn pending_requests(&self) -> usize {
        self.side.queue.len()
    }
}
