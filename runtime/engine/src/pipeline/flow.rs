//! Back-pressure between the sockets of one stream: how many bytes wait to be written towards
//! each side, and the waits of the readers that feed them.
//!
//! A reader stops reading while the writer on the other side has its limit of bytes queued (by
//! default `LIMIT`; a listener's `congestionLimit` sets the downstream one, `connect`'s the
//! upstream one), so a slow peer is back-pressured instead of buffered without bound.
//!
//! Inside HTTP/2 the unit is a stream, not a socket. Bytes a protocol keeps until the peer's
//! flow-control windows open are *held*, and count like queued ones. Each stream of an HTTP/2
//! connection a server accepts has a flow of its own whose *parent* is the connection's: its
//! request body is paced by its own window (opened as what it queued upstream drains), while
//! what it sends back shares the connection and so waits on the parent too.

use std::cell::Cell;
use std::rc::Rc;

pub struct Flow {
    /// Queued towards the downstream (the inbound client).
    pub downstream: Cell<usize>,
    /// Queued towards the upstream (outbound connections).
    pub upstream: Cell<usize>,
    /// Held towards the downstream inside a protocol (HTTP/2 response bytes waiting for the
    /// client's flow-control windows). Upstream readers wait for it; the inbound reader does
    /// not, since what it reads is what opens those windows.
    pub held: Cell<usize>,
    /// Held towards the upstream inside a protocol (HTTP/2 request bytes waiting for the
    /// upstream's windows): the inbound reader waits for it as for bytes queued upstream.
    held_up: Cell<usize>,
    /// A parent's: what its streams have queued or held towards the upstream, all together.
    children_up: Cell<usize>,
    /// From how many bytes queued (or held) towards the downstream its feeders wait.
    downstream_limit: Cell<usize>,
    /// From how many bytes queued towards the upstream its feeders wait.
    upstream_limit: Cell<usize>,
    /// The connection's flow, for the flow of one of its HTTP/2 streams.
    parent: Option<Rc<Flow>>,
    pub changed: tokio::sync::Notify,
}

impl Default for Flow {
    fn default() -> Self {
        Flow {
            downstream: Cell::new(0),
            upstream: Cell::new(0),
            held: Cell::new(0),
            held_up: Cell::new(0),
            children_up: Cell::new(0),
            downstream_limit: Cell::new(Self::LIMIT),
            upstream_limit: Cell::new(Self::LIMIT),
            parent: None,
            changed: tokio::sync::Notify::new(),
        }
    }
}

impl Drop for Flow {
    fn drop(&mut self) {
        // A stream's bytes still counted leave its connection's total with it.
        if let Some(p) = &self.parent {
            p.sub_children(self.upstream.get() + self.held_up.get());
        }
    }
}

impl Flow {
    /// The default congestion limit of either side (the original's too).
    pub const LIMIT: usize = 1 << 20;

    /// How many times its own upstream limit the streams of one connection may keep queued
    /// towards their upstreams together before none of them takes more: one slow upstream
    /// does not stop the other streams, and a client opening many cannot make the connection
    /// buffer without bound.
    pub const STREAMS_FACTOR: usize = 8;

    /// The flow of one HTTP/2 stream of the connection whose flow is `parent`.
    pub fn child(parent: Rc<Flow>) -> Flow {
        let mut f = Flow::default();
        f.parent = Some(parent);
        f
    }

    /// Sets the congestion limit of one side: its feeders wait from `n` bytes queued on (0: they
    /// never wait, as the original's limit of 0).
    pub fn set_limit(&self, upstream: bool, n: usize) {
        let n = if n == 0 { usize::MAX } else { n };
        if upstream {
            self.upstream_limit.set(n)
        } else {
            self.downstream_limit.set(n)
        }
        self.changed.notify_waiters();
    }

    /// The congestion limit of one side (`usize::MAX`: none).
    pub fn limit(&self, upstream: bool) -> usize {
        if upstream { self.upstream_limit.get() } else { self.downstream_limit.get() }
    }

    pub fn add(&self, upstream: bool, n: usize) {
        let c = if upstream { &self.upstream } else { &self.downstream };
        c.set(c.get() + n);
        if upstream && let Some(p) = &self.parent {
            p.children_up.set(p.children_up.get() + n);
        }
    }

