//! The session of `mux`/`muxQueue`: many streams put whole messages into one shared session
//! sub-pipeline and get its replies back in the order of their requests (a FIFO of expected
//! replies). The session lives in the engine's one upstream pool (`crate::pool`), which counts
//! who holds it and closes it when idle; this file only routes messages and replies.
//!
//! A source (one mux filter instance) `attach`es to a session, `send`s whole requests with the
//! number of reply messages it expects, `end_source`s when its input ends and `detach`es when it
//! goes away. A session keeps the context of the stream that opened it. A session whose pipeline
//! ends is retired from the pool and the sources still waiting for replies get that StreamEnd.
//!
//! The pipeline of a session is made by the filter (`MuxSession::open`), which gets the reply
//! sink to give as its output.

use crate::pipeline::event::Event;
use crate::pipeline::{Pipeline, StageHandle};
use crate::pool::{Pooled, Session};
use pipy_value::{JsResult, Value};
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::{Rc, Weak};

/// A reply expected by a source.
struct Receiver {
    source: u64,
    remaining: u32,
    started: bool,
}

struct Source {
    handle: StageHandle,
    pending: u32,
    /// The source's input ended while replies were pending: output after the last one.
    eos: Option<Event>,
    /// The session ended while replies were due: the source got that StreamEnd already.
    ended: bool,
}

#[derive(Default)]
struct State {
    pipeline: Option<Rc<Pipeline>>,
    receivers: VecDeque<Receiver>,
    sources: HashMap<u64, Source>,
}

/// One shared session sub-pipeline.
#[derive(Default)]
pub struct MuxSession {
    /// The StreamEnd its pipeline ended with.
    end: RefCell<Option<Event>>,
    state: RefCell<State>,
}

impl Session for MuxSession {
    fn close(&self) {
        let p = self.state.borrow_mut().pipeline.take();
        if let Some(p) = p {
            p.input(Event::end());
        }
    }
}

thread_local! {
    static NEXT_SOURCE: Cell<u64> = const { Cell::new(1) };
}

/// A new source id (one per mux filter instance).
pub fn new_source_id() -> u64 {
    NEXT_SOURCE.with(|n| {
        let id = n.get();
        n.set(id + 1);
        id
    })
}

impl MuxSession {
    pub fn is_open(&self) -> bool {
        self.state.borrow().pipeline.is_some()
    }

    /// The StreamEnd the session's pipeline ended with, if it did.
    pub fn end_event(&self) -> Option<Event> {
        self.end.borrow().clone()
    }

    /// Opens the session: `make` builds its pipeline with the given reply sink as its output;
    /// it is then started with the key as its argument.
    pub fn open(pooled: &Rc<Pooled<MuxSession>>, make: impl FnOnce(Box<dyn FnMut(Event)>) -> Rc<Pipeline>) {
        let weak: Weak<Pooled<MuxSession>> = Rc::downgrade(pooled);
        let sink: Box<dyn FnMut(Event)> = Box::new(move |e| {
            if let Some(p) = weak.upgrade() {
                p.session().on_reply(&p, e);
            }
        });
        let p = make(sink);
        pooled.session().state.borrow_mut().pipeline = Some(p.clone());
        p.start(&[pooled.key().value()]);
    }

    /// A source starts using this session; its replies are emitted from `handle`.
    pub fn attach(&self, source: u64, handle: StageHandle) {
        self.state.borrow_mut().sources.entry(source).or_insert(Source { handle, pending: 0, eos: None, ended: false });
    }

    /// A source is gone (or done): replies still due to it are dropped.
    pub fn detach(&self, source: u64) {
        self.state.borrow_mut().sources.remove(&source);
    }

    /// Writes a whole request into the session; `replies` messages are expected back for it.
    pub fn send(&self, source: u64, events: Vec<Event>, replies: u32) {
        let p = {
            let mut st = self.state.borrow_mut();
            if replies > 0 {
                st.receivers.push_back(Receiver { source, remaining: replies, started: false });
                if let Some(s) = st.sources.get_mut(&source) {
                    s.pending += 1;
                }
            }
            st.pipeline.clone()
        };
        if let Some(p) = p {
            p.input_all(events);
        }
    }

    /// The source's input ended. True: output `eos` now (and the source is detached); false:
    /// the session emits it after the replies still due (or the source already got the session's
    /// own StreamEnd).
    pub fn end_source(&self, source: u64, eos: Event) -> bool {
        {
            let mut st = self.state.borrow_mut();
            if let Some(s) = st.sources.get_mut(&source) {
                if s.pending > 0 {
                    s.eos = Some(eos);
                    return false;
                }
            }
        }
        let ended = self.state.borrow().sources.get(&source).is_some_and(|s| s.ended);
        self.detach(source);
        !ended
    }

    fn on_reply(&self, pooled: &Pooled<MuxSession>, e: Event) {
        let mut out: Vec<(StageHandle, Event)> = Vec::new();
        let end = e.is_stream_end();
        {
            let mut st = self.state.borrow_mut();
            let st = &mut *st;
            let mut finished = None;
            if let Some(r) = st.receivers.front_mut() {
                let to = st.sources.get(&r.source).map(|s| s.handle.clone());
                let mut emit = |e: Event| {
                    if let Some(h) = &to {
                        out.push((h.clone(), e));
                    }
                };
                match &e {
                    Event::MessageStart(_) => {
                        if !r.started {
                            r.started = true;
                            emit(e.clone());
                        }
                    }
                    Event::Data(_) => {
                        if r.started {
                            emit(e.clone());
                        }
                    }
                    Event::MessageEnd { .. } | Event::StreamEnd(_) => {
                        if r.started {
                            r.started = false;
                            emit(if end {
                                Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined }
                            } else {
                                e.clone()
                            });
                            r.remaining = r.remaining.saturating_sub(1);
                            if r.remaining == 0 {
                                finished = Some(r.source);
                            }
                        }
                    }
                }
            }
            if let Some(id) = finished {
                st.receivers.pop_front();
                if let Some(s) = st.sources.get_mut(&id) {
                    s.pending = s.pending.saturating_sub(1);
                    if s.pending == 0 {
                        if let Some(eos) = s.eos.take() {
                            out.push((s.handle.clone(), eos));
                            st.sources.remove(&id);
                        }
                    }
                }
            }
            if end {
                // The session is over: everyone still waiting gets its end.
                let mut told = std::collections::HashSet::new();
                for r in st.receivers.drain(..) {
                    if told.insert(r.source) {
                        if let Some(s) = st.sources.get_mut(&r.source) {
                            s.pending = 0;
                            s.eos = None;
                            s.ended = true;
                            out.push((s.handle.clone(), e.clone()));
                        }
                    }
                }
            }
        }
        let dropped = if end {
            // The session is over: out of the pool, its pipeline dropped after the outputs.
            *self.end.borrow_mut() = Some(e);
            pooled.retire();
            self.state.borrow_mut().pipeline.take()
        } else {
            None
        };
        for (h, e) in out {
            h.emit(e);
        }
        drop(dropped);
    }
}

/// Evaluates a mux options argument: an object, or a function returning one.
pub fn eval_options(v: &Value) -> JsResult<Value> {
    if v.is_callable() { pipy_value::function::call(v, &Value::Undefined, &[]) } else { Ok(v.clone()) }
}
