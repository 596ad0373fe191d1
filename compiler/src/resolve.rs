//! Scope resolution: binds every identifier to a declaration (or marks it global) and finds
//! which declarations are captured by inner functions, before any code is generated.
//!
//! The result decides where each variable lives: a register when only its own function uses it,
//! a heap cell when a closure captures it, a global property when nothing declares it.

use crate::ast::*;
use rustc_hash::FxHashMap;
use std::rc::Rc;

pub type DeclId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    Var,
    Let,
    Const,
    Class,
    Function,
    Param,
    CatchParam,
    Import,
    /// The name of a named function expression, visible inside it (read-only).
    FunctionSelf,
    /// `this`, `arguments`, `new.target` and the home object of a non-arrow function.
    This,
    Arguments,
    NewTarget,
    Home,
    /// A private name `#x` of a class.
    Private,
}

impl DeclKind {
    /// Declarations that start uninitialised (temporal dead zone).
    pub fn has_tdz(self) -> bool {
        matches!(self, DeclKind::Let | DeclKind::Const | DeclKind::Class)
    }
    pub fn is_const(self) -> bool {
        matches!(self, DeclKind::Const | DeclKind::Import)
    }
}

#[derive(Debug)]
pub struct DeclInfo {
    pub name: Rc<str>,
    pub kind: DeclKind,
    /// Index of the function (in `Resolution::functions`) that owns the declaration.
    pub func: u32,
    pub scope: u32,
    pub captured: bool,
    pub used: bool,
    pub pos: Pos,
    /// For let/const: where the declaration ends (reads after it in the same function skip the
    /// TDZ check). 0 means unknown (always check).
    pub init_end: Pos,
    /// Declared in a `switch` body (cases can run out of order: always check).
    pub in_switch: bool,
    /// Written after its declaration: the target of an assignment, `++`/`--`, a `for-in`/`for-of`
    /// head, or a `var` declaration with an initialiser (a function declaration never written
    /// holds the same function from the start of its scope to the end).
    pub assigned: bool,
}

#[derive(Debug, Default)]
pub struct ScopeInfo {
    pub decls: Vec<DeclId>,
    pub func: u32,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct Specials {
    pub this: DeclId,
    pub arguments: DeclId,
    pub new_target: DeclId,
    pub home: DeclId,
}

#[derive(Debug, Default)]
pub struct Resolution {
    pub decls: Vec<DeclInfo>,
    pub scopes: Vec<ScopeInfo>,
    /// Function index by the address of its `ast::Function`.
    pub function_index: FxHashMap<usize, u32>,
    /// Specials of each non-arrow function (arrows use their nearest non-arrow ancestor's).
    pub specials: FxHashMap<u32, Specials>,
    /// Names that no declaration binds (globals), for `pipy check`.
    pub globals: Vec<(Rc<str>, Pos)>,
    /// Early errors the parser does not report (redeclarations, duplicate parameters).
    pub diagnostics: Vec<crate::diagnostics::Diagnostic>,
    /// Top-level `var $x` declarations: fiber variables, declared in the context.
    pub fiber_vars: Vec<Rc<str>>,
}

impl Resolution {
    pub fn func_of(&self, f: &Rc<Function>) -> u32 {
        self.function_index.get(&(Rc::as_ptr(f) as usize)).copied().unwrap_or(0)
    }
}

struct Scope {
    id: u32,
    names: FxHashMap<Rc<str>, DeclId>,
    /// Function boundary: the index of the function this scope starts.
    func: u32,
    is_function: bool,
}

struct FuncCx {
    index: u32,
    arrow: bool,
    /// For arrows: the nearest non-arrow ancestor's index.
    owner: u32,
}

pub struct Resolver {
    pub res: Resolution,
    strict_stack: Vec<bool>,
    /// Kinds of the functions being resolved, innermost last.
    func_kinds: Vec<FuncKind>,
    /// Ids of function body scopes (where a lexical name may not repeat a parameter).
    body_scopes: Vec<u32>,
    scopes: Vec<Scope>,
    funcs: Vec<FuncCx>,
    next_func: u32,
    /// Top-level declarations become globals (REPL and test262 scripts).
    top_level_globals: bool,
}

impl Resolver {
    pub fn resolve(program: &Program, script: &Rc<Function>, top_level_globals: bool) -> Resolution {
        let mut r = Resolver {
            res: Resolution::default(),
            strict_stack: Vec::new(),
            func_kinds: Vec::new(),
            body_scopes: Vec::new(),
            scopes: Vec::new(),
            funcs: Vec::new(),
            next_func: 0,
            top_level_globals,
        };
        let _ = program;
        r.function(script);
        r.res
    }

