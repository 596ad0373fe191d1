//! `acceptHTTPTunnel(handler).to(sub)`, inside a `demuxHTTP` sub-pipeline: answers a CONNECT or
//! Upgrade (WebSocket) request with the handler's Message (or the Message itself). When the
//! answer accepts the tunnel (2xx for CONNECT, 101 for an upgrade) `demuxHTTP` stops parsing
//! HTTP on that connection and everything the client sends streams into `sub`; what `sub`
//! outputs goes back to the client as it is.

use super::{BuildCx, FilterSpec, arg, joint_factory};
use crate::pipeline::event::{self, Event, Message};
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, SubContext, SubSlot};
use crate::{JsResult, Value, error};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "acceptHTTPTunnel",
    params: "(handler)",
    help: "Inside demuxHTTP: answers CONNECT/Upgrade with handler's Message; an accepted tunnel streams through a sub-pipeline",
    joint: true,
    options: &[],
    build,
}];

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let handler = arg(args, 0);
    if handler.is_nullish() {
        return Err(error::type_error(
            "acceptHTTPTunnel(): a handler (a Message or a function giving one) is required",
        ));
    }
    Ok(joint_factory("acceptHTTPTunnel", handler, SubSlot::new(None), make))
}

fn make(handler: &Rc<Value>, slot: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(AcceptTunnel { handler: handler.clone(), slot: slot.cloned(), request: None, answered: false, sub: None })
}

struct AcceptTunnel {
    handler: Rc<Value>,
    slot: Option<Rc<SubSlot>>,
    /// The request being collected.
    request: Option<Message>,
    answered: bool,
    sub: Option<Rc<Pipeline>>,
}

impl AcceptTunnel {
    fn answer(&mut self, cx: &mut Cx<'_>, req: Message) {
        self.answered = true;
        let handler = (*self.handler).clone();
        let reply = if handler.is_callable() {
            match cx.call(&handler, &[event::message_value(req)]) {
                Some(v) => v,
                None => return,
            }
        } else {
            handler
        };
        let Some(m) = event::as_message(&reply) else {
            return cx.throw(error::type_error("acceptHTTPTunnel(): the handler did not return a Message"));
        };
        let mut out = Vec::new();
        m.into_events(&mut out);
        cx.output_all(out);
    }

    fn tunnel(&mut self, cx: &mut Cx<'_>) -> Option<Rc<Pipeline>> {
        if self.sub.is_none() {
            let layout = match self.slot.as_ref().map(|s| s.layout()) {
                Some(Ok(l)) => l,
                Some(Err(e)) => {
                    cx.throw(e);
                    return None;
                }
                None => {
                    cx.throw(error::type_error("acceptHTTPTunnel(): missing .to(...)"));
                    return None;
                }
            };
            let p = cx.sub(&layout, SubContext::Share, 0);
            p.start(&[]);
            self.sub = Some(p);
        }
        self.sub.clone()
    }
}

impl Filter for AcceptTunnel {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if !self.answered {
            match e {
                Event::MessageStart(head) => self.request = Some(Message { head, ..Message::default() }),
                Event::Data(d) => {
                    if let Some(m) = &mut self.request {
                        m.body.push(&d);
                    }
                }
                Event::MessageEnd { tail, .. } => {
                    if let Some(mut m) = self.request.take() {
                        m.tail = tail;
                        self.answer(cx, m);
                    }
                }
                Event::StreamEnd(_) => cx.output(e),
            }
            return;
        }
        // The tunnel: raw bytes (and the end) into the sub-pipeline.
        match e {
            Event::Data(_) | Event::StreamEnd(_) => {
                if let Some(p) = self.tunnel(cx) {
                    p.input(e);
                }
            }
            _ => {}
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, _tag: u32, e: Event) {
        if matches!(e, Event::Data(_) | Event::StreamEnd(_)) {
            cx.output(e);
        }
    }
}
