//! `produce(producer)`: makes a stream of its own. When the first input event arrives, the
//! producer (a function, called with no arguments, or a constant) gives events — an event, a
//! Message, an array of them, or a Promise of one of these — and they are output. A function is
//! called again and again (after each Promise settles) until it gives a StreamEnd; a constant is
//! output once. Input events are not passed on. A value that is not an event ends the stream with
//! an error ("production is not an event"), a rejected Promise with its reason, as the original
//! does. Unlike the original, which loops without a break, a function that keeps giving events
//! (or nothing) yields to the event loop every 1024 calls, so one busy producer cannot starve the
//! worker; an array holding Messages works (it crashes the original).

use super::wait::{Timer, post};
use super::{BuildCx, FilterSpec, arg, factory};
use crate::pipeline::event::{Event, from_value, stream_error_from};
use crate::pipeline::{Cx, Filter, FilterFactory, Settled, SubSlot, await_value};
use pipy_value::{JsResult, Value, error};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "produce",
    params: "(producer?)",
    help: "Outputs the events producer() gives (again and again until a StreamEnd); input is dropped",
    joint: false,
    options: &[],
    build,
}];

struct Config {
    producer: Value,
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("produce", Config { producer: arg(args, 0) }, make))
}

fn make(cfg: &Rc<Config>, _: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(Produce { cfg: cfg.clone(), started: false, done: false, promise: None, later: None })
}

/// Wake tokens.
const PROMISE: u32 = 1;
const AGAIN: u32 = 2;

/// Calls of the producer in one go before the worker gets a turn.
const BATCH: u32 = 1024;

struct Produce {
    cfg: Rc<Config>,
    started: bool,
    /// A StreamEnd or an error has gone out: nothing more is produced.
    done: bool,
    /// The Promise the producer gave, while it is pending.
    promise: Option<Settled>,
    /// Production goes on at the next turn of the event loop.
    later: Option<Timer>,
}

/// What consuming a production led to.
enum Next {
    More,
    Ended,
}

impl Produce {
    /// Calls the producer and outputs what it gives until it gives a StreamEnd, a Promise, or
    /// (a constant) once.
    fn run(&mut self, cx: &mut Cx<'_>) {
        let producer = self.cfg.producer.clone();
        let mut calls = 0;
        loop {
            let Some(v) = cx.eval(&producer, &[]) else {
                self.done = true;
                return;
            };
            if let Some(settled) = await_value(&v, cx.handle(), PROMISE) {
                self.promise = Some(settled);
                return;
            }
            if let Next::Ended = self.consume(cx, &v) {
                self.done = true;
                return;
            }
            if !producer.is_callable() {
                return;
            }
            calls += 1;
            if calls >= BATCH {
                self.later = Some(post(cx.handle(), AGAIN));
                return;
            }
        }
    }

    /// Outputs the events of `v` up to and including a StreamEnd.
    fn consume(&mut self, cx: &mut Cx<'_>, v: &Value) -> Next {
        // An array's items one by one, so what comes before a bad item still goes out.
        let items = match v {
            Value::Object(o) => o.array_elements().unwrap_or_else(|| vec![v.clone()]),
            _ => vec![v.clone()],
        };
        let mut events = Vec::new();
        for item in &items {
            events.clear();
            if from_value(item, &mut events).is_err() {
                cx.throw(error::type_error("produce(): production is not an event"));
                return Next::Ended;
            }
            for e in events.drain(..) {
                let end = e.is_stream_end();
                cx.output(e);
                if end {
                    return Next::Ended;
                }
            }
        }
        Next::More
    }
}

impl Filter for Produce {
    fn process(&mut self, cx: &mut Cx<'_>, _e: Event) {
        if !self.started {
            self.started = true;
            self.run(cx);
        }
    }

    fn wake(&mut self, cx: &mut Cx<'_>, token: u32) {
        if self.done {
            return;
        }
        match token {
            AGAIN => {
                if self.later.take().is_some() {
                    self.run(cx);
                }
            }
            _ => {
                let Some(settled) = self.promise.clone() else { return };
                let Some(result) = settled.borrow_mut().take() else { return };
                self.promise = None;
                match result {
                    Ok(v) => {
                        if let Next::Ended = self.consume(cx, &v) {
                            self.done = true;
                        } else if self.cfg.producer.is_callable() {
                            self.run(cx);
                        }
                    }
                    Err(reason) => {
                        self.done = true;
                        cx.output(Event::StreamEnd(stream_error_from(&reason)));
                    }
                }
            }
        }
    }
}