    pub fn sub(&self, upstream: bool, n: usize) {
        if upstream {
            let before = self.upstream.get();
            let now = before.saturating_sub(n);
            self.upstream.set(now);
            self.upstream_changed(before, now);
            return;
        }
        let limit = self.downstream_limit.get();
        let before = self.downstream.get();
        let now = before.saturating_sub(n);
        self.downstream.set(now);
        let held = self.held.get();
        if (before >= limit && now < limit) || (before + held >= limit && now + held < limit) {
            self.changed.notify_waiters();
        }
    }

    /// Bytes held in a protocol towards the downstream: `n` more, or (with `more` false) fewer.
    pub fn hold(&self, more: bool, n: usize) {
        let before = self.held.get();
        let now = if more { before + n } else { before.saturating_sub(n) };
        self.held.set(now);
        let limit = self.downstream_limit.get();
        if before + self.downstream.get() >= limit && now + self.downstream.get() < limit {
            self.changed.notify_waiters();
        }
    }

    /// Bytes held in a protocol towards the upstream: `n` more, or (with `more` false) fewer.
    pub fn hold_up(&self, more: bool, n: usize) {
        let before = self.held_up.get();
        if more {
            self.held_up.set(before + n);
            if let Some(p) = &self.parent {
                p.children_up.set(p.children_up.get() + n);
            }
        } else {
            let n = n.min(before);
            self.held_up.set(before - n);
            let queued = self.upstream.get();
            self.upstream_changed(queued + n, queued);
        }
    }

    /// What this flow has towards the upstream went from `before` to `now` (fewer): the
    /// parent's total follows, and waiters wake when either drops under its limit.
    fn upstream_changed(&self, before: usize, now: usize) {
        let held = self.held_up.get();
        let limit = self.upstream_limit.get();
        if before + held >= limit && now + held < limit {
            self.changed.notify_waiters();
        }
        if let Some(p) = &self.parent {
            p.sub_children(before - now);
        }
    }

    fn sub_children(&self, n: usize) {
        let before = self.children_up.get();
        let now = before.saturating_sub(n);
        self.children_up.set(now);
        let cap = self.streams_cap();
        if before >= cap && now < cap {
            self.changed.notify_waiters();
        }
    }

    fn streams_cap(&self) -> usize {
        self.upstream_limit.get().saturating_mul(Self::STREAMS_FACTOR)
    }

    /// Whether what goes to the downstream, queued or held, is at its limit (upstream readers
    /// wait); for a stream, also when its connection's is.
    pub fn downstream_full(&self) -> bool {
        self.downstream.get().saturating_add(self.held.get()) >= self.downstream_limit.get()
            || self.parent.as_ref().is_some_and(|p| p.downstream_full())
    }

    /// Whether what goes to the upstream, queued or held, is at its limit (what feeds it
    /// waits); for a stream, also when the streams of its connection are at theirs.
    pub fn upstream_full(&self) -> bool {
        self.upstream.get().saturating_add(self.held_up.get()) >= self.upstream_limit.get()
            || self.parent.as_ref().is_some_and(|p| p.children_up.get() >= p.streams_cap())
    }

    /// Waits until what goes to the downstream, queued or held, is under the limit: an
    /// upstream reader's wait.
    pub async fn room_downstream(&self) {
        self.room(Self::downstream_full).await
    }

    /// Waits until what goes to the upstream, queued or held, is under the limit: the wait of
    /// what feeds it (the inbound reader, an HTTP/2 stream's window).
    pub async fn room_upstream(&self) {
        self.room(Self::upstream_full).await
    }

    async fn room(&self, full: fn(&Flow) -> bool) {
        loop {
            if !full(self) {
                return;
            }
            // Both waits are registered before the second look, so a change between the look
            // and the wait is not missed.
            let mine = self.changed.notified();
            let theirs = self.parent.as_ref().map(|p| p.changed.notified());
            if !full(self) {
                return;
            }
            match theirs {
                Some(theirs) => {
                    tokio::select! {
                        _ = mine => {}
                        _ = theirs => {}
                    }
                }
                None => mine.await,
            }
        }
    }

    /// Waits until the writer towards `upstream` (or downstream) has room: the inbound reader's
    /// waits (towards the upstream, held bytes count too).
    pub async fn writable(&self, upstream: bool) {
        if upstream {
            self.room_upstream().await
        } else {
            self.room(|f| f.downstream.get() >= f.downstream_limit.get()).await
        }
    }
}
