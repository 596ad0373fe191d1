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
use pipy_runtime::filters::{self, FilterSpec};
use pipy_runtime::{Obj, ObjectKind, Value, function, ops, realm};
use pipy_stdlib::pipy::builder::{self, MethodSpec};
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

impl Walker<'_> {
    // ---- statements ----

    fn body(&mut self, stmts: &[Stmt]) {
        let mut ended = false;
        for s in stmts {
            if ended {
                if let Some(p) = reachable_pos(s) {
                    self.f.unreachable.push(p);
                    ended = false;
                }
            }
            self.stmt(s);
            if matches!(s, Stmt::Return(..) | Stmt::Throw(..) | Stmt::Break(..) | Stmt::Continue(..)) {
                ended = true;
            }
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Expr(e) => self.expr(e),
            Stmt::Var(v) => self.var_decl(v),
            Stmt::Function(f) => self.function(f),
            Stmt::Class(c) => self.class(c),
            Stmt::Return(e, _) => {
                if let Some(e) = e {
                    self.expr(e);
                }
            }
            Stmt::Throw(e, _) => self.expr(e),
            Stmt::If(t, c, a) => {
                self.expr(t);
                self.stmt(c);
                if let Some(a) = a {
                    self.stmt(a);
                }
            }
            Stmt::Block(b) => self.body(&b.body),
            Stmt::For { init, test, update, body, .. } => {
                match init {
                    Some(ForInit::Var(v)) => self.var_decl(v),
                    Some(ForInit::Expr(e)) => self.expr(e),
                    None => {}
                }
                for e in [test, update].into_iter().flatten() {
                    self.expr(e);
                }
                self.stmt(body);
            }
            Stmt::ForInOf { left, right, body, .. } => {
                match left {
                    ForHead::Var(_, p) => self.pattern(p, false),
                    ForHead::Target(p) => self.pattern(p, true),
                }
                self.expr(right);
                self.stmt(body);
            }
            Stmt::While(t, b) | Stmt::DoWhile(b, t) => {
                self.expr(t);
                self.stmt(b);
            }
            Stmt::Try { block, param, handler, finalizer, .. } => {
                self.body(&block.body);
                if let Some(p) = param {
                    self.pattern(p, false);
                }
                for b in [handler, finalizer].into_iter().flatten() {
                    self.body(&b.body);
                }
            }
            Stmt::Switch { discriminant, cases, .. } => {
                self.expr(discriminant);
                for c in cases {
                    if let Some(t) = &c.test {
                        self.expr(t);
                    }
                    self.body(&c.body);
                }
            }
            Stmt::Labeled(_, s) => self.stmt(s),
            Stmt::Break(..) | Stmt::Continue(..) | Stmt::Empty => {}
            Stmt::Import(i) if is_path(&i.source) => {
                self.script_ref(&i.source, i.pos, "import", true);
            }
            Stmt::Import(_) => {}
            Stmt::Export(e) => match e {
                ExportDecl::Decl(s) => self.stmt(s),
                ExportDecl::Default(x) => self.expr(x),
                ExportDecl::Named { specifiers, source } => {
                    for (id, _) in specifiers {
                        self.ident(id);
                    }
                    if let Some(src) = source.as_ref().filter(|s| is_path(s)) {
                        self.script_ref(src, 0, "import", true);
                    }
                }
                ExportDecl::All { source, .. } if is_path(source) => {
                    self.script_ref(source, 0, "import", true);
                }
                ExportDecl::All { .. } => {}
            },
        }
    }

    fn var_decl(&mut self, v: &VarDecl) {
        for (p, init) in &v.decls {
            if let Some(e) = init {
                self.expr(e);
                if let (Pattern::Ident(id), Some(value)) = (p, self.eval(e)) {
                    if let Binding::Decl(d) = id.binding.get() {
                        self.env.insert(d, value);
                    }
                }
            }
            self.pattern(p, false);
        }
    }

    fn class(&mut self, c: &Class) {
        if let Some(e) = &c.extends {
            self.expr(e);
        }
        self.function(&c.constructor);
        for m in &c.members {
            match m {
                ClassMember::Method { func, .. } | ClassMember::StaticBlock(func) => self.function(func),
                ClassMember::Field { value: Some(v), .. } => self.expr(v),
                ClassMember::Field { .. } => {}
            }
        }
        if let Some(f) = &c.field_init {
            self.function(f);
        }
    }

    fn function(&mut self, f: &Rc<Function>) {
        for p in &f.params {
            self.pattern(p, false);
        }
        if let Some(r) = &f.rest {
            self.pattern(r, false);
        }
        for fld in &f.fields {
            if let Some(v) = &fld.value {
                self.expr(v);
            }
        }
        self.body(&f.body);
    }

    /// A binding or assignment pattern; `assign` when it is the target of an assignment.
    fn pattern(&mut self, p: &Pattern, assign: bool) {
        match p {
            Pattern::Ident(id) => {
                if assign {
                    self.write(id);
                }
            }
            Pattern::Object { props, rest, .. } => {
                for pp in props {
                    if let PropName::Computed(e) = &pp.key {
                        self.expr(e);
                    }
                    self.pattern(&pp.value, assign);
                }
                if let Some(r) = rest {
                    self.pattern(r, assign);
                }
            }
            Pattern::Array { elems, rest, .. } => {
                for e in elems.iter().flatten() {
                    self.pattern(e, assign);
                }
                if let Some(r) = rest {
                    self.pattern(r, assign);
                }
            }
            Pattern::Default(p, d) => {
                self.pattern(p, assign);
                self.expr(d);
            }
            Pattern::Expr(e) => self.expr(e),
        }
    }

    // ---- names ----

    fn ident(&mut self, id: &Ident) {
        match id.binding.get() {
            Binding::Decl(d) => {
                self.read.insert(d);
            }
            Binding::Context => self.f.context_reads.push((id.name.to_string(), id.pos)),
            Binding::Global if !self.globals.contains(&*id.name) => {
                self.f.unresolved.push((id.name.to_string(), id.pos));
            }
            _ => {}
        }
    }

    fn write(&mut self, id: &Ident) {
        match id.binding.get() {
            Binding::Context => self.f.context_writes.push((id.name.to_string(), id.pos)),
            Binding::Decl(d) => {
                let info = &self.res.decls[d as usize];
                if info.kind.is_const() {
                    self.f.const_assigns.push(ConstAssign {
                        name: id.name.to_string(),
                        pos: id.pos,
                        decl_pos: info.pos,
                        import: info.kind == DeclKind::Import,
                    });
                }
                self.env.remove(&d);
            }
            Binding::Global if !self.globals.contains(&*id.name) => {
                self.f.unresolved.push((id.name.to_string(), id.pos));
            }
            _ => {}
        }
    }

    fn exported_names(&mut self, body: &[Stmt]) {
        let mut names = HashSet::new();
        for s in body {
            if let Stmt::Export(e) = s {
                match e {
                    ExportDecl::Decl(d) => match &**d {
                        Stmt::Var(v) => {
                            let mut n = Vec::new();
                            for (p, _) in &v.decls {
                                pipy_compiler::resolve::pattern_names(p, &mut n);
                            }
                            names.extend(n.into_iter().map(|(n, _)| n.to_string()));
                        }
                        Stmt::Function(f) => names.extend(f.name.as_ref().map(|n| n.name.to_string())),
                        Stmt::Class(c) => names.extend(c.name.as_ref().map(|n| n.name.to_string())),
                        _ => {}
                    },
                    ExportDecl::Named { specifiers, .. } => {
                        names.extend(specifiers.iter().map(|(i, _)| i.name.to_string()))
                    }
                    _ => {}
                }
            }
        }
        self.exported = names;
    }

    fn unused_declarations(&mut self) {
        // A class has two bindings of its name (outside it and inside it): a read of either
        // uses the declaration.
        let read_at: HashSet<(Pos, &str)> =
            self.read.iter().map(|&d| &self.res.decls[d as usize]).map(|d| (d.pos, &*d.name)).collect();
        for d in &self.res.decls {
            let n = &*d.name;
            if !read_at.contains(&(d.pos, n))
                && NOT_UNUSED.contains(&d.kind)
                && !n.starts_with('_')
                && !n.starts_with('$')
                && !self.exported.contains(n)
            {
                self.f.unused.push((n.to_string(), d.pos));
            }
        }
    }
}

