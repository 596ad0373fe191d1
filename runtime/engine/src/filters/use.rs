//! `use` (0.x): stream through pipelines defined in other module files, sharing this stream's
//! context.
//!
//! - `use(file, name?)`: the pipeline `name` of that module (its entry pipeline by default).
//! - `use(files, name, nameDown?, turnDown?)`: a plugin chain. Events go through each module's
//!   `name` pipeline in order (modules without one are skipped). Before a module is entered (on
//!   the first event that reaches it), `turnDown()` is asked; if it says so, the chain stops
//!   there and the events turn back. Going back, each module that was passed (in reverse order)
//!   processes them with its `nameDown` pipeline, if it has one; the module that turned down does
//!   not. After the last module the events turn back the same way. Without `nameDown` the output
//!   of the last pipeline entered is this filter's output.

use super::{BuildCx, FilterSpec, arg};
use crate::pipeline::event::Event;
use crate::pipeline::layout;
use crate::pipeline::{Cx, Filter, FilterFactory, Layout, Pipeline, SubContext};
use pipy_value::{JsResult, Value, error, ops};
use std::cell::OnceCell;
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "use",
    params: "(file | files, pipelineName?, pipelineNameDown?, turnDown?)",
    help: "Streams through named pipelines of other modules (a plugin chain for an array of files)",
    joint: false,
    options: &[],
    build,
}];

/// The pipelines of one module in the chain.
struct Stage {
    up: Option<Rc<Layout>>,
    down: Option<Rc<Layout>>,
}

struct Config {
    modules: Vec<Rc<str>>,
    name: Option<String>,
    name_down: Option<String>,
    turn_down: Option<Value>,
    multiple: bool,
    stages: OnceCell<Result<Rc<Vec<Stage>>, Value>>,
}

impl Config {
    fn stages(&self) -> Result<Rc<Vec<Stage>>, Value> {
        self.stages.get_or_init(|| self.resolve()).clone()
    }

    fn resolve(&self) -> Result<Rc<Vec<Stage>>, Value> {
        let mut stages = Vec::new();
        for m in &self.modules {
            let up = layout::find_named(m, self.name.as_deref().unwrap_or(""));
            if up.is_none() && !self.multiple {
                return Err(error::reference_error(&match &self.name {
                    Some(n) => format!("use(): pipeline '{n}' not found in module {m}"),
                    None => format!("use(): module {m} has no entry pipeline"),
                }));
            }
            let down = self.name_down.as_deref().and_then(|n| layout::find_named(m, n));
            if up.is_some() || down.is_some() {
                stages.push(Stage { up, down });
            }
        }
        Ok(Rc::new(stages))
    }
}

struct UseFactory(Rc<Config>);

impl FilterFactory for UseFactory {
    fn name(&self) -> &'static str {
        "use"
    }
    fn create(&self) -> Box<dyn Filter> {
        Box::new(Use { cfg: self.0.clone(), stages: None, routes: Vec::new(), ups: Vec::new(), downs: Vec::new() })
    }
    fn subs(&self) -> Vec<String> {
        let name = self.0.name.clone().unwrap_or_default();
        self.0.modules.iter().map(|m| if name.is_empty() { m.to_string() } else { format!("{m} [{name}]") }).collect()
    }
}

fn string_arg(v: &Value, what: &str) -> JsResult<Option<String>> {
    match v {
        Value::Undefined | Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.to_rust_string())),
        _ => Err(error::type_error(&format!("use(): {what} must be a string"))),
    }
}

fn load(path: &str) -> JsResult<Rc<str>> {
    if path.ends_with(".so") || path.ends_with(".dll") {
        return Err(error::type_error(&format!("use(): native modules are not supported ({path})")));
    }
    Ok(layout::load_script(path)?.0)
}

