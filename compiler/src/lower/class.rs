//! Classes: constructor, prototype, methods, accessors, static members, private names, field initialisers.

use super::*;

impl<'a> Lowerer<'a> {
    pub(super) fn class(&mut self, c: &'a Rc<Class>, dst: Reg) {
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
}
