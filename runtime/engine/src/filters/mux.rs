//! `mux(sessionSelector?, options?)` / `muxQueue(...)`: messages of many streams go into one shared
//! session sub-pipeline, and its replies come back to each requester in request order.
//!
//! The selector (a function, evaluated on a stream's first event) gives the session key; without
//! one, or when it returns `undefined`, the key is the stream's inbound connection, so a session
//! serves one client connection. Only mux filters at the same place of the same layout share
//! sessions (the pool lives in the filter's layout entry). A session pipeline keeps the context of
//! the stream that opened it and receives the key in its onStart. Each input message is written
//! into the session whole (at its MessageEnd); `outputCount` (number or function of the
//! MessageStart, default 1) reply messages are expected for it; a negative count sends nothing.
//! Options: `maxIdle` (default 60 s), `maxQueue` (streams per session at once, default unlimited
//! as in pipy before 1.5.10, which changed it to 1 for HTTP servers without pipelining),
//! `maxMessages` (streams per session over its life); the options may be a function giving them,
//! called when a key's group is created. Sessions live in the engine's one upstream pool
//! (`crate::pool`, shared with muxHTTP); `mux_session` routes messages and replies.

use super::mux_session::{MuxSession, eval_options, new_source_id};
use super::{BuildCx, FilterSpec, arg, check_options, joint_factory, option};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory, Output, Pipeline, SubSlot};
use crate::pool::{Lease, Pool, PoolOptions, Pooled, SessionKey};
use pipy_value::{JsResult, Value, error, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "mux",
        params: "(sessionSelector?, options?)",
        help: "Queues Messages of many streams into one shared session sub-pipeline; replies go back in order",
        joint: true,
        options: OPTIONS,
        build: build_mux,
    },
    FilterSpec {
        name: "muxQueue",
        params: "(sessionSelector?, options?)",
        help: "Same as mux()",
        joint: true,
        options: OPTIONS,
        build: build_queue,
    },
];

const OPTIONS: &[&str] = &["maxIdle", "maxQueue", "maxMessages", "outputCount"];

struct Config {
    name: &'static str,
    selector: Option<Value>,
    /// Parsed constant options, or a function giving them per new key.
    options: Result<PoolOptions, Value>,
    pool: Rc<Pool<MuxSession>>,
}

fn build_mux(cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    build(cx, args, "mux")
}

fn build_queue(cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    build(cx, args, "muxQueue")
}

fn build(cx: &BuildCx<'_>, args: &[Value], name: &'static str) -> JsResult<Rc<dyn FilterFactory>> {
    let mut args: Vec<Value> = args.to_vec();
    // `mux('name', selector?, options?)` names the sub-pipeline; otherwise `.to()` gives it.
    let slot = match args.first() {
        Some(v @ Value::String(_)) => {
            let s = cx.sub_slot(v)?;
            args.remove(0);
            s
        }
        _ => SubSlot::new(None),
    };
    let (selector, options) = match (arg(&args, 0), arg(&args, 1)) {
        (f, o) if f.is_callable() => (Some(f), o),
        (Value::Undefined | Value::Null, o) => (None, o),
        (o @ Value::Object(_), Value::Undefined) => (None, o),
        (v, _) => {
            return Err(error::type_error(&format!(
                "{name}(): the session selector must be a function, got {}",
                ops::describe(&v)
            )));
        }
    };
    let options = if options.is_callable() {
        Err(options)
    } else {
        check_options(name, &options, OPTIONS)?;
        check_output_count(name, &options)?;
        Ok(PoolOptions::parse(&options, PoolOptions::with_max_queue(0))?)
    };
    let cfg = Config { name, selector, options, pool: Pool::new() };
    Ok(joint_factory(name, cfg, slot, |c, s| {
        Box::new(Mux {
            cfg: c.clone(),
            slot: s.cloned(),
            id: new_source_id(),
            key: None,
            session: None,
            head: None,
            body: Data::new(),
            done: false,
        })
    }))
}

fn check_output_count(name: &str, options: &Value) -> JsResult<()> {
    match option(options, "outputCount")? {
        Value::Undefined | Value::Null | Value::Number(_) => Ok(()),
        v if v.is_callable() => Ok(()),
        v => Err(error::type_error(&format!(
            "{name}(): outputCount must be a number or a function, got {}",
            ops::describe(&v)
        ))),
    }
}

struct Mux {
    cfg: Rc<Config>,
    slot: Option<Rc<SubSlot>>,
    id: u64,
    key: Option<SessionKey>,
    session: Option<Lease<MuxSession>>,
    head: Option<Value>,
    body: Data,
    /// This stream has output its StreamEnd: later input is ignored.
    done: bool,
}

