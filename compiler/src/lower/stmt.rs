//! Statements: blocks, declarations, loops, `try`/`finally` (inlined at every exit), `switch`, labels.

use super::*;

impl<'a> Lowerer<'a> {
    pub(super) fn stmts(&mut self, body: &'a [Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    pub(super) fn block(&mut self, b: &'a Block) {
        self.enter_scope(b.scope.get(), &b.body);
        self.stmts(&b.body);
    }

    pub(super) fn stmt(&mut self, s: &'a Stmt) {
        let m = self.mark();
        self.stmt_inner(s);
        self.reset(m);
    }

    pub(super) fn stmt_inner(&mut self, s: &'a Stmt) {
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

    pub(super) fn find_target(&mut self, label: Option<&str>, is_continue: bool) -> Option<(Label, usize)> {
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
    pub(super) fn exit_cleanups(&mut self, depth: usize) {
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

    pub(super) fn loop_body(&mut self, body: &'a Stmt, brk: Label, cont: Option<Label>) {
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

    pub(super) fn var_decl(&mut self, v: &'a VarDecl) {
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
    pub(super) fn own_reg(&mut self, id: &'a Ident) -> Option<Reg> {
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

    pub(super) fn for_loop(
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

    pub(super) fn for_in_of(
        &mut self,
        of: bool,
        left: &'a ForHead,
        right: &'a Expr,
        body: &'a Stmt,
        pos: Pos,
        scope: u32,
    ) {
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
    pub(super) fn try_stmt(
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
    pub(super) fn finish_with_finally(&mut self, finalizer: Option<&'a Block>, outer: Option<Label>, end: Label) {
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

    pub(super) fn switch(&mut self, discriminant: &'a Expr, cases: &'a [Case], scope: u32) {
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
}
