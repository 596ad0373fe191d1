//! Reads one resolved module and writes down what the rules need, as plain data: the builder
//! chains (`pipy().listen(…).demuxHTTP()…`, `$=>$…`) link by link with their arguments, the named
//! pipelines defined and referred to, listened ports, imported and exported context variables,
//! reads and writes of context variables, assignments to constants, names nothing declares,
//! unreachable statements, and the files and modules the script reaches.
//!
//! Arguments are evaluated statically where that is safe (literals, `JSON.decode(pipy.load(…))`,
//! the parameters of an immediately-called `(config => …)(…)`, members of those), so the checks
//! also see ports and plugin lists that come from a configuration file.

use pipy_compiler::ast::*;
use pipy_compiler::resolve::{DeclKind, Resolution};
use pipy_engine::filters::{self, FilterSpec};
use pipy_stdlib::pipy::builder::{self, MethodSpec};
use pipy_value::{Obj, ObjectKind, Value, function, ops, realm};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

#[derive(Default)]
pub struct Facts {
    pub links: Vec<Link>,
    pub sections: Vec<Section>,
    /// Named pipelines defined with `.pipeline(name)` (`""`: the module's entry pipeline).
    pub defs: Vec<Def>,
    pub refs: Vec<PipelineRef>,
    pub listens: Vec<ListenFact>,
    pub exports: Vec<VarFact>,
    pub imports: Vec<VarFact>,
    /// Context variables this module declares (`pipy({ _x })`, `.export(ns, { __x })`).
    pub context_decls: Vec<(String, Pos)>,
    pub context_reads: Vec<(String, Pos)>,
    /// Top-level `var $x` fiber variables.
    pub fiber_vars: Vec<String>,
    pub context_writes: Vec<(String, Pos)>,
    pub const_assigns: Vec<ConstAssign>,
    /// Names no declaration binds and the global object lacks.
    pub unresolved: Vec<(String, Pos)>,
    /// Every name the module declares (for suggestions).
    pub declared: Vec<String>,
    pub unused: Vec<(String, Pos)>,
    pub unreachable: Vec<Pos>,
    /// Files read at configuration time (`pipy.load`).
    pub files: Vec<FileRef>,
    /// Modules this one reaches.
    pub scripts: Vec<FileRef>,
    /// A `use()`/`chain()` whose modules are only known when the script runs.
    pub dynamic_modules: bool,
}

