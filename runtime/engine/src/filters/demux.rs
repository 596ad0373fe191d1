//! `demux(options?)` / `demuxQueue(options?)`: every input Message gets a sub-pipeline of its own
//! (with a copy of this stream's context), and the sub-pipelines' replies are put back in the
//! order of the requests: the reply to a later message is held until the earlier ones are
//! complete. `outputCount` (a number, or a function of the MessageStart) is how many messages a
//! sub-pipeline is expected to reply with (default 1); 0 means its output is discarded; a
//! negative count `-n` expects `n` and also holds the next input message until every reply so far
//! is out. A sub-pipeline that ends short of its replies ends the whole stream with its StreamEnd.

use super::{BuildCx, FilterSpec, arg, check_options, joint_factory, option};
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, SubContext, SubSlot};
use pipy_value::{JsResult, Value, error, ops};
use std::collections::VecDeque;
use std::rc::Rc;

const OPTIONS: &[&str] = &["outputCount"];

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "demux",
        params: "(options?)",
        help: "Streams each Message through its own sub-pipeline (cloned context); replies in request order",
        joint: true,
        options: OPTIONS,
        build: build_demux,
    },
    FilterSpec {
        name: "demuxQueue",
        params: "(options?)",
        help: "Same as demux()",
        joint: true,
        options: OPTIONS,
        build: build_queue,
    },
];

struct Config {
    /// A number, or a function of the MessageStart giving one.
    output_count: Value,
}

fn build_demux(cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    build(cx, args, "demux")
}

fn build_queue(cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    build(cx, args, "demuxQueue")
}

fn build(cx: &BuildCx<'_>, args: &[Value], name: &'static str) -> JsResult<Rc<dyn FilterFactory>> {
    // `demux('sub', options?)` names the sub-pipeline directly; `demux(options?)` waits for `.to()`.
    let (slot, options) = match arg(args, 0) {
        v @ Value::String(_) => (cx.sub_slot(&v)?, arg(args, 1)),
        v => (SubSlot::new(None), v),
    };
    check_options(name, &options, OPTIONS)?;
    let output_count = match option(&options, "outputCount")? {
        Value::Undefined | Value::Null => Value::from(1),
        v if v.is_callable() => v,
        v @ Value::Number(_) => v,
        v => {
            return Err(error::type_error(&format!(
                "{name}(): outputCount must be a number or a function, got {}",
                ops::describe(&v)
            )));
        }
    };
    Ok(joint_factory(name, Config { output_count }, slot, |c, s| {
        Box::new(Demux {
            cfg: c.clone(),
            slot: s.cloned(),
            next_tag: 0,
            input: None,
            receivers: VecDeque::new(),
            waiters: Vec::new(),
            held_input: VecDeque::new(),
            hold_requested: false,
            holding: false,
            eos: None,
        })
    }))
}

/// One sub-pipeline and how much of its output is still expected.
struct Stream {
    tag: u32,
    /// Kept alive until its replies are out.
    _pipeline: Rc<Pipeline>,
    remaining: u32,
    started: bool,
    /// Output held while an earlier stream is still replying.
    buffer: Vec<Event>,
    /// The sub-pipeline ended short of its replies (held until it reaches the head).
    short_end: Option<Event>,
}

struct Demux {
    cfg: Rc<Config>,
    slot: Option<Rc<SubSlot>>,
    next_tag: u32,
    /// The stream receiving the current input message: (tag, pipeline).
    input: Option<(u32, Rc<Pipeline>)>,
    receivers: VecDeque<Stream>,
    /// Sub-pipelines whose output is discarded (outputCount 0), kept until they end.
    waiters: Vec<(u32, Rc<Pipeline>)>,
    /// Input held while waiting for output (negative outputCount).
    held_input: VecDeque<Event>,
    hold_requested: bool,
    holding: bool,
    /// The input's StreamEnd, output once every reply is out.
    eos: Option<Event>,
}

impl Demux {
    fn reset(&mut self) {
        self.input = None;
        self.receivers.clear();
        self.waiters.clear();
        self.held_input.clear();
        self.hold_requested = false;
        self.holding = false;
    }

    fn open(&mut self, cx: &mut Cx<'_>, count: i32) -> Option<(u32, Rc<Pipeline>)> {
        let layout = super::sub_layout(cx, self.slot.as_ref(), "demux")?;
        self.next_tag = self.next_tag.wrapping_add(1);
        let tag = self.next_tag;
        let p = cx.sub(&layout, SubContext::Clone, tag);
        if count > 0 {
            self.receivers.push_back(Stream {
                tag,
                _pipeline: p.clone(),
                remaining: count as u32,
                started: false,
                buffer: Vec::new(),
                short_end: None,
            });
        } else {
            self.waiters.push((tag, p.clone()));
        }
        p.start(&[]);
        Some((tag, p))
    }

