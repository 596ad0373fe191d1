//! `link`: stream through another layout that shares this stream's context — a subroutine call.
//! `link(name)`, `link(() => name)`, or the old branching form `link('a', () => cond, 'b', …)`
//! where the first target whose condition holds (or the last one without a condition) is taken
//! when the first event arrives.

use super::{BuildCx, FilterSpec};
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, Layout, Pipeline, SubContext, SubSlot, SubTarget};
use crate::{JsResult, Value, error, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "link",
    params: "(target, condition?, target2?, …)",
    help: "Streams through another pipeline sharing this context (a name, a function giving one, or $=>$)",
    joint: true,
    build,
}];

enum Choice {
    Fixed(SubSlot),
    /// A function returning a pipeline name.
    Dynamic(Value),
    Branches(Vec<(Option<Value>, SubSlot)>),
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
        Box::new(Link { cfg: self.0.clone(), sub: None })
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
            Choice::Branches(b) => b.iter().filter_map(|(_, s)| s.describe()).collect(),
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
                let target = cx.sub_slot(&args[i])?;
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
}

impl Link {
    fn choose(&self, cx: &mut Cx<'_>) -> Option<JsResult<Rc<Layout>>> {
        match &self.cfg.choice {
            Choice::Fixed(s) => Some(if s.is_set() { s.layout() } else { self.cfg.slot.layout() }),
            Choice::Dynamic(f) => {
                let f = f.clone();
                let name = cx.call(&f, &[])?;
                if name.is_nullish() {
                    return Some(Err(error::type_error("link(): the function returned no pipeline name")));
                }
                Some(
                    ops::to_rust_string(&name)
                        .and_then(|n| SubTarget::Named { module: self.cfg.module.clone(), name: n }.resolve()),
                )
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
                        return Some(target.layout());
                    }
                }
                None
            }
        }
    }
}

impl Filter for Link {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.sub.is_none() {
            match self.choose(cx) {
                Some(Ok(layout)) => {
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
