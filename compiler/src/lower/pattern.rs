//! Destructuring patterns and assignment targets: binding values to names, members and private names.

use super::*;

impl<'a> Lowerer<'a> {
    pub(super) fn bind_pattern(&mut self, p: &'a Pattern, value: Reg, mode: BindMode) {
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

    pub(super) fn assign_to_expr(&mut self, target: &'a Expr, value: Reg) {
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

    pub(super) fn member_store(&mut self, obj: Reg, prop: &'a MemberProp, value: Reg) {
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
    pub(super) fn member_get_keyed(&mut self, obj: Reg, prop: &'a MemberProp, key: Reg, dst: Reg) {
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
    pub(super) fn member_set_keyed(&mut self, obj: Reg, prop: &'a MemberProp, key: Reg, src: Reg) {
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
    pub(super) fn member_key_if_needed(&mut self, prop: &'a MemberProp, dst: Reg) {
        if !matches!(prop, MemberProp::Name(_)) {
            self.member_key(prop, dst);
        }
    }

    pub(super) fn private_key(&mut self, id: &'a Ident, dst: Reg) {
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

    pub(super) fn prop_key(&mut self, key: &'a PropName, dst: Reg) {
        match key {
            PropName::Str(s) => {
                let c = self.konst_units(s);
                self.emit(Inst::Const { dst, c });
            }
            PropName::Num(n) => {
                let c = self.konst(&pipy_value::number::to_string(*n));
                self.emit(Inst::Const { dst, c });
            }
            PropName::Computed(e) => {
                self.expr_into(e, dst);
                self.emit(Inst::Unary { op: UnOp::ToPropertyKey, dst, a: dst });
            }
            PropName::Private(p) => self.private_key(p, dst),
        }
    }

    pub(super) fn member_key(&mut self, prop: &'a MemberProp, dst: Reg) {
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
}