    fn new_scope(&mut self, is_function: bool) -> u32 {
        let id = self.res.scopes.len() as u32;
        let func = self.funcs.last().map(|f| f.index).unwrap_or(0);
        self.res.scopes.push(ScopeInfo { decls: Vec::new(), func });
        self.scopes.push(Scope { id, names: FxHashMap::default(), func, is_function });
        id
    }

    fn pop_scope(&mut self) {
        self.scopes.pop();
    }

    fn cur_func(&self) -> u32 {
        self.funcs.last().map(|f| f.index).unwrap_or(0)
    }

    fn declare(&mut self, name: &Rc<str>, kind: DeclKind, pos: Pos) -> DeclId {
        let scope_idx = self.scopes.len() - 1;
        self.declare_in(scope_idx, name, kind, pos)
    }

    fn declare_in(&mut self, scope_idx: usize, name: &Rc<str>, kind: DeclKind, pos: Pos) -> DeclId {
        if let Some(&existing) = self.scopes[scope_idx].names.get(name) {
            // `var` after `var`/function/param reuses the binding; function redeclaration replaces.
            let old = self.res.decls[existing as usize].kind;
            let lexical = |k: DeclKind| matches!(k, DeclKind::Let | DeclKind::Const | DeclKind::Class);
            let in_block = !self.scopes[scope_idx].is_function;
            if lexical(kind)
                || lexical(old)
                || (in_block && kind == DeclKind::Function && old == DeclKind::Function && self.strict())
            {
                self.redeclared(name, pos);
            }
            return existing;
        }
        if matches!(kind, DeclKind::Let | DeclKind::Const | DeclKind::Class) && !self.scopes[scope_idx].is_function {
            // A body-level lexical declaration may not reuse a parameter or `var` name.
            let parent = scope_idx.checked_sub(1);
            if let Some(p) =
                parent.filter(|&p| self.scopes[p].is_function && self.scopes[p].func == self.scopes[scope_idx].func)
            {
                if let Some(&d) = self.scopes[p].names.get(name) {
                    if matches!(self.res.decls[d as usize].kind, DeclKind::Param | DeclKind::Var | DeclKind::Function)
                        && self.body_scope_of_function(scope_idx)
                    {
                        self.redeclared(name, pos);
                    }
                }
            }
        }
        let id = self.res.decls.len() as DeclId;
        let scope = &mut self.scopes[scope_idx];
        self.res.decls.push(DeclInfo {
            name: name.clone(),
            kind,
            func: scope.func,
            scope: scope.id,
            captured: false,
            used: false,
            pos,
            init_end: 0,
            in_switch: false,
            assigned: false,
        });
        scope.names.insert(name.clone(), id);
        self.res.scopes[scope.id as usize].decls.push(id);
        id
    }

    fn redeclared(&mut self, name: &str, pos: Pos) {
        self.res.diagnostics.push(crate::diagnostics::Diagnostic::error(
            "E0003",
            format!("Identifier '{name}' has already been declared"),
            pos,
            pos + name.len() as u32,
        ));
    }

    fn strict(&self) -> bool {
        self.strict_stack.last().copied().unwrap_or(false)
    }

    /// Whether `scope_idx` is the body block of its function (directly inside the function scope).
    fn body_scope_of_function(&self, scope_idx: usize) -> bool {
        self.body_scopes.contains(&self.scopes[scope_idx].id)
    }

    /// A `var` binding `name` hoists through every block up to its function: none of them may
    /// hold a lexical binding of the same name.
    fn check_var_hoisting(&mut self, name: &Rc<str>, pos: Pos) {
        for s in self.scopes.iter().rev() {
            if s.is_function {
                break;
            }
            if let Some(&d) = s.names.get(name) {
                if matches!(self.res.decls[d as usize].kind, DeclKind::Let | DeclKind::Const | DeclKind::Class) {
                    let n = name.clone();
                    self.redeclared(&n, pos);
                    return;
                }
            }
        }
    }

