//! The client side of an HTTP/2 connection, for `muxHTTP` with `version: 2`: the `h2` crate's
//! client over the session's bytes (`io`), polled after every event until nothing moves, like
//! the server side. Requests are streamed in (`start`, `data`, `end`), each on a stream of its
//! own; their heads wait while the peer's concurrency limit is reached. Responses come back as
//! `Reply` events.

pub use super::Settings;
use super::heads;
use super::io::{PipeEnd, PipeIo};
use super::ready::{Mark, Ready};
use super::send::Outgoing;
use crate::pipeline::data::Data;
use bytes::Bytes;
use h2::client::{Connection, ResponseFuture, SendRequest};
use h2::{Reason, RecvStream};
use http::{HeaderMap, Request};
use pipy_value::Value;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// What came back for a request.
pub enum Reply {
    Head {
        id: u32,
        head: Value,
    },
    Body {
        id: u32,
        data: Data,
    },
    End {
        id: u32,
        tail: Value,
    },
    /// The stream failed before its response ended (reset, refused, the connection gone).
    Failed {
        id: u32,
        reason: Option<Reason>,
    },
    /// The server acknowledged our PING.
    Pong,
}

type Handshake = Pin<Box<dyn Future<Output = Result<(SendRequest<Bytes>, Connection<PipeIo, Bytes>), h2::Error>>>>;

enum State {
    Handshake(Handshake),
    Open { send: SendRequest<Bytes>, conn: Box<Connection<PipeIo, Bytes>> },
    Closed,
}

struct Stream {
    /// The request head, until it is sent.
    head: Option<Request<()>>,
    out: Outgoing,
    response: Option<ResponseFuture>,
    body: Option<RecvStream>,
    body_size: u64,
    /// The response ended (or the stream failed): nothing more comes back.
    done: bool,
    /// Lists this stream on `ready` (its wakes, and work the filter gives it).
    mark: Arc<Mark>,
}

/// One HTTP/2 connection, client side.
pub struct ClientConn {
    pipe: PipeEnd,
    state: State,
    streams: FxHashMap<u32, Stream>,
    /// Requests whose heads wait to be sent, in order.
    unsent: VecDeque<u32>,
    /// Streams to poll at the next drive.
    ready: Ready,
    /// PINGs (`muxHTTP`'s `ping` option): the connection's ping handle, and whether a PING
    /// waits for its ACK.
    ping_pong: Option<h2::PingPong>,
    ping_out: bool,
    gauge: super::StreamGauge,
}

impl ClientConn {
    pub fn new(settings: Settings) -> ClientConn {
        let (pipe, io) = PipeEnd::new();
        let handshake = h2::client::Builder::new()
            .initial_window_size(settings.stream_window)
            .initial_connection_window_size(settings.connection_window)
            .max_header_list_size(settings.max_header_list)
            .enable_push(false)
            .handshake::<_, Bytes>(io);
        ClientConn {
            pipe,
            state: State::Handshake(Box::pin(handshake)),
            streams: FxHashMap::default(),
            unsent: VecDeque::new(),
            ready: Ready::default(),
            ping_pong: None,
            ping_out: false,
            gauge: super::StreamGauge::client(),
        }
    }

    /// Bytes from the server.
    pub fn feed(&mut self, b: &[u8]) {
        self.pipe.feed(b);
    }

    /// The server closed its side.
    pub fn end(&mut self) {
        self.pipe.end();
    }

    /// Bytes to write to the server.
    pub fn take_output(&mut self) -> Vec<Bytes> {
        self.pipe.take_output()
    }

    pub fn is_closed(&self) -> bool {
        matches!(self.state, State::Closed)
    }

    /// A new request `id` (ids are the caller's, unique while the request lives).
    pub fn start(&mut self, id: u32, head: Request<()>) {
        let mark = self.ready.mark(id);
        let stream = Stream {
            head: Some(head),
            out: Outgoing::default(),
            response: None,
            body: None,
            body_size: 0,
            done: false,
            mark,
        };
        self.streams.insert(id, stream);
        self.unsent.push_back(id);
    }

