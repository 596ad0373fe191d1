//! `swap(hub)`: joins the stream to a `pipeline.Hub` (`new pipeline.Hub()`, or a function giving
//! one, asked at the first event; nothing joins nothing and the events wait). Every event that
//! reaches the filter goes out of the `swap` of every *other* stream on the hub, so two streams
//! on one hub are wired to each other (a bridge), and more make a broadcast. A stream leaves the
//! hub when it ends; when it was one of a pair, the other side ends too.

use super::{BuildCx, FilterSpec, arg, factory};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, StageHandle};
use pipy_value::{JsResult, Value, error};
use std::cell::{Cell, RefCell};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "swap",
    params: "(hub)",
    help: "Joins a pipeline.Hub: events in go out of the other streams on the hub",
    joint: false,
    options: &[],
    build,
}];

/// The parties of a hub: an id per joined `swap` and the way out of it.
#[derive(Default)]
pub struct HubState {
    parties: Vec<(u64, StageHandle)>,
    next: Cell<u64>,
}

/// The host value of a `pipeline.Hub` object.
#[derive(Clone, Default)]
pub struct HubHost(pub Rc<RefCell<HubState>>);

impl HubHost {
    fn join(&self, out: StageHandle) -> u64 {
        let mut s = self.0.borrow_mut();
        let id = s.next.get();
        s.next.set(id + 1);
        s.parties.push((id, out));
        id
    }
    fn leave(&self, id: u64) {
        self.0.borrow_mut().parties.retain(|(i, _)| *i != id);
    }
    /// Sends `e` out of every party but `from` (the list is copied first: a party may leave or
    /// join while its pipeline runs).
    fn broadcast(&self, from: u64, e: &Event) {
        let others: Vec<StageHandle> =
            self.0.borrow().parties.iter().filter(|(i, _)| *i != from).map(|(_, h)| h.clone()).collect();
        for h in others {
            h.emit(e.clone());
        }
    }
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let hub = arg(args, 0);
    if hub.is_nullish() {
        return Err(error::type_error("swap(): a pipeline.Hub (or a function giving one) is required"));
    }
    Ok(factory("swap", hub, |hub, _| Box::new(Swap { hub_value: hub.clone(), joined: None, held: Vec::new() })))
}

struct Swap {
    hub_value: Rc<Value>,
    joined: Option<(HubHost, u64)>,
    held: Vec<Event>,
}

impl Drop for Swap {
    fn drop(&mut self) {
        if let Some((hub, id)) = self.joined.take() {
            hub.leave(id);
        }
    }
}

impl Filter for Swap {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.joined.is_none() {
            let mut v = (*self.hub_value).clone();
            if v.is_callable() {
                match cx.call(&v, &[]) {
                    Some(x) => v = x,
                    None => return,
                }
            }
            if !v.is_nullish() {
                let hub = match &v {
                    Value::Object(o) => o.with_host(|h: &mut HubHost| h.clone()),
                    _ => None,
                };
                let Some(hub) = hub else {
                    return cx.throw(error::type_error("swap(): not a pipeline.Hub"));
                };
                let id = hub.join(cx.handle());
                self.joined = Some((hub, id));
            }
        }
        let Some((hub, id)) = self.joined.clone() else {
            self.held.push(e);
            return;
        };
        for held in std::mem::take(&mut self.held) {
            hub.broadcast(id, &held);
        }
        if matches!(e, Event::StreamEnd(_)) {
            // The end of one side of a pair ends the other; a party leaving a larger hub just
            // leaves (the original ends every party).
            if hub.0.borrow().parties.len() == 2 {
                hub.broadcast(id, &e);
            }
            hub.leave(id);
            self.joined = None;
            return;
        }
        hub.broadcast(id, &e);
    }
}
