//! ES modules: binding `import`s before the body runs, recording `export`s, building the exports object.

use super::*;

impl<'a> Lowerer<'a> {
    /// Binds every `import` of the module before its body runs.
    pub(super) fn imports(&mut self, func: &'a Rc<Function>) {
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
    pub(super) fn export(&mut self, e: &'a ExportDecl) {
        match e {
            ExportDecl::Decl(d) => {
                self.stmt_inner(d);
                let mut names: Vec<&Ident> = Vec::new();
                match &**d {
                    Stmt::Var(v) => {
                        for (p, _) in &v.decls {
                            crate::resolve::pattern_idents(p, &mut names);
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
    pub(super) fn exports_object(&mut self) -> Reg {
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
}
