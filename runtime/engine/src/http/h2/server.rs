//! The server side of an HTTP/2 connection, for `demuxHTTP` and `serveHTTP`: the `h2` crate's
//! connection over the filter's bytes (`io`), polled after every event the filter gets until it
//! can make no more progress. Each request stream is reported as `Incoming` events (head, body
//! chunks, end with trailers); the filter answers each with the events of a response, which go
//! out as the flow-control windows allow.

pub use super::Settings;
use super::guard::{self, FrameGuard};
use super::heads;
use super::io::{PipeEnd, PipeIo};
use super::ready::{Mark, Ready};
use super::send::Outgoing;
use crate::pipeline::data::Data;
use crate::pipeline::event::Event;
use bytes::Bytes;
use h2::RecvStream;
use h2::server::{Connection, Handshake, SendResponse};
use http::Response;
use pipy_value::Value;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// Stream ids given to the filter stay under this (it uses the bits above for wake tokens).
pub const ID_LIMIT: u32 = 1 << 30;

/// What the connection received, for the filter. Each `Body` is taken from the stream's window:
/// the filter gives it back with `ServerConn::release` once the bytes have somewhere to go.
pub enum Incoming {
    /// A new request stream; `connect`: a CONNECT, whose stream becomes a tunnel once a 2xx
    /// answers it (its request "ends" at once; DATA frames are then the tunnel's bytes).
    Request {
        id: u32,
        /// The head as decoded (`heads::request_head` makes the script's head of it).
        parts: http::request::Parts,
        connect: bool,
    },
    Body {
        id: u32,
        data: Data,
    },
    /// The request ended (its trailers as the tail).
    End {
        id: u32,
        tail: Value,
    },
    /// The client reset the stream (or it failed): the request is abandoned.
    Reset {
        id: u32,
    },
    /// The client ended its side of a CONNECT tunnel.
    TunnelEnd {
        id: u32,
    },
}

enum State {
    Handshake(Handshake<PipeIo, Bytes>),
    Open(Connection<PipeIo, Bytes>),
    Closed,
}

struct Stream {
    /// The request body, while it is being received.
    body: Option<RecvStream>,
    body_size: u64,
    respond: Option<SendResponse<Bytes>>,
    /// Response events not handled yet.
    out: VecDeque<Event>,
    /// The response body and end.
    send: Outgoing,
    responded: bool,
    /// A CONNECT request, and whether its answer opened the tunnel.
    connect: bool,
    tunnel: bool,
    /// Lists this stream on `ready` (its wakes, and work the filter gives it).
    mark: Arc<Mark>,
}

impl Stream {
    fn finished(&self) -> bool {
        self.body.is_none() && self.responded
    }
}

/// One HTTP/2 connection, server side.
pub struct ServerConn {
    pipe: PipeEnd,
    state: State,
    streams: FxHashMap<u32, Stream>,
    next_id: u32,
    /// After an h2c upgrade: drops the ACK of the replayed settings.
    ack_filter: Option<super::upgrade::AckFilter>,
    /// Checks the client's frames for errors whose codes `h2` does not give.
    guard: FrameGuard,
    /// Streams to poll at the next drive.
    ready: Ready,
    /// Response bytes of all streams waiting for the client's windows (kept as streams are
    /// polled, so reading it costs nothing).
    backlog: usize,
    gauge: super::StreamGauge,
}

impl ServerConn {
    pub fn new(settings: Settings) -> ServerConn {
        let (pipe, io) = PipeEnd::new();
        let handshake = h2::server::Builder::new()
            .initial_window_size(settings.stream_window)
            .initial_connection_window_size(settings.connection_window)
            .max_header_list_size(settings.max_header_list)
            // Bounds what a peer resetting streams quickly can make us keep (rapid reset).
            .max_pending_accept_reset_streams(64)
            .max_concurrent_reset_streams(64)
            // Each stream is a pipeline: a client may keep this many open at once (nginx: 128).
            .max_concurrent_streams(256)
            .handshake(io);
        ServerConn {
            pipe,
            state: State::Handshake(handshake),
            streams: FxHashMap::default(),
            next_id: 1,
            ack_filter: None,
            guard: FrameGuard::new(),
            ready: Ready::default(),
            backlog: 0,
            gauge: super::StreamGauge::default(),
        }
    }

    /// A connection upgraded from HTTP/1 (`Upgrade: h2c`): `replay` is what
    /// `upgrade::replay` made of the request, which becomes stream 1.
    pub fn upgraded(settings: Settings, replay: &[u8]) -> ServerConn {
        let mut c = ServerConn::new(settings);
        c.pipe.feed(replay);
        c.ack_filter = Some(super::upgrade::AckFilter::new());
        c.guard = FrameGuard::upgraded();
        c
    }