    fn queue_input(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::MessageStart(_) => {
                if self.input.is_some() {
                    return;
                }
                let n = if self.cfg.output_count.is_callable() {
                    let f = self.cfg.output_count.clone();
                    let Some(v) = cx.call(&f, &[event::to_value(&e)]) else { return };
                    ops::to_int32(&v).unwrap_or(1)
                } else {
                    ops::to_int32(&self.cfg.output_count).unwrap_or(1)
                };
                if n < 0 {
                    self.hold_requested = true;
                }
                let Some((tag, p)) = self.open(cx, n.abs()) else { return };
                self.input = Some((tag, p.clone()));
                p.input(e);
            }
            Event::Data(_) => {
                if let Some((_, p)) = &self.input {
                    p.clone().input(e);
                }
            }
            Event::MessageEnd { .. } | Event::StreamEnd(_) => {
                if let Some((_, p)) = self.input.take() {
                    if self.hold_requested {
                        self.hold_requested = false;
                        self.holding = true;
                    }
                    p.input(e);
                }
            }
        }
    }

    /// Outputs a head stream's event by the receiver rules; true when the stream is complete.
    fn receive(cx: &mut Cx<'_>, s: &mut Stream, e: Event) -> Result<bool, Event> {
        match e {
            Event::MessageStart(_) => {
                if !s.started {
                    s.started = true;
                    cx.output(e);
                }
            }
            Event::Data(_) => {
                if s.started {
                    cx.output(e);
                }
            }
            Event::MessageEnd { .. } => {
                if s.started {
                    s.started = false;
                    cx.output(e);
                    s.remaining = s.remaining.saturating_sub(1);
                    return Ok(s.remaining == 0);
                }
            }
            Event::StreamEnd(_) => {
                if s.started {
                    s.started = false;
                    cx.output(Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
                    s.remaining = s.remaining.saturating_sub(1);
                    if s.remaining == 0 {
                        return Ok(true);
                    }
                }
                return Err(e);
            }
        }
        Ok(false)
    }

    /// Holds a later stream's event by the same rules.
    fn hold(s: &mut Stream, e: Event) {
        if s.remaining == 0 || s.short_end.is_some() {
            return;
        }
        match e {
            Event::MessageStart(_) => {
                if !s.started {
                    s.started = true;
                    s.buffer.push(e);
                }
            }
            Event::Data(_) => {
                if s.started {
                    s.buffer.push(e);
                }
            }
            Event::MessageEnd { .. } => {
                if s.started {
                    s.started = false;
                    s.buffer.push(e);
                    s.remaining -= 1;
                }
            }
            Event::StreamEnd(_) => {
                if s.started {
                    s.started = false;
                    s.buffer.push(Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
                    s.remaining -= 1;
                }
                if s.remaining > 0 {
                    s.short_end = Some(e);
                }
            }
        }
    }

    /// The head stream is complete: release the ones after it that are ready.
    fn shift(&mut self, cx: &mut Cx<'_>) {
        self.receivers.pop_front();
        while let Some(s) = self.receivers.front_mut() {
            cx.output_all(s.buffer.drain(..));
            if s.remaining > 0 {
                if let Some(end) = s.short_end.take() {
                    cx.output(end);
                    self.reset();
                }
                return;
            }
            self.receivers.pop_front();
        }
        if self.holding {
            self.holding = false;
            while !self.holding {
                let Some(e) = self.held_input.pop_front() else { break };
                self.queue_input(cx, e);
            }
        }
        if self.receivers.is_empty() && !self.holding {
            if let Some(e) = self.eos.take() {
                cx.output(e);
            }
        }
    }
}

impl Filter for Demux {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        let end = e.is_stream_end();
        let eos = if end { Some(e.clone()) } else { None };
        if self.holding {
            self.held_input.push_back(e);
        } else {
            self.queue_input(cx, e);
        }
        if let Some(eos) = eos {
            if self.receivers.is_empty() && !self.holding {
                cx.output(eos);
            } else {
                self.eos = Some(eos);
            }
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, tag: u32, e: Event) {
        if let Some(i) = self.waiters.iter().position(|w| w.0 == tag) {
            if e.is_stream_end() {
                self.waiters.remove(i);
            }
            return;
        }
        let Some(i) = self.receivers.iter().position(|s| s.tag == tag) else { return };
        if i > 0 {
            return Self::hold(&mut self.receivers[i], e);
        }
        match Self::receive(cx, &mut self.receivers[0], e) {
            Ok(true) => self.shift(cx),
            Ok(false) => {}
            Err(end) => {
                cx.output(end);
                self.reset();
            }
        }
    }
}