    /// The innermost function scope's index in `self.scopes`.
    fn function_scope(&self) -> usize {
        self.scopes.iter().rposition(|s| s.is_function).unwrap_or(0)
    }

    fn lookup(&mut self, name: &str) -> Option<DeclId> {
        let cur = self.cur_func();
        for s in self.scopes.iter().rev() {
            if let Some(&id) = s.names.get(name) {
                let d = &mut self.res.decls[id as usize];
                d.used = true;
                if d.func != cur {
                    d.captured = true;
                }
                return Some(id);
            }
        }
        None
    }

    /// Marks the declarations a (resolved) target pattern names as written.
    fn mark_assigned(&mut self, p: &Pattern) {
        let mut ids = Vec::new();
        pattern_idents(p, &mut ids);
        for id in ids {
            if let Binding::Decl(d) = id.binding.get() {
                self.res.decls[d as usize].assigned = true;
            }
        }
    }

    fn reference(&mut self, id: &Ident) {
        match self.lookup(&id.name) {
            Some(d) => id.binding.set(Binding::Decl(d)),
            None if crate::ast::is_context_name(&id.name) && !self.top_level_globals => {
                id.binding.set(Binding::Context);
            }
            None => {
                id.binding.set(Binding::Global);
                self.res.globals.push((id.name.clone(), id.pos));
            }
        }
    }

    /// Marks a special of the nearest non-arrow function as used (and captured from arrows).
    fn use_special(&mut self, which: fn(&Specials) -> DeclId) {
        let Some(f) = self.funcs.last() else { return };
        let owner = if f.arrow { f.owner } else { f.index };
        let is_arrow = f.arrow;
        if let Some(sp) = self.res.specials.get(&owner) {
            let id = which(sp);
            let d = &mut self.res.decls[id as usize];
            d.used = true;
            if is_arrow {
                d.captured = true;
            }
        }
    }

