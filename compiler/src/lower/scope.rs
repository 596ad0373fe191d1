//! Scopes and variables: entering a scope (TDZ holes, fresh cells), reading and writing declarations.

use super::*;

impl<'a> Lowerer<'a> {
    /// Allocates a block scope's declarations: TDZ holes for let/const/class, hoisted functions.
    pub(super) fn enter_scope(&mut self, scope: u32, body: &'a [Stmt]) {
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

    pub(super) fn tdz_check_needed(&self, d: DeclId, at: Pos) -> bool {
        let info = &self.res.decls[d as usize];
        if !info.kind.has_tdz() {
            return false;
        }
        !(info.init_end != 0
            && at >= info.init_end
            && !info.in_switch
            && info.func == self.fs.last().map(|f| f.index).unwrap_or(u32::MAX))
    }

    pub(super) fn load_ident(&mut self, id: &'a Ident, dst: Reg, typeof_mode: bool) {
        match id.binding.get() {
            Binding::Decl(d) => self.load_decl(d, dst, Some(id.pos)),
            Binding::Unresolved if &*id.name == "arguments" => {
                self.load_special_expr(|s| s.arguments, DeclKind::Arguments, dst)
            }
            Binding::Context => {
                let binding = self.context_binding(&id.name);
                self.emit(Inst::GetContext { dst, binding, typeof_mode });
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

    pub(super) fn load_decl(&mut self, d: DeclId, dst: Reg, at: Option<Pos>) {
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

    /// Where the function a call names lives, when it is a captured variable (own cell or
    /// environment entry) the call can read in place (`Inst::CallVar`).
    pub(super) fn callee_var(&mut self, callee: &'a Expr) -> Option<Capture> {
        let Expr::Ident(id) = callee else { return None };
        let Binding::Decl(d) = id.binding.get() else { return None };
        if let Some((map, _)) = &self.f().param_tdz {
            if map.contains_key(&d) {
                return None;
            }
        }
        let info = &self.res.decls[d as usize];
        // The variable is read after the arguments are evaluated, not before: only a variable
        // that always holds the same function (and is never in its TDZ here) may be.
        let fixed = match info.kind {
            DeclKind::Function => !info.assigned,
            DeclKind::Const | DeclKind::FunctionSelf => true,
            _ => false,
        };
        if !fixed {
            return None;
        }
        if info.func == self.f().index {
            if self.tdz_check_needed(d, id.pos) {
                return None;
            }
            match self.loc(d) {
                Loc::Reg(_) => None,
                Loc::Cell(c) => Some(Capture::Cell(c)),
            }
        } else if info.kind.has_tdz() {
            None
        } else {
            Some(Capture::Env(self.env_index(d)))
        }
    }

    /// The register of a local that can be read in place (no copy), if `id` is one.
    pub(super) fn local_reg(&mut self, id: &'a Ident) -> Option<Reg> {
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

    pub(super) fn store_ident(&mut self, id: &'a Ident, src: Reg, init: bool) {
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
            Binding::Context => {
                let binding = self.context_binding(&id.name);
                self.emit(Inst::SetContext { binding, src });
            }
            _ => {
                let name = self.konst(&id.name);
                self.emit(Inst::SetGlobal { name, src });
            }
        }
    }

    pub(super) fn store_decl(&mut self, d: DeclId, src: Reg, _init: bool) {
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
}

impl Lowerer<'_> {
    /// The runtime binding id of context variable `name` in this module. `__filename` is
    /// declared here with the module's name as its value.
    pub(super) fn context_binding(&mut self, name: &str) -> u32 {
        if name == "__filename" {
            self.contexts.declare(&self.module_name, name, pipy_value::Value::str(&self.module_name));
        }
        self.contexts.binding(&self.module_name, name)
    }
}