    /// Bytes from the client.
    pub fn feed(&mut self, b: &[u8]) {
        if self.is_closed() {
            return;
        }
        let (n, error) = self.guard.scan(b);
        self.pipe.feed(&b[..n]);
        if let Some(code) = error {
            crate::log::debug(&format!("[http2] connection error {code:#x} from the client's frames"));
            self.pipe.write(&guard::goaway(self.guard.last_stream, code));
            self.state = State::Closed;
        }
    }

    /// The client closed its side.
    pub fn end(&mut self) {
        self.pipe.end();
    }

    /// Bytes to write to the client.
    pub fn take_output(&mut self) -> Vec<Bytes> {
        let out = self.pipe.take_output();
        match &mut self.ack_filter {
            Some(f) => f.filter(out),
            None => out,
        }
    }

    /// The connection is over (closed by either side, or failed).
    pub fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed)
    }

    /// Response bytes held until the client's windows open.
    pub fn backlog(&self) -> usize {
        self.backlog
    }

    /// Stops taking new streams; open ones finish (GOAWAY).
    pub fn shutdown(&mut self) {
        if let State::Open(c) = &mut self.state {
            c.graceful_shutdown();
        }
    }

    /// The whole response to stream `id`, from a constant.
    pub fn respond_constant(&mut self, id: u32, c: &heads::Constant) {
        let Some(s) = self.streams.get_mut(&id) else { return };
        let Some(mut respond) = s.respond.take() else { return };
        let mut r = Response::new(());
        *r.status_mut() = c.status;
        *r.headers_mut() = c.headers.clone();
        let empty = c.body.is_empty();
        match respond.send_response(r, empty) {
            Ok(send) if !empty => {
                s.send.attach(send);
                s.send.push_bytes(c.body.clone());
                self.backlog += c.body.len();
                s.send.finish(None);
                s.mark.set();
            }
            _ => {
                s.send.ended_with_head();
                s.responded = true;
                s.mark.set();
            }
        }
    }

    /// The filter took `n` bytes of stream `id`'s request body: the client may send that many
    /// more (a WINDOW_UPDATE goes out once enough was released).
    pub fn release(&mut self, id: u32, n: usize) {
        if n == 0 {
            return;
        }
        if let Some(body) = self.streams.get_mut(&id).and_then(|s| s.body.as_mut()) {
            let _ = body.flow_control().release_capacity(n);
        }
    }

    /// An event of the response to stream `id`.
    pub fn respond(&mut self, id: u32, e: Event) {
        if let Some(s) = self.streams.get_mut(&id) {
            s.out.push_back(e);
            s.mark.set();
        }
    }

    /// Polls everything until nothing moves: new streams, request bodies, responses.
    pub fn drive(&mut self, incoming: &mut Vec<Incoming>) {
        let waker = Waker::noop();
        let mut cx = Context::from_waker(waker);
        for _ in 0..1024 {
            let mut progress = self.poll_connection(&mut cx, incoming);
            for id in self.ready.take() {
                let Some(s) = self.streams.get_mut(&id) else { continue };
                let before = s.send.backlog();
                let waker = s.mark.waker();
                let mut scx = Context::from_waker(&waker);
                progress |= Self::poll_stream(id, s, &mut scx, incoming);
                let done = s.finished();
                let after = if done { 0 } else { s.send.backlog() };
                if done {
                    self.streams.remove(&id);
                }
                self.backlog = (self.backlog + after).saturating_sub(before);
            }
            if !progress && self.ready.is_empty() {
                break;
            }
        }
        self.gauge.set(self.streams.len());
    }

    fn poll_connection(&mut self, cx: &mut Context<'_>, incoming: &mut Vec<Incoming>) -> bool {
        let mut progress = false;
        if let State::Handshake(h) = &mut self.state {
            match Pin::new(h).poll(cx) {
                Poll::Ready(Ok(conn)) => {
                    self.state = State::Open(conn);
                    progress = true;
                }
                Poll::Ready(Err(e)) => {
                    crate::log::debug(&format!("[http2] handshake failed: {e}"));
                    self.state = State::Closed;
                    return true;
                }
                Poll::Pending => return false,
            }
        }
        let State::Open(conn) = &mut self.state else { return progress };
        loop {
            match conn.poll_accept(cx) {
                Poll::Ready(Some(Ok((req, respond)))) => {
                    let (parts, body) = req.into_parts();
                    let id = self.next_id;
                    self.next_id = if id + 1 >= ID_LIMIT { 1 } else { id + 1 };
                    let ended = body.is_end_stream();
                    let connect = parts.method == http::Method::CONNECT;
                    incoming.push(Incoming::Request { id, parts, connect });
                    if ended || connect {
                        incoming.push(Incoming::End { id, tail: heads::tail(None, 0) });
                    }
                    self.streams.insert(
                        id,
                        Stream {
                            body: if ended { None } else { Some(body) },
                            body_size: 0,
                            respond: Some(respond),
                            out: VecDeque::new(),
                            send: Outgoing::default(),
                            responded: false,
                            connect,
                            tunnel: false,
                            mark: self.ready.mark(id),
                        },
                    );
                    if let Some(s) = self.streams.get(&id) {
                        s.mark.set();
                    }
                    progress = true;
                }
                Poll::Ready(Some(Err(e))) => {
                    // A stream-level error was answered by h2 itself; a connection error ends it.
                    crate::log::debug(&format!("[http2] {e}"));
                    if e.is_io() || e.is_go_away() {
                        self.state = State::Closed;
                        return true;
                    }
                    progress = true;
                }
                Poll::Ready(None) => {
                    self.state = State::Closed;
                    return true;
                }
                Poll::Pending => return progress,
            }
        }
    }

    fn poll_stream(id: u32, s: &mut Stream, cx: &mut Context<'_>, incoming: &mut Vec<Incoming>) -> bool {
        let mut progress = false;
        // The request body.
        while let Some(body) = &mut s.body {
            match body.poll_data(cx) {
                Poll::Ready(Some(Ok(b))) => {
                    // The window opens again when the filter calls `release`.
                    s.body_size += b.len() as u64;
                    incoming.push(Incoming::Body { id, data: Data::from(b) });
                    progress = true;
                }
                Poll::Ready(Some(Err(e))) => {
                    crate::log::debug(&format!("[http2] stream {id}: {e}"));
                    s.body = None;
                    incoming.push(Incoming::Reset { id });
                    s.responded = true;
                    return true;
                }
                Poll::Ready(None) if s.connect => {
                    incoming.push(Incoming::TunnelEnd { id });
                    s.body = None;
                    progress = true;
                }
                Poll::Ready(None) => match body.poll_trailers(cx) {
                    Poll::Ready(Ok(t)) => {
                        incoming.push(Incoming::End { id, tail: heads::tail(t.as_ref(), s.body_size) });
                        s.body = None;
                        progress = true;
                    }
                    Poll::Ready(Err(_)) => {
                        incoming.push(Incoming::End { id, tail: heads::tail(None, s.body_size) });
                        s.body = None;
                        progress = true;
                    }
                    Poll::Pending => break,
                },
                Poll::Pending => break,
            }
        }
        // The response.
        while let Some(e) = s.out.pop_front() {
            progress = true;
            match e {
                Event::MessageStart(head) => {
                    let Some(mut respond) = s.respond.take() else { continue };
                    // A response that ends right after its head (no body, no trailers) goes out
                    // as one HEADERS frame with END_STREAM: gRPC's "trailers-only" answers
                    // carry their status that way, and clients read it only from such a frame.
                    let response = heads::response_of(&head);
                    s.tunnel = s.connect && response.as_ref().is_ok_and(|r| r.status().is_success());
                    let bare_end = !s.tunnel
                        && matches!(s.out.front(), Some(Event::MessageEnd { tail, .. })
                            if heads::trailers_of(tail).ok().flatten().is_none());
                    match response {
                        Ok(response) => match respond.send_response(response, bare_end) {
                            Ok(_) if bare_end => {
                                s.out.pop_front();
                                s.send.ended_with_head();
                                s.responded = true;
                            }
                            Ok(send) => s.send.attach(send),
                            Err(_) => s.responded = true,
                        },
                        Err(_) => {
                            respond.send_reset(h2::Reason::INTERNAL_ERROR);
                            s.responded = true;
                        }
                    }
                }
                Event::Data(d) => s.send.push(&d),
                // An open tunnel ends with the stream, not with the answer's message.
                Event::MessageEnd { .. } if s.tunnel => {}
                Event::MessageEnd { tail, .. } => s.send.finish(heads::trailers_of(&tail).ok().flatten()),
                Event::StreamEnd(_) => {
                    if let Some(mut r) = s.respond.take() {
                        // Ended with no response at all.
                        r.send_reset(h2::Reason::INTERNAL_ERROR);
                        s.responded = true;
                    } else {
                        s.send.finish(None);
                    }
                }
            }
        }
        // Response bytes as the windows allow, then the end.
        progress |= s.send.pump(cx);
        if s.send.finished {
            s.responded = true;
        }
        progress
    }
}
