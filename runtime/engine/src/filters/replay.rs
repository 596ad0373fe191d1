//! `replay({delay}?).to(sub)`: streams through a sub-pipeline (sharing this stream's context)
//! while recording the input. When the sub-pipeline outputs `StreamEnd('Replay')`, that
//! sub-pipeline is dropped and, after `delay` (seconds or a duration string, or a function giving
//! one; default 0), a new one gets the recorded input again. Output of a dropped sub-pipeline is
//! discarded; everything else is this filter's output.

use super::wait::{Timer, after};
use super::{BuildCx, FilterSpec, arg, check_options, joint_factory, option, parse_duration};
use crate::pipeline::event::{ErrorCode, Event};
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, SubContext, SubSlot};
use pipy_value::{JsResult, Value};
use std::rc::Rc;

const OPTIONS: &[&str] = &["delay"];

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "replay",
    params: "(options?)",
    help: "Streams through a sub-pipeline, running it again on the recorded input on StreamEnd('Replay')",
    joint: true,
    options: OPTIONS,
    build,
}];

enum Delay {
    Fixed(f64),
    Func(Value),
}

struct Config {
    delay: Delay,
}

fn build(_cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let options = arg(args, 0);
    check_options("replay", &options, OPTIONS)?;
    let d = option(&options, "delay")?;
    let delay = if d.is_callable() { Delay::Func(d) } else { Delay::Fixed(parse_duration(&d)?.unwrap_or(0.0)) };
    Ok(joint_factory("replay", Config { delay }, SubSlot::new(None), make))
}

fn make(cfg: &Rc<Config>, slot: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(Replay { cfg: cfg.clone(), slot: slot.cloned(), sub: None, round: 0, recorded: Vec::new(), timer: None })
}

struct Replay {
    cfg: Rc<Config>,
    slot: Option<Rc<SubSlot>>,
    sub: Option<Rc<Pipeline>>,
    /// The tag of the current sub-pipeline.
    round: u32,
    recorded: Vec<Event>,
    /// A replay is scheduled.
    timer: Option<Timer>,
}

impl Replay {
    fn start_round(&mut self, cx: &mut Cx<'_>) -> bool {
        let Some(layout) = super::sub_layout(cx, self.slot.as_ref(), "replay") else {
            return false;
        };
        self.round += 1;
        let p = cx.sub(&layout, SubContext::Share, self.round);
        p.start(&[]);
        p.input_all(self.recorded.clone());
        self.sub = Some(p);
        true
    }
}

impl Filter for Replay {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.sub.is_none() && self.timer.is_none() && !self.start_round(cx) {
            return;
        }
        self.recorded.push(e.clone());
        if let Some(p) = &self.sub {
            p.input(e);
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, tag: u32, e: Event) {
        if tag != self.round || self.timer.is_some() {
            return;
        }
        if let Event::StreamEnd(Some(err)) = &e {
            if err.code() == ErrorCode::Replay {
                let delay = match &self.cfg.delay {
                    Delay::Fixed(d) => *d,
                    Delay::Func(f) => {
                        let Some(v) = cx.call(f, &[]) else { return };
                        match parse_duration(&v) {
                            Ok(d) => d.unwrap_or(0.0),
                            Err(err) => return cx.throw(err),
                        }
                    }
                };
                // The old sub-pipeline's output is ignored from now on.
                self.round += 1;
                self.sub = None;
                self.timer = Some(after(cx.handle(), delay, 0));
                return;
            }
        }
        cx.output(e);
    }

    fn wake(&mut self, cx: &mut Cx<'_>, _token: u32) {
        if self.timer.take().is_some() {
            self.start_round(cx);
        }
    }
}
