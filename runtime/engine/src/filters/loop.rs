//! `loop(sub)`: streams through a sub-pipeline (sharing this stream's context) whose output is
//! both this filter's output and fed back into the sub-pipeline's own input.

use super::{BuildCx, FilterSpec, arg, joint_factory};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, SubContext, SubSlot};
use pipy_value::{JsResult, Value, error};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "loop",
    params: "(sub)",
    help: "Streams through a sub-pipeline whose output is also fed back into it",
    joint: true,
    options: &[],
    build,
}];

fn build(cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let sub = arg(args, 0);
    if !sub.is_nullish() && !sub.is_callable() && !matches!(sub, Value::Object(_) | Value::String(_)) {
        return Err(error::type_error("loop(): the argument must be a pipeline builder ($=>$...)"));
    }
    Ok(joint_factory("loop", (), cx.sub_slot(&sub)?, make))
}

fn make(_: &Rc<()>, slot: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(Loop { slot: slot.cloned(), sub: None })
}

struct Loop {
    slot: Option<Rc<SubSlot>>,
    sub: Option<Rc<Pipeline>>,
}

impl Filter for Loop {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.sub.is_none() {
            let layout = match self.slot.as_ref().map(|s| s.layout()) {
                Some(Ok(l)) => l,
                Some(Err(err)) => return cx.throw(err),
                None => return cx.throw(error::type_error("loop(): missing sub-pipeline")),
            };
            let p = cx.sub(&layout, SubContext::Share, 0);
            p.start(&[]);
            self.sub = Some(p);
        }
        if let Some(p) = &self.sub {
            p.input(e);
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, _tag: u32, e: Event) {
        cx.output(e.clone());
        if let Some(p) = &self.sub {
            p.input(e);
        }
    }
}
