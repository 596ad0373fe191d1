//! `replace` and its seven typed variants: swap events for what a constant or a callback gives
//! (an event, a Message, an array of them, or a Promise of those; `undefined` drops). Events the
//! variant does not look at pass through. A Promise pauses the stream until it settles.
//!
//! One file for the family: the variants differ only in which events they take.

use super::{BuildCx, FilterSpec, arg, factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event, Message};
use crate::pipeline::{Cx, Filter, FilterFactory, SubSlot, await_value};
use pipy_value::{JsResult, Value, error};
use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Any,
    StreamStart,
    MessageStart,
    Data,
    MessageBody,
    Message,
    MessageEnd,
    StreamEnd,
}

struct Config {
    kind: Kind,
    /// None: drop what this variant takes.
    replacement: Option<Value>,
}

macro_rules! spec {
    ($name:literal, $kind:expr, $help:literal) => {
        FilterSpec {
            name: $name,
            params: "(replacement?)",
            help: $help,
            joint: false,
            options: &[],
            build: |_cx: &BuildCx<'_>, args: &[Value]| -> JsResult<Rc<dyn FilterFactory>> {
                let r = arg(args, 0);
                let replacement = if r.is_undefined() { None } else { Some(r) };
                if let Some(r) = &replacement {
                    if !r.is_callable() && $kind != Kind::MessageBody {
                        event::events_of(r).map_err(|_| {
                            error::type_error(concat!(
                                $name,
                                "(): the replacement must be a function, an event, a Message or an array of them"
                            ))
                        })?;
                    }
                }
                Ok(factory($name, Config { kind: $kind, replacement }, make))
            },
        }
    };
}

pub static SPECS: &[FilterSpec] = &[
    spec!("replace", Kind::Any, "Replaces every event"),
    spec!("replaceStreamStart", Kind::StreamStart, "Replaces the first event of the stream"),
    spec!("replaceMessageStart", Kind::MessageStart, "Replaces every MessageStart"),
    spec!("replaceData", Kind::Data, "Replaces every Data"),
    spec!("replaceMessageBody", Kind::MessageBody, "Replaces the body of every message"),
    spec!("replaceMessage", Kind::Message, "Replaces every complete Message"),
    spec!("replaceMessageEnd", Kind::MessageEnd, "Replaces every MessageEnd"),
    spec!("replaceStreamEnd", Kind::StreamEnd, "Replaces the StreamEnd"),
];

fn make(cfg: &Rc<Config>, _: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(Replace {
        cfg: cfg.clone(),
        started: false,
        head: None,
        body: Data::new(),
        waiting: None,
        pending_tail: None,
        held: VecDeque::new(),
    })
}

type Settled = Rc<RefCell<Option<Result<Value, Value>>>>;

struct Replace {
    cfg: Rc<Config>,
    started: bool,
    head: Option<Value>,
    body: Data,
    waiting: Option<Settled>,
    /// For message bodies: the head was output; the tail waits for the new body.
    pending_tail: Option<Event>,
    held: VecDeque<Event>,
}

enum Step {
    Pass(Event),
    /// Replace with the replacement evaluated with this argument.
    Replace(Value),
    /// Swallowed (collected into a message).
    Keep,
}

impl Replace {
    fn step(&mut self, e: Event) -> Step {
        let first = !self.started;
        self.started = true;
        match (self.cfg.kind, e) {
            (Kind::Any, e) => Step::Replace(event::to_value(&e)),
            (Kind::StreamStart, e) if first => Step::Replace(event::to_value(&e)),
            (Kind::MessageStart, e @ Event::MessageStart(_)) => Step::Replace(event::to_value(&e)),
            (Kind::Data, e @ Event::Data(_)) => Step::Replace(event::to_value(&e)),
            (Kind::MessageEnd, e @ Event::MessageEnd { .. }) => Step::Replace(event::to_value(&e)),
            (Kind::StreamEnd, e @ Event::StreamEnd(_)) => Step::Replace(event::to_value(&e)),
            (Kind::Message, Event::MessageStart(h)) => {
                self.head = Some(h);
                self.body = Data::new();
                Step::Keep
            }
            (Kind::MessageBody, e @ Event::MessageStart(_)) => {
                self.head = Some(Value::Undefined);
                self.body = Data::new();
                Step::Pass(e)
            }
            (Kind::Message | Kind::MessageBody, Event::Data(d)) if self.head.is_some() => {
                self.body.push(&d);
                Step::Keep
            }
            (Kind::Message, e @ Event::MessageEnd { .. }) => {
                let Some(head) = self.head.take() else { return Step::Pass(e) };
                let Event::MessageEnd { tail, payload } = e else { return Step::Keep };
                let body = std::mem::take(&mut self.body);
                Step::Replace(event::message_value(Message { head, body, tail, payload }))
            }
            // A message the stream ends inside gets its body replaced too, before the StreamEnd
            // (as in the original: `replaceStreamStart(evt => [new MessageStart, evt])` in front
            // makes one message of a whole stream).
            (Kind::MessageBody, e @ (Event::MessageEnd { .. } | Event::StreamEnd(_))) => {
                if self.head.take().is_none() {
                    return Step::Pass(e);
                }
                self.pending_tail = Some(e);
                Step::Replace(event::data_value(std::mem::take(&mut self.body)))
            }
            (_, e) => Step::Pass(e),
        }
    }

    fn emit(&mut self, cx: &mut Cx<'_>, v: &Value) -> bool {
        if self.cfg.kind == Kind::MessageBody {
            let body = match v {
                Value::Undefined | Value::Null => Data::new(),
                Value::String(s) => Data::from(s.to_rust_string().as_str()),
                other => match event::as_data(other) {
                    Some(d) => d,
                    None => {
                        cx.throw(error::type_error("replaceMessageBody(): the new body must be Data or a string"));
                        return false;
                    }
                },
            };
            if !body.is_empty() {
                cx.output(Event::Data(body));
            }
            if let Some(t) = self.pending_tail.take() {
                cx.output(t);
            }
            return true;
        }
        match event::events_of(v) {
            Ok(evs) => {
                cx.output_all(evs);
                true
            }
            Err(e) => {
                cx.throw(e);
                false
            }
        }
    }

    fn pump(&mut self, cx: &mut Cx<'_>) {
        while self.waiting.is_none() {
            let Some(e) = self.held.pop_front() else { return };
            match self.step(e) {
                Step::Pass(e) => cx.output(e),
                Step::Keep => {}
                Step::Replace(a) => {
                    let r = match &self.cfg.replacement {
                        None => Value::Undefined,
                        Some(f) if f.is_callable() => {
                            let f = f.clone();
                            match cx.call(&f, &[a]) {
                                Some(v) => v,
                                None => return,
                            }
                        }
                        Some(c) => c.clone(),
                    };
                    match await_value(&r, cx.handle(), 0) {
                        Some(settled) => self.waiting = Some(settled),
                        None => {
                            if !self.emit(cx, &r) {
                                return;
                            }
                        }
                    }
                }
            }
        }
    }
}

impl Filter for Replace {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        self.held.push_back(e);
        if self.waiting.is_none() {
            self.pump(cx);
        }
    }

    fn wake(&mut self, cx: &mut Cx<'_>, _token: u32) {
        let Some(w) = self.waiting.clone() else { return };
        let Some(result) = w.borrow_mut().take() else { return };
        self.waiting = None;
        match result {
            Ok(v) => {
                if self.emit(cx, &v) {
                    self.pump(cx);
                }
            }
            Err(e) => {
                self.held.clear();
                cx.throw(e);
            }
        }
    }
}