impl Mux {
    fn pool_options(&self, cx: &mut Cx<'_>) -> Option<PoolOptions> {
        match &self.cfg.options {
            Ok(o) => Some(o.clone()),
            Err(f) => {
                let v = match eval_options(f) {
                    Ok(v) => v,
                    Err(e) => {
                        cx.throw(e);
                        return None;
                    }
                };
                if !matches!(v, Value::Object(_)) {
                    cx.throw(error::type_error(&format!(
                        "{}(): the options callback did not return an object",
                        self.cfg.name
                    )));
                    return None;
                }
                let r = check_options(self.cfg.name, &v, OPTIONS)
                    .and_then(|_| check_output_count(self.cfg.name, &v))
                    .and_then(|_| PoolOptions::parse(&v, PoolOptions::with_max_queue(0)));
                match r {
                    Ok(o) => Some(o),
                    Err(e) => {
                        cx.throw(e);
                        None
                    }
                }
            }
        }
    }

    /// The session to write to: the current one while it is open, else one from the pool.
    fn session(&mut self, cx: &mut Cx<'_>) -> Option<Rc<Pooled<MuxSession>>> {
        if let Some(lease) = &self.session {
            if !lease.is_retired() {
                return Some(lease.pooled().clone());
            }
            lease.session().detach(self.id);
            self.session = None;
        }
        let key = self.key.clone()?;
        let pool = self.cfg.pool.clone();
        let lease = pool.lease(&key, || self.pool_options(cx), MuxSession::default)?;
        lease.count_use();
        lease.session().attach(self.id, cx.handle());
        let pooled = lease.pooled().clone();
        self.session = Some(lease);
        if !pooled.session().is_open() {
            let layout = match self.slot.as_ref().map(|s| s.layout()) {
                Some(Ok(l)) => l,
                Some(Err(e)) => {
                    pooled.retire();
                    cx.throw(e);
                    return None;
                }
                None => {
                    pooled.retire();
                    cx.throw(error::type_error(&format!("{}(): missing .to(...)", self.cfg.name)));
                    return None;
                }
            };
            let ctx = cx.context().clone();
            MuxSession::open(&pooled, |sink| Pipeline::new(&layout, ctx, Output::Func(sink)));
            if pooled.is_retired() {
                // The session ended while starting: so does this stream.
                pooled.session().detach(self.id);
                self.session = None;
                cx.output(pooled.session().end_event().unwrap_or_else(Event::end));
                self.done = true;
                return None;
            }
        }
        Some(pooled)
    }

    fn output_count(&self, cx: &mut Cx<'_>, session: &Pooled<MuxSession>, head: &Value) -> Option<i32> {
        let v = option(&session.options().extra, "outputCount").unwrap_or_default();
        if v.is_callable() {
            let r = cx.call(&v, &[event::to_value(&Event::MessageStart(head.clone()))])?;
            Some(ops::to_int32(&r).unwrap_or(1))
        } else if v.is_nullish() {
            Some(1)
        } else {
            Some(ops::to_int32(&v).unwrap_or(1))
        }
    }
}

impl Filter for Mux {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.done {
            return;
        }
        if self.key.is_none() {
            let mut k = Value::Undefined;
            if let Some(f) = self.cfg.selector.clone() {
                let Some(v) = cx.call(&f, &[]) else { return };
                k = v;
            }
            if k.is_undefined() {
                k = cx.context().inbound_value();
            }
            self.key = Some(SessionKey::of(&k));
        }
        match e {
            Event::MessageStart(h) => {
                if self.head.is_none() {
                    self.head = Some(h);
                    self.body = Data::new();
                }
            }
            Event::Data(d) => {
                if self.head.is_some() {
                    self.body.push(&d);
                }
            }
            Event::MessageEnd { tail, payload } => {
                let Some(head) = self.head.take() else { return };
                let body = std::mem::take(&mut self.body);
                let Some(s) = self.session(cx) else { return };
                let Some(n) = self.output_count(cx, &s, &head) else { return };
                if n < 0 {
                    return;
                }
                let mut evs = vec![Event::MessageStart(head)];
                if !body.is_empty() {
                    evs.push(Event::Data(body));
                }
                evs.push(Event::MessageEnd { tail, payload });
                s.session().send(self.id, evs, n as u32);
            }
            Event::StreamEnd(_) => {
                self.head = None;
                self.done = true;
                match self.session.as_ref().map(|l| l.pooled().clone()) {
                    Some(s) => {
                        if s.session().end_source(self.id, e.clone()) {
                            cx.output(e);
                        }
                    }
                    None => cx.output(e),
                }
            }
        }
    }
}

impl Drop for Mux {
    fn drop(&mut self) {
        if let Some(lease) = self.session.take() {
            lease.session().detach(self.id);
        }
    }
}
