//! `branch`, `branchMessageStart` and `branchMessage`: pick one of several sub-pipelines by
//! conditions, then stream everything through it (sharing this stream's context).
//!
//! Arguments come in pairs `condition, target` with an optional trailing default target. A target
//! is a pipeline name, a `$=>$…` builder or a template; a condition is a function (called when the
//! choice is made) or a constant (its truthiness).
//! - `branch` decides when the first event arrives (conditions called with no argument);
//! - `branchMessageStart` decides on the first MessageStart (the condition gets that event);
//! - `branchMessage` decides once the first whole message has arrived (the condition gets it).
//!
//! The choice holds for the rest of the stream. Until a condition holds, events are held back and
//! the conditions are tried again on each later event (or message); a chosen entry without a
//! sub-pipeline passes events through. When no condition of `branch` is a function, the choice is
//! made once at configuration time (the original's "static branch"); the chosen sub-pipeline is
//! then linked rather than inlined.

use super::{BuildCx, FilterSpec};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event, Message};
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, SubContext, SubSlot};
use pipy_value::{JsResult, Value, error};
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Stream,
    MessageStart,
    Message,
}

macro_rules! spec {
    ($name:literal, $kind:expr, $help:literal) => {
        FilterSpec {
            name: $name,
            params: "(condition, target, condition2?, target2?, …, defaultTarget?)",
            help: $help,
            joint: false,
            options: &[],
            build: |cx: &BuildCx<'_>, args: &[Value]| build(cx, args, $name, $kind),
        }
    };
}

pub static SPECS: &[FilterSpec] = &[
    spec!("branch", Kind::Stream, "Streams through the first sub-pipeline whose condition holds at stream start"),
    spec!(
        "branchMessageStart",
        Kind::MessageStart,
        "Streams through the first sub-pipeline whose condition holds for the first MessageStart"
    ),
    spec!(
        "branchMessage",
        Kind::Message,
        "Streams through the first sub-pipeline whose condition holds for the first whole message"
    ),
];

struct Config {
    name: &'static str,
    kind: Kind,
    /// (condition, target); a None condition always holds (the default).
    branches: Vec<(Option<Value>, SubSlot)>,
}

struct BranchFactory(Rc<Config>);

impl FilterFactory for BranchFactory {
    fn name(&self) -> &'static str {
        self.0.name
    }
    fn create(&self) -> Box<dyn Filter> {
        Box::new(Branch {
            cfg: self.0.clone(),
            chosen: false,
            sub: None,
            held: Vec::new(),
            head: None,
            body: Data::new(),
        })
    }
    fn subs(&self) -> Vec<String> {
        self.0.branches.iter().filter_map(|(_, s)| s.describe()).collect()
    }
}

fn build(cx: &BuildCx<'_>, args: &[Value], name: &'static str, kind: Kind) -> JsResult<Rc<dyn FilterFactory>> {
    if args.len() < 2 {
        return Err(error::type_error(&format!("{name}(): requires at least 2 arguments")));
    }
    let has_default = args.len() % 2 == 1;
    let pairs = args.len() / 2;
    let dynamic = kind != Kind::Stream || (0..pairs).any(|i| args[i * 2].is_callable());
    let mut branches = Vec::new();
    if dynamic {
        for i in 0..pairs {
            branches.push((Some(args[i * 2].clone()), cx.sub_slot(&args[i * 2 + 1])?));
        }
        if has_default {
            branches.push((None, cx.sub_slot(&args[args.len() - 1])?));
        }
    } else {
        // Static: every condition is a constant; choose now.
        let chosen = (0..pairs).find(|&i| args[i * 2].truthy()).map(|i| i * 2 + 1);
        let chosen = chosen.or(if has_default { Some(args.len() - 1) } else { None });
        if let Some(p) = chosen {
            branches.push((None, cx.sub_slot(&args[p])?));
        } else {
            branches.push((None, SubSlot::new(None)));
        }
    }
    Ok(Rc::new(BranchFactory(Rc::new(Config { name, kind, branches }))))
}

struct Branch {
    cfg: Rc<Config>,
    chosen: bool,
    sub: Option<Rc<Pipeline>>,
    /// Events before the choice.
    held: Vec<Event>,
    /// The message being read (branchMessage).
    head: Option<Value>,
    body: Data,
}

impl Branch {
    /// Tries the conditions with `args`; false if a condition threw.
    fn find(&mut self, cx: &mut Cx<'_>, args: &[Value]) -> bool {
        let cfg = self.cfg.clone();
        for (cond, target) in &cfg.branches {
            let take = match cond {
                None => true,
                Some(c) => match cx.eval(c, args) {
                    Some(v) => v.truthy(),
                    None => return false,
                },
            };
            if !take {
                continue;
            }
            self.chosen = true;
            let held = std::mem::take(&mut self.held);
            if target.is_set() {
                match target.layout() {
                    Ok(layout) => {
                        let p = cx.sub(&layout, SubContext::Share, 0);
                        p.start(&[]);
                        p.input_all(held);
                        self.sub = Some(p);
                    }
                    Err(e) => {
                        cx.throw(e);
                        return false;
                    }
                }
            } else {
                cx.output_all(held);
            }
            return true;
        }
        true
    }

    /// Makes the choice if this event allows it; false if a condition threw.
    fn choose(&mut self, cx: &mut Cx<'_>, e: &Event) -> bool {
        match self.cfg.kind {
            Kind::Stream => self.find(cx, &[]),
            Kind::MessageStart => match e {
                Event::MessageStart(_) => self.find(cx, &[event::to_value(e)]),
                _ => true,
            },
            Kind::Message => match e {
                Event::MessageStart(h) => {
                    self.head = Some(h.clone());
                    self.body = Data::new();
                    true
                }
                Event::Data(d) => {
                    if self.head.is_some() {
                        self.body.push(d);
                    }
                    true
                }
                Event::MessageEnd { tail, payload } => match self.head.take() {
                    Some(head) => {
                        let body = std::mem::take(&mut self.body);
                        let msg = Message { head, body, tail: tail.clone(), payload: payload.clone() };
                        self.find(cx, &[event::message_value(msg)])
                    }
                    None => true,
                },
                Event::StreamEnd(_) => true,
            },
        }
    }
}

impl Filter for Branch {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if !self.chosen && !self.choose(cx, &e) {
            return;
        }
        if !self.chosen {
            self.held.push(e);
        } else if let Some(p) = &self.sub {
            p.input(e);
        } else {
            cx.output(e);
        }
    }
}