    fn function(&mut self, f: &Rc<Function>) {
        let index = self.next_func;
        self.next_func += 1;
        self.res.function_index.insert(Rc::as_ptr(f) as usize, index);
        let arrow = f.kind == FuncKind::Arrow;
        let owner =
            if arrow { self.funcs.last().map(|p| if p.arrow { p.owner } else { p.index }).unwrap_or(0) } else { index };
        self.funcs.push(FuncCx { index, arrow, owner });
        self.strict_stack.push(f.strict);
        self.func_kinds.push(f.kind);
        let scope = self.new_scope(true);
        f.scope.set(scope);
        if !arrow {
            let pos = f.pos;
            let sp = Specials {
                this: self.declare(&"%this".into(), DeclKind::This, pos),
                arguments: self.declare(&"%arguments".into(), DeclKind::Arguments, pos),
                new_target: self.declare(&"%new.target".into(), DeclKind::NewTarget, pos),
                home: self.declare(&"%home".into(), DeclKind::Home, pos),
            };
            self.res.specials.insert(index, sp);
        }
        let is_script = f.kind == FuncKind::Script;
        // Parameters, then hoisted `var`s and top-level function declarations.
        let mut names = Vec::new();
        for p in &f.params {
            pattern_names(p, &mut names);
        }
        if let Some(r) = &f.rest {
            pattern_names(r, &mut names);
        }
        let simple = f.rest.is_none() && f.params.iter().all(|p| matches!(p, Pattern::Ident(_)));
        let mut seen: Vec<&Rc<str>> = Vec::new();
        for (n, pos) in &names {
            if seen.contains(&n) && (f.strict || arrow || !simple || f.kind != FuncKind::Normal) {
                self.res.diagnostics.push(crate::diagnostics::Diagnostic::error(
                    "E0003",
                    format!("Duplicate parameter name '{n}' not allowed in this context"),
                    *pos,
                    *pos + n.len() as u32,
                ));
            }
            seen.push(n);
            self.declare(n, DeclKind::Param, *pos);
        }
        if !is_script || !self.top_level_globals {
            let mut vars = Vec::new();
            hoisted_vars(&f.body, &mut vars);
            for (n, pos) in &vars {
                if is_script && crate::ast::is_fiber_name(n) {
                    if !self.res.fiber_vars.contains(n) {
                        self.res.fiber_vars.push(n.clone());
                    }
                    continue;
                }
                self.declare(n, DeclKind::Var, *pos);
            }
            for s in &f.body {
                if let Stmt::Function(func) = s {
                    if let Some(n) = &func.name {
                        self.declare(&n.name, DeclKind::Function, n.pos);
                    }
                }
                if let Stmt::Export(ExportDecl::Decl(d)) = s {
                    if let Stmt::Function(func) = &**d {
                        if let Some(n) = &func.name {
                            self.declare(&n.name, DeclKind::Function, n.pos);
                        }
                    }
                }
            }
        }
        if let (Some(n), true) = (&f.name, f.self_binding) {
            // A named function expression sees its own name unless something shadows it.
            let fs = self.function_scope();
            if !self.scopes[fs].names.contains_key(&n.name) {
                self.declare(&n.name, DeclKind::FunctionSelf, n.pos);
            }
        }
        if arrow && f.name.is_none() {
            // nothing
        }
        // Parameters' patterns (defaults may reference earlier parameters).
        for p in &f.params {
            self.pattern(p);
        }
        if let Some(r) = &f.rest {
            self.pattern(r);
        }
        // Class field initialisers.
        for field in &f.fields {
            if let PropName::Computed(e) = &field.key {
                self.expr(e);
            }
            if let PropName::Private(p) = &field.key {
                self.private_ref(p);
            }
            if let Some(v) = &field.value {
                self.expr(v);
            }
        }
        let body_scope = self.new_scope(false);
        f.body_scope.set(body_scope);
        self.body_scopes.push(body_scope);
        let top_globals = is_script && self.top_level_globals;
        if !top_globals {
            self.block_decls(&f.body, true);
        }
        // In a script that declares globals, top-level let/const/class are global properties too
        // (so the REPL's next line and test262's harness scripts see them).
        for s in &f.body {
            self.stmt(s);
        }
        self.pop_scope();
        self.pop_scope();
        self.funcs.pop();
        self.strict_stack.pop();
        self.func_kinds.pop();
    }

    /// Declares the lexical declarations (let/const/class, and functions in blocks) of a block.
    fn block_decls(&mut self, body: &[Stmt], function_top: bool) {
        for s in body {
            let s = match s {
                Stmt::Export(ExportDecl::Decl(d)) => &**d,
                other => other,
            };
            match s {
                Stmt::Var(v) if v.kind != VarKind::Var => {
                    let mut n = Vec::new();
                    for (p, _) in &v.decls {
                        pattern_names(p, &mut n);
                    }
                    let k = if v.kind == VarKind::Const { DeclKind::Const } else { DeclKind::Let };
                    for (name, pos) in n {
                        let d = self.declare(&name, k, pos);
                        self.res.decls[d as usize].init_end = v.end;
                    }
                }
                Stmt::Class(c) => {
                    if let Some(n) = &c.name {
                        self.declare(&n.name, DeclKind::Class, n.pos);
                    }
                }
                Stmt::Function(f) if !function_top => {
                    if let Some(n) = &f.name {
                        self.declare(&n.name, DeclKind::Function, n.pos);
                    }
                }
                Stmt::Import(i) => {
                    for spec in &i.specifiers {
                        let id = match spec {
                            ImportSpec::Default(i) | ImportSpec::Namespace(i) => i,
                            ImportSpec::Named { local, .. } => local,
                        };
                        let d = self.declare(&id.name, DeclKind::Import, id.pos);
                        id.binding.set(Binding::Decl(d));
                    }
                }
                _ => {}
            }
        }
    }

    fn block(&mut self, b: &Block) {
        let id = self.new_scope(false);
        b.scope.set(id);
        self.block_decls(&b.body, false);
        for s in &b.body {
            self.stmt(s);
        }
        self.pop_scope();
    }

