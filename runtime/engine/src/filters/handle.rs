//! `handle` and its seven typed variants: call a script function on events and pass every event
//! through unchanged. The callback runs *before* its event moves on, so a variable it sets is
//! seen by the filters after it. A callback that returns a Promise pauses the stream (events are
//! held in order) until the Promise settles; a rejection ends the stream with the error.
//!
//! One file for the family: the variants differ only in which events call back and with what.

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
    callback: Value,
}

macro_rules! spec {
    ($name:literal, $kind:expr, $help:literal, $params:literal) => {
        FilterSpec {
            name: $name,
            params: $params,
            help: $help,
            joint: false,
            options: &[],
            build: |_cx: &BuildCx<'_>, args: &[Value]| -> JsResult<Rc<dyn FilterFactory>> {
                let callback = arg(args, 0);
                if !callback.is_callable() {
                    return Err(error::type_error(concat!($name, "(): the callback must be a function")));
                }
                Ok(factory($name, Config { kind: $kind, callback }, make))
            },
        }
    };
}

pub static SPECS: &[FilterSpec] = &[
    spec!("handle", Kind::Any, "Calls back with every event; passes all events through", "(callback)"),
    spec!("handleStreamStart", Kind::StreamStart, "Calls back with the first event of the stream", "(callback)"),
    spec!("handleMessageStart", Kind::MessageStart, "Calls back with every MessageStart", "(callback)"),
    spec!("handleData", Kind::Data, "Calls back with every Data", "(callback)"),
    spec!("handleMessageBody", Kind::MessageBody, "Calls back with the whole body of every message", "(callback)"),
    spec!("handleMessage", Kind::Message, "Calls back with every complete Message", "(callback)"),
    spec!("handleMessageEnd", Kind::MessageEnd, "Calls back with every MessageEnd", "(callback)"),
    spec!("handleStreamEnd", Kind::StreamEnd, "Calls back with the StreamEnd", "(callback)"),
];

fn make(cfg: &Rc<Config>, _: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(Handle {
        cfg: cfg.clone(),
        started: false,
        head: None,
        body: Data::new(),
        waiting: None,
        held: VecDeque::new(),
    })
}

type Settled = Rc<RefCell<Option<Result<Value, Value>>>>;

struct Handle {
    cfg: Rc<Config>,
    started: bool,
    /// The head of the message being collected (body/message variants).
    head: Option<Value>,
    body: Data,
    /// A Promise the stream waits for; `held[0]` is the event that returned it.
    waiting: Option<Settled>,
    held: VecDeque<Event>,
}

impl Handle {
    /// The callback's argument for this event, if it calls back at all.
    fn argument(&mut self, e: &Event) -> Option<Value> {
        let first = !self.started;
        self.started = true;
        match (self.cfg.kind, e) {
            (Kind::Any, _) => Some(event::to_value(e)),
            (Kind::StreamStart, _) if first => Some(event::to_value(e)),
            (Kind::MessageStart, Event::MessageStart(_)) => Some(event::to_value(e)),
            (Kind::Data, Event::Data(_)) => Some(event::to_value(e)),
            (Kind::MessageEnd, Event::MessageEnd { .. }) => Some(event::to_value(e)),
            (Kind::StreamEnd, Event::StreamEnd(_)) => Some(event::to_value(e)),
            (Kind::MessageBody | Kind::Message, Event::MessageStart(h)) => {
                self.head = Some(h.clone());
                self.body = Data::new();
                None
            }
            (Kind::MessageBody | Kind::Message, Event::Data(d)) => {
                if self.head.is_some() {
                    self.body.push(d);
                }
                None
            }
            (Kind::MessageBody, Event::MessageEnd { .. }) => {
                self.head.take()?;
                Some(event::data_value(std::mem::take(&mut self.body)))
            }
            (Kind::Message, Event::MessageEnd { tail, payload }) => {
                let head = self.head.take()?;
                let body = std::mem::take(&mut self.body);
                Some(event::message_value(Message { head, body, tail: tail.clone(), payload: payload.clone() }))
            }
            _ => None,
        }
    }

    /// Handles events until one waits for a Promise.
    fn pump(&mut self, cx: &mut Cx<'_>) {
        while self.waiting.is_none() {
            let Some(e) = self.held.pop_front() else { return };
            match self.argument(&e) {
                None => cx.output(e),
                Some(a) => {
                    let Some(r) = cx.call(&self.cfg.callback.clone(), &[a]) else { return };
                    match await_value(&r, cx.handle(), 0) {
                        Some(settled) => {
                            self.waiting = Some(settled);
                            self.held.push_front(e);
                            // The event is released by `wake`; it must not call back again.
                            self.started = true;
                            return;
                        }
                        None => cx.output(e),
                    }
                }
            }
        }
    }
}

impl Filter for Handle {
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
            Ok(_) => {
                if let Some(e) = self.held.pop_front() {
                    cx.output(e);
                }
                self.pump(cx);
            }
            Err(e) => {
                self.held.clear();
                cx.throw(e);
            }
        }
    }
}