impl Walker<'_> {
    // ---- expressions ----

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Num(_)
            | Expr::Str(..)
            | Expr::Bool(_)
            | Expr::Null
            | Expr::Regex { .. }
            | Expr::This(_)
            | Expr::NewTarget(_) => {}
            Expr::Template { exprs, .. } => self.exprs(exprs),
            Expr::TaggedTemplate { tag, exprs, .. } => {
                self.expr(tag);
                self.exprs(exprs);
            }
            Expr::Ident(id) => self.ident(id),
            Expr::Array(elems, _) => {
                for el in elems {
                    if let ArrayElem::Expr(x) | ArrayElem::Spread(x) = el {
                        self.expr(x);
                    }
                }
            }
            Expr::Object(props, _) => self.object(props),
            Expr::Function(f) => self.function(f),
            Expr::Class(c) => self.class(c),
            // `typeof x` is how scripts ask whether a global exists.
            Expr::Unary(UnaryOp::Typeof, x, _) if matches!(&**x, Expr::Ident(id) if id.binding.get() == Binding::Global) =>
                {}
            Expr::Unary(_, x, _) => self.expr(x),
            Expr::Update { target, .. } => {
                if let Expr::Ident(id) = &**target {
                    self.write(id);
                }
                self.expr(target);
            }
            Expr::Binary(_, a, b, _) | Expr::Logical(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            Expr::Assign { op, target, value, .. } => {
                self.pattern(target, true);
                if let (AssignOp::Binary(_) | AssignOp::Logical(_), Pattern::Ident(id)) = (op, &**target) {
                    self.ident(id);
                }
                self.expr(value);
            }
            Expr::Cond(a, b, c) => {
                self.expr(a);
                self.expr(b);
                self.expr(c);
            }
            Expr::Call { .. } => self.call(e),
            Expr::New { callee, args, .. } => {
                self.expr(callee);
                self.args(args);
            }
            Expr::Member { obj, prop, .. } => {
                self.expr(obj);
                if let MemberProp::Computed(k) = prop {
                    self.expr(k);
                }
            }
            Expr::SuperMember { prop: MemberProp::Computed(k), .. } => self.expr(k),
            Expr::SuperMember { .. } => {}
            Expr::SuperCall { args, .. } => self.args(args),
            Expr::OptChain(x) => self.expr(x),
            Expr::Seq(xs) => self.exprs(xs),
            Expr::PrivateIn(_, x, _) => self.expr(x),
        }
    }

    fn exprs(&mut self, xs: &[Expr]) {
        for x in xs {
            self.expr(x);
        }
    }

    fn args(&mut self, args: &[Arg]) {
        for a in args {
            let (Arg::Expr(x) | Arg::Spread(x)) = a;
            self.expr(x);
        }
    }

    fn object(&mut self, props: &[ObjProp]) {
        for p in props {
            match p {
                ObjProp::KeyValue(k, v, _) => {
                    if let PropName::Computed(x) = k {
                        self.expr(x);
                    }
                    self.expr(v);
                }
                ObjProp::Shorthand(id) => self.ident(id),
                ObjProp::Method { func, .. } => self.function(func),
                ObjProp::Spread(x) => self.expr(x),
            }
        }
    }

    fn call(&mut self, e: &Expr) {
        let Expr::Call { callee, args, .. } = e else { return };
        // `(config => …)(JSON.decode(pipy.load('config.json')))`: the parameters get the
        // arguments' static values.
        if let Expr::Function(f) = &**callee {
            for (p, a) in f.params.iter().zip(args) {
                if let (Pattern::Ident(id), Arg::Expr(x)) = (p, a) {
                    if let (Binding::Decl(d), Some(v)) = (id.binding.get(), self.eval(x)) {
                        self.env.insert(d, v);
                    }
                }
            }
            self.args(args);
            self.function(f);
            return;
        }
        let (root, links) = flatten(e);
        match root {
            Expr::Call { callee, args: root_args, .. } if is_global(callee, "pipy") => {
                self.pipy_context(root_args);
                self.chain(&links, None, true);
            }
            Expr::Call { callee, args, .. } if links.is_empty() && is_global(callee, "pipeline") => {
                // `pipeline($=>$…)`: a 1.x template.
                self.sub_args(args);
            }
            Expr::Ident(id) if self.builder_of(id).is_some() => {
                let (section, config) = self.builder_of(id).unwrap_or((None, false));
                self.chain(&links, section, config);
            }
            Expr::Ident(id) if is_global_ident(id, "pipy") && !links.is_empty() => {
                self.pipy_method(&links[0]);
                for l in &links[1..] {
                    self.args(l.args);
                }
            }
            _ => {
                self.expr(callee);
                self.args(args);
            }
        }
    }

    fn builder_of(&self, id: &Ident) -> Option<(Option<usize>, bool)> {
        match id.binding.get() {
            Binding::Decl(d) => self.builders.get(&d).copied(),
            _ => None,
        }
    }

    /// `pipy({ _a: …, _b: … })`: the module's context variables.
    fn pipy_context(&mut self, args: &[Arg]) {
        if let Some(Arg::Expr(Expr::Object(props, _))) = args.first() {
            for p in props {
                match p {
                    ObjProp::KeyValue(PropName::Str(k), _, pos) => {
                        self.f.context_decls.push((String::from_utf16_lossy(k), *pos));
                    }
                    ObjProp::Shorthand(id) => self.f.context_decls.push((id.name.to_string(), id.pos)),
                    _ => {}
                }
            }
        }
        self.args(args);
    }

    /// `pipy.listen(…)`, `pipy.load(…)`, `pipy.solve(…)` and other `pipy.x(…)` calls.
    fn pipy_method(&mut self, l: &RawLink<'_>) {
        let facts = self.arg_facts(l.args);
        match l.name.as_str() {
            "listen" => {
                let pos = l.pos;
                let section = self.section(SectionKind::Listen, pos);
                let options = facts.iter().skip(1).find(|a| a.object.is_some());
                let protocol = facts.get(1).and_then(|a| a.value.as_ref()).and_then(string_of);
                self.listen_fact(facts.first(), options, protocol, pos);
                self.sub_args_in(l.args, Some(section));
                return;
            }
            "load" => {
                if let Some((rel, pos)) = literal_arg(l.args) {
                    self.file_ref(&rel, pos, "pipy.load");
                }
            }
            "solve" => {
                if let Some((rel, pos)) = literal_arg(l.args) {
                    self.script_ref(&rel, pos, "pipy.solve", false);
                }
            }
            _ => {}
        }
        self.args(l.args);
    }
}