    fn private_ref(&mut self, id: &Ident) {
        let key: Rc<str> = format!("#{}", id.name).into();
        match self.lookup(&key) {
            Some(d) => id.binding.set(Binding::Decl(d)),
            None => self.res.diagnostics.push(crate::diagnostics::Diagnostic::error(
                "E0004",
                format!("Private field '#{}' must be declared in an enclosing class", id.name),
                id.pos,
                id.pos + id.name.len() as u32 + 1,
            )),
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Expr(e) => self.expr(e),
            Stmt::Var(v) => {
                if v.kind == VarKind::Var {
                    let mut names = Vec::new();
                    for (p, _) in &v.decls {
                        pattern_names(p, &mut names);
                    }
                    for (n, pos) in names {
                        self.check_var_hoisting(&n, pos);
                    }
                }
                for (p, init) in &v.decls {
                    if let Some(e) = init {
                        self.expr(e);
                    }
                    self.pattern(p);
                    if init.is_some() && v.kind == VarKind::Var {
                        self.mark_assigned(p);
                    }
                }
            }
            Stmt::Function(f) => {
                if let Some(n) = &f.name {
                    self.reference(n);
                }
                self.function(f);
            }
            Stmt::Class(c) => {
                if let Some(n) = &c.name {
                    self.reference(n);
                }
                self.class(c);
            }
            Stmt::Return(e, _) => {
                if let Some(e) = e {
                    self.expr(e);
                }
            }
            Stmt::If(t, c, a) => {
                self.expr(t);
                self.stmt(c);
                if let Some(a) = a {
                    self.stmt(a);
                }
            }
            Stmt::Block(b) => self.block(b),
            Stmt::For { init, test, update, body, scope } => {
                let id = self.new_scope(false);
                scope.set(id);
                if let Some(ForInit::Var(v)) = init {
                    if v.kind != VarKind::Var {
                        let mut n = Vec::new();
                        for (p, _) in &v.decls {
                            pattern_names(p, &mut n);
                        }
                        let k = if v.kind == VarKind::Const { DeclKind::Const } else { DeclKind::Let };
                        for (name, pos) in n {
                            let d = self.declare(&name, k, pos);
                            self.res.decls[d as usize].init_end = v.end;
                        }
                    }
                }
                match init {
                    Some(ForInit::Var(v)) => {
                        for (p, e) in &v.decls {
                            if let Some(e) = e {
                                self.expr(e);
                            }
                            self.pattern(p);
                            if e.is_some() && v.kind == VarKind::Var {
                                self.mark_assigned(p);
                            }
                        }
                    }
                    Some(ForInit::Expr(e)) => self.expr(e),
                    None => {}
                }
                if let Some(t) = test {
                    self.expr(t);
                }
                if let Some(u) = update {
                    self.expr(u);
                }
                self.stmt(body);
                self.pop_scope();
            }
            Stmt::ForInOf { left, right, body, scope, .. } => {
                self.expr(right);
                let id = self.new_scope(false);
                scope.set(id);
                match left {
                    ForHead::Var(kind, p) => {
                        if *kind != VarKind::Var {
                            let mut n = Vec::new();
                            pattern_names(p, &mut n);
                            let k = if *kind == VarKind::Const { DeclKind::Const } else { DeclKind::Let };
                            for (name, pos) in n {
                                self.declare(&name, k, pos);
                            }
                        }
                        self.pattern(p);
                        self.mark_assigned(p);
                    }
                    ForHead::Target(p) => {
                        self.pattern(p);
                        self.mark_assigned(p);
                    }
                }
                self.stmt(body);
                self.pop_scope();
            }
            Stmt::While(t, b) => {
                self.expr(t);
                self.stmt(b);
            }
            Stmt::DoWhile(b, t) => {
                self.stmt(b);
                self.expr(t);
            }
            Stmt::Break(..) | Stmt::Continue(..) | Stmt::Empty => {}
            Stmt::Throw(e, _) => self.expr(e),
            Stmt::Try { block, param, handler, finalizer, catch_scope } => {
                self.block(block);
                if let Some(h) = handler {
                    let id = self.new_scope(false);
                    catch_scope.set(id);
                    if let Some(p) = param {
                        let mut n = Vec::new();
                        pattern_names(p, &mut n);
                        for (name, pos) in n {
                            self.declare(&name, DeclKind::CatchParam, pos);
                        }
                        self.pattern(p);
                    }
                    self.block(h);
                    self.pop_scope();
                }
                if let Some(f) = finalizer {
                    self.block(f);
                }
            }
            Stmt::Switch { discriminant, cases, scope } => {
                self.expr(discriminant);
                let id = self.new_scope(false);
                scope.set(id);
                let first = self.res.decls.len();
                for c in cases {
                    self.block_decls(&c.body, false);
                }
                for d in &mut self.res.decls[first..] {
                    d.in_switch = true;
                }
                for c in cases {
                    if let Some(t) = &c.test {
                        self.expr(t);
                    }
                    for s in &c.body {
                        self.stmt(s);
                    }
                }
                self.pop_scope();
            }
            Stmt::Labeled(_, b) => self.stmt(b),
            Stmt::Import(_) => {}
            Stmt::Export(e) => match e {
                ExportDecl::Decl(d) => self.stmt(d),
                ExportDecl::Default(e) => self.expr(e),
                ExportDecl::Named { specifiers, source } => {
                    if source.is_none() {
                        for (id, _) in specifiers {
                            self.reference(id);
                        }
                    }
                }
                ExportDecl::All { .. } => {}
            },
        }
    }

