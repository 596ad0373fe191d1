//! The queue between a pipeline and the task that writes its socket. Both ends live on one
//! worker thread, so it is a shared `VecDeque` and a waker: no atomics, and no memory while it
//! is empty (an idle keep-alive connection holds none).

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;
use std::task::{Poll, Waker};

use bytes::Bytes;

pub(crate) enum WriteOp {
    Data(Bytes),
    /// Flush, then close the connection.
    End,
}

#[derive(Default)]
struct Shared {
    ops: RefCell<VecDeque<WriteOp>>,
    waker: Cell<Option<Waker>>,
    sender_gone: Cell<bool>,
}

/// A queue's sending end (the pipeline's output).
pub(crate) struct WriteTx(Rc<Shared>);

/// A queue's receiving end (the writer task).
pub(crate) struct WriteRx(Rc<Shared>);

pub(crate) fn write_queue() -> (WriteTx, WriteRx) {
    let shared = Rc::new(Shared::default());
    (WriteTx(shared.clone()), WriteRx(shared))
}

impl WriteTx {
    pub(crate) fn send(&self, op: WriteOp) {
        self.0.ops.borrow_mut().push_back(op);
        if let Some(w) = self.0.waker.take() {
            w.wake();
        }
    }
}

impl Drop for WriteTx {
    fn drop(&mut self) {
        self.0.sender_gone.set(true);
        if let Some(w) = self.0.waker.take() {
            w.wake();
        }
    }
}

impl WriteRx {
    /// The next operation, or None once the queue is empty and the sender is gone.
    pub(crate) async fn recv(&mut self) -> Option<WriteOp> {
        std::future::poll_fn(|cx| match self.try_recv() {
            Some(op) => Poll::Ready(Some(op)),
            None if self.0.sender_gone.get() => Poll::Ready(None),
            None => {
                self.0.waker.set(Some(cx.waker().clone()));
                Poll::Pending
            }
        })
        .await
    }

    /// The next operation if one is queued.
    pub(crate) fn try_recv(&mut self) -> Option<WriteOp> {
        let mut ops = self.0.ops.borrow_mut();
        let op = ops.pop_front();
        if ops.is_empty() && ops.capacity() > 16 {
            // A burst is over: let its memory go.
            *ops = VecDeque::new();
        }
        op
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ops_come_out_in_order_and_the_end_of_the_sender_ends_the_queue() {
        let rt = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
        rt.block_on(async {
            let (tx, mut rx) = write_queue();
            let reader = async move {
                let mut got = Vec::new();
                while let Some(op) = rx.recv().await {
                    got.push(match op {
                        WriteOp::Data(b) => String::from_utf8_lossy(&b).into_owned(),
                        WriteOp::End => "end".to_string(),
                    });
                }
                got
            };
            let writer = async move {
                tx.send(WriteOp::Data(Bytes::from_static(b"a")));
                tokio::task::yield_now().await;
                for _ in 0..100 {
                    tx.send(WriteOp::Data(Bytes::from_static(b"b")));
                }
                tx.send(WriteOp::End);
            };
            let (got, ()) = tokio::join!(reader, writer);
            assert_eq!(got.len(), 102);
            assert_eq!(got.first().map(String::as_str), Some("a"));
            assert_eq!(got.last().map(String::as_str), Some("end"));
        });
    }
}