impl Walker<'_> {
    // ---- builder chains ----

    fn section(&mut self, kind: SectionKind, pos: Pos) -> usize {
        self.f.sections.push(Section { kind, pos, creator: None });
        self.f.sections.len() - 1
    }

    fn listen_fact(&mut self, port: Option<&ArgFact>, options: Option<&ArgFact>, protocol: Option<String>, pos: Pos) {
        let keys = options.and_then(|a| a.object.as_ref());
        let protocol = protocol.or_else(|| {
            keys.and_then(|k| k.iter().find(|k| k.key == "protocol")).and_then(|k| k.value.as_ref()).and_then(string_of)
        });
        self.f.listens.push(ListenFact {
            port: port.and_then(|a| a.value.clone()),
            options: keys.cloned().unwrap_or_default(),
            protocol,
            pos,
            end: pos + 6,
        });
    }

    /// Reads the links of a chain that starts in `section` (`config`: a Configuration).
    fn chain(&mut self, links: &[RawLink<'_>], mut section: Option<usize>, config: bool) {
        // Indices of this chain's links (nested chains push theirs in between).
        let mut mine = Vec::with_capacity(links.len());
        for l in links {
            let name = l.name.as_str();
            let what = match builder::METHODS.iter().find(|m| m.name == name) {
                Some(m) => What::Method(m),
                None => filters::find(name).map(What::Filter).unwrap_or(What::Unknown),
            };
            let facts = self.arg_facts(l.args);
            let mut inline_sub = false;
            let mut takes_subs = false;
            let refs_before = self.f.refs.len();
            match what {
                What::Method(m) => match m.name {
                    "listen" => {
                        section = Some(self.section(SectionKind::Listen, l.pos));
                        self.listen_fact(facts.first(), facts.get(1), None, l.pos);
                    }
                    "pipeline" => {
                        let n = facts.first().and_then(|a| a.value.as_ref()).and_then(string_of).unwrap_or_default();
                        let end =
                            facts.first().and_then(|a| a.pos).map(|p| p + n.len() as u32 + 2).unwrap_or(l.pos + 8);
                        let pos = facts.first().and_then(|a| a.pos).unwrap_or(l.pos);
                        self.f.defs.push(Def { name: n.clone(), pos, end });
                        section = Some(self.section(SectionKind::Named(n), l.pos));
                    }
                    "task" | "watch" | "exit" => section = Some(self.section(SectionKind::Task, l.pos)),
                    "import" => {
                        for k in facts.first().and_then(|a| a.object.as_ref()).into_iter().flatten() {
                            let ns = k.value.as_ref().and_then(string_of).unwrap_or_default();
                            self.f.imports.push(VarFact { namespace: ns, name: k.key.clone(), pos: k.pos });
                        }
                    }
                    "export" => {
                        let ns = facts.first().and_then(|a| a.value.as_ref()).and_then(string_of).unwrap_or_default();
                        for k in facts.get(1).and_then(|a| a.object.as_ref()).into_iter().flatten() {
                            self.f.exports.push(VarFact { namespace: ns.clone(), name: k.key.clone(), pos: k.pos });
                            self.f.context_decls.push((k.key.clone(), k.pos));
                        }
                    }
                    "to" => {
                        self.name_ref(facts.first(), None, true);
                        takes_subs = true;
                    }
                    // `repeat(items, ($, item) => …)` configures once per item in this chain.
                    "repeat" if l.args.len() == 2 => {
                        if let Some(Arg::Expr(Expr::Function(f))) = l.args.get(1) {
                            self.builder(f, section, config);
                            self.args(&l.args[..1]);
                            self.push_link(l, what, facts, section, config, false);
                            mine.push(self.f.links.len() - 1);
                            continue;
                        }
                    }
                    _ => {}
                },
                What::Filter(spec) => {
                    inline_sub = self.filter_refs(spec, &facts, l.args);
                    takes_subs = true;
                }
                What::Unknown => {}
            }
            let refs_mine = self.f.refs.len();
            let mut subs = Vec::new();
            if takes_subs {
                for a in l.args {
                    match a {
                        Arg::Expr(Expr::Function(f)) if self.is_builder_fn(f) => {
                            let s = self.section(SectionKind::Sub, f.pos);
                            subs.push(s);
                            self.builder(f, Some(s), false);
                        }
                        Arg::Expr(x) | Arg::Spread(x) => self.expr(x),
                    }
                }
            } else {
                self.args(l.args);
            }
            self.push_link(l, what, facts, section, config, inline_sub);
            let idx = self.f.links.len() - 1;
            mine.push(idx);
            for r in &mut self.f.refs[refs_before..refs_mine] {
                r.from_link = Some(idx);
            }
            for s in subs {
                self.f.sections[s].creator = Some(idx);
            }
        }
        // Each link knows its neighbours (for `.to()`).
        for (k, &i) in mine.iter().enumerate() {
            if k > 0 {
                self.f.links[i].prev = Some(mine[k - 1]);
            }
            if mine.get(k + 1).is_some_and(|&n| self.f.links[n].name == "to") {
                self.f.links[i].next_is_to = true;
                self.f.links[i].inline_sub = false;
            }
            if self.f.links[i].inline_sub {
                let a = self.f.links[i].args.first().map(|a| (a.value.clone(), a.pos));
                if let Some((value, pos)) = a {
                    let fact = ArgFact { value, pos, object: None, func: None, spread: false };
                    let n = self.f.refs.len();
                    self.name_ref(Some(&fact), None, true);
                    for r in &mut self.f.refs[n..] {
                        r.from_link = Some(i);
                    }
                }
            }
        }
    }

    fn push_link(
        &mut self,
        l: &RawLink<'_>,
        what: What,
        args: Vec<ArgFact>,
        section: Option<usize>,
        config: bool,
        inline_sub: bool,
    ) {
        self.f.links.push(Link {
            name: l.name.clone(),
            pos: l.pos,
            end: l.pos + l.name.len() as u32,
            what,
            args,
            section,
            config,
            inline_sub,
            next_is_to: false,
            prev: None,
        });
    }

    /// The pipelines and modules a filter's arguments name; true when a joint filter got its
    /// sub-pipeline as a name (the 0.x `demuxHTTP('request')`).
    fn filter_refs(&mut self, spec: &FilterSpec, facts: &[ArgFact], args: &[Arg]) -> bool {
        let first_param = spec.params.trim_start_matches('(').split([',', ')', '?', ' ']).next().unwrap_or("");
        match spec.name {
            "link" => {
                for a in facts.iter().step_by(2) {
                    self.name_ref(Some(a), None, true);
                }
                false
            }
            "loop" => {
                self.name_ref(facts.first(), None, true);
                false
            }
            "branch" | "branchMessage" | "branchMessageStart" => {
                let n = facts.len();
                for (i, a) in facts.iter().enumerate() {
                    if i % 2 == 1 || (n % 2 == 1 && i == n - 1) {
                        self.name_ref(Some(a), None, true);
                    }
                }
                false
            }
            "use" => {
                let files = self.module_list(facts.first(), args, "use");
                let single = files.len() == 1 && facts.first().and_then(|a| a.value.as_ref()).is_some_and(is_string);
                for f in &files {
                    for (i, a) in facts.iter().enumerate().skip(1).take(2) {
                        self.name_ref(Some(a), Some(f.clone()), single && i == 1);
                    }
                }
                false
            }
            "chain" => {
                if !facts.is_empty() {
                    self.module_list(facts.first(), args, "chain");
                }
                false
            }
            _ if spec.joint && first_param != "target" && first_param != "sub" => {
                // The ref is recorded by `chain` once it knows no `.to()` follows (which would
                // make the name only the first argument, as fork() takes it).
                facts.first().and_then(|a| a.value.as_ref()).is_some_and(is_string)
            }
            _ => false,
        }
    }

    /// A pipeline named by a string argument.
    fn name_ref(&mut self, a: Option<&ArgFact>, module: Option<PathBuf>, required: bool) {
        let Some(a) = a else { return };
        let Some(name) = a.value.as_ref().and_then(string_of) else { return };
        let pos = a.pos.unwrap_or(0);
        if name.is_empty() && module.is_none() {
            return; // `link('')`: bypass
        }
        let end = pos + name.len() as u32 + 2;
        self.f.refs.push(PipelineRef { module, name, pos, end, required, from_link: None });
    }

    /// The modules a `use()`/`chain()` argument names (a file or an array of files).
    fn module_list(&mut self, a: Option<&ArgFact>, args: &[Arg], by: &'static str) -> Vec<PathBuf> {
        let Some(value) = a.and_then(|a| a.value.clone()) else {
            self.f.dynamic_modules = true;
            return Vec::new();
        };
        let pos = a.and_then(|a| a.pos).unwrap_or(0);
        let items = match &value {
            Value::String(_) => vec![value.clone()],
            Value::Object(o) if o.is_array() => o.array_elements().unwrap_or_default(),
            _ => {
                self.f.dynamic_modules = true;
                return Vec::new();
            }
        };
        // Literal positions of an array literal's items, when it is one.
        let literal_pos: Vec<Option<Pos>> = match args.first() {
            Some(Arg::Expr(Expr::Array(elems, _))) => elems
                .iter()
                .map(|e| match e {
                    ArrayElem::Expr(x) => expr_pos(x),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let Some(rel) = string_of(item) else {
                self.f.dynamic_modules = true;
                continue;
            };
            let p = literal_pos.get(i).copied().flatten().unwrap_or(pos);
            out.push(self.script_ref(&rel, p, by, false));
        }
        out
    }

    /// A module this one reaches; returns its path.
    fn script_ref(&mut self, rel: &str, pos: Pos, by: &'static str, es_import: bool) -> PathBuf {
        let full = if es_import && (rel.starts_with("./") || rel.starts_with("../")) {
            self.file.parent().map(Path::to_path_buf).unwrap_or_default().join(rel)
        } else {
            self.root.join(rel.trim_start_matches('/'))
        };
        let shown = if es_import { rel.to_string() } else { rel.trim_start_matches('/').to_string() };
        let rel_to_root = full.strip_prefix(self.root).map(|p| p.to_string_lossy().into_owned()).unwrap_or(shown);
        let exists = full.is_file();
        self.f.scripts.push(FileRef {
            rel: rel_to_root,
            full: full.clone(),
            pos,
            end: pos + rel.len() as u32 + 2,
            exists,
            by,
        });
        crate::check::identity(&full)
    }

    fn file_ref(&mut self, rel: &str, pos: Pos, by: &'static str) {
        let full = self.root.join(rel.trim_start_matches('/'));
        let exists = full.is_file();
        self.f.files.push(FileRef { rel: rel.to_string(), full, pos, end: pos + rel.len() as u32 + 2, exists, by });
    }

    /// A function whose first parameter is a pipeline builder: `$=>$.filter()…`.
    fn is_builder_fn(&self, f: &Function) -> bool {
        let Some(Pattern::Ident(p)) = f.params.first() else { return false };
        if &*p.name == "$" {
            return true;
        }
        // Any other name counts when the body chains a filter on it.
        let Some(Stmt::Return(Some(body), _)) = f.body.first().filter(|_| f.expression) else { return false };
        let (root, links) = flatten(body);
        matches!(root, Expr::Ident(id) if id.name == p.name)
            && links.first().is_some_and(|l| filters::find(&l.name).is_some())
    }

    /// Walks a builder function: chains on its first parameter append to `section`.
    fn builder(&mut self, f: &Rc<Function>, section: Option<usize>, config: bool) {
        if let Some(Pattern::Ident(p)) = f.params.first() {
            if let Binding::Decl(d) = p.binding.get() {
                self.builders.insert(d, (section, config));
            }
        }
        self.function(f);
    }

    /// Arguments where builder functions start sub-pipelines of their own.
    fn sub_args(&mut self, args: &[Arg]) {
        self.sub_args_in(args, None);
    }

    fn sub_args_in(&mut self, args: &[Arg], section: Option<usize>) {
        for a in args {
            match a {
                Arg::Expr(Expr::Function(f)) if self.is_builder_fn(f) => {
                    let s = match section {
                        Some(s) => s,
                        None => self.section(SectionKind::Sub, f.pos),
                    };
                    self.builder(f, Some(s), false);
                }
                Arg::Expr(x) | Arg::Spread(x) => self.expr(x),
            }
        }
    }

    fn arg_facts(&self, args: &[Arg]) -> Vec<ArgFact> {
        args.iter()
            .map(|a| match a {
                Arg::Expr(x) => ArgFact {
                    value: self.eval(x),
                    pos: expr_pos(x),
                    object: match x {
                        Expr::Object(props, _) => Some(self.keys(props)),
                        _ => None,
                    },
                    func: match x {
                        Expr::Function(f) => Some(func_fact(f)),
                        _ => None,
                    },
                    spread: false,
                },
                Arg::Spread(x) => ArgFact { value: None, pos: expr_pos(x), object: None, func: None, spread: true },
            })
            .collect()
    }

    fn keys(&self, props: &[ObjProp]) -> Vec<KeyFact> {
        props
            .iter()
            .filter_map(|p| match p {
                ObjProp::KeyValue(PropName::Str(k), v, pos) => Some(KeyFact {
                    key: String::from_utf16_lossy(k),
                    pos: *pos,
                    value: self.eval(v),
                    value_pos: expr_pos(v),
                }),
                ObjProp::Shorthand(id) => Some(KeyFact {
                    key: id.name.to_string(),
                    pos: id.pos,
                    value: self.eval_ident(id),
                    value_pos: Some(id.pos),
                }),
                _ => None,
            })
            .collect()
    }

    // ---- static values ----

    fn eval_ident(&self, id: &Ident) -> Option<Value> {
        match id.binding.get() {
            Binding::Decl(d) => self.env.get(&d).cloned(),
            Binding::Global if &*id.name == "undefined" => Some(Value::Undefined),
            _ => None,
        }
    }

    /// The value of `e` when it is known without running anything but reading files.
    fn eval(&self, e: &Expr) -> Option<Value> {
        Some(match e {
            Expr::Num(n) => Value::Number(*n),
            Expr::Str(s, _) => Value::String(pipy_runtime::JsString::from_utf16(s.to_vec())),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Null => Value::Null,
            Expr::Template { quasis, exprs } if exprs.is_empty() => Value::String(pipy_runtime::JsString::from_utf16(
                quasis.first().map(|q| q.to_vec()).unwrap_or_default(),
            )),
            Expr::Unary(UnaryOp::Neg, x, _) => match self.eval(x)? {
                Value::Number(n) => Value::Number(-n),
                _ => return None,
            },
            Expr::Ident(id) => self.eval_ident(id)?,
            Expr::Array(elems, _) => {
                let mut v = Vec::new();
                for el in elems {
                    match el {
                        ArrayElem::Expr(x) => v.push(self.eval(x)?),
                        _ => return None,
                    }
                }
                ops::new_array(v)
            }
            Expr::Object(props, _) => {
                let o =
                    Value::Object(Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary));
                for p in props {
                    match p {
                        ObjProp::KeyValue(PropName::Str(k), v, _) => {
                            ops::set_str(&o, &String::from_utf16_lossy(k), self.eval(v)?).ok()?;
                        }
                        _ => return None,
                    }
                }
                o
            }
            Expr::Member { obj, prop, .. } => {
                let o = self.eval(obj)?;
                if !matches!(o, Value::Object(_)) {
                    return None;
                }
                match prop {
                    MemberProp::Name(n) => ops::get_str(&o, &String::from_utf16_lossy(n)).ok()?,
                    MemberProp::Computed(k) => {
                        let k = self.eval(k)?;
                        ops::get_str(&o, &ops::to_rust_string(&k).ok()?).ok()?
                    }
                    MemberProp::Private(_) => return None,
                }
            }
            Expr::Call { callee, args, .. } => {
                let path = member_path(callee)?;
                match path.as_str() {
                    "JSON.decode" | "JSON.parse" => {
                        let Some(Arg::Expr(x)) = args.first() else { return None };
                        let text = self.eval(x)?;
                        let global = Value::Object(realm::intrinsics().global.clone());
                        let json = ops::get_str(&global, "JSON").ok()?;
                        let parse = ops::get_str(&json, "parse").ok()?;
                        function::call(&parse, &json, &[text]).ok()?
                    }
                    "pipy.load" => {
                        let (rel, _) = literal_arg(args)?;
                        let bytes = std::fs::read(self.root.join(rel.trim_start_matches('/'))).ok()?;
                        Value::String(String::from_utf8_lossy(&bytes).as_ref().into())
                    }
                    _ => return None,
                }
            }
            _ => return None,
        })
    }
}

// ---- helpers ----

/// A module specifier that names a file (not a built-in module).
fn is_path(s: &str) -> bool {
    s.starts_with("./") || s.starts_with("../") || s.starts_with('/')
}

/// `a.b(…).c(…)`: the expression the chain starts from and its links in order.
fn flatten(e: &Expr) -> (&Expr, Vec<RawLink<'_>>) {
    let mut links = Vec::new();
    let mut cur = e;
    while let Expr::Call { callee, args, .. } = cur {
        let Expr::Member { obj, prop: MemberProp::Name(n), pos, .. } = &**callee else { break };
        links.push(RawLink { name: String::from_utf16_lossy(n), pos: *pos, args });
        cur = obj;
    }
    links.reverse();
    (cur, links)
}

fn is_global_ident(id: &Ident, name: &str) -> bool {
    &*id.name == name && id.binding.get() == Binding::Global
}

fn is_global(e: &Expr, name: &str) -> bool {
    matches!(e, Expr::Ident(id) if is_global_ident(id, name))
}

/// `a.b.c` of global names, as text.
fn member_path(e: &Expr) -> Option<String> {
    match e {
        Expr::Ident(id) if id.binding.get() == Binding::Global => Some(id.name.to_string()),
        Expr::Member { obj, prop: MemberProp::Name(n), .. } => {
            Some(format!("{}.{}", member_path(obj)?, String::from_utf16_lossy(n)))
        }
        _ => None,
    }
}

/// The first argument when it is a string literal, with its position.
fn literal_arg(args: &[Arg]) -> Option<(String, Pos)> {
    match args.first() {
        Some(Arg::Expr(Expr::Str(s, pos))) => Some((String::from_utf16_lossy(s), *pos)),
        _ => None,
    }
}

pub fn string_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_rust_string()),
        _ => None,
    }
}

