//! `print()`: writes the bytes of every Data to the log output (stderr) and passes events through.

use super::{BuildCx, FilterSpec, factory};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, SubSlot};
use pipy_value::{JsResult, Value};
use std::io::Write;
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "print",
    params: "()",
    help: "Writes the bytes of every Data to the log output and passes events through",
    joint: false,
    options: &[],
    build: build_print,
}];

fn build_print(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("print", (), |_, _: Option<&Rc<SubSlot>>| Box::new(Print)))
}

struct Print;

impl Filter for Print {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if let Event::Data(d) = &e {
            let mut err = std::io::stderr().lock();
            for c in d.chunks() {
                let _ = err.write_all(c);
            }
        }
        cx.output(e);
    }
}
