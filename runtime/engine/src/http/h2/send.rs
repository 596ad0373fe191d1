//! The sending half of an HTTP/2 stream, for both sides: body bytes wait until the stream's and
//! the connection's flow-control windows have room, then the end (trailers, or an empty DATA
//! frame with END_STREAM) follows the last byte.

use crate::pipeline::data::Data;
use bytes::Bytes;
use h2::SendStream;
use http::HeaderMap;
use std::collections::VecDeque;
use std::task::{Context, Poll};

#[derive(Default)]
pub struct Outgoing {
    stream: Option<SendStream<Bytes>>,
    /// Bytes waiting for window.
    pending: VecDeque<Bytes>,
    pending_len: usize,
    /// The message's end, once known: its trailers, or none.
    end: Option<Option<HeaderMap>>,
    /// The end went out (or the stream failed): nothing more is sent.
    pub finished: bool,
}

impl Outgoing {
    /// The stream the bytes go to, once its head is sent.
    pub fn attach(&mut self, stream: SendStream<Bytes>) {
        self.stream = Some(stream);
    }

    pub fn push(&mut self, d: &Data) {
        for c in d.chunks() {
            if !c.is_empty() {
                self.pending_len += c.len();
                self.pending.push_back(c.clone());
            }
        }
    }

    pub fn push_bytes(&mut self, b: Bytes) {
        if !b.is_empty() {
            self.pending_len += b.len();
            self.pending.push_back(b);
        }
    }

    /// The message ends after the bytes pushed so far.
    pub fn finish(&mut self, trailers: Option<HeaderMap>) {
        if self.end.is_none() {
            self.end = Some(trailers);
        }
    }

    /// Whether the message ended with nothing left to send: its head can carry END_STREAM.
    pub fn ends_empty(&self) -> bool {
        self.pending_len == 0 && matches!(self.end, Some(None))
    }

    /// The head went out with END_STREAM.
    pub fn ended_with_head(&mut self) {
        self.end = None;
        self.finished = true;
    }

    /// Bytes not sent yet.
    pub fn backlog(&self) -> usize {
        self.pending_len
    }

    /// Sends what the windows allow; true if anything moved.
    pub fn pump(&mut self, cx: &mut Context<'_>) -> bool {
        if self.finished {
            return false;
        }
        let Some(send) = &mut self.stream else { return false };
        let mut progress = false;
        while self.pending_len > 0 {
            if send.capacity() == 0 {
                send.reserve_capacity(self.pending_len);
                match send.poll_capacity(cx) {
                    Poll::Ready(Some(Ok(_))) => {}
                    Poll::Ready(Some(Err(_))) | Poll::Ready(None) => return self.fail(),
                    Poll::Pending => return progress,
                }
                if send.capacity() == 0 {
                    return progress;
                }
            }
            let room = send.capacity();
            let Some(mut chunk) = self.pending.pop_front() else { break };
            if chunk.len() > room {
                self.pending.push_front(chunk.split_off(room));
            }
            self.pending_len -= chunk.len();
            let last = self.pending_len == 0 && matches!(self.end, Some(None));
            if send.send_data(chunk, last).is_err() {
                return self.fail();
            }
            progress = true;
            if last {
                self.end = None;
                self.finished = true;
                self.stream = None;
                return true;
            }
        }
        if let Some(end) = self.end.take() {
            let _ = match end {
                Some(trailers) => send.send_trailers(trailers),
                None => send.send_data(Bytes::new(), true),
            };
            self.finished = true;
            self.stream = None;
            progress = true;
        }
        progress
    }

    /// Stops sending: the stream is gone.
    pub fn fail(&mut self) -> bool {
        self.pending.clear();
        self.pending_len = 0;
        self.finished = true;
        self.stream = None;
        true
    }

    /// Resets the stream (the message was abandoned).
    pub fn reset(&mut self, reason: h2::Reason) {
        if let Some(s) = &mut self.stream {
            s.send_reset(reason);
        }
        self.fail();
    }
}