fn is_string(v: &Value) -> bool {
    matches!(v, Value::String(_))
}

/// Where an expression starts, when the tree knows.
pub fn expr_pos(e: &Expr) -> Option<Pos> {
    match e {
        Expr::Str(_, p) | Expr::This(p) | Expr::Array(_, p) | Expr::Object(_, p) | Expr::NewTarget(p) => Some(*p),
        Expr::Regex { pos, .. } | Expr::TaggedTemplate { pos, .. } | Expr::Update { pos, .. } => Some(*pos),
        Expr::Assign { pos, .. } | Expr::Call { pos, .. } | Expr::New { pos, .. } => Some(*pos),
        Expr::Unary(_, _, p) => Some(*p),
        Expr::Ident(id) => Some(id.pos),
        Expr::Function(f) => Some(f.pos),
        Expr::Class(c) => Some(c.pos),
        Expr::Member { obj, .. } => expr_pos(obj),
        Expr::Binary(_, a, _, _) | Expr::Logical(_, a, _) | Expr::Cond(a, _, _) => expr_pos(a),
        Expr::OptChain(x) => expr_pos(x),
        Expr::Seq(xs) => xs.first().and_then(expr_pos),
        _ => None,
    }
}

/// Where a statement after a `return`/`throw`/`break`/`continue` starts, unless it is one that
/// is fine there (a hoisted function, an empty statement).
fn reachable_pos(s: &Stmt) -> Option<Pos> {
    match s {
        Stmt::Function(_) | Stmt::Empty => None,
        Stmt::Var(v) if v.kind == VarKind::Var && v.decls.iter().all(|(_, i)| i.is_none()) => None,
        Stmt::Var(v) => Some(v.pos),
        Stmt::Expr(e) => expr_pos(e),
        Stmt::Return(_, p) | Stmt::Throw(_, p) | Stmt::Break(_, p) | Stmt::Continue(_, p) => Some(*p),
        Stmt::If(t, _, _) | Stmt::While(t, _) => expr_pos(t),
        Stmt::Block(b) => b.body.iter().find_map(reachable_pos),
        _ => None,
    }
}

