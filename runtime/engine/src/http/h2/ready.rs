//! Which streams to poll. Each stream polls `h2` with a waker of its own that, when `h2` wakes
//! it (a frame arrived for it, its window opened), puts the stream's id on the connection's
//! ready list; a drive polls the streams on that list and those the filter gave work to, not
//! every open stream (a connection may carry hundreds).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};

/// Stream ids to poll, filled by wakers and by the connection's own calls.
#[derive(Clone, Default)]
pub struct Ready(Arc<Mutex<Vec<u32>>>);

/// A stream's mark: lists the stream on the ready list once until it is polled again.
pub struct Mark {
    id: u32,
    listed: AtomicBool,
    ready: Ready,
}

impl Wake for Mark {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.set();
    }
}

impl Mark {
    /// Lists the stream (once until `waker` is asked for again).
    pub fn set(&self) {
        if !self.listed.swap(true, Ordering::Relaxed) {
            self.ready.push(self.id);
        }
    }

    /// The waker to poll the stream with; from now on a wake lists the stream again.
    pub fn waker(self: &Arc<Self>) -> Waker {
        self.listed.store(false, Ordering::Relaxed);
        Waker::from(self.clone())
    }
}

impl Ready {
    /// The mark of stream `id`.
    pub fn mark(&self, id: u32) -> Arc<Mark> {
        Arc::new(Mark { id, listed: AtomicBool::new(false), ready: self.clone() })
    }

    fn push(&self, id: u32) {
        if let Ok(mut v) = self.0.lock() {
            v.push(id);
        }
    }

    /// The ids listed since the last call, in the order they were listed.
    pub fn take(&self) -> Vec<u32> {
        self.0.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default()
    }

    pub fn is_empty(&self) -> bool {
        self.0.lock().map(|v| v.is_empty()).unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_is_listed_once_until_it_is_polled() {
        let r = Ready::default();
        let (m1, m2) = (r.mark(1), r.mark(2));
        let (w1, w2) = (m1.waker(), m2.waker());
        w2.wake_by_ref();
        w1.wake_by_ref();
        w2.wake_by_ref();
        m1.set();
        assert_eq!(r.take(), vec![2, 1]);
        assert!(r.is_empty());
        let w1 = m1.waker();
        w1.wake();
        assert_eq!(r.take(), vec![1]);
    }
}
