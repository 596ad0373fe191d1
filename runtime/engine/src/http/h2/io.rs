//! The bytes between a pipeline and an `h2` connection. The connection reads what the filter was
//! given (`feed`, `end`) and writes into a buffer the filter outputs (`take_output`): an
//! in-memory socket, so the `h2` state machine runs inside the filter, driven by its events,
//! with no task of its own.

use bytes::{Bytes, BytesMut};
use std::cell::RefCell;
use std::io;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

#[derive(Default)]
struct Pipe {
    input: BytesMut,
    input_ended: bool,
    /// What the connection wrote: its writes (often many small frames) gathered in one buffer.
    output: BytesMut,
}

/// The filter's side: feeds input, takes output.
#[derive(Clone, Default)]
pub struct PipeEnd(Rc<RefCell<Pipe>>);

/// The connection's side: an `AsyncRead + AsyncWrite` over the same buffers.
pub struct PipeIo(Rc<RefCell<Pipe>>);

impl PipeEnd {
    pub fn new() -> (PipeEnd, PipeIo) {
        let p = Rc::new(RefCell::new(Pipe::default()));
        (PipeEnd(p.clone()), PipeIo(p))
    }

    /// Bytes that arrived for the connection.
    pub fn feed(&self, b: &[u8]) {
        self.0.borrow_mut().input.extend_from_slice(b);
    }

    /// Bytes to send that did not come from the connection (a GOAWAY of our own).
    pub fn write(&self, b: &[u8]) {
        self.0.borrow_mut().output.extend_from_slice(b);
    }

    /// The peer closed its side.
    pub fn end(&self) {
        self.0.borrow_mut().input_ended = true;
    }

    /// What the connection wrote since the last call.
    pub fn take_output(&self) -> Vec<Bytes> {
        let mut p = self.0.borrow_mut();
        if p.output.is_empty() { Vec::new() } else { vec![p.output.split().freeze()] }
    }
}

impl AsyncRead for PipeIo {
    fn poll_read(self: Pin<&mut Self>, _: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let mut p = self.0.borrow_mut();
        if p.input.is_empty() {
            // No waker is kept: the filter polls the connection again after every event.
            return if p.input_ended { Poll::Ready(Ok(())) } else { Poll::Pending };
        }
        let n = p.input.len().min(buf.remaining());
        buf.put_slice(&p.input.split_to(n));
        Poll::Ready(Ok(()))
    }
}

impl AsyncWrite for PipeIo {
    fn poll_write(self: Pin<&mut Self>, _: &mut Context<'_>, data: &[u8]) -> Poll<io::Result<usize>> {
        self.0.borrow_mut().output.extend_from_slice(data);
        Poll::Ready(Ok(data.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        // The filter ends the connection when `h2` says it is closed.
        Poll::Ready(Ok(()))
    }
}