fn func_fact(f: &Function) -> FuncFact {
    let nothing = returns_nothing(f);
    FuncFact { pos: f.pos, may_return_nothing: nothing.is_some(), nothing_at: nothing.unwrap_or(f.pos) }
}

/// Where a function can end without a value: an empty `return`, `return undefined`, or falling
/// off the end of its body.
pub fn returns_nothing(f: &Function) -> Option<Pos> {
    if f.expression {
        return match f.body.first() {
            Some(Stmt::Return(Some(e), _)) => value_nothing(e),
            _ => None,
        };
    }
    empty_return(&f.body).or_else(|| if f.body.iter().any(always_exits) { None } else { Some(f.pos) })
}

/// An expression whose value is certainly `undefined` on some path.
fn value_nothing(e: &Expr) -> Option<Pos> {
    match e {
        Expr::Ident(id) if is_global_ident(id, "undefined") => Some(id.pos),
        Expr::Unary(UnaryOp::Void, _, p) => Some(*p),
        Expr::Cond(_, a, b) => value_nothing(a).or_else(|| value_nothing(b)),
        Expr::Seq(xs) => xs.last().and_then(value_nothing),
        _ => None,
    }
}

fn empty_return(stmts: &[Stmt]) -> Option<Pos> {
    stmts.iter().find_map(|s| match s {
        Stmt::Return(None, p) => Some(*p),
        Stmt::Return(Some(e), _) => value_nothing(e),
        Stmt::If(_, c, a) => empty_return(std::slice::from_ref(c))
            .or_else(|| a.as_deref().and_then(|a| empty_return(std::slice::from_ref(a)))),
        Stmt::Block(b) => empty_return(&b.body),
        Stmt::Try { block, handler, finalizer, .. } => empty_return(&block.body)
            .or_else(|| handler.as_ref().and_then(|h| empty_return(&h.body)))
            .or_else(|| finalizer.as_ref().and_then(|h| empty_return(&h.body))),
        Stmt::Switch { cases, .. } => cases.iter().find_map(|c| empty_return(&c.body)),
        Stmt::Labeled(_, s) => empty_return(std::slice::from_ref(s)),
        Stmt::For { body, .. } | Stmt::ForInOf { body, .. } | Stmt::While(_, body) | Stmt::DoWhile(body, _) => {
            empty_return(std::slice::from_ref(body))
        }
        _ => None,
    })
}

/// A statement after which control never continues to the next one.
fn always_exits(s: &Stmt) -> bool {
    match s {
        Stmt::Return(..) | Stmt::Throw(..) => true,
        Stmt::If(_, c, Some(a)) => always_exits(c) && always_exits(a),
        Stmt::Block(b) => b.body.iter().any(always_exits),
        Stmt::Labeled(_, s) => always_exits(s),
        Stmt::Try { block, handler, finalizer, .. } => {
            finalizer.as_ref().is_some_and(|f| f.body.iter().any(always_exits))
                || (block.body.iter().any(always_exits)
                    && handler.as_ref().is_none_or(|h| h.body.iter().any(always_exits)))
        }
        Stmt::Switch { cases, .. } => {
            cases.iter().any(|c| c.test.is_none())
                && cases.last().is_some_and(|c| c.body.iter().any(always_exits))
                && cases.iter().all(|c| c.body.is_empty() || c.body.iter().any(always_exits))
        }
        _ => false,
    }
}
