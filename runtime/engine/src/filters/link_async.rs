//! `linkAsync(target)`: like `link`, streams through another pipeline layout sharing this
//! stream's context, but hands it the input asynchronously. `target` is a pipeline name, or a
//! function called at the first event that returns one (returning null or undefined drops that
//! event and asks again at the next one). The sub-pipeline starts at once (its `onStart` runs
//! then); the events are kept and given to it on a later turn of the event loop, all that has
//! come by then in one go. What it outputs is this filter's output. As in the original there is
//! no `.to()` and no `$=>$` form; an unknown name or a function returning something that is not
//! a string ends the stream with an error (the original repeats that error for every later
//! event; here the filter stops after the first).

use super::wait::{Timer, post};
use super::{BuildCx, FilterSpec, arg};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, Layout, Pipeline, SubContext, SubTarget};
use pipy_value::{JsResult, Value, error};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "linkAsync",
    params: "(target)",
    help: "Streams through another pipeline sharing this context, giving it the input on a later turn",
    joint: false,
    options: &[],
    build,
}];

enum Target {
    Named(SubTarget),
    /// A function returning a pipeline name.
    Dynamic(Value),
}

struct Config {
    module: Rc<str>,
    target: Target,
}

struct LinkAsyncFactory(Rc<Config>);

impl FilterFactory for LinkAsyncFactory {
    fn name(&self) -> &'static str {
        "linkAsync"
    }
    fn create(&self) -> Box<dyn Filter> {
        Box::new(LinkAsync { cfg: self.0.clone(), sub: None, held: Vec::new(), flush: None })
    }
    fn subs(&self) -> Vec<String> {
        match &self.0.target {
            Target::Named(t) => vec![t.describe()],
            Target::Dynamic(_) => vec!["(dynamic)".into()],
        }
    }
}

fn build(cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let target = match arg(args, 0) {
        Value::String(s) => Target::Named(SubTarget::Named { module: cx.module.clone(), name: s.to_rust_string() }),
        f if f.is_callable() => Target::Dynamic(f),
        _ => return Err(error::type_error("linkAsync(): the argument must be a pipeline name or a function")),
    };
    Ok(Rc::new(LinkAsyncFactory(Rc::new(Config { module: cx.module.clone(), target }))))
}

/// Wake token: hand the held events to the sub-pipeline.
const FLUSH: u32 = 1;

struct LinkAsync {
    cfg: Rc<Config>,
    sub: Option<Rc<Pipeline>>,
    /// Input not yet given to the sub-pipeline.
    held: Vec<Event>,
    /// A flush is scheduled.
    flush: Option<Timer>,
}

impl LinkAsync {
    /// The layout to link to: `None` for now (the function gave nothing) or after throwing.
    fn choose(&self, cx: &mut Cx<'_>) -> Option<Rc<Layout>> {
        let result = match &self.cfg.target {
            Target::Named(t) => t.resolve().map_err(|_| unknown(&t.describe())),
            Target::Dynamic(f) => {
                let f = f.clone();
                let name = cx.call(&f, &[])?;
                match name {
                    v if v.is_nullish() => return None,
                    Value::String(s) => {
                        let name = s.to_rust_string();
                        SubTarget::Named { module: self.cfg.module.clone(), name: name.clone() }
                            .resolve()
                            .map_err(|_| unknown(&name))
                    }
                    _ => Err(error::type_error("linkAsync(): callback did not return a string")),
                }
            }
        };
        match result {
            Ok(l) => Some(l),
            Err(e) => {
                cx.throw(e);
                None
            }
        }
    }
}

fn unknown(name: &str) -> Value {
    error::reference_error(&format!("linkAsync(): unknown pipeline layout name: {name}"))
}

impl Filter for LinkAsync {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.sub.is_none() {
            let Some(layout) = self.choose(cx) else { return };
            let p = cx.sub(&layout, SubContext::Share, 0);
            p.start(&[]);
            self.sub = Some(p);
        }
        self.held.push(e);
        if self.flush.is_none() {
            self.flush = Some(post(cx.handle(), FLUSH));
        }
    }

    fn wake(&mut self, _cx: &mut Cx<'_>, _token: u32) {
        if self.flush.take().is_none() {
            return;
        }
        if let Some(p) = &self.sub {
            let p = p.clone();
            p.input_all(std::mem::take(&mut self.held));
        }
    }
}
