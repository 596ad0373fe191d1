//! `throttleMessageRate(quota, options?)`, `throttleDataRate(...)`, `throttleConcurrency(...)`:
//! hold the stream while a quota object does not grant enough. The quota is an object with
//! `consume(n)` (returns how much of `n` it grants) and, for concurrency, `produce(n)` (gives back);
//! an `algo.Quota` fits, and so does any script object with those methods. A function instead of
//! an object is called on the stream's first event to give the quota. Message rate takes 1 per
//! MessageStart; data rate takes the bytes of each Data (a partial grant lets that many bytes
//! through); concurrency takes 1 for the whole stream and gives it back when the stream ends or
//! goes away. Held events wait in order and are retried every 10 ms; nothing is dropped.
//! `blockInput` is accepted; input is not back-pressured here (held events are buffered).

use super::{BuildCx, FilterSpec, arg, check_options, factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_value::{JsResult, Value, error, ops};
use std::collections::VecDeque;
use std::rc::Rc;
use std::time::Duration;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    MessageRate,
    DataRate,
    Concurrency,
}

struct Config {
    kind: Kind,
    name: &'static str,
    quota: Value,
}

macro_rules! spec {
    ($name:literal, $kind:expr, $help:literal) => {
        FilterSpec {
            name: $name,
            params: "(quota, options?)",
            help: $help,
            joint: false,
            options: OPTIONS,
            build: |_: &BuildCx<'_>, args: &[Value]| build(args, $kind, $name),
        }
    };
}

const OPTIONS: &[&str] = &["blockInput"];

pub static SPECS: &[FilterSpec] = &[
    spec!("throttleMessageRate", Kind::MessageRate, "Holds MessageStarts until a quota grants 1 each"),
    spec!("throttleDataRate", Kind::DataRate, "Holds Data until a quota grants its bytes"),
    spec!("throttleConcurrency", Kind::Concurrency, "Holds a stream until a quota grants 1; gives it back at the end"),
];

const RETRY: Duration = Duration::from_millis(10);

fn build(args: &[Value], kind: Kind, name: &'static str) -> JsResult<Rc<dyn FilterFactory>> {
    let quota = arg(args, 0);
    if !matches!(quota, Value::Object(_)) {
        return Err(error::type_error(&format!("{name}(): expects a quota object or a function returning one")));
    }
    check_options(name, &arg(args, 1), OPTIONS)?;
    Ok(factory(name, Config { kind, name, quota }, |c, _| {
        Box::new(Throttle { cfg: c.clone(), quota: None, held: VecDeque::new(), timer: None, active: false })
    }))
}

struct Throttle {
    cfg: Rc<Config>,
    quota: Option<Value>,
    held: VecDeque<Event>,
    timer: Option<tokio::task::JoinHandle<()>>,
    /// Concurrency: this stream holds one unit of the quota.
    active: bool,
}

impl Throttle {
    fn consume(&self, cx: &mut Cx<'_>, quota: &Value, n: usize) -> Option<usize> {
        match ops::invoke(quota, "consume", &[Value::from(n as f64)]).and_then(|v| ops::to_number(&v)) {
            Ok(g) => Some(if g.is_nan() || g < 0.0 { 0 } else { (g as usize).min(n) }),
            Err(e) => {
                cx.throw(e);
                None
            }
        }
    }

    /// Lets `e` through if the quota allows; returns what is still held back of it. Err: a script
    /// error ended the stream.
    fn pass(&mut self, cx: &mut Cx<'_>, quota: &Value, e: Event) -> Result<Option<Event>, ()> {
        match (self.cfg.kind, e) {
            (Kind::MessageRate, e @ Event::MessageStart(_)) => {
                if self.consume(cx, quota, 1).ok_or(())? > 0 {
                    cx.output(e);
                    Ok(None)
                } else {
                    Ok(Some(e))
                }
            }
            (Kind::DataRate, Event::Data(mut d)) => {
                let n = self.consume(cx, quota, d.len()).ok_or(())?;
                if n >= d.len() {
                    cx.output(Event::Data(d));
                    return Ok(None);
                }
                let head: Data = d.shift(n);
                if !head.is_empty() {
                    cx.output(Event::Data(head));
                }
                Ok(Some(Event::Data(d)))
            }
            (Kind::Concurrency, e) if !self.active => {
                if self.consume(cx, quota, 1).ok_or(())? == 0 {
                    return Ok(Some(e));
                }
                self.active = true;
                self.pass_end(&e);
                cx.output(e);
                Ok(None)
            }
            (_, e) => {
                self.pass_end(&e);
                cx.output(e);
                Ok(None)
            }
        }
    }

    /// Concurrency: the stream's end gives its unit back.
    fn pass_end(&mut self, e: &Event) {
        if self.cfg.kind == Kind::Concurrency && e.is_stream_end() {
            self.release();
        }
    }

    fn release(&mut self) {
        if !std::mem::take(&mut self.active) {
            return;
        }
        if let Some(q) = self.quota.clone() {
            pipy_value::realm::enqueue_microtask(Box::new(move || {
                if let Err(e) = ops::invoke(&q, "produce", &[Value::from(1)]) {
                    crate::log::script_error(&e, "throttleConcurrency() produce");
                }
            }));
        }
    }

    fn pump(&mut self, cx: &mut Cx<'_>) {
        let Some(quota) = self.quota.clone() else { return };
        while let Some(e) = self.held.pop_front() {
            match self.pass(cx, &quota, e) {
                Err(()) => {
                    self.held.clear();
                    return;
                }
                Ok(None) => {}
                Ok(Some(rest)) => {
                    self.held.push_front(rest);
                    break;
                }
            }
        }
        if self.held.is_empty() {
            if let Some(t) = self.timer.take() {
                t.abort();
            }
        } else if self.timer.is_none() {
            let h = cx.handle();
            self.timer = super::task::spawn(async move {
                let _g = crate::net::active();
                loop {
                    tokio::time::sleep(RETRY).await;
                    if !h.alive() {
                        return;
                    }
                    h.wake(0);
                }
            });
            if self.timer.is_none() {
                self.held.clear();
                cx.throw(error::type_error(&format!(
                    "{}(): cannot wait for the quota before the event loop runs",
                    self.cfg.name
                )));
            }
        }
    }
}

impl Filter for Throttle {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.quota.is_none() {
            let q = self.cfg.quota.clone();
            let q = if q.is_callable() {
                let Some(v) = cx.call(&q, &[]) else { return };
                v
            } else {
                q
            };
            if !matches!(q, Value::Object(_)) {
                return cx.throw(error::type_error(&format!(
                    "{}(): the function did not return a quota object",
                    self.cfg.name
                )));
            }
            self.quota = Some(q);
        }
        self.held.push_back(e);
        if self.held.len() == 1 {
            self.pump(cx);
        }
    }

    fn wake(&mut self, cx: &mut Cx<'_>, _: u32) {
        self.pump(cx);
    }
}

impl Drop for Throttle {
    fn drop(&mut self) {
        if let Some(t) = self.timer.take() {
            t.abort();
        }
        self.release();
    }
}
