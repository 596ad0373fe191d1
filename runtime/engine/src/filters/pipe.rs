//! `pipe` and `pipeNext` (1.x): stream through a sub-pipeline sharing this stream's context.
//!
//! `pipe(target, targetMap?, initArgs?)`: the target is a template or a `$=>$…` builder, an array
//! of them (a chain: `pipeNext()` inside one continues with the next), or a function called with
//! the first event that returns a template, a key of `targetMap`, or an array. While the function
//! returns nothing, events are held and it is asked again on the next event. `initArgs` (an array,
//! or a function of the first event) are the sub-pipeline's `onStart` arguments.
//!
//! `pipeNext(args?)`: continues with the next pipeline of the chain this pipeline belongs to
//! (passing `args`, or the chain's own arguments, to its `onStart`); at the end of the chain it
//! passes events through.

use super::{BuildCx, FilterSpec, arg, factory};
use crate::pipeline::event::{self, Event};
use crate::pipeline::layout::{self, Chain};
use crate::pipeline::{Cx, Filter, FilterFactory, Layout, Pipeline, SubContext, SubSlot};
use pipy_value::{JsResult, Value, error, ops};
use std::collections::HashMap;
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "pipe",
        params: "(target, targetMap?, initArgs?)",
        help: "Streams through a sub-pipeline (a template, a chain of them, or chosen by the first event)",
        joint: false,
        options: &[],
        build: build_pipe,
    },
    FilterSpec {
        name: "pipeNext",
        params: "(args?)",
        help: "Streams through the next pipeline of the current pipe chain",
        joint: false,
        options: &[],
        build: build_next,
    },
];

enum Target {
    Fixed(Rc<Layout>),
    Chain(Option<Rc<Chain>>),
    /// A function of the first event.
    Select(Value),
}

struct Config {
    module: Rc<str>,
    target: Target,
    map: HashMap<String, Rc<Layout>>,
    init_args: Value,
}

struct PipeFactory(Rc<Config>);

impl FilterFactory for PipeFactory {
    fn name(&self) -> &'static str {
        "pipe"
    }
    fn create(&self) -> Box<dyn Filter> {
        Box::new(Pipe { cfg: self.0.clone(), sub: None, held: Vec::new() })
    }
    fn subs(&self) -> Vec<String> {
        match &self.0.target {
            Target::Fixed(l) => vec![l.name.borrow().clone()],
            Target::Chain(c) => {
                let mut v = Vec::new();
                let mut c = c.clone();
                while let Some(l) = c {
                    v.push(l.layout.name.borrow().clone());
                    c = l.next.clone();
                }
                v
            }
            Target::Select(_) => {
                let mut v: Vec<String> = self.0.map.keys().cloned().collect();
                v.sort();
                if v.is_empty() { vec!["(dynamic)".into()] } else { v }
            }
        }
    }
}

/// True for a `$=>$…` builder as opposed to a selector function: a one-parameter function whose
/// source starts with the parameter `$` (the runtime keeps no parameter names, so the source is
/// read back; a function whose source cannot be read is taken as a selector).
fn is_builder(v: &Value) -> bool {
    let Value::Object(o) = v else { return false };
    if !matches!(ops::get_str(v, "length"), Ok(Value::Number(n)) if n == 1.0) {
        return false;
    }
    let Some(t) = pipy_value::function::template_of(o) else { return false };
    let Ok(src) = std::fs::read(&t.source.name) else { return false };
    let Some(rest) = src.get(t.pos as usize..) else { return false };
    let text: Vec<u8> = rest.iter().take(40).copied().filter(|c| !c.is_ascii_whitespace()).collect();
    text.starts_with(b"$=>") || text.starts_with(b"($)=>") || text.starts_with(b"function($)")
}

fn build_pipe(cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let t = arg(args, 0);
    let a1 = arg(args, 1);
    let (map_v, init_args) =
        if a1.is_callable() || is_array(&a1) { (Value::Undefined, a1) } else { (a1, arg(args, 2)) };
    if !(init_args.is_nullish() || init_args.is_callable() || is_array(&init_args)) {
        return Err(error::type_error("pipe(): initArgs must be an array or a function"));
    }
    let mut map = HashMap::new();
    match &map_v {
        Value::Undefined | Value::Null => {}
        Value::Object(o) => {
            for k in ops::own_enumerable_keys(o) {
                let v = ops::get(&map_v, &pipy_value::PropKey::from(k.clone()))?;
                let name = k.to_rust_string();
                let l = layout::template_layout(&v)
                    .map(Ok)
                    .or_else(|| v.is_callable().then(|| (cx.make_sub)(&v)))
                    .unwrap_or_else(|| {
                        Err(error::type_error(&format!("pipe(): map entry '{name}' is not a pipeline")))
                    })?;
                map.insert(name, l);
            }
        }
        _ => return Err(error::type_error("pipe(): the target map must be an object")),
    }
    let target = if is_array(&t) {
        let mut ls = Vec::new();
        for v in ops::iterate_to_vec(&t)? {
            ls.push(if v.is_callable() { (cx.make_sub)(&v)? } else { static_layout(&cx.module, &map, &v)? });
        }
        Target::Chain(Chain::of(&ls))
    } else if t.is_callable() && !is_builder(&t) {
        Target::Select(t)
    } else if t.is_callable() || layout::template_layout(&t).is_some() {
        Target::Fixed((cx.make_sub)(&t)?)
    } else if t.is_nullish() {
        return Err(error::type_error("pipe(): missing target"));
    } else {
        Target::Fixed(static_layout(&cx.module, &map, &t)?)
    };
    Ok(Rc::new(PipeFactory(Rc::new(Config { module: cx.module.clone(), target, map, init_args }))))
}