pub struct Section {
    pub kind: SectionKind,
    pub pos: Pos,
    /// For a `$=>$…` sub-pipeline: the link (index into `Facts::links`) it was given to.
    pub creator: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SectionKind {
    Listen,
    Named(String),
    Task,
    /// A `$=>$…` sub-pipeline.
    Sub,
}

/// What a chain link calls.
#[derive(Clone, Copy)]
pub enum What {
    Filter(&'static FilterSpec),
    Method(&'static MethodSpec),
    Unknown,
}

pub struct Link {
    pub name: String,
    /// The method name's position.
    pub pos: Pos,
    pub end: Pos,
    pub what: What,
    pub args: Vec<ArgFact>,
    /// The pipeline it appends to (None: no pipeline started yet).
    pub section: Option<usize>,
    /// In a Configuration chain (`pipy()…`) rather than a `$=>$…` builder.
    pub config: bool,
    /// A joint filter whose sub-pipeline was given as its first argument (0.x style).
    pub inline_sub: bool,
    /// The link after it is `.to(…)`.
    pub next_is_to: bool,
    /// For `.to`: the link before it (None at the start of a chain).
    pub prev: Option<usize>,
}

impl Link {
    pub fn filter(&self) -> Option<&'static FilterSpec> {
        match self.what {
            What::Filter(s) => Some(s),
            _ => None,
        }
    }
    /// The arguments a filter's parameters count (a 0.x inline sub-pipeline name left out).
    pub fn counted_args(&self) -> &[ArgFact] {
        if self.inline_sub { &self.args[1..] } else { &self.args }
    }
}

pub struct ArgFact {
    /// The value when it is known without running the script.
    pub value: Option<Value>,
    pub pos: Option<Pos>,
    /// An object literal's keys.
    pub object: Option<Vec<KeyFact>>,
    pub func: Option<FuncFact>,
    /// `...xs`: any number of arguments.
    pub spread: bool,
}

#[derive(Clone)]
pub struct KeyFact {
    pub key: String,
    pub pos: Pos,
    pub value: Option<Value>,
    pub value_pos: Option<Pos>,
}

pub struct FuncFact {
    pub pos: Pos,
    /// Some path through it ends without returning a value.
    pub may_return_nothing: bool,
    /// Where it returns nothing (a `return;`, or the function's start when control falls off).
    pub nothing_at: Pos,
}

pub struct Def {
    pub name: String,
    pub pos: Pos,
    pub end: Pos,
}

pub struct PipelineRef {
    /// The module whose pipeline is meant (None: this one).
    pub module: Option<PathBuf>,
    pub name: String,
    pub pos: Pos,
    pub end: Pos,
    /// From `use(file, name)` of a single file (an array skips modules lacking the pipeline).
    pub required: bool,
    /// The link that names it (index into `Facts::links`).
    pub from_link: Option<usize>,
}

pub struct ListenFact {
    pub port: Option<Value>,
    /// The options object's keys.
    pub options: Vec<KeyFact>,
    /// The protocol option, when known.
    pub protocol: Option<String>,
    pub pos: Pos,
    pub end: Pos,
}

pub struct VarFact {
    pub namespace: String,
    pub name: String,
    pub pos: Pos,
}

pub struct ConstAssign {
    pub name: String,
    pub pos: Pos,
    pub decl_pos: Pos,
    /// An imported binding rather than a `const`.
    pub import: bool,
}

pub struct FileRef {
    /// As written in the script.
    pub rel: String,
    pub full: PathBuf,
    pub pos: Pos,
    pub end: Pos,
    pub exists: bool,
    /// What reads it (`pipy.load`, `use`, `chain`, `import`, `pipy.solve`).
    pub by: &'static str,
}

/// Collects the facts of one module (`file`, parsed and resolved).
pub fn collect(script: &Rc<Function>, res: &Resolution, root: &Path, file: &Path, globals: &[String]) -> Facts {
    let mut w = Walker {
        res,
        root,
        file,
        globals: globals.iter().map(String::as_str).collect(),
        f: Facts::default(),
        env: HashMap::new(),
        builders: HashMap::new(),
        exported: HashSet::new(),
        read: HashSet::new(),
    };
    w.f.declared = res.decls.iter().map(|d| d.name.to_string()).collect();
    w.f.fiber_vars = res.fiber_vars.iter().map(|n| n.to_string()).collect();
    w.exported_names(&script.body);
    w.body(&script.body);
    w.unused_declarations();
    w.f
}

/// A chain link while it is being read.
struct RawLink<'e> {
    name: String,
    pos: Pos,
    args: &'e [Arg],
}

struct Walker<'a> {
    res: &'a Resolution,
    root: &'a Path,
    file: &'a Path,
    globals: HashSet<&'a str>,
    f: Facts,
    /// Static values of declarations (parameters of immediately-called functions, constants).
    env: HashMap<u32, Value>,
    /// Parameters that are pipeline builders: the section they append to and whether they are a
    /// Configuration (may start pipelines).
    builders: HashMap<u32, (Option<usize>, bool)>,
    /// Names the module exports (never "unused").
    exported: HashSet<String>,
    /// Declarations something reads.
    read: HashSet<u32>,
}

const NOT_UNUSED: &[DeclKind] = &[DeclKind::Var, DeclKind::Let, DeclKind::Const, DeclKind::Function, DeclKind::Class];

mod chains;
mod returns;
mod values;
mod walk;

use returns::func_fact;
pub use returns::returns_nothing;
pub use values::{expr_pos, string_of};
use values::{flatten, is_global, is_global_ident, is_path, is_string, literal_arg, reachable_pos};
