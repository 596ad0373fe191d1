//! Which streams to poll. Each stream polls `h2` with a waker of its own that, when `h2` wakes
//! it (a frame arrived for it, its window opened), puts the stream's id on the connection's
//! ready list; a drive polls the streams on that list and those the filter gave work to, not
//! every open stream (a connection may carry hundreds).

use std::sync::{Arc, Mutex};
use std::task::{Wake, Waker};

/// Stream ids to poll, filled by wakers and by the connection's own calls.
#[derive(Clone, Default)]
pub struct Ready(Arc<Mutex<Vec<u32>>>);

struct StreamWaker {
    id: u32,
    ready: Ready,
}

impl Wake for StreamWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.ready.push(self.id);
    }
}

impl Ready {
    /// A waker that marks stream `id` ready.
    pub fn waker(&self, id: u32) -> Waker {
        Waker::from(Arc::new(StreamWaker { id, ready: self.clone() }))
    }

    pub fn push(&self, id: u32) {
        if let Ok(mut v) = self.0.lock() {
            v.push(id);
        }
    }

    /// The ids marked since the last call, each once, in the order they were first marked.
    pub fn take(&self) -> Vec<u32> {
        let mut v = self.0.lock().map(|mut v| std::mem::take(&mut *v)).unwrap_or_default();
        if v.len() > 1 {
            let mut seen = rustc_hash::FxHashSet::default();
            v.retain(|id| seen.insert(*id));
        }
        v
    }

    pub fn is_empty(&self) -> bool {
        self.0.lock().map(|v| v.is_empty()).unwrap_or(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_woken_stream_is_listed_once() {
        let r = Ready::default();
        let (w1, w2) = (r.waker(1), r.waker(2));
        w2.wake_by_ref();
        w1.wake_by_ref();
        w2.wake();
        assert_eq!(r.take(), vec![2, 1]);
        assert!(r.is_empty());
    }
}