fn is_array(v: &Value) -> bool {
    matches!(v, Value::Object(o) if o.is_array())
}

/// A template, a key of the map, or a named pipeline of the module.
fn static_layout(module: &Rc<str>, map: &HashMap<String, Rc<Layout>>, v: &Value) -> JsResult<Rc<Layout>> {
    if let Some(l) = layout::template_layout(v) {
        return Ok(l);
    }
    let name = ops::to_rust_string(v)?;
    if let Some(l) = map.get(&name) {
        return Ok(l.clone());
    }
    layout::find_named(module, &name)
        .ok_or_else(|| error::reference_error(&format!("pipe(): pipeline '{name}' not found")))
}

/// `onStart` arguments from an init-args value: an array spreads, nothing gives none.
fn spread(v: &Value) -> Vec<Value> {
    if v.is_undefined() {
        Vec::new()
    } else if is_array(v) {
        ops::iterate_to_vec(v).unwrap_or_default()
    } else {
        vec![v.clone()]
    }
}

struct Pipe {
    cfg: Rc<Config>,
    sub: Option<Rc<Pipeline>>,
    held: Vec<Event>,
}

impl Pipe {
    /// Starts the sub-pipeline if the target is known now; false if a callback threw.
    fn start(&mut self, cx: &mut Cx<'_>, e: &Event) -> bool {
        let mut chain = None;
        let mut fixed = None;
        match &self.cfg.target {
            Target::Fixed(l) => fixed = Some(l.clone()),
            Target::Chain(c) => chain = c.clone(),
            Target::Select(f) => {
                let Some(v) = cx.call(f, &[event::to_value(e)]) else { return false };
                if v.is_nullish() {
                    return true;
                }
                let r = if is_array(&v) {
                    ops::iterate_to_vec(&v).and_then(|items| {
                        let ls = items
                            .iter()
                            .map(|i| static_layout(&self.cfg.module, &self.cfg.map, i))
                            .collect::<JsResult<Vec<_>>>()?;
                        Ok(Chain::of(&ls))
                    })
                } else {
                    static_layout(&self.cfg.module, &self.cfg.map, &v).map(|l| {
                        fixed = Some(l);
                        None
                    })
                };
                match r {
                    Ok(c) => chain = c,
                    Err(err) => {
                        cx.throw(err);
                        return false;
                    }
                }
            }
        }
        let layout = match (&chain, fixed) {
            (Some(c), _) => c.layout.clone(),
            (None, Some(l)) => l,
            // An empty chain: nothing to pipe through.
            (None, None) => return true,
        };
        let args = match &self.cfg.init_args {
            f if f.is_callable() => match cx.call(f, &[event::to_value(e)]) {
                Some(v) => v,
                None => return false,
            },
            v => v.clone(),
        };
        let p = cx.sub(&layout, SubContext::Share, 0);
        if let Some(c) = &chain {
            p.set_chain(c.next.clone(), args.clone());
        }
        p.start(&spread(&args));
        self.sub = Some(p);
        true
    }
}

impl Filter for Pipe {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.sub.is_none() && !self.start(cx, &e) {
            return;
        }
        match &self.sub {
            Some(p) => {
                let mut evs = std::mem::take(&mut self.held);
                evs.push(e);
                p.input_all(evs);
            }
            None => self.held.push(e),
        }
    }
}

// ---- pipeNext ----

struct NextConfig {
    args: Value,
}

fn build_next(_cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("pipeNext", NextConfig { args: arg(args, 0) }, make_next))
}

fn make_next(cfg: &Rc<NextConfig>, _: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(PipeNext { cfg: cfg.clone(), next: None, started: false })
}

struct PipeNext {
    cfg: Rc<NextConfig>,
    next: Option<Rc<Pipeline>>,
    started: bool,
}

impl Filter for PipeNext {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if !self.started {
            self.started = true;
            let (chain, chain_args) = cx.pipeline().chain();
            if let Some(c) = chain {
                let args = if self.cfg.args.is_undefined() {
                    chain_args
                } else {
                    match cx.eval(&self.cfg.args.clone(), &[]) {
                        Some(v) => v,
                        None => return,
                    }
                };
                let p = cx.sub(&c.layout, SubContext::Share, 0);
                p.set_chain(c.next.clone(), args.clone());
                p.start(&spread(&args));
                self.next = Some(p);
            }
        }
        match &self.next {
            Some(p) => p.input(e),
            None => cx.output(e),
        }
    }
}
