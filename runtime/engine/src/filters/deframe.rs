//! `deframe(states)`: a byte-level state machine that turns Data into events. `states` maps state
//! names to functions (or constant results); the first key is the initial state. Each byte is
//! passed to the current state's function as a number, which returns the next state's name, or an
//! array `[...events, nextState, size?, buffer?]`: the leading events are output; with a `size`,
//! the next `size` bytes are read at once into `buffer` (a Data, or an array receiving numbers)
//! and the next state's function is then called with that buffer; with no buffer those bytes are
//! output as Data and the next state's function gets -1. An invalid state ends the stream with an
//! error; later Data is ignored. A StreamEnd passes through and restarts the machine.

use super::{BuildCx, FilterSpec, arg, factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, DataHost, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_value::{JsResult, Value, error, ops};
use std::collections::HashMap;
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "deframe",
    params: "(states)",
    help: "Byte-level state machine: state functions get each byte and return the next state / events",
    joint: false,
    options: &[],
    build,
}];

struct Config {
    values: Vec<Value>,
    ids: HashMap<String, usize>,
}

fn build(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let states = arg(args, 0);
    let Value::Object(o) = &states else {
        return Err(error::type_error("deframe(): states must be an object of state functions"));
    };
    let mut values = Vec::new();
    let mut ids = HashMap::new();
    for k in ops::own_enumerable_keys(o) {
        let name = k.to_rust_string();
        ids.insert(name.clone(), values.len());
        values.push(ops::get_str(&states, &name)?);
    }
    if values.is_empty() {
        return Err(error::type_error("deframe(): no states"));
    }
    Ok(factory("deframe", Config { values, ids }, |c, _| Box::new(Deframe { cfg: c.clone(), state: 0, read: None })))
}

enum Target {
    Data(Value),
    Array(Value),
    Pass,
}

struct Read {
    remaining: usize,
    target: Target,
}

struct Deframe {
    cfg: Rc<Config>,
    /// The current state; negative after an error.
    state: i64,
    read: Option<Read>,
}

fn is_event(v: &Value) -> bool {
    match v {
        Value::Object(o) if !o.is_array() => event::events_of(v).is_ok(),
        _ => false,
    }
}

impl Deframe {
    fn fail(&mut self, cx: &mut Cx<'_>, msg: &str) -> i64 {
        cx.throw(error::type_error(&format!("deframe(): {msg}")));
        -1
    }

    /// Runs `state` with `arg`; returns the next state (negative: stop).
    fn step(&mut self, cx: &mut Cx<'_>, state: i64, arg: Value) -> i64 {
        let Some(mut v) = self.cfg.values.get(state as usize).cloned() else { return -1 };
        if v.is_callable() {
            let Some(r) = cx.call(&v, &[arg]) else { return -1 };
            v = r;
        }
        if let Value::Object(o) = &v {
            if let Some(elems) = o.array_elements() {
                let mut i = 0;
                while i < elems.len() && is_event(&elems[i]) {
                    if let Ok(evs) = event::events_of(&elems[i]) {
                        cx.output_all(evs);
                    }
                    i += 1;
                }
                let get = |k: usize| elems.get(k).cloned().unwrap_or_default();
                let (next, size, buf) = (get(i), get(i + 1), get(i + 2));
                if !size.is_nullish() {
                    let n = ops::to_number(&size).unwrap_or(0.0);
                    if n < 1.0 {
                        return self.fail(cx, &format!("invalid reading length {n}"));
                    }
                    let target = if event::as_data(&buf).is_some() {
                        Target::Data(buf)
                    } else if matches!(&buf, Value::Object(a) if a.is_array()) {
                        Target::Array(buf)
                    } else if buf.is_nullish() {
                        Target::Pass
                    } else {
                        return self.fail(cx, "invalid read buffer");
                    };
                    self.read = Some(Read { remaining: n as usize, target });
                }
                v = next;
            }
        }
        match &v {
            Value::String(s) => {
                let name = s.to_rust_string();
                match self.cfg.ids.get(&name) {
                    Some(&id) => id as i64,
                    None => self.fail(cx, &format!("invalid state: {name}")),
                }
            }
            _ => self.fail(cx, "invalid state returned"),
        }
    }

    fn deframe(&mut self, cx: &mut Cx<'_>, bytes: &[u8]) {
        let mut pos = 0;
        while pos < bytes.len() && self.state >= 0 {
            if let Some(r) = &mut self.read {
                let n = r.remaining.min(bytes.len() - pos);
                let chunk = &bytes[pos..pos + n];
                pos += n;
                match &r.target {
                    Target::Data(Value::Object(o)) => {
                        o.with_host(|d: &mut DataHost| d.0.push(&Data::from(chunk)));
                    }
                    Target::Array(a) => {
                        for &b in chunk {
                            if let Err(e) = ops::invoke(a, "push", &[Value::from(b as i32)]) {
                                cx.throw(e);
                                self.state = -1;
                                return;
                            }
                        }
                    }
                    _ => cx.output(Event::Data(Data::from(chunk))),
                }
                r.remaining -= n;
                if r.remaining == 0 {
                    let arg = match self.read.take().map(|r| r.target) {
                        Some(Target::Data(v)) | Some(Target::Array(v)) => v,
                        _ => Value::from(-1),
                    };
                    self.state = self.step(cx, self.state, arg);
                }
            } else {
                while pos < bytes.len() {
                    let b = bytes[pos];
                    pos += 1;
                    self.state = self.step(cx, self.state, Value::from(b as i32));
                    if self.state < 0 || self.read.is_some() {
                        break;
                    }
                }
            }
        }
    }
}

impl Filter for Deframe {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::Data(d) => {
                let bytes = d.to_vec();
                self.deframe(cx, &bytes);
            }
            Event::StreamEnd(_) => {
                cx.output(e);
                self.state = 0;
                self.read = None;
            }
            _ => {}
        }
    }
}
