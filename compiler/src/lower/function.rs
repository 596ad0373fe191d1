//! Functions: prologue, parameters, hoisting, specials (`this`, `arguments`, …), field initialisers, returns.

use super::*;

impl<'a> Lowerer<'a> {
    /// Lowers `func` into its own `FuncIr`; returns its id and the declarations its closure captures.
    pub(super) fn function(&mut self, func: &'a Rc<Function>) -> (FuncId, Vec<DeclId>) {
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
    pub(super) fn closure(&mut self, func: &'a Rc<Function>, dst: Reg) {
        let (id, env) = self.function(func);
        let captures = env.iter().map(|&d| self.capture_of(d)).collect();
        self.emit(Inst::Closure { dst, func: id, captures });
    }

    pub(super) fn capture_of(&mut self, d: DeclId) -> Capture {
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

    pub(super) fn env_index(&mut self, d: DeclId) -> u32 {
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
    pub(super) fn loc(&mut self, d: DeclId) -> Loc {
        if let Some(&l) = self.f().locs.get(&d) {
            return l;
        }
        self.alloc_decl(d)
    }

    pub(super) fn alloc_decl(&mut self, d: DeclId) -> Loc {
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

    pub(super) fn prologue(&mut self, func: &'a Rc<Function>) {
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
    pub(super) fn hoist_body_functions(&mut self, func: &'a Rc<Function>) {
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

    pub(super) fn hoist_function(&mut self, f: &'a Rc<Function>) {
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

    /// The current function is a script top level whose declarations are globals.
    pub(super) fn declares_globals(&mut self) -> bool {
        self.top_level_globals && self.fs.len() == 1 && self.f().kind == FuncKind::Script
    }

    pub(super) fn bind_param(&mut self, p: &'a Pattern, arg: Reg) {
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

    pub(super) fn load_special(&mut self, kind: DeclKind, dst: Reg) {
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
    pub(super) fn special(&self, which: fn(&crate::resolve::Specials) -> DeclId) -> Option<DeclId> {
        for f in self.fs.iter().rev() {
            if f.kind != FuncKind::Arrow {
                return self.res.specials.get(&f.index).map(which);
            }
        }
        None
    }

    pub(super) fn load_special_expr(
        &mut self,
        which: fn(&crate::resolve::Specials) -> DeclId,
        kind: DeclKind,
        dst: Reg,
    ) {
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

    pub(super) fn field_initialisers(&mut self, func: &'a Rc<Function>) {
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

    pub(super) fn emit_return(&mut self, r: Reg) {
        if matches!(self.f().kind, FuncKind::DerivedConstructor) {
            self.emit(Inst::SetResult { src: r });
            self.emit(Inst::CtorResult);
            self.emit(Inst::ReturnSet);
        } else {
            self.emit(Inst::Return { src: r });
        }
    }

    // ----- scopes and variables -----
}
