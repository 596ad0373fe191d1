//! `dummy()`: swallows every event (outputs nothing).

use super::{BuildCx, FilterSpec, factory};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, SubSlot};
use pipy_value::{JsResult, Value};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "dummy",
    params: "()",
    help: "Discards every event",
    joint: false,
    options: &[],
    build: build_dummy,
}];

fn build_dummy(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("dummy", (), |_, _: Option<&Rc<SubSlot>>| Box::new(Dummy)))
}

struct Dummy;

impl Filter for Dummy {
    fn process(&mut self, _: &mut Cx<'_>, _: Event) {}
}
