//! Lowering: syntax tree (+ resolution) → register IR, one `FuncIr` per function.
//!
//! Conventions: registers `0..params` hold the arguments on entry; variables live in registers
//! unless captured (then in cells); temporaries are allocated stack-wise above the locals and
//! released after each statement. `finally` blocks are inlined at every exit from their `try`.

use crate::ast::*;
use crate::ir::{self, BinOp, Capture, ConstId, FuncId, FuncIr, IcId, Inst, Label, Reg, Simple, UnOp};
use crate::resolve::{DeclId, DeclKind, Resolution};
use pipy_runtime::abi::method_kind;
use pipy_runtime::function::FuncKind as RtKind;
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// The IR of a whole script or module.
pub struct ModuleIr {
    pub functions: Vec<FuncIr>,
    pub consts: Vec<ir::Constant>,
    pub nics: u32,
    pub nsites: u32,
    /// Every regular-expression literal (pattern, flags, position), for early-error checks.
    pub regexps: Vec<(Vec<u16>, Vec<u16>, u32)>,
}

#[derive(Clone, Copy, Debug)]
enum Loc {
    Reg(Reg),
    Cell(u32),
}

/// Something an early exit (break/continue/return) must do on its way out.
enum Cleanup<'a> {
    /// Inline this `finally` block; `handler` is the exception target outside its `try`.
    Finally { block: &'a Block, handler: Option<Label> },
    /// Close this iterator (`for…of`).
    CloseIter(Reg),
    /// Restore this exception handler (leaving a try/catch without finally).
    Handler(Option<Label>),
}

struct JumpTarget {
    labels: Vec<Rc<str>>,
    break_label: Label,
    continue_label: Option<Label>,
    cleanup_depth: usize,
    /// A plain labelled statement: only `break label` may target it.
    labelled_only: bool,
}

struct FnState<'a> {
    index: u32,
    kind: FuncKind,
    strict: bool,
    insts: Vec<Inst>,
    next: u32,
    nregs: u32,
    ncells: u32,
    nlabels: u32,
    locs: FxHashMap<DeclId, Loc>,
    env: Vec<DeclId>,
    env_index: FxHashMap<DeclId, u32>,
    targets: Vec<JumpTarget>,
    cleanups: Vec<Cleanup<'a>>,
    handler: Option<Label>,
    last_pos: u32,
    /// Completion value of a script's top-level expression statements.
    completion: Option<Reg>,
    /// `arguments`/new.target materialised into registers at entry.
    special_regs: FxHashMap<DeclId, Reg>,
    uses_this: bool,
    /// Exits of the optional chains being lowered.
    chain_exits: Vec<Label>,
    /// While parameter `i`'s default is lowered: parameter declarations and their positions, so
    /// that a read of parameter `j >= i` is a temporal-dead-zone error.
    param_tdz: Option<(FxHashMap<DeclId, usize>, usize)>,
}

pub struct Lowerer<'a> {
    res: &'a Resolution,
    functions: Vec<Option<FuncIr>>,
    consts: Vec<ir::Constant>,
    const_map: FxHashMap<Vec<u16>, ConstId>,
    nics: u32,
    nsites: u32,
    fs: Vec<FnState<'a>>,
    pending_labels: Vec<Rc<str>>,
    /// The next `expr_into` evaluates an expression whose value nobody reads.
    discard_next: bool,
    /// Top-level declarations of the script are globals (REPL, test262).
    top_level_globals: bool,
    /// The script is an ES module: its top level returns its exports object.
    is_module: bool,
    /// Exports of the module, in order: exported name and where the value is.
    exports: Vec<(Rc<str>, ExportSource)>,
    regexps: Vec<(Vec<u16>, Vec<u16>, u32)>,
}

/// Where an export's value is read when the module finishes evaluating.
#[derive(Clone, Copy)]
enum ExportSource {
    Decl(DeclId),
    /// A hidden cell of the top-level function (default exports, re-exports).
    Cell(u32),
    /// `export * from`: every key of the module object in this cell.
    Star(u32),
}

/// Lowers a whole program whose top level is `script`.
pub fn lower<'a>(res: &'a Resolution, script: &'a Rc<Function>, top_level_globals: bool, is_module: bool) -> ModuleIr {
    let mut l = Lowerer {
        res,
        functions: Vec::new(),
        consts: Vec::new(),
        const_map: FxHashMap::default(),
        nics: 0,
        nsites: 0,
        fs: Vec::new(),
        pending_labels: Vec::new(),
        discard_next: false,
        top_level_globals,
        is_module,
        exports: Vec::new(),
        regexps: Vec::new(),
    };
    l.function(script);
    ModuleIr {
        functions: l.functions.into_iter().map(|f| f.expect("every reserved function slot is filled")).collect(),
        consts: l.consts,
        nics: l.nics,
        nsites: l.nsites,
        regexps: l.regexps,
    }
}

fn rt_kind(k: FuncKind) -> RtKind {
    match k {
        FuncKind::Normal => RtKind::Normal,
        FuncKind::Arrow => RtKind::Arrow,
        FuncKind::Method | FuncKind::FieldInit => RtKind::Method,
        FuncKind::Getter => RtKind::Getter,
        FuncKind::Setter => RtKind::Setter,
        FuncKind::ClassConstructor => RtKind::ClassConstructor,
        FuncKind::DerivedConstructor => RtKind::DerivedConstructor,
        FuncKind::Script => RtKind::Script,
    }
}

fn has_assign(e: &Expr) -> bool {
    match e {
        Expr::Assign { .. } | Expr::Update { .. } => true,
        Expr::Num(_) | Expr::Str(_) | Expr::Bool(_) | Expr::Null | Expr::Ident(_) | Expr::This(_) => false,
        Expr::Regex { .. } | Expr::NewTarget(_) | Expr::Function(_) => false,
        Expr::Unary(_, x, _) | Expr::OptChain(x) => has_assign(x),
        Expr::Binary(_, a, b, _) | Expr::Logical(_, a, b) => has_assign(a) || has_assign(b),
        Expr::Member { obj, prop, .. } => has_assign(obj) || matches!(prop, MemberProp::Computed(k) if has_assign(k)),
        Expr::Cond(a, b, c) => has_assign(a) || has_assign(b) || has_assign(c),
        Expr::Template { exprs, .. } => exprs.iter().any(has_assign),
        Expr::Seq(xs) => xs.iter().any(has_assign),
        _ => true,
    }
}

