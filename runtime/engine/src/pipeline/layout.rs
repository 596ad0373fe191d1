//! Pipeline layouts: the filter list a script builds once, and named references between them.

use super::FilterFactory;
use pipy_value::{JsResult, Value, error};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

pub struct Layout {
    /// What the startup graph and errors call it (`pipeline 'name'`, `Listen on 8080`…).
    pub name: RefCell<String>,
    /// The module (file name) the layout was defined in.
    pub module: Rc<str>,
    pub filters: RefCell<Vec<Rc<dyn FilterFactory>>>,
    pub on_start: RefCell<Option<Value>>,
    pub on_end: RefCell<Option<Value>>,
    /// Pipelines of this layout alive now (`pipy_pipeline_count`).
    pub active: std::cell::Cell<usize>,
}

impl Layout {
    pub fn new(module: &Rc<str>, name: &str) -> Rc<Layout> {
        let l = Rc::new(Layout {
            name: RefCell::new(name.to_string()),
            module: module.clone(),
            filters: RefCell::new(Vec::new()),
            on_start: RefCell::new(None),
            on_end: RefCell::new(None),
            active: std::cell::Cell::new(0),
        });
        remember(&l);
        l
    }

    pub fn append(&self, f: Rc<dyn FilterFactory>) {
        self.filters.borrow_mut().push(f);
    }

    pub fn last_filter(&self) -> Option<Rc<dyn FilterFactory>> {
        self.filters.borrow().last().cloned()
    }

    /// Lines of the startup graph for this layout.
    pub fn graph(&self) -> Vec<String> {
        let mut lines = vec![format!("{}", self.name.borrow())];
        let filters = self.filters.borrow();
        for (i, f) in filters.iter().enumerate() {
            let last = i + 1 == filters.len();
            let branch = if last { " └── " } else { " ├── " };
            lines.push(format!("{branch}{}", f.name()));
            let subs = f.subs();
            for (j, s) in subs.iter().enumerate() {
                let pipe = if last { "     " } else { " │   " };
                let sb = if j + 1 == subs.len() { "└── " } else { "├── " };
                lines.push(format!("{pipe}{sb}{s}"));
            }
        }
        lines
    }
}

/// The host payload of a pipeline template object (`pipeline($=>$…)` in the 1.x API).
pub struct Template(pub Rc<Layout>);

/// The layout of a template object, if `v` is one.
pub fn template_layout(v: &Value) -> Option<Rc<Layout>> {
    match v {
        Value::Object(o) => o.with_host(|t: &mut Template| t.0.clone()),
        _ => None,
    }
}

/// One link of a chain of layouts: `chain([...])` (modules' entry pipelines) and `pipe([...])`
/// (templates). A pipeline started from a link continues with `next` on `chain()`/`pipeNext()`.
pub struct Chain {
    pub layout: Rc<Layout>,
    pub next: Option<Rc<Chain>>,
}

impl Chain {
    /// A chain through `layouts` in order (None when empty).
    pub fn of(layouts: &[Rc<Layout>]) -> Option<Rc<Chain>> {
        let mut next = None;
        for l in layouts.iter().rev() {
            next = Some(Rc::new(Chain { layout: l.clone(), next }));
        }
        next
    }
}

/// What a joint filter streams into: a layout, or a name resolved when first used (a named
/// pipeline may be defined after the filter that uses it).
#[derive(Clone)]
pub enum SubTarget {
    Layout(Rc<Layout>),
    Named { module: Rc<str>, name: String },
}

impl SubTarget {
    pub fn resolve(&self) -> JsResult<Rc<Layout>> {
        match self {
            SubTarget::Layout(l) => Ok(l.clone()),
            SubTarget::Named { module, name } => find_named(module, name)
                .ok_or_else(|| error::reference_error(&format!("pipeline '{name}' not found in {module}"))),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            SubTarget::Layout(l) => l.name.borrow().clone(),
            SubTarget::Named { name, .. } => name.clone(),
        }
    }
}

/// The sub-pipeline of a joint filter, filled by `.to()` or by a name argument.
#[derive(Default)]
pub struct SubSlot(RefCell<Option<SubTarget>>);

