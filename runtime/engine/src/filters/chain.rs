//! `chain` (0.x): module chains.
//!
//! - `chain(files)` streams through the entry pipeline of the first module, sharing this
//!   stream's context; that pipeline (and its sub-pipelines) remember the rest of the chain.
//! - `chain()` inside such a pipeline streams through the entry pipeline of the next module of
//!   the chain; at the end of the chain (or outside one) it passes events through.

use super::{BuildCx, FilterSpec, arg};
use crate::pipeline::event::Event;
use crate::pipeline::layout::{self, Chain};
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, SubContext};
use pipy_value::{JsResult, Value, error, ops};
use std::cell::OnceCell;
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "chain",
    params: "(files?)",
    help: "Starts a module chain through each module's entry pipeline, or continues the current one",
    joint: false,
    options: &[],
    build,
}];

struct Config {
    /// None: `chain()`, continue the current chain.
    modules: Option<Vec<Rc<str>>>,
    chain: OnceCell<Result<Option<Rc<Chain>>, Value>>,
}

impl Config {
    fn chain(&self, modules: &[Rc<str>]) -> Result<Option<Rc<Chain>>, Value> {
        self.chain
            .get_or_init(|| {
                let mut ls = Vec::new();
                for m in modules {
                    match layout::find_named(m, "") {
                        Some(l) => ls.push(l),
                        None => {
                            return Err(error::reference_error(&format!(
                                "chain(): entry pipeline not found in module {m}"
                            )));
                        }
                    }
                }
                Ok(Chain::of(&ls))
            })
            .clone()
    }
}

struct ChainFactory(Rc<Config>);

impl FilterFactory for ChainFactory {
    fn name(&self) -> &'static str {
        "chain"
    }
    fn create(&self) -> Box<dyn Filter> {
        Box::new(ChainFilter { cfg: self.0.clone(), next: None, started: false })
    }
    fn subs(&self) -> Vec<String> {
        match &self.0.modules {
            Some(m) => m.iter().map(|m| m.to_string()).collect(),
            None => vec!["(next in chain)".into()],
        }
    }
}

fn build(_cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let modules = match arg(args, 0) {
        Value::Undefined | Value::Null => None,
        v @ Value::Object(_) => {
            let mut ms = Vec::new();
            for f in ops::iterate_to_vec(&v)? {
                ms.push(layout::load_script(&ops::to_rust_string(&f)?)?.0);
            }
            Some(ms)
        }
        _ => return Err(error::type_error("chain(): the argument must be an array of module file names")),
    };
    Ok(Rc::new(ChainFactory(Rc::new(Config { modules, chain: OnceCell::new() }))))
}

struct ChainFilter {
    cfg: Rc<Config>,
    next: Option<Rc<Pipeline>>,
    started: bool,
}

impl Filter for ChainFilter {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if !self.started {
            self.started = true;
            let chain = match &self.cfg.modules {
                Some(m) => match self.cfg.chain(m) {
                    Ok(c) => c,
                    Err(err) => return cx.throw(err),
                },
                None => cx.pipeline().chain().0,
            };
            if let Some(c) = chain {
                let p = cx.sub(&c.layout, SubContext::Share, 0);
                p.set_chain(c.next.clone(), Value::Undefined);
                p.start(&[]);
                self.next = Some(p);
            }
        }
        match &self.next {
            Some(p) => p.input(e),
            None => cx.output(e),
        }
    }
}