    pub fn data(&mut self, id: u32, d: &Data) {
        if let Some(s) = self.streams.get_mut(&id) {
            s.out.push(d);
            s.mark.set();
        }
    }

    /// Request bytes of stream `id` not sent yet (waiting for the server's windows).
    pub fn backlog(&self, id: u32) -> usize {
        self.streams.get(&id).map_or(0, |s| s.out.backlog())
    }

    /// The request ends (with trailers, or none).
    pub fn end_request(&mut self, id: u32, trailers: Option<HeaderMap>) {
        if let Some(s) = self.streams.get_mut(&id) {
            s.out.finish(trailers);
            s.mark.set();
        }
    }

    /// `n` bytes of stream `id`'s response were taken by its requester: the server may send
    /// that much more (WINDOW_UPDATE). Until then they count against the stream's window, so a
    /// requester that cannot keep up slows its own stream, not the connection's others.
    pub fn release(&mut self, id: u32, n: usize) {
        if let Some(body) = self.streams.get_mut(&id).and_then(|s| s.body.as_mut()) {
            let _ = body.flow_control().release_capacity(n);
        }
    }

    /// The requester is gone: its stream is reset if still open.
    pub fn cancel(&mut self, id: u32) {
        if let Some(mut s) = self.streams.remove(&id) {
            if !s.done || !s.out.finished {
                s.out.reset(Reason::CANCEL);
            }
        }
        self.unsent.retain(|&i| i != id);
    }

    /// Sends a PING (one at a time: a PING sent while one waits for its ACK is dropped);
    /// its ACK comes back as `Reply::Pong`. False when the connection cannot ping (not open).
    pub fn ping(&mut self) -> bool {
        let State::Open { conn, .. } = &mut self.state else { return false };
        if self.ping_pong.is_none() {
            self.ping_pong = conn.ping_pong();
        }
        let Some(pp) = &mut self.ping_pong else { return false };
        if !self.ping_out {
            self.ping_out = pp.send_ping(h2::Ping::opaque()).is_ok();
        }
        self.ping_out
    }

    /// Polls everything until nothing moves.
    pub fn drive(&mut self, replies: &mut Vec<Reply>) {
        let mut cx = Context::from_waker(Waker::noop());
        for _ in 0..1024 {
            let mut progress = self.poll_connection(&mut cx, replies);
            progress |= self.send_heads(&mut cx);
            if self.ping_out {
                if let Some(pp) = &mut self.ping_pong {
                    if let Poll::Ready(r) = pp.poll_pong(&mut cx) {
                        self.ping_out = false;
                        if r.is_ok() {
                            replies.push(Reply::Pong);
                        }
                        progress = true;
                    }
                }
            }
            for id in self.ready.take() {
                let Some(s) = self.streams.get_mut(&id) else { continue };
                let waker = s.mark.waker();
                let mut scx = Context::from_waker(&waker);
                progress |= Self::poll_stream(id, s, &mut scx, replies);
                if s.done && s.out.finished {
                    self.streams.remove(&id);
                }
            }
            if !progress && self.ready.is_empty() {
                break;
            }
        }
        self.gauge.set(self.streams.len());
    }

    fn poll_connection(&mut self, cx: &mut Context<'_>, replies: &mut Vec<Reply>) -> bool {
        if let State::Handshake(h) = &mut self.state {
            match h.as_mut().poll(cx) {
                Poll::Ready(Ok((send, conn))) => self.state = State::Open { send, conn: Box::new(conn) },
                Poll::Ready(Err(e)) => {
                    crate::log::debug(&format!("[http2] client handshake failed: {e}"));
                    self.close(e.reason(), replies);
                    return true;
                }
                Poll::Pending => return false,
            }
        }
        let State::Open { conn, .. } = &mut self.state else { return false };
        match Pin::new(&mut **conn).poll(cx) {
            Poll::Ready(r) => {
                let reason = match r {
                    Ok(()) => None,
                    Err(e) => {
                        crate::log::debug(&format!("[http2] upstream connection: {e}"));
                        e.reason()
                    }
                };
                self.close(reason, replies);
                true
            }
            Poll::Pending => false,
        }
    }