    fn class(&mut self, c: &Rc<Class>) {
        if let Some(e) = &c.extends {
            self.expr(e);
        }
        let id = self.new_scope(false);
        c.scope.set(id);
        if let Some(n) = &c.name {
            self.declare(&n.name, DeclKind::Const, n.pos);
        }
        // Private names of the class.
        let mut privates: Vec<Rc<str>> = Vec::new();
        for m in &c.members {
            match m {
                ClassMember::Method { key: PropName::Private(p), .. }
                | ClassMember::Field { key: PropName::Private(p), .. } => privates.push(p.name.clone()),
                _ => {}
            }
        }
        if let Some(fi) = &c.field_init {
            for f in &fi.fields {
                if let PropName::Private(p) = &f.key {
                    privates.push(p.name.clone());
                }
            }
        }
        // A private name is declared once, except a getter and a setter pair (of the same staticness).
        let mut accessors: Vec<(Rc<str>, MethodKind, bool)> = Vec::new();
        for m in &c.members {
            if let ClassMember::Method { key: PropName::Private(p), kind, is_static, .. } = m {
                if *kind != MethodKind::Method {
                    accessors.push((p.name.clone(), *kind, *is_static));
                }
            }
        }
        let mut seen: Vec<Rc<str>> = Vec::new();
        for p in privates {
            if seen.contains(&p) {
                let pair: Vec<_> = accessors.iter().filter(|(n, _, _)| *n == p).collect();
                let ok = pair.len() == 2 && pair[0].1 != pair[1].1 && pair[0].2 == pair[1].2;
                if !ok {
                    self.res.diagnostics.push(crate::diagnostics::Diagnostic::error(
                        "E0003",
                        format!("Identifier '#{p}' has already been declared"),
                        c.pos,
                        c.pos,
                    ));
                }
                continue;
            }
            seen.push(p.clone());
            let key: Rc<str> = format!("#{p}").into();
            self.declare(&key, DeclKind::Private, c.pos);
        }
        self.function(&c.constructor);
        for m in &c.members {
            match m {
                ClassMember::Method { key, func, .. } => {
                    self.prop_name(key);
                    self.function(func);
                }
                ClassMember::Field { key, value, .. } => {
                    self.prop_name(key);
                    if let Some(v) = value {
                        // Static field initialisers run with `this` = the class: resolve them inside
                        // a synthetic method scope via the class's static block handling in lowering.
                        self.expr(v);
                    }
                }
                ClassMember::StaticBlock(f) => self.function(f),
            }
        }
        if let Some(fi) = &c.field_init {
            self.function(fi);
        }
        self.pop_scope();
    }

    fn prop_name(&mut self, p: &PropName) {
        match p {
            PropName::Computed(e) => self.expr(e),
            PropName::Private(n) => self.private_ref(n),
            _ => {}
        }
    }

