//! `link`: stream through another layout that shares this stream's context — a subroutine call.
//! `link(name)`, `link(() => name)`, or the old branching form `link('a', () => cond, 'b', …)`
//! where the first target whose condition holds (or the last one without a condition) is taken
//! when the first event arrives.

use super::{BuildCx, FilterSpec};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, Layout, Pipeline, SubContext, SubSlot, SubTarget};
use pipy_value::{JsResult, Value, error, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "link",
    params: "(target, condition?, target2?, …)",
    help: "Streams through another pipeline sharing this context (a name, a function giving one, or $=>$)",
    joint: true,
    options: &[],
    build,
}];

enum Choice {
    Fixed(SubSlot),
    /// A function returning a pipeline name.
    Dynamic(Value),
    /// `None` target: the empty name `''`, which passes the stream through unchanged.
    Branches(Vec<(Option<Value>, Option<SubSlot>)>),
}

struct Config {
    module: Rc<str>,
    choice: Choice,
    /// `.to()` after `link()` with no arguments.
    slot: SubSlot,
}

struct LinkFactory(Rc<Config>);

impl FilterFactory for LinkFactory {
    fn name(&self) -> &'static str {
        "link"
    }
    fn create(&self) -> Box<dyn Filter> {
        Box::new(Link { cfg: self.0.clone(), sub: None, bypass: false })
    }
    fn sub_slot(&self) -> Option<&SubSlot> {
        match &self.0.choice {
            Choice::Fixed(s) if !s.is_set() => Some(&self.0.slot),
            _ => None,
        }
    }
    fn subs(&self) -> Vec<String> {
        match &self.0.choice {
            Choice::Fixed(s) => s.describe().or_else(|| self.0.slot.describe()).into_iter().collect(),
            Choice::Dynamic(_) => vec!["(dynamic)".into()],
            Choice::Branches(b) => b
                .iter()
                .map(|(_, s)| s.as_ref().and_then(|s| s.describe()).unwrap_or_else(|| "(bypass)".into()))
                .collect(),
        }
    }
}

fn build(cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let choice = match args.len() {
        0 => Choice::Fixed(SubSlot::new(None)),
        1 if args[0].is_callable() && !is_builder(&args[0]) => Choice::Dynamic(args[0].clone()),
        1 => Choice::Fixed(cx.sub_slot(&args[0])?),
        _ => {
            let mut branches = Vec::new();
            let mut i = 0;
            while i < args.len() {
                let target = match &args[i] {
                    Value::String(s) if s.is_empty() => None,
                    v => Some(cx.sub_slot(v)?),
                };
                let cond = args.get(i + 1).cloned();
                branches.push((cond, target));
                i += 2;
            }
            Choice::Branches(branches)
        }
    };
    Ok(Rc::new(LinkFactory(Rc::new(Config { module: cx.module.clone(), choice, slot: SubSlot::new(None) }))))
}

/// A `$=>$…` builder (one parameter named `$`) rather than a function returning a name.
fn is_builder(v: &Value) -> bool {
    matches!(ops::get_str(v, "length"), Ok(Value::Number(n)) if n == 1.0)
}

struct Link {
    cfg: Rc<Config>,
    sub: Option<Rc<Pipeline>>,
    /// The chosen target was `''`: events pass straight through.
    bypass: bool,
}

impl Link {
    /// The layout to link to; `Some(Ok(None))` for a bypass.
    fn choose(&self, cx: &mut Cx<'_>) -> Option<JsResult<Option<Rc<Layout>>>> {
        match &self.cfg.choice {
            Choice::Fixed(s) => Some(if s.is_set() { s.layout() } else { self.cfg.slot.layout() }.map(Some)),
            Choice::Dynamic(f) => {
                let f = f.clone();
                let name = cx.call(&f, &[])?;
                if name.is_nullish() {
                    return Some(Err(error::type_error("link(): the function returned no pipeline name")));
                }
                Some(ops::to_rust_string(&name).and_then(|n| {
                    if n.is_empty() {
                        return Ok(None);
                    }
                    SubTarget::Named { module: self.cfg.module.clone(), name: n }.resolve().map(Some)
                }))
            }
            Choice::Branches(b) => {
                for (cond, target) in b {
                    let take = match cond {
                        None => true,
                        Some(c) => {
                            let c = c.clone();
                            cx.eval(&c, &[])?.truthy()
                        }
                    };
                    if take {
                        return Some(match target {
                            Some(t) => t.layout().map(Some),
                            None => Ok(None),
                        });
                    }
                }
                None
            }
        }
    }
}

impl Filter for Link {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.bypass {
            return cx.output(e);
        }
        if self.sub.is_none() {
            match self.choose(cx) {
                Some(Ok(None)) => {
                    self.bypass = true;
                    return cx.output(e);
                }
                Some(Ok(Some(layout))) => {
                    let p = cx.sub(&layout, SubContext::Share, 0);
                    p.start(&[]);
                    self.sub = Some(p);
                }
                Some(Err(err)) => return cx.throw(err),
                None => return,
            }
        }
        if let Some(p) = &self.sub {
            p.input(e);
        }
    }
}
