//! `wait(condition, {timeout}?)`: holds every event back until `condition()` is truthy (or the
//! Promise it returns resolves), then lets them all through and passes later events unchanged.
//! The condition is asked on each event and, as the original asks it whenever anything happens,
//! also every 10 ms while events are held. On timeout the held events are let through, as the
//! original does; a rejected Promise ends the stream with the error.

use super::{BuildCx, FilterSpec, arg, check_options, factory, option, parse_duration};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, StageHandle, SubSlot, await_value};
use pipy_value::{JsResult, Value, error};
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

const OPTIONS: &[&str] = &["timeout"];

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "wait",
    params: "(condition, options?)",
    help: "Holds events back until condition() is truthy or its Promise resolves (options: timeout)",
    joint: false,
    options: OPTIONS,
    build,
}];

/// A timer that calls `wake(token)` on a stage (see `after`).
pub(crate) struct Timer {
    task: Option<tokio::task::AbortHandle>,
    cancelled: Rc<Cell<bool>>,
}

impl Timer {
    pub(crate) fn cancel(&self) {
        self.cancelled.set(true);
        if let Some(t) = &self.task {
            t.abort();
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        self.cancel();
    }
}

/// Calls `wake(token)` on `handle`'s filter after `secs` seconds, keeping the worker alive
/// meanwhile. Dropping the timer cancels it.
pub(crate) fn after(handle: StageHandle, secs: f64, token: u32) -> Timer {
    let guard = crate::net::active();
    let cancelled = Rc::new(Cell::new(false));
    let c = cancelled.clone();
    let task = crate::net::spawn_local(async move {
        let _guard = guard;
        if c.get() {
            return;
        }
        tokio::time::sleep(Duration::from_secs_f64(secs.max(0.0))).await;
        if !c.get() {
            handle.wake(token);
        }
    });
    Timer { task, cancelled }
}

/// Calls `wake(token)` on `handle`'s filter on a later turn of the event loop, after the work
/// running now, keeping the worker alive meanwhile: the original's `io_context.post()`. A task
/// spawned on the worker's `LocalSet` first runs when the running one yields, and spawned tasks
/// run in the order they were spawned, so posts are served in the order they were made. Dropping
/// the timer cancels it.
pub(crate) fn post(handle: StageHandle, token: u32) -> Timer {
    let guard = crate::net::active();
    let cancelled = Rc::new(Cell::new(false));
    let c = cancelled.clone();
    let task = crate::net::spawn_local(async move {
        let _guard = guard;
        if !c.get() {
            handle.wake(token);
        }
    });
    Timer { task, cancelled }
}

struct Config {
    condition: Value,
    timeout: Option<f64>,
}

fn build(_cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let condition = arg(args, 0);
    if !condition.is_callable() {
        return Err(error::type_error("wait(): the condition must be a function"));
    }
    let options = arg(args, 1);
    check_options("wait", &options, OPTIONS)?;
    let timeout = parse_duration(&option(&options, "timeout")?)?.filter(|t| *t > 0.0);
    Ok(factory("wait", Config { condition, timeout }, make))
}

fn make(cfg: &Rc<Config>, _: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(Wait { cfg: cfg.clone(), open: false, held: Vec::new(), promise: None, poll: None, timeout: None })
}

const POLL: u32 = 1;
const TIMEOUT: u32 = 2;
const PROMISE: u32 = 3;
const POLL_INTERVAL: f64 = 0.01;

type Settled = Rc<RefCell<Option<Result<Value, Value>>>>;

struct Wait {
    cfg: Rc<Config>,
    open: bool,
    held: Vec<Event>,
    promise: Option<Settled>,
    poll: Option<Timer>,
    timeout: Option<Timer>,
}

impl Wait {
    fn open(&mut self, cx: &mut Cx<'_>) {
        self.open = true;
        self.cancel();
        cx.output_all(std::mem::take(&mut self.held));
    }

    fn cancel(&mut self) {
        self.poll = None;
        self.timeout = None;
    }

    /// Asks the condition (unless waiting for its Promise); false if it threw.
    fn check(&mut self, cx: &mut Cx<'_>) -> bool {
        if self.promise.is_some() {
            return true;
        }
        let Some(r) = cx.call(&self.cfg.condition, &[]) else {
            self.cancel();
            return false;
        };
        match await_value(&r, cx.handle(), PROMISE) {
            Some(settled) => {
                self.poll = None;
                self.promise = Some(settled);
            }
            None if r.truthy() => self.open(cx),
            None => {}
        }
        true
    }
}

impl Filter for Wait {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.open {
            return cx.output(e);
        }
        self.held.push(e);
        if !self.check(cx) || self.open {
            return;
        }
        if self.timeout.is_none() {
            if let Some(t) = self.cfg.timeout {
                self.timeout = Some(after(cx.handle(), t, TIMEOUT));
            }
        }
        if self.poll.is_none() && self.promise.is_none() {
            self.poll = Some(after(cx.handle(), POLL_INTERVAL, POLL));
        }
    }

    fn wake(&mut self, cx: &mut Cx<'_>, token: u32) {
        if self.open {
            return;
        }
        match token {
            POLL => {
                self.poll = None;
                if self.check(cx) && !self.open && self.promise.is_none() {
                    self.poll = Some(after(cx.handle(), POLL_INTERVAL, POLL));
                }
            }
            TIMEOUT => {
                self.timeout = None;
                self.open(cx);
            }
            _ => {
                let Some(w) = self.promise.clone() else { return };
                let Some(result) = w.borrow_mut().take() else { return };
                match result {
                    Ok(_) => self.open(cx),
                    Err(e) => {
                        self.cancel();
                        self.held.clear();
                        cx.throw(e);
                    }
                }
            }
        }
    }
}
