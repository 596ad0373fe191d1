//! Expressions: operands, conditions, literals, operators, assignments, calls, optional chains.

use super::*;

impl<'a> Lowerer<'a> {
    pub(super) fn expr_discard(&mut self, e: &'a Expr) {
        let m = self.mark();
        let r = self.alloc();
        self.discard_next = true;
        self.expr_into(e, r);
        self.reset(m);
    }

    /// Evaluates `e` into a register that may be a local's own register (read-only use).
    pub(super) fn operand(&mut self, e: &'a Expr, later: &[&'a Expr]) -> Reg {
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

    pub(super) fn cond(&mut self, e: &'a Expr, t: Label, f: Label) {
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

    pub(super) fn expr_into(&mut self, e: &'a Expr, dst: Reg) {
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
    pub(super) fn expr_inner(&mut self, e: &'a Expr, dst: Reg, discard: bool) {
        match e {
            Expr::Num(n) => self.emit(Inst::Number { dst, value: *n }),
            Expr::Str(s, _) => {
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

    pub(super) fn tagged_template(
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
    pub(super) fn super_get(&mut self, dst: Reg, key: Reg) {
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
    pub(super) fn super_set(&mut self, key: Reg, src: Reg) {
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

    pub(super) fn chain_check(&mut self, o: Reg) {
        if let Some(&exit) = self.f().chain_exits.last() {
            let cont = self.label();
            self.emit(Inst::BranchNullish { src: o, nullish: exit, other: cont });
            self.place(cont);
        }
    }

    pub(super) fn member_load(&mut self, o: Reg, prop: &'a MemberProp, dst: Reg) {
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

    pub(super) fn array_literal(&mut self, elems: &'a [ArrayElem], pos: Pos, dst: Reg) {
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

    pub(super) fn object_literal(&mut self, props: &'a [ObjProp], pos: Pos, dst: Reg) {
        self.pos(pos);
        let obj = self.alloc();
        self.emit(Inst::NewObject { dst: obj });
        for p in props {
            let m = self.mark();
            match p {
                ObjProp::KeyValue(PropName::Str(k), v, _) if &**k != text("__proto__").as_ref() => {
                    let r = self.alloc();
                    self.expr_into(v, r);
                    let key = self.konst_units(k);
                    let ic = self.ic();
                    self.emit(Inst::InitProp { obj, key, src: r, ic });
                }
                ObjProp::KeyValue(k, v, _) => {
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
                    self.emit(Inst::InitProp { obj, key, src: r, ic });
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

    pub(super) fn unary(&mut self, op: UnaryOp, x: &'a Expr, pos: Pos, dst: Reg) {
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

    pub(super) fn update(&mut self, inc: bool, prefix: bool, target: &'a Expr, pos: Pos, dst: Reg, discard: bool) {
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

    pub(super) fn assign(
        &mut self,
        op: AssignOp,
        target: &'a Pattern,
        value: &'a Expr,
        pos: Pos,
        dst: Reg,
        discard: bool,
    ) {
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

    pub(super) fn logical_branch(&mut self, op: LogicalOp, v: Reg, rhs: Label, end: Label) {
        match op {
            LogicalOp::And => self.emit(Inst::Branch { cond: v, if_true: rhs, if_false: end }),
            LogicalOp::Or => self.emit(Inst::Branch { cond: v, if_true: end, if_false: rhs }),
            LogicalOp::Nullish => self.emit(Inst::BranchNullish { src: v, nullish: rhs, other: end }),
        }
    }

    /// Evaluates arguments into consecutive registers.
    pub(super) fn args_regs(&mut self, args: &'a [Arg]) -> (Reg, u32) {
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
    pub(super) fn args_array(&mut self, args: &'a [Arg]) -> Reg {
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

    pub(super) fn call(&mut self, callee: &'a Expr, args: &'a [Arg], optional: bool, pos: Pos, dst: Reg) {
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
                let spread = args.iter().any(|a| matches!(a, Arg::Spread(_)));
                if let Some(var) = self.callee_var(callee).filter(|_| !optional && !spread) {
                    self.simple(this, Simple::Undefined);
                    let (base, n) = self.args_regs(args);
                    self.pos(pos);
                    self.emit(Inst::CallVar { dst, var, this, args: base, argc: n });
                    return;
                }
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