fn build(_cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let first = arg(args, 0);
    let multiple = matches!(&first, Value::Object(o) if o.is_array());
    let (modules, name, name_down, turn_down) = if multiple {
        let mut modules = Vec::new();
        for f in ops::iterate_to_vec(&first)? {
            modules.push(load(&ops::to_rust_string(&f)?)?);
        }
        let name = string_arg(&arg(args, 1), "the pipeline name")?;
        let (down, when) = match arg(args, 2) {
            f if f.is_callable() => (None, Some(f)),
            v => (string_arg(&v, "the down pipeline name")?, Some(arg(args, 3)).filter(|f| f.is_callable())),
        };
        (modules, name, down, when)
    } else {
        let Value::String(path) = &first else {
            return Err(error::type_error("use(): the first argument must be a file name or an array of them"));
        };
        (vec![load(&path.to_rust_string())?], string_arg(&arg(args, 1), "the pipeline name")?, None, None)
    };
    Ok(Rc::new(UseFactory(Rc::new(Config { modules, name, name_down, turn_down, multiple, stages: OnceCell::new() }))))
}

/// Where events entering a stage go, decided by the first of them.
#[derive(Clone, Copy)]
enum Route {
    /// `turnDown()` said stop: back to the previous stage's down side.
    TurnedDown,
    /// Through this module's pipeline (tag `2 * i`).
    Up,
    /// This module has no pipeline of that name: on to the next one.
    Next,
    /// Nothing further: turn back here.
    Down,
}

struct Use {
    cfg: Rc<Config>,
    stages: Option<Rc<Vec<Stage>>>,
    routes: Vec<Option<Route>>,
    ups: Vec<Option<Rc<Pipeline>>>,
    /// Down pipelines (tag `2 * i + 1`); the outer Option says whether it was decided.
    downs: Vec<Option<Option<Rc<Pipeline>>>>,
}

impl Use {
    fn stage_in(&mut self, cx: &mut Cx<'_>, i: usize, e: Event) {
        let Some(stages) = self.stages.clone() else { return };
        let route = match self.routes[i] {
            Some(r) => r,
            None => {
                let mut turned = false;
                if let Some(f) = &self.cfg.turn_down {
                    match cx.call(f, &[]) {
                        Some(v) => turned = v.truthy(),
                        None => return,
                    }
                }
                let r = if turned {
                    Route::TurnedDown
                } else if let Some(up) = &stages[i].up {
                    let p = cx.sub(up, SubContext::Share, 2 * i as u32);
                    self.ups[i] = Some(p.clone());
                    p.start(&[]);
                    Route::Up
                } else if i + 1 < stages.len() {
                    Route::Next
                } else {
                    Route::Down
                };
                self.routes[i] = Some(r);
                r
            }
        };
        match route {
            Route::TurnedDown => self.back_from(cx, i, e),
            Route::Up => {
                if let Some(p) = &self.ups[i] {
                    p.input(e);
                }
            }
            Route::Next => self.stage_in(cx, i + 1, e),
            Route::Down => self.down_in(cx, i, e),
        }
    }

    /// Events turning back at stage `i` go to the down side of the stage before it.
    fn back_from(&mut self, cx: &mut Cx<'_>, i: usize, e: Event) {
        if self.cfg.name_down.is_some() && i > 0 {
            self.down_in(cx, i - 1, e);
        } else {
            cx.output(e);
        }
    }

    /// The down side of stage `i`: its down pipeline, or straight on back.
    fn down_in(&mut self, cx: &mut Cx<'_>, i: usize, e: Event) {
        if self.downs[i].is_none() {
            let p = self.stages.as_ref().and_then(|s| s[i].down.clone()).map(|l| {
                let p = cx.sub(&l, SubContext::Share, 2 * i as u32 + 1);
                p.start(&[]);
                p
            });
            self.downs[i] = Some(p);
        }
        match &self.downs[i] {
            Some(Some(p)) => p.input(e),
            _ => self.back_from(cx, i, e),
        }
    }
}

impl Filter for Use {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.stages.is_none() {
            match self.cfg.stages() {
                Ok(s) => {
                    self.routes = vec![None; s.len()];
                    self.ups = vec![None; s.len()];
                    self.downs = vec![None; s.len()];
                    self.stages = Some(s);
                }
                Err(err) => return cx.throw(err),
            }
        }
        if self.routes.is_empty() {
            cx.output(e);
        } else {
            self.stage_in(cx, 0, e);
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, tag: u32, e: Event) {
        let i = (tag / 2) as usize;
        if tag % 2 == 1 {
            self.back_from(cx, i, e);
        } else if i + 1 < self.routes.len() {
            self.stage_in(cx, i + 1, e);
        } else {
            self.down_in(cx, i, e);
        }
    }
}