    fn pattern(&mut self, p: &Pattern) {
        match p {
            Pattern::Ident(id) => self.reference(id),
            Pattern::Object { props, rest, .. } => {
                for pp in props {
                    self.prop_name(&pp.key);
                    self.pattern(&pp.value);
                }
                if let Some(r) = rest {
                    self.pattern(r);
                }
            }
            Pattern::Array { elems, rest, .. } => {
                for e in elems.iter().flatten() {
                    self.pattern(e);
                }
                if let Some(r) = rest {
                    self.pattern(r);
                }
            }
            Pattern::Default(p, d) => {
                self.expr(d);
                self.pattern(p);
            }
            Pattern::Expr(e) => self.expr(e),
        }
    }

    fn args(&mut self, args: &[Arg]) {
        for a in args {
            match a {
                Arg::Expr(e) | Arg::Spread(e) => self.expr(e),
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Num(_) | Expr::Str(..) | Expr::Bool(_) | Expr::Null | Expr::Regex { .. } => {}
            Expr::Template { exprs, .. } => {
                for x in exprs {
                    self.expr(x);
                }
            }
            Expr::TaggedTemplate { tag, exprs, .. } => {
                self.expr(tag);
                for x in exprs {
                    self.expr(x);
                }
            }
            Expr::Ident(id) => {
                if &*id.name == "arguments" && self.lookup_no_mark("arguments").is_none() {
                    self.use_special(|s| s.arguments);
                    id.binding.set(Binding::Unresolved);
                    return;
                }
                self.reference(id)
            }
            Expr::This(_) => self.use_special(|s| s.this),
            Expr::NewTarget(_) => self.use_special(|s| s.new_target),
            Expr::Array(elems, _) => {
                for el in elems {
                    match el {
                        ArrayElem::Expr(x) | ArrayElem::Spread(x) => self.expr(x),
                        ArrayElem::Hole => {}
                    }
                }
            }
            Expr::Object(props, _) => {
                for p in props {
                    match p {
                        ObjProp::KeyValue(k, v, _) => {
                            self.prop_name(k);
                            self.expr(v);
                        }
                        ObjProp::Shorthand(id) => self.reference(id),
                        ObjProp::Method { key, func, .. } => {
                            self.prop_name(key);
                            self.function(func);
                        }
                        ObjProp::Spread(x) => self.expr(x),
                    }
                }
            }
            Expr::Function(f) => self.function(f),
            Expr::Class(c) => self.class(c),
            Expr::Unary(op, x, pos) => {
                if *op == UnaryOp::Delete && deletes_private(x) {
                    self.res.diagnostics.push(crate::diagnostics::Diagnostic::error(
                        "E0004",
                        "Private fields can not be deleted",
                        *pos,
                        *pos + 6,
                    ));
                }
                self.expr(x)
            }
            Expr::Update { target, .. } => {
                self.expr(target);
                if let Expr::Ident(id) = &**target {
                    if let Binding::Decl(d) = id.binding.get() {
                        self.res.decls[d as usize].assigned = true;
                    }
                }
            }
            Expr::Binary(_, a, b, _) | Expr::Logical(_, a, b) => {
                self.expr(a);
                self.expr(b);
            }
            Expr::Assign { target, value, .. } => {
                self.pattern(target);
                self.mark_assigned(target);
                self.expr(value);
            }
            Expr::Cond(a, b, c) => {
                self.expr(a);
                self.expr(b);
                self.expr(c);
            }
            Expr::Call { callee, args, .. } => {
                self.expr(callee);
                self.args(args);
            }
            Expr::New { callee, args, .. } => {
                self.expr(callee);
                self.args(args);
            }
            Expr::Member { obj, prop, .. } => {
                self.expr(obj);
                match prop {
                    MemberProp::Computed(x) => self.expr(x),
                    MemberProp::Private(p) => self.private_ref(p),
                    MemberProp::Name(_) => {}
                }
            }
            Expr::SuperMember { prop, pos } => {
                if !matches!(
                    self.owner_kind(),
                    Some(
                        FuncKind::Method
                            | FuncKind::Getter
                            | FuncKind::Setter
                            | FuncKind::ClassConstructor
                            | FuncKind::DerivedConstructor
                            | FuncKind::FieldInit
                    )
                ) {
                    self.super_error(*pos, "'super' keyword unexpected here");
                }
                self.use_special(|s| s.this);
                self.use_special(|s| s.home);
                if let MemberProp::Computed(x) = prop {
                    self.expr(x);
                }
            }
            Expr::SuperCall { args, pos } => {
                if self.owner_kind() != Some(FuncKind::DerivedConstructor) {
                    self.super_error(*pos, "'super' keyword unexpected here");
                }
                self.use_special(|s| s.this);
                self.use_special(|s| s.new_target);
                self.args(args);
            }
            Expr::OptChain(x) => self.expr(x),
            Expr::Seq(xs) => {
                for x in xs {
                    self.expr(x);
                }
            }
            Expr::PrivateIn(p, x, _) => {
                self.private_ref(p);
                self.expr(x);
            }
        }
    }

    /// The kind of the nearest non-arrow function (what `super` and `this` refer to).
    fn owner_kind(&self) -> Option<FuncKind> {
        self.func_kinds.iter().rev().find(|k| **k != FuncKind::Arrow).copied()
    }

    fn super_error(&mut self, pos: Pos, message: &str) {
        self.res.diagnostics.push(crate::diagnostics::Diagnostic::error("E0004", message, pos, pos + 5));
    }

    fn lookup_no_mark(&self, name: &str) -> Option<DeclId> {
        // `arguments` declared by the user (param or var) inside the nearest non-arrow function
        // wins over the implicit object; anything outside does not.
        for s in self.scopes.iter().rev() {
            if let Some(&id) = s.names.get(name) {
                return Some(id);
            }
            if s.is_function {
                let f = self.funcs.iter().find(|f| f.index == s.func);
                if f.is_some_and(|f| !f.arrow) {
                    return None;
                }
            }
        }
        None
    }
}

/// Names bound by a pattern, with positions.
pub fn pattern_names(p: &Pattern, out: &mut Vec<(Rc<str>, Pos)>) {
    let mut ids = Vec::new();
    pattern_idents(p, &mut ids);
    out.extend(ids.into_iter().map(|id| (id.name.clone(), id.pos)));
}

/// The identifiers a pattern binds.
pub fn pattern_idents<'p>(p: &'p Pattern, out: &mut Vec<&'p Ident>) {
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

/// `var` declarations anywhere in a function body (not inside nested functions).
pub fn hoisted_vars(body: &[Stmt], out: &mut Vec<(Rc<str>, Pos)>) {
    for s in body {
        hoisted_in_stmt(s, out);
    }
}

fn hoisted_in_stmt(s: &Stmt, out: &mut Vec<(Rc<str>, Pos)>) {
    match s {
        Stmt::Var(v) if v.kind == VarKind::Var => {
            for (p, _) in &v.decls {
                pattern_names(p, out);
            }
        }
        Stmt::If(_, c, a) => {
            hoisted_in_stmt(c, out);
            if let Some(a) = a {
                hoisted_in_stmt(a, out);
            }
        }
        Stmt::Block(b) => hoisted_vars(&b.body, out),
        Stmt::For { init, body, .. } => {
            if let Some(ForInit::Var(v)) = init {
                if v.kind == VarKind::Var {
                    for (p, _) in &v.decls {
                        pattern_names(p, out);
                    }
                }
            }
            hoisted_in_stmt(body, out);
        }
        Stmt::ForInOf { left, body, .. } => {
            if let ForHead::Var(VarKind::Var, p) = left {
                pattern_names(p, out);
            }
            hoisted_in_stmt(body, out);
        }
        Stmt::While(_, b) | Stmt::DoWhile(b, _) | Stmt::Labeled(_, b) => hoisted_in_stmt(b, out),
        Stmt::Try { block, handler, finalizer, .. } => {
            hoisted_vars(&block.body, out);
            if let Some(h) = handler {
                hoisted_vars(&h.body, out);
            }
            if let Some(f) = finalizer {
                hoisted_vars(&f.body, out);
            }
        }
        Stmt::Switch { cases, .. } => {
            for c in cases {
                hoisted_vars(&c.body, out);
            }
        }
        Stmt::Export(ExportDecl::Decl(d)) => hoisted_in_stmt(d, out),
        _ => {}
    }
}

/// `delete x.#p` (possibly inside an optional chain) is an early error.
fn deletes_private(e: &Expr) -> bool {
    match e {
        Expr::Member { prop: MemberProp::Private(_), .. } => true,
        Expr::OptChain(inner) => deletes_private(inner),
        _ => false,
    }
}
