//! `fork`, `forkJoin` and `forkRace`: copy every input event into sub-pipelines.
//!
//! The initial argument (a constant, or a function called when the first event arrives) decides
//! how many: an array starts one sub-pipeline per element, each with its own copy of the context
//! and `onStart(element, index)`; anything else starts one, given to `onStart(value)`, which
//! shares the context for `fork` and gets a copy for `forkJoin`/`forkRace`.
//! - `fork` outputs its input unchanged; what the sub-pipelines output is discarded;
//! - `forkJoin` holds its input back until every sub-pipeline has ended, then outputs it;
//! - `forkRace` outputs what the first sub-pipeline to output anything outputs (its input and
//!   the other sub-pipelines' output are discarded).
//!
//! The 0.x form `fork('name', initArg)` names the sub-pipeline instead of `.to(...)`.

use super::{BuildCx, FilterSpec, arg};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, SubContext, SubSlot, SubTarget};
use pipy_value::{JsResult, Value, ops};
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Fork,
    Join,
    Race,
}

macro_rules! spec {
    ($name:literal, $mode:expr, $help:literal) => {
        FilterSpec {
            name: $name,
            params: "(initArgs?)",
            help: $help,
            joint: true,
            options: &[],
            build: |cx: &BuildCx<'_>, args: &[Value]| build(cx, args, $name, $mode),
        }
    };
}

pub static SPECS: &[FilterSpec] = &[
    spec!("fork", Mode::Fork, "Copies events into sub-pipelines; outputs its input"),
    spec!("forkJoin", Mode::Join, "Copies events into sub-pipelines; outputs its input once they all end"),
    spec!("forkRace", Mode::Race, "Copies events into sub-pipelines; outputs the first one's output"),
];

struct Config {
    name: &'static str,
    mode: Mode,
    first: Value,
    second: Value,
    /// The pipeline name of the 0.x form.
    named: Option<String>,
    slot: SubSlot,
}

struct ForkFactory(Rc<Config>);

impl FilterFactory for ForkFactory {
    fn name(&self) -> &'static str {
        self.0.name
    }
    fn create(&self) -> Box<dyn Filter> {
        Box::new(Fork {
            cfg: self.0.clone(),
            branches: None,
            held: Vec::new(),
            ended: 0,
            winner: None,
            input_ended: false,
        })
    }
    fn sub_slot(&self) -> Option<&SubSlot> {
        Some(&self.0.slot)
    }
}

fn build(cx: &BuildCx<'_>, args: &[Value], name: &'static str, mode: Mode) -> JsResult<Rc<dyn FilterFactory>> {
    let first = arg(args, 0);
    // 0.x: fork(pipelineName, initArg); a later `.to(...)` makes the string the initial argument.
    let (slot, named) = match &first {
        Value::String(s) => (cx.sub_slot(&first)?, Some(s.to_rust_string())),
        _ => (SubSlot::new(None), None),
    };
    Ok(Rc::new(ForkFactory(Rc::new(Config { name, mode, first, second: arg(args, 1), named, slot }))))
}

struct Fork {
    cfg: Rc<Config>,
    branches: Option<Vec<Rc<Pipeline>>>,
    /// Input held back by `forkJoin`.
    held: Vec<Event>,
    ended: usize,
    winner: Option<u32>,
    /// The input's StreamEnd has been passed to the branches.
    input_ended: bool,
}

impl Fork {
    fn start(&mut self, cx: &mut Cx<'_>) -> bool {
        // The 0.x form as long as `.to(...)` did not replace the named target.
        let (target, init) = match self.cfg.slot.get() {
            Some(t @ SubTarget::Named { .. }) if self.cfg.named.as_deref() == Some(t.describe().as_str()) => {
                (Some(t), self.cfg.second.clone())
            }
            t => (t, self.cfg.first.clone()),
        };
        let layout = match target.map(|t| t.resolve()) {
            Some(Ok(l)) => l,
            Some(Err(e)) => {
                cx.throw(e);
                return false;
            }
            None => {
                cx.throw(pipy_value::error::type_error("fork(): missing .to(...)"));
                return false;
            }
        };
        let Some(init) = cx.eval(&init, &[]) else { return false };
        let mut branches = Vec::new();
        if matches!(&init, Value::Object(o) if o.is_array()) {
            let items = match ops::iterate_to_vec(&init) {
                Ok(v) => v,
                Err(e) => {
                    cx.throw(e);
                    return false;
                }
            };
            for (i, v) in items.into_iter().enumerate() {
                let p = cx.sub(&layout, SubContext::Clone, i as u32);
                p.start(&[v, Value::num(i as f64)]);
                branches.push(p);
            }
        } else {
            let share = if self.cfg.mode == Mode::Fork { SubContext::Share } else { SubContext::Clone };
            let p = cx.sub(&layout, share, 0);
            p.start(&[init]);
            branches.push(p);
        }
        self.branches = Some(branches);
        true
    }

    fn waiting(&self) -> bool {
        self.cfg.mode == Mode::Join && self.branches.as_ref().is_some_and(|b| self.ended < b.len())
    }
}

impl Drop for Fork {
    /// A `fork` branch may still be sending (an upstream connect) when the stream that started
    /// it ends: it finishes on its own. `forkJoin`/`forkRace` branches only matter for their
    /// output, which has nowhere to go now.
    fn drop(&mut self) {
        if self.cfg.mode == Mode::Fork {
            for p in self.branches.take().into_iter().flatten() {
                // Cut short (its stream was dropped without an end): the branch still ends.
                if !self.input_ended {
                    let w = Rc::downgrade(&p);
                    pipy_value::realm::enqueue_microtask(Box::new(move || {
                        if let Some(p) = w.upgrade() {
                            p.input(Event::end());
                        }
                    }));
                }
                crate::pipeline::detach(p);
            }
        }
    }
}

impl Filter for Fork {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.branches.is_none() && !self.start(cx) {
            return;
        }
        if let Some(bs) = &self.branches {
            self.input_ended |= e.is_stream_end();
            for p in bs {
                p.input(e.clone());
            }
        }
        if self.waiting() {
            self.held.push(e);
        } else if self.cfg.mode != Mode::Race {
            cx.output(e);
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, tag: u32, e: Event) {
        match self.cfg.mode {
            Mode::Fork => {}
            Mode::Join => {
                if e.is_stream_end() && self.waiting() {
                    self.ended += 1;
                    if !self.waiting() {
                        cx.output_all(std::mem::take(&mut self.held));
                    }
                }
            }
            Mode::Race => {
                let w = *self.winner.get_or_insert(tag);
                if w == tag {
                    cx.output(e);
                }
            }
        }
    }
}