    /// The connection is over: every stream still waiting fails.
    fn close(&mut self, reason: Option<Reason>, replies: &mut Vec<Reply>) {
        self.state = State::Closed;
        self.unsent.clear();
        let mut ids: Vec<u32> = self.streams.iter().filter(|(_, s)| !s.done).map(|(&id, _)| id).collect();
        ids.sort_unstable();
        for id in ids {
            replies.push(Reply::Failed { id, reason });
        }
        self.streams.clear();
    }

    /// Sends waiting heads while the peer takes more streams.
    fn send_heads(&mut self, cx: &mut Context<'_>) -> bool {
        let State::Open { send, .. } = &mut self.state else { return false };
        let mut progress = false;
        while let Some(&id) = self.unsent.front() {
            let Some(s) = self.streams.get_mut(&id) else {
                self.unsent.pop_front();
                continue;
            };
            match send.poll_ready(cx) {
                Poll::Ready(Ok(())) => {}
                Poll::Ready(Err(e)) => {
                    crate::log::debug(&format!("[http2] upstream refuses streams: {e}"));
                    break;
                }
                Poll::Pending => break,
            }
            self.unsent.pop_front();
            let Some(head) = s.head.take() else { continue };
            let end = s.out.ends_empty();
            match send.send_request(head, end) {
                Ok((response, stream)) => {
                    s.response = Some(response);
                    s.mark.set();
                    if end {
                        s.out.ended_with_head();
                    } else {
                        s.out.attach(stream);
                    }
                }
                Err(e) => {
                    crate::log::debug(&format!("[http2] request not sent: {e}"));
                    s.out.fail();
                    s.done = true;
                    s.mark.set();
                }
            }
            progress = true;
        }
        progress
    }

    fn poll_stream(id: u32, s: &mut Stream, cx: &mut Context<'_>, replies: &mut Vec<Reply>) -> bool {
        let mut progress = s.out.pump(cx);
        if let Some(response) = &mut s.response {
            match Pin::new(response).poll(cx) {
                Poll::Ready(Ok(r)) => {
                    let (parts, body) = r.into_parts();
                    s.response = None;
                    replies.push(Reply::Head { id, head: heads::response_head(&parts) });
                    if body.is_end_stream() {
                        replies.push(Reply::End { id, tail: heads::tail(None, 0) });
                        s.done = true;
                    } else {
                        s.body = Some(body);
                    }
                    progress = true;
                }
                Poll::Ready(Err(e)) => {
                    s.response = None;
                    s.done = true;
                    s.out.fail();
                    replies.push(Reply::Failed { id, reason: e.reason() });
                    return true;
                }
                Poll::Pending => {}
            }
        }
        while let Some(body) = &mut s.body {
            match body.poll_data(cx) {
                Poll::Ready(Some(Ok(b))) => {
                    // The window opens again when the requester has taken the bytes (`release`).
                    s.body_size += b.len() as u64;
                    replies.push(Reply::Body { id, data: Data::from(b) });
                    progress = true;
                }
                Poll::Ready(Some(Err(e))) => {
                    s.body = None;
                    s.done = true;
                    s.out.fail();
                    replies.push(Reply::Failed { id, reason: e.reason() });
                    return true;
                }
                Poll::Ready(None) => match body.poll_trailers(cx) {
                    Poll::Ready(r) => {
                        let t = r.ok().flatten();
                        replies.push(Reply::End { id, tail: heads::tail(t.as_ref(), s.body_size) });
                        s.body = None;
                        s.done = true;
                        progress = true;
                    }
                    Poll::Pending => break,
                },
                Poll::Pending => break,
            }
        }
        progress
    }
}