impl SubSlot {
    pub fn new(t: Option<SubTarget>) -> SubSlot {
        SubSlot(RefCell::new(t))
    }

    pub fn set(&self, t: SubTarget) {
        *self.0.borrow_mut() = Some(t);
    }

    pub fn is_set(&self) -> bool {
        self.0.borrow().is_some()
    }

    pub fn get(&self) -> Option<SubTarget> {
        self.0.borrow().clone()
    }

    pub fn describe(&self) -> Option<String> {
        self.0.borrow().as_ref().map(|t| t.describe())
    }

    /// The layout, resolving a name on first use; an error if `.to()` was never given.
    pub fn layout(&self) -> JsResult<Rc<Layout>> {
        match self.get() {
            Some(t) => {
                let l = t.resolve()?;
                *self.0.borrow_mut() = Some(SubTarget::Layout(l.clone()));
                Ok(l)
            }
            None => Err(error::type_error("missing .to(...) for this filter")),
        }
    }
}

/// (module, pipeline name).
type NamedKey = (Rc<str>, String);

thread_local! {
    /// Named layouts by (module, name); the entry layout of a module has the name "".
    static NAMED: RefCell<HashMap<NamedKey, Rc<Layout>>> = RefCell::new(HashMap::new());
}

pub fn register_named(module: &Rc<str>, name: &str, layout: Rc<Layout>) {
    NAMED.with(|n| n.borrow_mut().insert((module.clone(), name.to_string()), layout));
}

pub fn find_named(module: &str, name: &str) -> Option<Rc<Layout>> {
    NAMED.with(|n| n.borrow().get(&(Rc::from(module), name.to_string())).cloned())
}

pub fn clear_named() {
    NAMED.with(|n| n.borrow_mut().clear());
}

// ---- modules as the pipeline API sees them ----

/// Loads (once per thread) a script file of the codebase and returns its completion value;
/// installed by the engine. Paths are relative to the codebase root.
pub type ScriptLoader = Rc<dyn Fn(&str) -> JsResult<(Rc<str>, Value)>>;

thread_local! {
    static MODULE_STACK: RefCell<Vec<Rc<str>>> = const { RefCell::new(Vec::new()) };
    static LOADER: RefCell<Option<ScriptLoader>> = const { RefCell::new(None) };
    /// Every layout built on this thread, in order (for the startup graph and checks).
    static ALL: RefCell<Vec<Rc<Layout>>> = const { RefCell::new(Vec::new()) };
}

/// Marks `name` as the module whose top level is running (until `pop_module`).
pub fn push_module(name: &str) {
    MODULE_STACK.with(|m| m.borrow_mut().push(name.into()));
}

pub fn pop_module() {
    MODULE_STACK.with(|m| m.borrow_mut().pop());
}

pub fn current_module() -> Rc<str> {
    MODULE_STACK.with(|m| m.borrow().last().cloned()).unwrap_or_else(|| "<main>".into())
}

pub fn set_script_loader(l: ScriptLoader) {
    LOADER.with(|s| *s.borrow_mut() = Some(l));
}

/// Loads a codebase script (see `ScriptLoader`); returns its module name and value.
pub fn load_script(path: &str) -> JsResult<(Rc<str>, Value)> {
    let l = LOADER.with(|s| s.borrow().clone());
    match l {
        Some(l) => l(path),
        None => Err(error::type_error(&format!("cannot load '{path}': no script loader"))),
    }
}

pub fn remember(l: &Rc<Layout>) {
    ALL.with(|a| a.borrow_mut().push(l.clone()));
}

pub fn all_layouts() -> Vec<Rc<Layout>> {
    ALL.with(|a| a.borrow().clone())
}

pub fn forget_all() {
    ALL.with(|a| a.borrow_mut().clear());
    clear_named();
}

/// Layouts with a joint filter whose `.to(...)` is missing: (layout name, filter name).
pub fn missing_subs() -> Vec<(String, &'static str)> {
    let mut v = Vec::new();
    for l in all_layouts() {
        for f in l.filters.borrow().iter() {
            if let Some(s) = f.sub_slot() {
                if !s.is_set() {
                    v.push((l.name.borrow().clone(), f.name()));
                }
            }
        }
    }
    v
}
