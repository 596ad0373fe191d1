//! `dummy()`: swallows every event but the stream's end, which passes (as in the original), so a
//! connection whose pipeline is a `dummy()` still closes when its peer is done.

use super::{BuildCx, FilterSpec, factory};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, SubSlot};
use pipy_value::{JsResult, Value};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "dummy",
    params: "()",
    help: "Discards every event except StreamEnd",
    joint: false,
    options: &[],
    build: build_dummy,
}];

fn build_dummy(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("dummy", (), |_, _: Option<&Rc<SubSlot>>| Box::new(Dummy)))
}

struct Dummy;

impl Filter for Dummy {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if e.is_stream_end() {
            cx.output(e);
        }
    }
}
