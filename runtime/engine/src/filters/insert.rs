//! `insert(events)`: when the first event of the stream arrives, outputs the given events (an
//! event, a Message, an array of them, or a function giving one of those) in front of it; the
//! stream then passes through unchanged. A function may return a Promise: its events are output
//! when it settles, wherever the stream is by then (the stream is not held, as in the original).

use super::{BuildCx, FilterSpec, arg, factory};
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory, await_value};
use pipy_value::{JsResult, Value, error};
use std::cell::RefCell;
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "insert",
    params: "(events)",
    help: "Outputs the given events (or a function's, or a Promise's) before the stream's first event",
    joint: false,
    options: &[],
    build,
}];

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let v = arg(args, 0);
    if !v.is_callable() {
        event::events_of(&v)
            .map_err(|_| error::type_error("insert(): expects an event, a Message, an array of them or a function"))?;
    }
    Ok(factory("insert", v, |c, _| Box::new(Insert { events: c.clone(), inserted: false, waiting: None })))
}

type Settled = Rc<RefCell<Option<Result<Value, Value>>>>;

struct Insert {
    events: Rc<Value>,
    inserted: bool,
    waiting: Option<Settled>,
}

impl Insert {
    fn output_value(cx: &mut Cx<'_>, v: &Value) {
        match event::events_of(v) {
            Ok(evs) => cx.output_all(evs),
            Err(_) => cx.throw(error::type_error(
                "insert(): the inserted value is not an event, a Message or an array of them",
            )),
        }
    }
}

impl Filter for Insert {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if !self.inserted {
            self.inserted = true;
            let v = (*self.events).clone();
            let Some(v) = cx.eval(&v, &[]) else { return };
            match await_value(&v, cx.handle(), 0) {
                Some(settled) => self.waiting = Some(settled),
                None => Self::output_value(cx, &v),
            }
        }
        cx.output(e);
    }

    fn wake(&mut self, cx: &mut Cx<'_>, _: u32) {
        let Some(w) = self.waiting.take() else { return };
        let r = w.borrow_mut().take();
        match r {
            Some(Ok(v)) => Self::output_value(cx, &v),
            Some(Err(e)) => cx.throw(e),
            None => self.waiting = Some(w),
        }
    }
}