impl<'a> Lowerer<'a> {
    fn f(&mut self) -> &mut FnState<'a> {
        self.fs.last_mut().expect("lowering always runs inside a function")
    }
    fn emit(&mut self, i: Inst) {
        self.f().insts.push(i);
    }
    fn label(&mut self) -> Label {
        let f = self.f();
        f.nlabels += 1;
        Label(f.nlabels - 1)
    }
    fn place(&mut self, l: Label) {
        self.emit(Inst::Label(l));
    }
    fn alloc(&mut self) -> Reg {
        self.alloc_n(1)
    }
    fn alloc_n(&mut self, n: u32) -> Reg {
        let f = self.f();
        let r = Reg(f.next);
        f.next += n;
        f.nregs = f.nregs.max(f.next);
        r
    }
    fn mark(&mut self) -> u32 {
        self.f().next
    }
    fn reset(&mut self, m: u32) {
        self.f().next = m;
    }
    fn new_cell(&mut self) -> u32 {
        let f = self.f();
        f.ncells += 1;
        f.ncells - 1
    }
    fn konst_units(&mut self, s: &[u16]) -> ConstId {
        if let Some(&c) = self.const_map.get(s) {
            return c;
        }
        let c = ConstId(self.consts.len() as u32);
        self.consts.push(ir::Constant::Str(s.to_vec()));
        self.const_map.insert(s.to_vec(), c);
        c
    }
    fn konst(&mut self, s: &str) -> ConstId {
        let u: Vec<u16> = s.encode_utf16().collect();
        self.konst_units(&u)
    }
    fn ic(&mut self) -> IcId {
        self.nics += 1;
        IcId(self.nics - 1)
    }
    fn pos(&mut self, p: Pos) {
        let f = self.f();
        if f.last_pos != p {
            f.last_pos = p;
            f.insts.push(Inst::Pos(p));
        }
    }
    fn simple(&mut self, dst: Reg, v: Simple) {
        self.emit(Inst::Simple { dst, value: v });
    }
    fn undef(&mut self) -> Reg {
        let r = self.alloc();
        self.simple(r, Simple::Undefined);
        r
    }
    fn set_handler(&mut self, h: Option<Label>) {
        self.f().handler = h;
        self.emit(Inst::Handler(h));
    }

    // ----- functions -----

    /// Lowers `func` into its own `FuncIr`; returns its id and the declarations its closure captures.
    fn function(&mut self, func: &'a Rc<Function>) -> (FuncId, Vec<DeclId>) {
        let id = FuncId(self.functions.len() as u32);
        self.functions.push(None);
        let index = self.res.func_of(func);
        let nparams = func.params.len() as u32;
        self.fs.push(FnState {
            index,
            kind: func.kind,
            strict: func.strict,
            insts: Vec::new(),
            next: nparams,
            nregs: nparams,
            ncells: 0,
            nlabels: 0,
            locs: FxHashMap::default(),
            env: Vec::new(),
            env_index: FxHashMap::default(),
            targets: Vec::new(),
            cleanups: Vec::new(),
            handler: None,
            last_pos: u32::MAX,
            completion: None,
            special_regs: FxHashMap::default(),
            uses_this: false,
            chain_exits: Vec::new(),
            param_tdz: None,
        });
        self.pos(func.pos);
        if func.kind == FuncKind::Script {
            let r = self.alloc();
            self.f().completion = Some(r);
        }
        self.prologue(func);
        if func.kind == FuncKind::FieldInit {
            self.field_initialisers(func);
        }
        self.enter_scope(func.body_scope.get(), &func.body);
        if self.declares_globals() {
            let mut vars = Vec::new();
            crate::resolve::hoisted_vars(&func.body, &mut vars);
            for st in &func.body {
                match st {
                    Stmt::Var(v) if v.kind != VarKind::Var => {
                        for (p, _) in &v.decls {
                            crate::resolve::pattern_names(p, &mut vars);
                        }
                    }
                    Stmt::Class(c) => vars.extend(c.name.iter().map(|n| (n.name.clone(), n.pos))),
                    _ => {}
                }
            }
            for (n, _) in vars {
                let c = self.konst(&n);
                self.emit(Inst::DeclareGlobal { name: c, src: None });
            }
        }
        if func.kind == FuncKind::Script {
            self.imports(func);
        }
        self.hoist_body_functions(func);
        for s in &func.body {
            self.stmt(s);
        }
        let r = if func.kind == FuncKind::Script && self.is_module {
            self.exports_object()
        } else {
            match self.f().completion {
                Some(c) => c,
                None => self.undef(),
            }
        };
        self.emit_return(r);
        let st = self.fs.pop().expect("pushed above");
        let length = func.params.iter().take_while(|p| !matches!(p, Pattern::Default(..))).count() as u32;
        let name = match (&func.name, &*func.inferred_name.borrow()) {
            (Some(n), _) => n.name.to_string(),
            (None, Some(n)) => n.to_string(),
            _ => String::new(),
        };
        let fir = FuncIr {
            name,
            insts: st.insts,
            nregs: st.nregs.max(1),
            ncells: st.ncells,
            nlabels: st.nlabels,
            param_regs: nparams,
            length,
            kind: rt_kind(func.kind),
            strict: func.strict,
            uses_this: st.uses_this,
            pos: func.pos,
            nenv: st.env.len() as u32,
        };
        self.functions[id.0 as usize] = Some(fir);
        (id, st.env)
    }

    /// `dst = closure of func`.
    fn closure(&mut self, func: &'a Rc<Function>, dst: Reg) {
        let (id, env) = self.function(func);
        let captures = env.iter().map(|&d| self.capture_of(d)).collect();
        self.emit(Inst::Closure { dst, func: id, captures });
    }

    fn capture_of(&mut self, d: DeclId) -> Capture {
        let owner = self.res.decls[d as usize].func;
        if owner == self.f().index {
            match self.loc(d) {
                Loc::Cell(c) => Capture::Cell(c),
                // A captured declaration always lives in a cell; fall back to a fresh one.
                Loc::Reg(_) => {
                    let c = self.new_cell();
                    self.f().locs.insert(d, Loc::Cell(c));
                    Capture::Cell(c)
                }
            }
        } else {
            Capture::Env(self.env_index(d))
        }
    }

    fn env_index(&mut self, d: DeclId) -> u32 {
        let f = self.f();
        if let Some(&i) = f.env_index.get(&d) {
            return i;
        }
        let i = f.env.len() as u32;
        f.env.push(d);
        f.env_index.insert(d, i);
        i
    }

    /// The location of an own declaration, allocating it if its scope has not done so.
    fn loc(&mut self, d: DeclId) -> Loc {
        if let Some(&l) = self.f().locs.get(&d) {
            return l;
        }
        self.alloc_decl(d)
    }

    fn alloc_decl(&mut self, d: DeclId) -> Loc {
        let captured = self.res.decls[d as usize].captured;
        let loc = if captured {
            Loc::Cell(self.new_cell())
        } else {
            // Locals must survive statement-level temporary resets: take a register at the top.
            let r = self.alloc();
            Loc::Reg(r)
        };
        self.f().locs.insert(d, loc);
        loc
    }

    fn prologue(&mut self, func: &'a Rc<Function>) {
        let scope = func.scope.get();
        let decls: Vec<DeclId> = self.res.scopes[scope as usize].decls.clone();
        // Simple identifier parameters keep their argument register unless captured.
        for (i, p) in func.params.iter().enumerate() {
            let id = match p {
                Pattern::Ident(id) => Some(id),
                Pattern::Default(inner, _) => match &**inner {
                    Pattern::Ident(id) => Some(id),
                    _ => None,
                },
                _ => None,
            };
            if let Some(id) = id {
                if let Binding::Decl(d) = id.binding.get() {
                    if !self.res.decls[d as usize].captured {
                        self.f().locs.insert(d, Loc::Reg(Reg(i as u32)));
                    }
                }
            }
        }
        for &d in &decls {
            let info = &self.res.decls[d as usize];
            if self.f().locs.contains_key(&d) {
                continue;
            }
            match info.kind {
                DeclKind::This | DeclKind::Arguments | DeclKind::NewTarget | DeclKind::Home => {
                    if !info.used {
                        continue;
                    }
                    let which = info.kind;
                    let captured = info.captured;
                    if captured {
                        let c = self.new_cell();
                        self.f().locs.insert(d, Loc::Cell(c));
                        let derived = func.kind == FuncKind::DerivedConstructor;
                        if which == DeclKind::This && derived {
                            continue; // bound by super()
                        }
                        let t = self.alloc();
                        self.load_special(which, t);
                        self.emit(Inst::StoreCell { cell: c, src: t });
                        self.reset(t.0);
                    } else if matches!(which, DeclKind::Arguments | DeclKind::NewTarget) {
                        let r = self.alloc();
                        self.load_special(which, r);
                        self.f().special_regs.insert(d, r);
                        self.f().locs.insert(d, Loc::Reg(r));
                    }
                }
                DeclKind::Var | DeclKind::Param | DeclKind::Function | DeclKind::FunctionSelf => {
                    let loc = self.alloc_decl(d);
                    if let Loc::Cell(c) = loc {
                        if info.kind == DeclKind::Var || info.kind == DeclKind::Param {
                            let t = self.undef();
                            self.emit(Inst::StoreCell { cell: c, src: t });
                            self.reset(t.0);
                        }
                    }
                    if info.kind == DeclKind::FunctionSelf {
                        let t = self.alloc();
                        self.emit(Inst::LoadSpecial { dst: t, which: 2, start: 0 });
                        self.store_decl(d, t, true);
                        self.reset(t.0);
                    }
                }
                _ => {
                    self.alloc_decl(d);
                }
            }
        }
        // Parameters: defaults, destructuring, captured simple ones into their cells.
        let mut param_index = FxHashMap::default();
        for (i, p) in func.params.iter().enumerate() {
            let mut names = Vec::new();
            crate::resolve::pattern_names(p, &mut names);
            for (n, _) in names {
                if let Some(&d) =
                    self.res.scopes[scope as usize].decls.iter().find(|&&d| self.res.decls[d as usize].name == n)
                {
                    param_index.insert(d, i);
                }
            }
        }
        for (i, p) in func.params.iter().enumerate() {
            let arg = Reg(i as u32);
            self.f().param_tdz = Some((param_index.clone(), i));
            self.bind_param(p, arg);
        }
        self.f().param_tdz = None;
        if let Some(rest) = &func.rest {
            let m = self.mark();
            let r = self.alloc();
            self.emit(Inst::LoadSpecial { dst: r, which: 3, start: func.params.len() as u32 });
            self.bind_pattern(rest, r, BindMode::Init);
            self.reset(m);
        }
    }

    /// Creates the function declarations of a function body (after its lexical scope exists, so
    /// the closures capture the right cells).
    fn hoist_body_functions(&mut self, func: &'a Rc<Function>) {
        for s in &func.body {
            let s = match s {
                Stmt::Export(ExportDecl::Decl(d)) => &**d,
                other => other,
            };
            if let Stmt::Function(f) = s {
                self.hoist_function(f);
            }
        }
    }

    fn hoist_function(&mut self, f: &'a Rc<Function>) {
        let Some(name) = &f.name else { return };
        let m = self.mark();
        let t = self.alloc();
        self.closure(f, t);
        if self.declares_globals() && !matches!(name.binding.get(), Binding::Decl(_)) {
            let c = self.konst(&name.name);
            self.emit(Inst::DeclareGlobal { name: c, src: Some(t) });
        } else {
            self.store_ident(name, t, true);
        }
        self.reset(m);
    }

    /// Binds every `import` of the module before its body runs.
    fn imports(&mut self, func: &'a Rc<Function>) {
        for s in &func.body {
            let Stmt::Import(decl) = s else { continue };
            let m = self.mark();
            self.pos(decl.pos);
            let ns = self.alloc();
            let spec = self.konst(&decl.source);
            self.emit(Inst::Import { dst: ns, spec });
            for spec in &decl.specifiers {
                let (local, imported): (&Ident, Option<&str>) = match spec {
                    ImportSpec::Default(i) => (i, Some("default")),
                    ImportSpec::Namespace(i) => (i, None),
                    ImportSpec::Named { imported, local } => (local, Some(imported)),
                };
                let v = self.alloc();
                match imported {
                    Some(name) => {
                        let key = self.konst(name);
                        let ic = self.ic();
                        self.emit(Inst::GetProp { dst: v, obj: ns, key, ic });
                    }
                    None => self.emit(Inst::Move { dst: v, src: ns }),
                }
                if let Binding::Decl(d) = local.binding.get() {
                    self.store_decl(d, v, true);
                }
            }
            self.reset(m);
        }
    }

    /// Lowers an `export` statement: runs its declaration and records what it exports.
    fn export(&mut self, e: &'a ExportDecl) {
        match e {
            ExportDecl::Decl(d) => {
                self.stmt_inner(d);
                let mut names: Vec<&Ident> = Vec::new();
                match &**d {
                    Stmt::Var(v) => {
                        for (p, _) in &v.decls {
                            pattern_idents(p, &mut names);
                        }
                    }
                    Stmt::Function(f) => names.extend(f.name.iter()),
                    Stmt::Class(c) => names.extend(c.name.iter()),
                    _ => {}
                }
                for id in names {
                    if let Binding::Decl(d) = id.binding.get() {
                        self.exports.push((id.name.clone(), ExportSource::Decl(d)));
                    }
                }
            }
            ExportDecl::Default(e) => {
                let r = self.alloc();
                self.expr_into(e, r);
                let c = self.new_cell();
                self.emit(Inst::StoreCell { cell: c, src: r });
                self.exports.push(("default".into(), ExportSource::Cell(c)));
            }
            ExportDecl::Named { specifiers, source: None } => {
                for (id, exported) in specifiers {
                    match id.binding.get() {
                        Binding::Decl(d) => self.exports.push((exported.clone(), ExportSource::Decl(d))),
                        _ => {
                            let r = self.alloc();
                            self.load_ident(id, r, false);
                            let c = self.new_cell();
                            self.emit(Inst::StoreCell { cell: c, src: r });
                            self.exports.push((exported.clone(), ExportSource::Cell(c)));
                        }
                    }
                }
            }
            ExportDecl::Named { specifiers, source: Some(src) } => {
                let ns = self.alloc();
                let spec = self.konst(src);
                self.emit(Inst::Import { dst: ns, spec });
                for (id, exported) in specifiers {
                    let v = self.alloc();
                    let key = self.konst(&id.name);
                    let ic = self.ic();
                    self.emit(Inst::GetProp { dst: v, obj: ns, key, ic });
                    let c = self.new_cell();
                    self.emit(Inst::StoreCell { cell: c, src: v });
                    self.exports.push((exported.clone(), ExportSource::Cell(c)));
                }
            }
            ExportDecl::All { source, alias } => {
                let ns = self.alloc();
                let spec = self.konst(source);
                self.emit(Inst::Import { dst: ns, spec });
                let c = self.new_cell();
                self.emit(Inst::StoreCell { cell: c, src: ns });
                match alias {
                    Some(a) => self.exports.push((a.clone(), ExportSource::Cell(c))),
                    None => self.exports.push(("*".into(), ExportSource::Star(c))),
                }
            }
        }
    }

    /// Builds the exports object at the end of a module's top level.
    fn exports_object(&mut self) -> Reg {
        let obj = self.alloc();
        self.emit(Inst::NewObject { dst: obj });
        let exports = std::mem::take(&mut self.exports);
        for (name, source) in exports {
            let m = self.mark();
            let v = self.alloc();
            match source {
                ExportSource::Decl(d) => self.load_decl(d, v, None),
                ExportSource::Cell(c) => self.emit(Inst::LoadCell { dst: v, cell: c, check: None }),
                ExportSource::Star(c) => {
                    self.emit(Inst::LoadCell { dst: v, cell: c, check: None });
                    self.emit(Inst::ObjectSpread { obj, src: v });
                    self.reset(m);
                    continue;
                }
            }
            let k = self.alloc();
            let kc = self.konst(&name);
            self.emit(Inst::Const { dst: k, c: kc });
            self.emit(Inst::DefineMethod { obj, key: k, func: v, kind: method_kind::FIELD });
            self.reset(m);
        }
        obj
    }

    /// The current function is a script top level whose declarations are globals.
    fn declares_globals(&mut self) -> bool {
        self.top_level_globals && self.fs.len() == 1 && self.f().kind == FuncKind::Script
    }

    fn bind_param(&mut self, p: &'a Pattern, arg: Reg) {
        let m = self.mark();
        match p {
            Pattern::Ident(id) => {
                if let Binding::Decl(d) = id.binding.get() {
                    if let Loc::Cell(c) = self.loc(d) {
                        self.emit(Inst::StoreCell { cell: c, src: arg });
                    }
                }
            }
            Pattern::Default(inner, default) => {
                let done = self.label();
                let fill = self.label();
                let t = self.alloc();
                self.simple(t, Simple::Undefined);
                let c = self.alloc();
                self.emit(Inst::Binary { op: BinOp::StrictEq, dst: c, a: arg, b: t });
                self.emit(Inst::Branch { cond: c, if_true: fill, if_false: done });
                self.place(fill);
                self.expr_into(default, arg);
                self.place(done);
                self.reset(m);
                self.bind_param(inner, arg);
            }
            other => self.bind_pattern(other, arg, BindMode::Init),
        }
        self.reset(m);
    }

    fn load_special(&mut self, kind: DeclKind, dst: Reg) {
        match kind {
            DeclKind::This => {
                self.f().uses_this = true;
                self.emit(Inst::LoadThis { dst })
            }
            DeclKind::Arguments => self.emit(Inst::LoadSpecial { dst, which: 0, start: 0 }),
            DeclKind::NewTarget => self.emit(Inst::LoadSpecial { dst, which: 1, start: 0 }),
            _ => self.emit(Inst::LoadHome { dst }),
        }
    }

    /// The special declaration (this/arguments/…) seen from the current function.
    fn special(&self, which: fn(&crate::resolve::Specials) -> DeclId) -> Option<DeclId> {
        for f in self.fs.iter().rev() {
            if f.kind != FuncKind::Arrow {
                return self.res.specials.get(&f.index).map(which);
            }
        }
        None
    }

    fn load_special_expr(&mut self, which: fn(&crate::resolve::Specials) -> DeclId, kind: DeclKind, dst: Reg) {
        let cur_arrow = self.f().kind == FuncKind::Arrow;
        match self.special(which) {
            Some(d) => {
                let info = &self.res.decls[d as usize];
                if info.captured {
                    let check = if kind == DeclKind::This { Some(self.konst("this")) } else { None };
                    if info.func == self.f().index {
                        let Loc::Cell(c) = self.loc(d) else { return self.load_special(kind, dst) };
                        if kind == DeclKind::This && !cur_arrow {
                            // A function's own `this`: read it directly (derived constructors
                            // update it through super()).
                            return self.load_special(kind, dst);
                        }
                        self.emit(Inst::LoadCell { dst, cell: c, check });
                    } else {
                        let i = self.env_index(d);
                        self.emit(Inst::LoadEnv { dst, index: i, check });
                    }
                } else if let Some(&r) = self.f().special_regs.get(&d) {
                    self.emit(Inst::Move { dst, src: r });
                } else {
                    self.load_special(kind, dst)
                }
            }
            None => self.load_special(kind, dst),
        }
    }

    fn field_initialisers(&mut self, func: &'a Rc<Function>) {
        for field in &func.fields {
            let m = self.mark();
            self.pos(field.pos);
            let this = self.alloc();
            self.load_special_expr(|s| s.this, DeclKind::This, this);
            let key = self.alloc();
            let private = matches!(field.key, PropName::Private(_));
            self.prop_key(&field.key, key);
            let v = self.alloc();
            match &field.value {
                Some(e) => self.expr_into(e, v),
                None => self.simple(v, Simple::Undefined),
            }
            if private {
                self.emit(Inst::DefinePrivate { obj: this, key, src: v });
            } else {
                self.emit(Inst::DefineMethod { obj: this, key, func: v, kind: method_kind::FIELD });
            }
            self.reset(m);
        }
    }

    fn emit_return(&mut self, r: Reg) {
        if matches!(self.f().kind, FuncKind::DerivedConstructor) {
            self.emit(Inst::SetResult { src: r });
            self.emit(Inst::CtorResult);
            self.emit(Inst::ReturnSet);
        } else {
            self.emit(Inst::Return { src: r });
        }
    }

    // ----- scopes and variables -----

    /// Allocates a block scope's declarations: TDZ holes for let/const/class, hoisted functions.
    fn enter_scope(&mut self, scope: u32, body: &'a [Stmt]) {
        let decls: Vec<DeclId> = match self.res.scopes.get(scope as usize) {
            Some(s) => s.decls.clone(),
            None => return,
        };
        for d in decls {
            let kind = self.res.decls[d as usize].kind;
            // A scope lowered twice (an inlined `finally`) gets fresh registers each time.
            let loc = match self.f().locs.get(&d) {
                Some(&Loc::Cell(c)) => Loc::Cell(c),
                _ => self.alloc_decl(d),
            };
            if kind.has_tdz() {
                match loc {
                    Loc::Reg(r) => self.simple(r, Simple::Hole),
                    Loc::Cell(c) => self.emit(Inst::FreshCell { cell: c, copy: false }),
                }
            } else if let Loc::Cell(c) = loc {
                if kind == DeclKind::Function || kind == DeclKind::CatchParam {
                    self.emit(Inst::FreshCell { cell: c, copy: false });
                }
            }
        }
        for s in body {
            if let Stmt::Function(f) = s {
                // Block-level function declarations are hoisted to the block's start.
                if let Some(n) = &f.name {
                    if let Binding::Decl(d) = n.binding.get() {
                        if self.res.decls[d as usize].scope == scope {
                            self.hoist_function(f);
                        }
                    }
                }
            }
        }
    }

    fn tdz_check_needed(&self, d: DeclId, at: Pos) -> bool {
        let info = &self.res.decls[d as usize];
        if !info.kind.has_tdz() {
            return false;
        }
        !(info.init_end != 0
            && at >= info.init_end
            && !info.in_switch
            && info.func == self.fs.last().map(|f| f.index).unwrap_or(u32::MAX))
    }

    fn load_ident(&mut self, id: &'a Ident, dst: Reg, typeof_mode: bool) {
        match id.binding.get() {
            Binding::Decl(d) => self.load_decl(d, dst, Some(id.pos)),
            Binding::Unresolved if &*id.name == "arguments" => {
                self.load_special_expr(|s| s.arguments, DeclKind::Arguments, dst)
            }
            _ => {
                if &*id.name == "undefined" {
                    return self.simple(dst, Simple::Undefined);
                }
                let name = self.konst(&id.name);
                let ic = self.ic();
                self.emit(Inst::GetGlobal { dst, name, ic, typeof_mode });
            }
        }
    }

    fn load_decl(&mut self, d: DeclId, dst: Reg, at: Option<Pos>) {
        if let Some((map, current)) = &self.f().param_tdz {
            if map.get(&d).is_some_and(|&j| j >= *current) {
                let c = self.konst(&self.res.decls[d as usize].name.clone());
                self.emit(Inst::ThrowTdz { name: c });
                let after = self.label();
                self.place(after);
                return;
            }
        }
        let info = &self.res.decls[d as usize];
        let check_needed = at.map(|p| self.tdz_check_needed(d, p)).unwrap_or(info.kind.has_tdz());
        let name = info.name.clone();
        if info.func == self.f().index {
            match self.loc(d) {
                Loc::Reg(r) => {
                    if check_needed {
                        let c = self.konst(&name);
                        self.emit(Inst::CheckTdz { src: r, name: c });
                    }
                    if r != dst {
                        self.emit(Inst::Move { dst, src: r });
                    }
                }
                Loc::Cell(c) => {
                    let check = if check_needed { Some(self.konst(&name)) } else { None };
                    self.emit(Inst::LoadCell { dst, cell: c, check });
                }
            }
        } else {
            let check = if info.kind.has_tdz() { Some(self.konst(&name)) } else { None };
            let i = self.env_index(d);
            self.emit(Inst::LoadEnv { dst, index: i, check });
        }
    }

    /// The register of a local that can be read in place (no copy), if `id` is one.
    fn local_reg(&mut self, id: &'a Ident) -> Option<Reg> {
        let Binding::Decl(d) = id.binding.get() else { return None };
        let info = &self.res.decls[d as usize];
        if info.func != self.f().index || info.captured || self.tdz_check_needed(d, id.pos) {
            return None;
        }
        match self.loc(d) {
            Loc::Reg(r) => Some(r),
            Loc::Cell(_) => None,
        }
    }

    fn store_ident(&mut self, id: &'a Ident, src: Reg, init: bool) {
        match id.binding.get() {
            Binding::Decl(d) => {
                let info = &self.res.decls[d as usize];
                if !init && (info.kind.is_const() || info.kind == DeclKind::FunctionSelf) {
                    if info.kind == DeclKind::FunctionSelf {
                        if self.f().strict {
                            let c = self.konst(&id.name);
                            self.emit(Inst::ThrowConst { name: c });
                            let after = self.label();
                            self.place(after);
                        }
                        return;
                    }
                    // Reading first keeps the TDZ error for `x = 1` before `const x`.
                    let t = self.alloc();
                    self.load_decl(d, t, Some(id.pos));
                    let c = self.konst(&id.name);
                    self.emit(Inst::ThrowConst { name: c });
                    let after = self.label();
                    self.place(after);
                    return;
                }
                if !init && info.kind.has_tdz() && self.tdz_check_needed(d, id.pos) {
                    let t = self.alloc();
                    self.load_decl(d, t, Some(id.pos));
                }
                self.store_decl(d, src, init);
            }
            _ => {
                let name = self.konst(&id.name);
                self.emit(Inst::SetGlobal { name, src });
            }
        }
    }

    fn store_decl(&mut self, d: DeclId, src: Reg, _init: bool) {
        let info = &self.res.decls[d as usize];
        if info.func == self.f().index {
            match self.loc(d) {
                Loc::Reg(r) => {
                    if r != src {
                        self.emit(Inst::Move { dst: r, src })
                    }
                }
                Loc::Cell(c) => self.emit(Inst::StoreCell { cell: c, src }),
            }
        } else {
            let i = self.env_index(d);
            self.emit(Inst::StoreEnv { index: i, src });
        }
    }

    // ----- statements -----

    fn stmts(&mut self, body: &'a [Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn block(&mut self, b: &'a Block) {
        self.enter_scope(b.scope.get(), &b.body);
        self.stmts(&b.body);
    }

    fn stmt(&mut self, s: &'a Stmt) {
        let m = self.mark();
        self.stmt_inner(s);
        self.reset(m);
    }

    fn stmt_inner(&mut self, s: &'a Stmt) {
        match s {
            Stmt::Expr(e) => {
                let is_top = self.fs.len() == 1 && self.f().completion.is_some() && self.f().targets.is_empty();
                if is_top {
                    let c = self.f().completion.unwrap_or(Reg(0));
                    self.expr_into(e, c);
                } else {
                    self.expr_discard(e);
                }
            }
            Stmt::Var(v) => self.var_decl(v),
            Stmt::Function(_) => {} // hoisted
            Stmt::Class(c) => {
                let r = self.alloc();
                self.class(c, r);
                if let Some(n) = &c.name {
                    self.store_ident(n, r, true);
                }
            }
            Stmt::Return(e, pos) => {
                self.pos(*pos);
                let r = self.alloc();
                match e {
                    Some(e) => self.expr_into(e, r),
                    None => self.simple(r, Simple::Undefined),
                }
                self.exit_cleanups(0);
                self.emit_return(r);
                let after = self.label();
                self.place(after);
            }
            Stmt::If(test, cons, alt) => {
                let t = self.label();
                let f = self.label();
                let end = self.label();
                self.cond(test, t, f);
                self.place(t);
                self.stmt(cons);
                self.emit(Inst::Jump(end));
                self.place(f);
                if let Some(a) = alt {
                    self.stmt(a);
                }
                self.emit(Inst::Jump(end));
                self.place(end);
            }
            Stmt::Block(b) => self.block(b),
            Stmt::For { init, test, update, body, scope } => self.for_loop(init, test, update, body, scope.get()),
            Stmt::ForInOf { of, left, right, body, pos, scope } => {
                self.for_in_of(*of, left, right, body, *pos, scope.get())
            }
            Stmt::While(test, body) => {
                let head = self.label();
                let b = self.label();
                let end = self.label();
                self.emit(Inst::Jump(head));
                self.place(head);
                self.cond(test, b, end);
                self.place(b);
                self.loop_body(body, end, Some(head));
                self.emit(Inst::Jump(head));
                self.place(end);
            }
            Stmt::DoWhile(body, test) => {
                let head = self.label();
                let cont = self.label();
                let end = self.label();
                self.emit(Inst::Jump(head));
                self.place(head);
                self.loop_body(body, end, Some(cont));
                self.emit(Inst::Jump(cont));
                self.place(cont);
                self.cond(test, head, end);
                self.place(end);
            }
            Stmt::Break(label, pos) => {
                self.pos(*pos);
                let target = self.find_target(label.as_deref(), false);
                if let Some((l, depth)) = target {
                    self.exit_cleanups(depth);
                    self.emit(Inst::Jump(l));
                    let after = self.label();
                    self.place(after);
                }
            }
            Stmt::Continue(label, pos) => {
                self.pos(*pos);
                let target = self.find_target(label.as_deref(), true);
                if let Some((l, depth)) = target {
                    self.exit_cleanups(depth);
                    self.emit(Inst::Jump(l));
                    let after = self.label();
                    self.place(after);
                }
            }
            Stmt::Throw(e, pos) => {
                let r = self.alloc();
                self.expr_into(e, r);
                self.pos(*pos);
                self.emit(Inst::Throw { src: r });
                let after = self.label();
                self.place(after);
            }
            Stmt::Try { block, param, handler, finalizer, catch_scope } => {
                self.try_stmt(block, param.as_ref(), handler.as_ref(), finalizer.as_ref(), catch_scope.get())
            }
            Stmt::Switch { discriminant, cases, scope } => self.switch(discriminant, cases, scope.get()),
            Stmt::Labeled(name, body) => {
                let is_loop =
                    matches!(**body, Stmt::For { .. } | Stmt::ForInOf { .. } | Stmt::While(..) | Stmt::DoWhile(..));
                if is_loop {
                    self.pending_labels.push(name.clone());
                    self.stmt(body);
                } else {
                    let end = self.label();
                    let depth = self.f().cleanups.len();
                    self.f().targets.push(JumpTarget {
                        labels: vec![name.clone()],
                        break_label: end,
                        continue_label: None,
                        cleanup_depth: depth,
                        labelled_only: true,
                    });
                    self.stmt(body);
                    self.f().targets.pop();
                    self.emit(Inst::Jump(end));
                    self.place(end);
                }
            }
            Stmt::Empty => {}
            Stmt::Import(_) => {}
            Stmt::Export(e) => self.export(e),
        }
    }

    fn find_target(&mut self, label: Option<&str>, is_continue: bool) -> Option<(Label, usize)> {
        for t in self.f().targets.iter().rev() {
            let matches = match label {
                Some(l) => t.labels.iter().any(|x| &**x == l),
                None => !t.labelled_only && (!is_continue || t.continue_label.is_some()),
            };
            if matches {
                let l = if is_continue { t.continue_label? } else { t.break_label };
                return Some((l, t.cleanup_depth));
            }
        }
        None
    }

    /// Runs the cleanups (finally blocks, iterator closes) above `depth` for an early exit.
    fn exit_cleanups(&mut self, depth: usize) {
        let n = self.f().cleanups.len();
        if depth >= n {
            return;
        }
        let saved_handler = self.f().handler;
        for i in (depth..n).rev() {
            let rest: Vec<Cleanup> = self.f().cleanups.drain(i..).collect();
            match &rest[0] {
                Cleanup::Finally { block, handler } => {
                    self.set_handler(*handler);
                    let b: &'a Block = block;
                    self.block(b);
                }
                Cleanup::CloseIter(r) => self.emit(Inst::IterClose { iter: *r, keep_pending: false }),
                Cleanup::Handler(h) => self.set_handler(*h),
            }
            self.f().cleanups.extend(rest);
        }
        self.set_handler(saved_handler);
    }

    fn loop_body(&mut self, body: &'a Stmt, brk: Label, cont: Option<Label>) {
        let labels = std::mem::take(&mut self.pending_labels);
        let depth = self.f().cleanups.len();
        self.f().targets.push(JumpTarget {
            labels,
            break_label: brk,
            continue_label: cont,
            cleanup_depth: depth,
            labelled_only: false,
        });
        self.stmt(body);
        self.f().targets.pop();
    }

    fn var_decl(&mut self, v: &'a VarDecl) {
        self.pos(v.pos);
        for (pat, init) in &v.decls {
            let m = self.mark();
            match init {
                Some(e) => {
                    if let Pattern::Ident(id) = pat {
                        if let Some(r) = self.own_reg(id) {
                            self.expr_into(e, r);
                            self.reset(m);
                            continue;
                        }
                    }
                    let r = self.alloc();
                    self.expr_into(e, r);
                    self.bind_pattern(pat, r, BindMode::Init);
                }
                None => {
                    if v.kind != VarKind::Var {
                        let r = self.undef();
                        self.bind_pattern(pat, r, BindMode::Init);
                    }
                }
            }
            self.reset(m);
        }
    }

    /// The register of an own, uncaptured declaration (to initialise it in place).
    fn own_reg(&mut self, id: &'a Ident) -> Option<Reg> {
        let Binding::Decl(d) = id.binding.get() else { return None };
        let info = &self.res.decls[d as usize];
        if info.func != self.f().index || info.captured {
            return None;
        }
        match self.loc(d) {
            Loc::Reg(r) => Some(r),
            Loc::Cell(_) => None,
        }
    }

    fn for_loop(
        &mut self,
        init: &'a Option<ForInit>,
        test: &'a Option<Expr>,
        update: &'a Option<Expr>,
        body: &'a Stmt,
        scope: u32,
    ) {
        self.enter_scope(scope, &[]);
        match init {
            Some(ForInit::Var(v)) => self.var_decl(v),
            Some(ForInit::Expr(e)) => {
                let m = self.mark();
                self.expr_discard(e);
                self.reset(m);
            }
            None => {}
        }
        // Captured let bindings get a fresh cell per iteration, copied from the previous one.
        let per_iter: Vec<u32> = self.res.scopes[scope as usize]
            .decls
            .iter()
            .filter_map(|&d| match self.f().locs.get(&d) {
                Some(Loc::Cell(c)) => Some(*c),
                _ => None,
            })
            .collect();
        let head = self.label();
        let b = self.label();
        let cont = self.label();
        let end = self.label();
        self.emit(Inst::Jump(head));
        self.place(head);
        match test {
            Some(t) => self.cond(t, b, end),
            None => self.emit(Inst::Jump(b)),
        }
        self.place(b);
        self.loop_body(body, end, Some(cont));
        self.emit(Inst::Jump(cont));
        self.place(cont);
        for &c in &per_iter {
            self.emit(Inst::FreshCell { cell: c, copy: true });
        }
        if let Some(u) = update {
            let m = self.mark();
            self.expr_discard(u);
            self.reset(m);
        }
        self.emit(Inst::Jump(head));
        self.place(end);
    }

    fn for_in_of(&mut self, of: bool, left: &'a ForHead, right: &'a Expr, body: &'a Stmt, pos: Pos, scope: u32) {
        let iter = self.alloc();
        {
            let m = self.mark();
            let r = self.alloc();
            self.expr_into(right, r);
            self.pos(pos);
            self.emit(Inst::GetIterator { dst: iter, src: r, kind: if of { 0 } else { 1 } });
            self.reset(m);
        }
        let head = self.label();
        let b = self.label();
        let end = self.label();
        let on_throw = self.label();
        self.emit(Inst::Jump(head));
        self.place(head);
        let value = self.alloc();
        self.emit(Inst::IterNext { dst: value, iter, done: end });
        let _ = b;
        self.enter_scope(scope, &[]);
        let outer_handler = self.f().handler;
        if of {
            self.f().cleanups.push(Cleanup::CloseIter(iter));
            self.set_handler(Some(on_throw));
        }
        match left {
            ForHead::Var(_, p) => self.bind_pattern(p, value, BindMode::Init),
            ForHead::Target(p) => self.bind_pattern(p, value, BindMode::Assign),
        }
        self.loop_body(body, end, Some(head));
        if of {
            self.f().cleanups.pop();
            self.set_handler(outer_handler);
        }
        self.emit(Inst::Jump(head));
        if of {
            // An exception in the body closes the iterator, then propagates.
            self.place(on_throw);
            let e = self.alloc();
            self.emit(Inst::Catch { dst: e });
            self.emit(Inst::IterClose { iter, keep_pending: true });
            self.emit(Inst::Throw { src: e });
        }
        self.place(end);
    }

    /// `try { block } catch (param) { handler } finally { finalizer }`. Exceptions in the block go
    /// to the catch code, exceptions in the catch code to a rethrowing copy of the finally block;
    /// every normal or early exit runs its own inlined copy of the finally block.
    fn try_stmt(
        &mut self,
        block: &'a Block,
        param: Option<&'a Pattern>,
        handler: Option<&'a Block>,
        finalizer: Option<&'a Block>,
        catch_scope: u32,
    ) {
        let outer = self.f().handler;
        let end = self.label();
        let catch_label = self.label();
        let finally_throw = self.label();
        // Where exceptions go once the try block is left: the rethrowing finally, or outside.
        let after_try = if finalizer.is_some() { Some(finally_throw) } else { outer };
        if let Some(f) = finalizer {
            self.f().cleanups.push(Cleanup::Finally { block: f, handler: outer });
        }
        if handler.is_some() {
            self.f().cleanups.push(Cleanup::Handler(after_try));
        }
        self.set_handler(Some(if handler.is_some() { catch_label } else { finally_throw }));
        self.block(block);
        if handler.is_some() {
            self.f().cleanups.pop();
        }
        self.finish_with_finally(finalizer, outer, end);
        if let Some(h) = handler {
            self.place(catch_label);
            self.f().handler = after_try;
            let e = self.alloc();
            self.emit(Inst::Catch { dst: e });
            self.emit(Inst::Handler(after_try));
            self.enter_scope(catch_scope, &[]);
            if let Some(p) = param {
                self.bind_pattern(p, e, BindMode::Init);
            }
            self.block(h);
            self.finish_with_finally(finalizer, outer, end);
        }
        if finalizer.is_some() {
            self.f().cleanups.pop();
        }
        // The rethrowing finally (its label is defined even when nothing jumps to it).
        self.place(finally_throw);
        self.f().handler = outer;
        let e = self.alloc();
        self.emit(Inst::Catch { dst: e });
        self.emit(Inst::Handler(outer));
        if let Some(f) = finalizer {
            self.block(f);
        }
        self.emit(Inst::Throw { src: e });
        self.place(end);
        self.set_handler(outer);
    }

    /// Normal completion of a try or catch block: run the finally block (outside its own
    /// cleanup entry and handler), then jump past the statement.
    fn finish_with_finally(&mut self, finalizer: Option<&'a Block>, outer: Option<Label>, end: Label) {
        if let Some(f) = finalizer {
            self.set_handler(outer);
            let entry = self.f().cleanups.pop();
            self.block(f);
            if let Some(entry) = entry {
                self.f().cleanups.push(entry);
            }
        }
        self.emit(Inst::Jump(end));
    }

    fn switch(&mut self, discriminant: &'a Expr, cases: &'a [Case], scope: u32) {
        let d = self.alloc();
        self.expr_into(discriminant, d);
        self.enter_scope(scope, &[]);
        for c in cases {
            for s in &c.body {
                if let Stmt::Function(f) = s {
                    self.hoist_function(f);
                }
            }
        }
        let end = self.label();
        let bodies: Vec<Label> = cases.iter().map(|_| self.label()).collect();
        let mut default = None;
        for (i, c) in cases.iter().enumerate() {
            match &c.test {
                Some(t) => {
                    let m = self.mark();
                    let v = self.alloc();
                    self.expr_into(t, v);
                    let r = self.alloc();
                    self.emit(Inst::Binary { op: BinOp::StrictEq, dst: r, a: d, b: v });
                    let next = self.label();
                    self.emit(Inst::Branch { cond: r, if_true: bodies[i], if_false: next });
                    self.place(next);
                    self.reset(m);
                }
                None => default = Some(bodies[i]),
            }
        }
        self.emit(Inst::Jump(default.unwrap_or(end)));
        let labels = std::mem::take(&mut self.pending_labels);
        let depth = self.f().cleanups.len();
        self.f().targets.push(JumpTarget {
            labels,
            break_label: end,
            continue_label: None,
            cleanup_depth: depth,
            labelled_only: false,
        });
        for (i, c) in cases.iter().enumerate() {
            self.place(bodies[i]);
            self.stmts(&c.body);
            if i + 1 < cases.len() {
                self.emit(Inst::Jump(bodies[i + 1]));
            }
        }
        self.f().targets.pop();
        self.emit(Inst::Jump(end));
        self.place(end);
    }

    // ----- patterns -----

    fn bind_pattern(&mut self, p: &'a Pattern, value: Reg, mode: BindMode) {
        match p {
            Pattern::Ident(id) => self.store_ident(id, value, mode == BindMode::Init),
            Pattern::Default(inner, default) => {
                let m = self.mark();
                let v = self.alloc();
                self.emit(Inst::Move { dst: v, src: value });
                let fill = self.label();
                let done = self.label();
                let u = self.undef();
                let c = self.alloc();
                self.emit(Inst::Binary { op: BinOp::StrictEq, dst: c, a: v, b: u });
                self.emit(Inst::Branch { cond: c, if_true: fill, if_false: done });
                self.place(fill);
                self.expr_into(default, v);
                self.place(done);
                self.bind_pattern(inner, v, mode);
                self.reset(m);
            }
            Pattern::Object { props, rest, .. } => {
                self.emit(Inst::RequireObject { src: value });
                let m = self.mark();
                let mut keys = Vec::new();
                for pp in props {
                    let k = self.alloc();
                    self.prop_key(&pp.key, k);
                    let v = self.alloc();
                    self.emit(Inst::GetElem { dst: v, obj: value, key: k });
                    self.bind_pattern(&pp.value, v, mode);
                    keys.push(k);
                }
                if let Some(r) = rest {
                    let arr = self.alloc();
                    self.emit(Inst::MakeArray { dst: arr, elems: Reg(0), count: 0 });
                    for k in &keys {
                        self.emit(Inst::ArrayPush { array: arr, src: *k });
                    }
                    let out = self.alloc();
                    self.emit(Inst::ObjectRest { dst: out, src: value, excluded: arr });
                    self.bind_pattern(r, out, mode);
                }
                self.reset(m);
            }
            Pattern::Array { elems, rest, .. } => {
                let m = self.mark();
                let iter = self.alloc();
                self.emit(Inst::GetIterator { dst: iter, src: value, kind: 0 });
                for e in elems {
                    let v = self.alloc();
                    let got = self.label();
                    let empty = self.label();
                    self.emit(Inst::IterNext { dst: v, iter, done: empty });
                    self.emit(Inst::Jump(got));
                    self.place(empty);
                    self.simple(v, Simple::Undefined);
                    self.emit(Inst::Jump(got));
                    self.place(got);
                    if let Some(p) = e {
                        self.bind_pattern(p, v, mode);
                    }
                }
                match rest {
                    Some(r) => {
                        let arr = self.alloc();
                        self.emit(Inst::MakeArray { dst: arr, elems: Reg(0), count: 0 });
                        let head = self.label();
                        let done = self.label();
                        let v = self.alloc();
                        self.emit(Inst::Jump(head));
                        self.place(head);
                        self.emit(Inst::IterNext { dst: v, iter, done });
                        self.emit(Inst::ArrayPush { array: arr, src: v });
                        self.emit(Inst::Jump(head));
                        self.place(done);
                        self.bind_pattern(r, arr, mode);
                    }
                    None => self.emit(Inst::IterClose { iter, keep_pending: false }),
                }
                self.reset(m);
            }
            Pattern::Expr(e) => self.assign_to_expr(e, value),
        }
    }

    fn assign_to_expr(&mut self, target: &'a Expr, value: Reg) {
        let m = self.mark();
        match target {
            Expr::Ident(id) => self.store_ident(id, value, false),
            Expr::Member { obj, prop, .. } => {
                let o = self.alloc();
                self.expr_into(obj, o);
                self.member_store(o, prop, value);
            }
            Expr::SuperMember { prop, .. } => {
                let k = self.alloc();
                self.member_key(prop, k);
                self.super_set(k, value);
            }
            _ => {
                let c = self.konst("Invalid assignment target");
                self.emit(Inst::ThrowTypeError { message: c });
                let after = self.label();
                self.place(after);
            }
        }
        self.reset(m);
    }

    fn member_store(&mut self, obj: Reg, prop: &'a MemberProp, value: Reg) {
        match prop {
            MemberProp::Name(n) => {
                let key = self.konst_units(n);
                let ic = self.ic();
                self.emit(Inst::SetProp { obj, key, src: value, ic });
            }
            MemberProp::Computed(k) => {
                let kr = self.alloc();
                self.expr_into(k, kr);
                self.emit(Inst::SetElem { obj, key: kr, src: value });
            }
            MemberProp::Private(p) => {
                let kr = self.alloc();
                self.private_key(p, kr);
                self.emit(Inst::SetElem { obj, key: kr, src: value });
            }
        }
    }

    /// Reads `obj.prop` where `key` was prepared by `member_key` (name keys use the cache).
    fn member_get_keyed(&mut self, obj: Reg, prop: &'a MemberProp, key: Reg, dst: Reg) {
        match prop {
            MemberProp::Name(n) => {
                let k = self.konst_units(n);
                let ic = self.ic();
                self.emit(Inst::GetProp { dst, obj, key: k, ic });
            }
            _ => self.emit(Inst::GetElem { dst, obj, key }),
        }
    }

    /// Writes `obj.prop = src` where `key` was prepared by `member_key`.
    fn member_set_keyed(&mut self, obj: Reg, prop: &'a MemberProp, key: Reg, src: Reg) {
        match prop {
            MemberProp::Name(n) => {
                let k = self.konst_units(n);
                let ic = self.ic();
                self.emit(Inst::SetProp { obj, key: k, src, ic });
            }
            _ => self.emit(Inst::SetElem { obj, key, src }),
        }
    }

    /// Like `member_key`, but name keys need no register (they are constants of the access).
    fn member_key_if_needed(&mut self, prop: &'a MemberProp, dst: Reg) {
        if !matches!(prop, MemberProp::Name(_)) {
            self.member_key(prop, dst);
        }
    }

    fn private_key(&mut self, id: &'a Ident, dst: Reg) {
        match id.binding.get() {
            Binding::Decl(d) => self.load_decl(d, dst, None),
            _ => {
                let c = self.konst(&format!("Private field '#{}' must be declared in an enclosing class", id.name));
                self.emit(Inst::ThrowTypeError { message: c });
                let after = self.label();
                self.place(after);
            }
        }
    }

    fn prop_key(&mut self, key: &'a PropName, dst: Reg) {
        match key {
            PropName::Str(s) => {
                let c = self.konst_units(s);
                self.emit(Inst::Const { dst, c });
            }
            PropName::Num(n) => {
                let c = self.konst(&pipy_runtime::number::to_string(*n));
                self.emit(Inst::Const { dst, c });
            }
            PropName::Computed(e) => {
                self.expr_into(e, dst);
                self.emit(Inst::Unary { op: UnOp::ToPropertyKey, dst, a: dst });
            }
            PropName::Private(p) => self.private_key(p, dst),
        }
    }

    fn member_key(&mut self, prop: &'a MemberProp, dst: Reg) {
        match prop {
            MemberProp::Name(n) => {
                let c = self.konst_units(n);
                self.emit(Inst::Const { dst, c });
            }
            MemberProp::Computed(e) => self.expr_into(e, dst),
            MemberProp::Private(p) => self.private_key(p, dst),
        }
    }

    // ----- classes -----

    fn class(&mut self, c: &'a Rc<Class>, dst: Reg) {
        self.pos(c.pos);
        let m = self.mark();
        self.enter_scope(c.scope.get(), &[]);
        // Private names of this class evaluation.
        for &d in &self.res.scopes[c.scope.get() as usize].decls.clone() {
            if self.res.decls[d as usize].kind == DeclKind::Private {
                let name = self.res.decls[d as usize].name.clone();
                let t = self.alloc();
                let desc = self.konst(&name);
                self.emit(Inst::PrivateName { dst: t, desc });
                self.store_decl(d, t, true);
            }
        }
        let parent = self.alloc();
        match &c.extends {
            Some(e) => self.expr_into(e, parent),
            None => self.simple(parent, Simple::Hole),
        }
        let ctor = dst;
        self.closure(&c.constructor, ctor);
        let proto = self.alloc();
        self.emit(Inst::MakeClass { ctor, parent, proto_dst: proto });
        // The inner name binding is visible to methods.
        if let Some(n) = &c.name {
            if let Some(&d) = self.res.scopes[c.scope.get() as usize].decls.iter().find(|&&d| {
                self.res.decls[d as usize].name == n.name && self.res.decls[d as usize].kind == DeclKind::Const
            }) {
                self.store_decl(d, ctor, true);
            }
        }
        for member in &c.members {
            let mm = self.mark();
            match member {
                ClassMember::Method { key, func, kind, is_static } => {
                    let target = if *is_static { ctor } else { proto };
                    let k = self.alloc();
                    self.prop_key(key, k);
                    let f = self.alloc();
                    self.closure(func, f);
                    let mk = match kind {
                        MethodKind::Method => method_kind::METHOD,
                        MethodKind::Getter => method_kind::GETTER,
                        MethodKind::Setter => method_kind::SETTER,
                    };
                    self.emit(Inst::DefineMethod { obj: target, key: k, func: f, kind: mk });
                }
                ClassMember::Field { key, value, is_static: _, pos } => {
                    self.pos(*pos);
                    let k = self.alloc();
                    let private = matches!(key, PropName::Private(_));
                    self.prop_key(key, k);
                    let v = self.alloc();
                    match value {
                        Some(e) => self.expr_into(e, v),
                        None => self.simple(v, Simple::Undefined),
                    }
                    if private {
                        self.emit(Inst::DefinePrivate { obj: ctor, key: k, src: v });
                    } else {
                        self.emit(Inst::DefineMethod { obj: ctor, key: k, func: v, kind: method_kind::FIELD });
                    }
                }
                ClassMember::StaticBlock(f) => {
                    let fr = self.alloc();
                    self.closure(f, fr);
                    self.emit(Inst::SetHome { func: fr, home: ctor });
                    let r = self.alloc();
                    self.emit(Inst::Call { dst: r, callee: fr, this: ctor, args: Reg(0), argc: 0 });
                }
            }
            self.reset(mm);
        }
        if let Some(fi) = &c.field_init {
            let f = self.alloc();
            self.closure(fi, f);
            self.emit(Inst::SetHome { func: f, home: proto });
            self.emit(Inst::SetFields { ctor, init: f });
        }
        self.reset(m);
    }

    // ----- expressions -----

    fn expr_discard(&mut self, e: &'a Expr) {
        let m = self.mark();
        let r = self.alloc();
        self.discard_next = true;
        self.expr_into(e, r);
        self.reset(m);
    }

    /// Evaluates `e` into a register that may be a local's own register (read-only use).
    fn operand(&mut self, e: &'a Expr, later: &[&'a Expr]) -> Reg {
        if let Expr::Ident(id) = e {
            if !later.iter().any(|x| has_assign(x)) {
                if let Some(r) = self.local_reg(id) {
                    return r;
                }
            }
        }
        let r = self.alloc();
        self.expr_into(e, r);
        r
    }

    fn cond(&mut self, e: &'a Expr, t: Label, f: Label) {
        match e {
            Expr::Logical(LogicalOp::And, a, b) => {
                let mid = self.label();
                self.cond(a, mid, f);
                self.place(mid);
                self.cond(b, t, f);
            }
            Expr::Logical(LogicalOp::Or, a, b) => {
                let mid = self.label();
                self.cond(a, t, mid);
                self.place(mid);
                self.cond(b, t, f);
            }
            Expr::Unary(UnaryOp::Not, x, _) => self.cond(x, f, t),
            _ => {
                let m = self.mark();
                let r = self.operand(e, &[]);
                self.emit(Inst::Branch { cond: r, if_true: t, if_false: f });
                self.reset(m);
            }
        }
    }

    fn expr_into(&mut self, e: &'a Expr, dst: Reg) {
        let m = self.mark();
        // Temporaries below must not overlap dst when dst is itself a temporary at the top.
        if dst.0 >= self.f().next {
            self.f().next = dst.0 + 1;
            let n = self.f().next;
            let f = self.f();
            f.nregs = f.nregs.max(n);
        }
        let discard = std::mem::take(&mut self.discard_next);
        self.expr_inner(e, dst, discard);
        self.reset(m);
    }

    /// `discard`: the value is not used (an expression statement), so no copy of it is kept;
    /// a kept copy would stop `s += x` from appending in place.
    fn expr_inner(&mut self, e: &'a Expr, dst: Reg, discard: bool) {
        match e {
            Expr::Num(n) => self.emit(Inst::Number { dst, value: *n }),
            Expr::Str(s) => {
                let c = self.konst_units(s);
                self.emit(Inst::Const { dst, c });
            }
            Expr::Bool(b) => self.simple(dst, if *b { Simple::True } else { Simple::False }),
            Expr::Null => self.simple(dst, Simple::Null),
            Expr::Regex { pattern, flags, pos } => {
                self.regexps.push((pattern.to_vec(), flags.to_vec(), *pos));
                self.pos(*pos);
                let p = self.konst_units(pattern);
                let f = self.konst_units(flags);
                self.emit(Inst::RegExp { dst, pattern: p, flags: f });
            }
            Expr::Template { quasis, exprs } => {
                let first = quasis.first().cloned().unwrap_or_else(|| text(""));
                let c = self.konst_units(&first);
                let acc = self.alloc();
                self.emit(Inst::Const { dst: acc, c });
                for (i, x) in exprs.iter().enumerate() {
                    let v = self.alloc();
                    self.expr_into(x, v);
                    self.emit(Inst::Unary { op: UnOp::ToString, dst: v, a: v });
                    self.emit(Inst::Binary { op: BinOp::Add, dst: acc, a: acc, b: v });
                    if let Some(q) = quasis.get(i + 1) {
                        if !q.is_empty() {
                            let qc = self.konst_units(q);
                            self.emit(Inst::Const { dst: v, c: qc });
                            self.emit(Inst::Binary { op: BinOp::Add, dst: acc, a: acc, b: v });
                        }
                    }
                }
                self.emit(Inst::Move { dst, src: acc });
            }
            Expr::TaggedTemplate { tag, cooked, raw, exprs, pos } => {
                self.tagged_template(tag, cooked, raw, exprs, *pos, dst)
            }
            Expr::Ident(id) => {
                self.pos(id.pos);
                self.load_ident(id, dst, false)
            }
            Expr::This(_) => self.load_special_expr(|s| s.this, DeclKind::This, dst),
            Expr::NewTarget(_) => self.load_special_expr(|s| s.new_target, DeclKind::NewTarget, dst),
            Expr::Array(elems, pos) => self.array_literal(elems, *pos, dst),
            Expr::Object(props, pos) => self.object_literal(props, *pos, dst),
            Expr::Function(f) => self.closure(f, dst),
            Expr::Class(c) => self.class(c, dst),
            Expr::Unary(op, x, pos) => self.unary(*op, x, *pos, dst),
            Expr::Update { inc, prefix, target, pos } => self.update(*inc, *prefix, target, *pos, dst, discard),
            Expr::Binary(op, a, b, pos) => {
                let ra = self.operand(a, &[b]);
                let rb = self.operand(b, &[]);
                self.pos(*pos);
                self.emit(Inst::Binary { op: bin_op(*op), dst, a: ra, b: rb });
            }
            Expr::Logical(op, a, b) => {
                let end = self.label();
                let rhs = self.label();
                self.expr_into(a, dst);
                match op {
                    LogicalOp::And => self.emit(Inst::Branch { cond: dst, if_true: rhs, if_false: end }),
                    LogicalOp::Or => self.emit(Inst::Branch { cond: dst, if_true: end, if_false: rhs }),
                    LogicalOp::Nullish => self.emit(Inst::BranchNullish { src: dst, nullish: rhs, other: end }),
                }
                self.place(rhs);
                self.expr_into(b, dst);
                self.emit(Inst::Jump(end));
                self.place(end);
            }
            Expr::Assign { op, target, value, pos } => self.assign(*op, target, value, *pos, dst, discard),
            Expr::Cond(t, a, b) => {
                let lt = self.label();
                let lf = self.label();
                let end = self.label();
                self.cond(t, lt, lf);
                self.place(lt);
                self.expr_into(a, dst);
                self.emit(Inst::Jump(end));
                self.place(lf);
                self.expr_into(b, dst);
                self.emit(Inst::Jump(end));
                self.place(end);
            }
            Expr::Call { callee, args, optional, pos } => self.call(callee, args, *optional, *pos, dst),
            Expr::New { callee, args, pos } => {
                let c = self.alloc();
                self.expr_into(callee, c);
                if args.iter().any(|a| matches!(a, Arg::Spread(_))) {
                    let arr = self.args_array(args);
                    self.pos(*pos);
                    self.emit(Inst::NewArray { dst, callee: c, array: arr });
                } else {
                    let (base, n) = self.args_regs(args);
                    self.pos(*pos);
                    self.emit(Inst::New { dst, callee: c, args: base, argc: n });
                }
            }
            Expr::Member { obj, prop, optional, pos } => {
                let o = self.operand(obj, &[]);
                if *optional {
                    self.chain_check(o);
                }
                self.pos(*pos);
                self.member_load(o, prop, dst);
            }
            Expr::SuperMember { prop, pos } => {
                let k = self.alloc();
                self.member_key(prop, k);
                self.pos(*pos);
                self.super_get(dst, k);
            }
            Expr::SuperCall { args, pos } => {
                let arr = self.args_array(args);
                self.pos(*pos);
                self.emit(Inst::SuperCall { dst, array: arr });
                if let Some(d) = self.special(|s| s.this) {
                    let info = &self.res.decls[d as usize];
                    if info.captured && info.func == self.f().index {
                        if let Loc::Cell(c) = self.loc(d) {
                            self.emit(Inst::StoreCell { cell: c, src: dst });
                        }
                    }
                }
            }
            Expr::OptChain(inner) => {
                let exit = self.label();
                let end = self.label();
                self.f().chain_exits.push(exit);
                self.expr_into(inner, dst);
                self.f().chain_exits.pop();
                self.emit(Inst::Jump(end));
                self.place(exit);
                self.simple(dst, Simple::Undefined);
                self.emit(Inst::Jump(end));
                self.place(end);
            }
            Expr::Seq(xs) => {
                for (i, x) in xs.iter().enumerate() {
                    if i + 1 == xs.len() {
                        self.expr_into(x, dst);
                    } else {
                        self.expr_discard(x);
                    }
                }
            }
            Expr::PrivateIn(name, x, pos) => {
                let o = self.alloc();
                self.expr_into(x, o);
                let k = self.alloc();
                self.private_key(name, k);
                self.pos(*pos);
                self.emit(Inst::Binary { op: BinOp::In, dst, a: k, b: o });
            }
        }
    }

    fn tagged_template(
        &mut self,
        tag: &'a Expr,
        cooked: &'a [Option<JsText>],
        raw: &'a [JsText],
        exprs: &'a [Expr],
        pos: Pos,
        dst: Reg,
    ) {
        let f = self.alloc();
        let this = self.alloc();
        match tag {
            Expr::Member { obj, prop, .. } => {
                self.expr_into(obj, this);
                self.member_load(this, prop, f);
            }
            _ => {
                self.expr_into(tag, f);
                self.simple(this, Simple::Undefined);
            }
        }
        let n = exprs.len() as u32 + 1;
        let args = self.alloc_n(n);
        let strings = args;
        // The strings object is created once per site and reused (and frozen).
        let site = ir::SiteId(self.nsites);
        self.nsites += 1;
        let build = self.label();
        let have = self.label();
        self.emit(Inst::LoadSite { dst: strings, site, miss: build });
        self.emit(Inst::Jump(have));
        self.place(build);
        let parts = self.alloc_n(cooked.len().max(1) as u32);
        for (i, c) in cooked.iter().enumerate() {
            let r = Reg(parts.0 + i as u32);
            match c {
                Some(t) => {
                    let k = self.konst_units(t);
                    self.emit(Inst::Const { dst: r, c: k });
                }
                None => self.simple(r, Simple::Undefined),
            }
        }
        self.emit(Inst::MakeArray { dst: strings, elems: parts, count: cooked.len() as u32 });
        for (i, t) in raw.iter().enumerate() {
            let k = self.konst_units(t);
            self.emit(Inst::Const { dst: Reg(parts.0 + i as u32), c: k });
        }
        let raw_arr = self.alloc();
        self.emit(Inst::MakeArray { dst: raw_arr, elems: parts, count: raw.len() as u32 });
        let key = self.alloc();
        let kc = self.konst("raw");
        self.emit(Inst::Const { dst: key, c: kc });
        self.emit(Inst::DefineMethod { obj: strings, key, func: raw_arr, kind: method_kind::METHOD_DATA_HIDDEN });
        self.emit(Inst::StoreSite { site, src: strings });
        self.emit(Inst::Jump(have));
        self.place(have);
        for (i, e) in exprs.iter().enumerate() {
            self.expr_into(e, Reg(args.0 + 1 + i as u32));
        }
        self.pos(pos);
        self.emit(Inst::Call { dst, callee: f, this, args, argc: n });
    }

    /// `dst = super[key]`. Arrows use their enclosing method's home object and `this`.
    fn super_get(&mut self, dst: Reg, key: Reg) {
        if self.f().kind == FuncKind::Arrow {
            let home = self.alloc();
            self.load_special_expr(|s| s.home, DeclKind::Home, home);
            let this = self.alloc();
            self.load_special_expr(|s| s.this, DeclKind::This, this);
            self.emit(Inst::SuperGetIn { dst, key, home, this });
        } else {
            self.emit(Inst::SuperGet { dst, key });
        }
    }

    /// `super[key] = src`, as `super_get`.
    fn super_set(&mut self, key: Reg, src: Reg) {
        if self.f().kind == FuncKind::Arrow {
            let home = self.alloc();
            self.load_special_expr(|s| s.home, DeclKind::Home, home);
            let this = self.alloc();
            self.load_special_expr(|s| s.this, DeclKind::This, this);
            self.emit(Inst::SuperSetIn { key, src, home, this });
        } else {
            self.emit(Inst::SuperSet { key, src });
        }
    }

    fn chain_check(&mut self, o: Reg) {
        if let Some(&exit) = self.f().chain_exits.last() {
            let cont = self.label();
            self.emit(Inst::BranchNullish { src: o, nullish: exit, other: cont });
            self.place(cont);
        }
    }

    fn member_load(&mut self, o: Reg, prop: &'a MemberProp, dst: Reg) {
        match prop {
            MemberProp::Name(n) => {
                let key = self.konst_units(n);
                let ic = self.ic();
                self.emit(Inst::GetProp { dst, obj: o, key, ic });
            }
            MemberProp::Computed(k) => {
                let kr = self.operand(k, &[]);
                self.emit(Inst::GetElem { dst, obj: o, key: kr });
            }
            MemberProp::Private(p) => {
                let kr = self.alloc();
                self.private_key(p, kr);
                self.emit(Inst::GetElem { dst, obj: o, key: kr });
            }
        }
    }

    fn array_literal(&mut self, elems: &'a [ArrayElem], pos: Pos, dst: Reg) {
        self.pos(pos);
        let simple = elems.iter().all(|e| !matches!(e, ArrayElem::Spread(_)));
        if simple && elems.len() <= 64 {
            let n = elems.len() as u32;
            let base = self.alloc_n(n.max(1));
            for (i, e) in elems.iter().enumerate() {
                let r = Reg(base.0 + i as u32);
                match e {
                    ArrayElem::Expr(x) => self.expr_into(x, r),
                    _ => self.simple(r, Simple::Hole),
                }
            }
            self.emit(Inst::MakeArray { dst, elems: base, count: n });
            return;
        }
        let arr = self.alloc();
        self.emit(Inst::MakeArray { dst: arr, elems: Reg(0), count: 0 });
        for e in elems {
            let m = self.mark();
            let v = self.alloc();
            match e {
                ArrayElem::Expr(x) => {
                    self.expr_into(x, v);
                    self.emit(Inst::ArrayPush { array: arr, src: v });
                }
                ArrayElem::Spread(x) => {
                    self.expr_into(x, v);
                    self.emit(Inst::ArraySpread { array: arr, src: v });
                }
                ArrayElem::Hole => {
                    self.simple(v, Simple::Hole);
                    self.emit(Inst::ArrayPush { array: arr, src: v });
                }
            }
            self.reset(m);
        }
        self.emit(Inst::Move { dst, src: arr });
    }

    fn object_literal(&mut self, props: &'a [ObjProp], pos: Pos, dst: Reg) {
        self.pos(pos);
        let obj = self.alloc();
        self.emit(Inst::NewObject { dst: obj });
        for p in props {
            let m = self.mark();
            match p {
                ObjProp::KeyValue(PropName::Str(k), v) if &**k != text("__proto__").as_ref() => {
                    let r = self.alloc();
                    self.expr_into(v, r);
                    let key = self.konst_units(k);
                    let ic = self.ic();
                    self.emit(Inst::SetProp { obj, key, src: r, ic });
                }
                ObjProp::KeyValue(k, v) => {
                    // `__proto__: v` (not computed) sets the prototype.
                    let is_proto = matches!(k, PropName::Str(t) if **t == *text("__proto__"));
                    let kr = self.alloc();
                    self.prop_key(k, kr);
                    let r = self.alloc();
                    self.expr_into(v, r);
                    let kind = if is_proto { method_kind::PROTO } else { method_kind::FIELD };
                    self.emit(Inst::DefineMethod { obj, key: kr, func: r, kind });
                }
                ObjProp::Shorthand(id) => {
                    let r = self.alloc();
                    self.load_ident(id, r, false);
                    let key = self.konst(&id.name);
                    let ic = self.ic();
                    self.emit(Inst::SetProp { obj, key, src: r, ic });
                }
                ObjProp::Method { key, func, kind } => {
                    let kr = self.alloc();
                    self.prop_key(key, kr);
                    let f = self.alloc();
                    self.closure(func, f);
                    let mk = match kind {
                        MethodKind::Method => method_kind::LITERAL_METHOD,
                        MethodKind::Getter => method_kind::LITERAL_GETTER,
                        MethodKind::Setter => method_kind::LITERAL_SETTER,
                    };
                    self.emit(Inst::DefineMethod { obj, key: kr, func: f, kind: mk });
                }
                ObjProp::Spread(x) => {
                    let r = self.alloc();
                    self.expr_into(x, r);
                    self.emit(Inst::ObjectSpread { obj, src: r });
                }
            }
            self.reset(m);
        }
        self.emit(Inst::Move { dst, src: obj });
    }

    fn unary(&mut self, op: UnaryOp, x: &'a Expr, pos: Pos, dst: Reg) {
        match op {
            UnaryOp::Typeof => {
                if let Expr::Ident(id) = x {
                    if !matches!(id.binding.get(), Binding::Decl(_)) && &*id.name != "arguments" {
                        self.load_ident(id, dst, true);
                        self.emit(Inst::Unary { op: UnOp::Typeof, dst, a: dst });
                        return;
                    }
                }
                let r = self.operand(x, &[]);
                self.emit(Inst::Unary { op: UnOp::Typeof, dst, a: r });
            }
            UnaryOp::Void => {
                self.expr_discard(x);
                self.simple(dst, Simple::Undefined);
            }
            UnaryOp::Delete => match x {
                Expr::Member { obj, prop, .. } => {
                    let o = self.alloc();
                    self.expr_into(obj, o);
                    let k = self.alloc();
                    self.member_key(prop, k);
                    self.pos(pos);
                    self.emit(Inst::Delete { dst, obj: o, key: k });
                }
                Expr::OptChain(inner) => {
                    if let Expr::Member { obj, prop, .. } = &**inner {
                        let exit = self.label();
                        let end = self.label();
                        self.f().chain_exits.push(exit);
                        let o = self.alloc();
                        self.expr_into(obj, o);
                        self.chain_check(o);
                        let k = self.alloc();
                        self.member_key(prop, k);
                        self.emit(Inst::Delete { dst, obj: o, key: k });
                        self.f().chain_exits.pop();
                        self.emit(Inst::Jump(end));
                        self.place(exit);
                        self.simple(dst, Simple::True);
                        self.emit(Inst::Jump(end));
                        self.place(end);
                    } else {
                        self.expr_discard(x);
                        self.simple(dst, Simple::True);
                    }
                }
                Expr::Ident(id) => match id.binding.get() {
                    Binding::Decl(_) => self.simple(dst, Simple::False),
                    _ => {
                        // `delete name` of a global: the global object's property.
                        let g = self.alloc();
                        self.emit(Inst::LoadSpecial { dst: g, which: 4, start: 0 });
                        let k = self.alloc();
                        let c = self.konst(&id.name);
                        self.emit(Inst::Const { dst: k, c });
                        self.pos(pos);
                        self.emit(Inst::Delete { dst, obj: g, key: k });
                    }
                },
                _ => {
                    self.expr_discard(x);
                    self.simple(dst, Simple::True);
                }
            },
            _ => {
                let r = self.operand(x, &[]);
                self.pos(pos);
                let u = match op {
                    UnaryOp::Neg => UnOp::Neg,
                    UnaryOp::Plus => UnOp::Plus,
                    UnaryOp::Not => UnOp::Not,
                    _ => UnOp::BitNot,
                };
                self.emit(Inst::Unary { op: u, dst, a: r });
            }
        }
    }

    fn update(&mut self, inc: bool, prefix: bool, target: &'a Expr, pos: Pos, dst: Reg, discard: bool) {
        let one = self.alloc();
        self.emit(Inst::Number { dst: one, value: 1.0 });
        let op = if inc { BinOp::Add } else { BinOp::Sub };
        match target {
            Expr::Ident(id) => {
                let old = self.alloc();
                self.load_ident(id, old, false);
                self.pos(pos);
                self.emit(Inst::Unary { op: UnOp::ToNumeric, dst: old, a: old });
                let new = self.alloc();
                self.emit(Inst::Binary { op, dst: new, a: old, b: one });
                self.store_ident(id, new, false);
                if !discard {
                    self.emit(Inst::Move { dst, src: if prefix { new } else { old } });
                }
            }
            Expr::Member { obj, prop, .. } => {
                let o = self.alloc();
                self.expr_into(obj, o);
                let k = self.alloc();
                self.member_key_if_needed(prop, k);
                let old = self.alloc();
                self.pos(pos);
                self.member_get_keyed(o, prop, k, old);
                self.emit(Inst::Unary { op: UnOp::ToNumeric, dst: old, a: old });
                let new = self.alloc();
                self.emit(Inst::Binary { op, dst: new, a: old, b: one });
                self.member_set_keyed(o, prop, k, new);
                if !discard {
                    self.emit(Inst::Move { dst, src: if prefix { new } else { old } });
                }
            }
            Expr::SuperMember { prop, .. } => {
                let k = self.alloc();
                self.member_key(prop, k);
                let old = self.alloc();
                self.super_get(old, k);
                self.emit(Inst::Unary { op: UnOp::ToNumeric, dst: old, a: old });
                let new = self.alloc();
                self.emit(Inst::Binary { op, dst: new, a: old, b: one });
                self.super_set(k, new);
                self.emit(Inst::Move { dst, src: if prefix { new } else { old } });
            }
            _ => {
                let c = self.konst("Invalid left-hand side expression in update operation");
                self.emit(Inst::ThrowTypeError { message: c });
                let after = self.label();
                self.place(after);
            }
        }
    }

    fn assign(&mut self, op: AssignOp, target: &'a Pattern, value: &'a Expr, pos: Pos, dst: Reg, discard: bool) {
        match op {
            AssignOp::Assign => {
                match target {
                    Pattern::Ident(id) => {
                        // `s = s + x` appends in place when `s` is a local register.
                        if let Some(r) = self.own_reg(id) {
                            let info_ok = match id.binding.get() {
                                Binding::Decl(d) => {
                                    let k = self.res.decls[d as usize].kind;
                                    !k.is_const() && !self.tdz_check_needed(d, id.pos) && k != DeclKind::FunctionSelf
                                }
                                _ => false,
                            };
                            if info_ok {
                                self.expr_into(value, r);
                                if r != dst && !discard {
                                    self.emit(Inst::Move { dst, src: r });
                                }
                                return;
                            }
                        }
                        self.expr_into(value, dst);
                        self.pos(pos);
                        self.store_ident(id, dst, false);
                    }
                    Pattern::Expr(e) => match &**e {
                        Expr::Member { obj, prop, .. } => {
                            let o = self.alloc();
                            self.expr_into(obj, o);
                            match prop {
                                MemberProp::Name(_) => {
                                    self.expr_into(value, dst);
                                    self.pos(pos);
                                    self.member_store(o, prop, dst);
                                }
                                MemberProp::Computed(k) => {
                                    let kr = self.alloc();
                                    self.expr_into(k, kr);
                                    self.expr_into(value, dst);
                                    self.pos(pos);
                                    self.emit(Inst::SetElem { obj: o, key: kr, src: dst });
                                }
                                MemberProp::Private(p) => {
                                    let kr = self.alloc();
                                    self.private_key(p, kr);
                                    self.expr_into(value, dst);
                                    self.pos(pos);
                                    self.emit(Inst::SetElem { obj: o, key: kr, src: dst });
                                }
                            }
                        }
                        other => {
                            self.expr_into(value, dst);
                            self.assign_to_expr(other, dst);
                        }
                    },
                    pattern => {
                        self.expr_into(value, dst);
                        self.pos(pos);
                        self.bind_pattern(pattern, dst, BindMode::Assign);
                    }
                }
            }
            AssignOp::Binary(bop) => {
                let op = bin_op(bop);
                match target {
                    Pattern::Ident(id) => {
                        let in_place = !has_assign(value);
                        if let (true, Some(r), BinOp::Add | BinOp::Sub | BinOp::Mul) = (in_place, self.own_reg(id), op)
                        {
                            let ok = match id.binding.get() {
                                Binding::Decl(d) => {
                                    let k = self.res.decls[d as usize].kind;
                                    !k.is_const() && !self.tdz_check_needed(d, id.pos) && k != DeclKind::FunctionSelf
                                }
                                _ => false,
                            };
                            if ok {
                                let v = self.alloc();
                                self.expr_into(value, v);
                                self.pos(pos);
                                self.emit(Inst::Binary { op, dst: r, a: r, b: v });
                                if r != dst && !discard {
                                    self.emit(Inst::Move { dst, src: r });
                                }
                                return;
                            }
                        }
                        let cur = self.alloc();
                        self.load_ident(id, cur, false);
                        let v = self.alloc();
                        self.expr_into(value, v);
                        self.pos(pos);
                        self.emit(Inst::Binary { op, dst: cur, a: cur, b: v });
                        self.store_ident(id, cur, false);
                        self.emit(Inst::Move { dst, src: cur });
                    }
                    Pattern::Expr(e) => match &**e {
                        Expr::Member { obj, prop, .. } => {
                            let o = self.alloc();
                            self.expr_into(obj, o);
                            let k = self.alloc();
                            self.member_key_if_needed(prop, k);
                            let cur = self.alloc();
                            self.pos(pos);
                            self.member_get_keyed(o, prop, k, cur);
                            let v = self.alloc();
                            self.expr_into(value, v);
                            self.emit(Inst::Binary { op, dst: cur, a: cur, b: v });
                            self.member_set_keyed(o, prop, k, cur);
                            if !discard {
                                self.emit(Inst::Move { dst, src: cur });
                            }
                        }
                        Expr::SuperMember { prop, .. } => {
                            let k = self.alloc();
                            self.member_key(prop, k);
                            let cur = self.alloc();
                            self.super_get(cur, k);
                            let v = self.alloc();
                            self.expr_into(value, v);
                            self.emit(Inst::Binary { op, dst: cur, a: cur, b: v });
                            self.super_set(k, cur);
                            self.emit(Inst::Move { dst, src: cur });
                        }
                        _ => self.expr_into(value, dst),
                    },
                    _ => self.expr_into(value, dst),
                }
            }
            AssignOp::Logical(lop) => {
                // a ||= b: evaluate a; if it decides, done; else assign b.
                let end = self.label();
                let rhs = self.label();
                match target {
                    Pattern::Ident(id) => {
                        self.load_ident(id, dst, false);
                        self.logical_branch(lop, dst, rhs, end);
                        self.place(rhs);
                        self.expr_into(value, dst);
                        self.store_ident(id, dst, false);
                    }
                    Pattern::Expr(e) => {
                        if let Expr::Member { obj, prop, .. } = &**e {
                            let o = self.alloc();
                            self.expr_into(obj, o);
                            let k = self.alloc();
                            self.member_key_if_needed(prop, k);
                            self.member_get_keyed(o, prop, k, dst);
                            self.logical_branch(lop, dst, rhs, end);
                            self.place(rhs);
                            self.expr_into(value, dst);
                            self.member_set_keyed(o, prop, k, dst);
                        } else {
                            self.emit(Inst::Jump(rhs));
                            self.place(rhs);
                            self.expr_into(value, dst);
                        }
                    }
                    _ => {
                        self.emit(Inst::Jump(rhs));
                        self.place(rhs);
                        self.expr_into(value, dst);
                    }
                }
                self.emit(Inst::Jump(end));
                self.place(end);
            }
        }
    }

    fn logical_branch(&mut self, op: LogicalOp, v: Reg, rhs: Label, end: Label) {
        match op {
            LogicalOp::And => self.emit(Inst::Branch { cond: v, if_true: rhs, if_false: end }),
            LogicalOp::Or => self.emit(Inst::Branch { cond: v, if_true: end, if_false: rhs }),
            LogicalOp::Nullish => self.emit(Inst::BranchNullish { src: v, nullish: rhs, other: end }),
        }
    }

    /// Evaluates arguments into consecutive registers.
    fn args_regs(&mut self, args: &'a [Arg]) -> (Reg, u32) {
        let n = args.len() as u32;
        if n == 0 {
            return (Reg(0), 0);
        }
        let base = self.alloc_n(n);
        for (i, a) in args.iter().enumerate() {
            if let Arg::Expr(e) = a {
                self.expr_into(e, Reg(base.0 + i as u32));
            }
        }
        (base, n)
    }

    /// Evaluates arguments (with spreads) into a fresh array.
    fn args_array(&mut self, args: &'a [Arg]) -> Reg {
        let arr = self.alloc();
        self.emit(Inst::MakeArray { dst: arr, elems: Reg(0), count: 0 });
        for a in args {
            let m = self.mark();
            let v = self.alloc();
            match a {
                Arg::Expr(e) => {
                    self.expr_into(e, v);
                    self.emit(Inst::ArrayPush { array: arr, src: v });
                }
                Arg::Spread(e) => {
                    self.expr_into(e, v);
                    self.emit(Inst::ArraySpread { array: arr, src: v });
                }
            }
            self.reset(m);
        }
        arr
    }

    fn call(&mut self, callee: &'a Expr, args: &'a [Arg], optional: bool, pos: Pos, dst: Reg) {
        let f = self.alloc();
        let this = self.alloc();
        match callee {
            Expr::Member { obj, prop, optional: member_opt, pos: mpos } => {
                self.expr_into(obj, this);
                if *member_opt {
                    self.chain_check(this);
                }
                self.pos(*mpos);
                self.member_load(this, prop, f);
            }
            Expr::SuperMember { prop, pos: mpos } => {
                let k = self.alloc();
                self.member_key(prop, k);
                self.pos(*mpos);
                self.super_get(f, k);
                self.load_special_expr(|s| s.this, DeclKind::This, this);
            }
            _ => {
                self.expr_into(callee, f);
                self.simple(this, Simple::Undefined);
            }
        }
        if optional {
            self.chain_check(f);
        }
        if args.iter().any(|a| matches!(a, Arg::Spread(_))) {
            let arr = self.args_array(args);
            self.pos(pos);
            self.emit(Inst::CallArray { dst, callee: f, this, array: arr });
        } else {
            let (base, n) = self.args_regs(args);
            self.pos(pos);
            self.emit(Inst::Call { dst, callee: f, this, args: base, argc: n });
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BindMode {
    /// A declaration's initialisation (const allowed, no TDZ check).
    Init,
    /// An assignment.
    Assign,
}

fn bin_op(op: BinaryOp) -> BinOp {
    op
}

/// The identifiers a pattern binds.
fn pattern_idents<'p>(p: &'p Pattern, out: &mut Vec<&'p Ident>) {
    match p {
        Pattern::Ident(id) => out.push(id),
        Pattern::Object { props, rest, .. } => {
            for pp in props {
                pattern_idents(&pp.value, out);
            }
            if let Some(r) = rest {
                pattern_idents(r, out);
            }
        }
        Pattern::Array { elems, rest, .. } => {
            for e in elems.iter().flatten() {
                pattern_idents(e, out);
            }
            if let Some(r) = rest {
                pattern_idents(r, out);
            }
        }
        Pattern::Default(p, _) => pattern_idents(p, out),
        Pattern::Expr(_) => {}
    }
}
