//! `repeat(condition).to(sub)` (1.x): runs the input through a sub-pipeline (sharing this
//! stream's context), recording it. When the sub-pipeline ends, `condition(streamEnd)` is called
//! (it may return a Promise); while it says yes, a fresh sub-pipeline gets the recorded input
//! again (and whatever input follows). When it says no, the last StreamEnd is output and further
//! input is ignored. Everything else the sub-pipelines output is this filter's output.

use super::{BuildCx, FilterSpec, arg, joint_factory};
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, SubContext, SubSlot, await_value};
use pipy_value::{JsResult, Value, error};
use std::cell::RefCell;
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "repeat",
    params: "(condition)",
    help: "Runs the input through a sub-pipeline again and again while condition(streamEnd) holds",
    joint: true,
    options: &[],
    build,
}];

struct Config {
    condition: Value,
}

fn build(_cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let condition = arg(args, 0);
    if !condition.is_callable() {
        return Err(error::type_error("repeat(): the condition must be a function"));
    }
    Ok(joint_factory("repeat", Config { condition }, SubSlot::new(None), make))
}

fn make(cfg: &Rc<Config>, slot: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(Repeat {
        cfg: cfg.clone(),
        slot: slot.cloned(),
        sub: None,
        round: 0,
        recorded: Vec::new(),
        last_end: None,
        waiting: None,
        ended: false,
    })
}

type Settled = Rc<RefCell<Option<Result<Value, Value>>>>;

struct Repeat {
    cfg: Rc<Config>,
    slot: Option<Rc<SubSlot>>,
    sub: Option<Rc<Pipeline>>,
    /// The tag of the current sub-pipeline: output of earlier rounds is ignored.
    round: u32,
    recorded: Vec<Event>,
    last_end: Option<Event>,
    waiting: Option<Settled>,
    ended: bool,
}

impl Repeat {
    fn start_round(&mut self, cx: &mut Cx<'_>) -> bool {
        let Some(layout) = super::sub_layout(cx, self.slot.as_ref(), "repeat") else {
            return false;
        };
        self.round += 1;
        let p = cx.sub(&layout, SubContext::Share, self.round);
        p.start(&[]);
        p.input_all(self.recorded.clone());
        self.sub = Some(p);
        true
    }

    fn decide(&mut self, cx: &mut Cx<'_>, again: bool) {
        if again {
            self.start_round(cx);
        } else {
            self.ended = true;
            self.recorded.clear();
            self.sub = None;
            if let Some(e) = self.last_end.take() {
                cx.output(e);
            }
        }
    }
}

impl Filter for Repeat {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.ended {
            return;
        }
        if self.sub.is_none() && !self.start_round(cx) {
            return;
        }
        self.recorded.push(e.clone());
        if let Some(p) = &self.sub {
            p.input(e);
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, tag: u32, e: Event) {
        if tag != self.round || self.ended {
            return;
        }
        if !e.is_stream_end() {
            return cx.output(e);
        }
        let arg = event::to_value(&e);
        self.last_end = Some(e);
        let Some(r) = cx.call(&self.cfg.condition, &[arg]) else { return };
        match await_value(&r, cx.handle(), 0) {
            Some(settled) => self.waiting = Some(settled),
            None => self.decide(cx, r.truthy()),
        }
    }

    fn wake(&mut self, cx: &mut Cx<'_>, _token: u32) {
        let Some(w) = self.waiting.take() else { return };
        let Some(result) = w.borrow_mut().take() else {
            self.waiting = Some(w);
            return;
        };
        match result {
            Ok(v) => self.decide(cx, v.truthy()),
            Err(e) => cx.throw(e),
        }
    }
}
