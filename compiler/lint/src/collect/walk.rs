//! Walking statements and expressions: names, assignments, calls (where chains start).

use super::*;

impl Walker<'_> {
    // ---- statements ----

    pub(super) fn body(&mut self, stmts: &[Stmt]) {
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

    pub(super) fn stmt(&mut self, s: &Stmt) {
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

    pub(super) fn var_decl(&mut self, v: &VarDecl) {
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

    pub(super) fn class(&mut self, c: &Class) {
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

    pub(super) fn function(&mut self, f: &Rc<Function>) {
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
    pub(super) fn pattern(&mut self, p: &Pattern, assign: bool) {
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

    pub(super) fn ident(&mut self, id: &Ident) {
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

    pub(super) fn write(&mut self, id: &Ident) {
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

    pub(super) fn exported_names(&mut self, body: &[Stmt]) {
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

    pub(super) fn unused_declarations(&mut self) {
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

    pub(super) fn expr(&mut self, e: &Expr) {
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

    pub(super) fn exprs(&mut self, xs: &[Expr]) {
        for x in xs {
            self.expr(x);
        }
    }

    pub(super) fn args(&mut self, args: &[Arg]) {
        for a in args {
            let (Arg::Expr(x) | Arg::Spread(x)) = a;
            self.expr(x);
        }
    }

    pub(super) fn object(&mut self, props: &[ObjProp]) {
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

    pub(super) fn call(&mut self, e: &Expr) {
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

    pub(super) fn builder_of(&self, id: &Ident) -> Option<(Option<usize>, bool)> {
        match id.binding.get() {
            Binding::Decl(d) => self.builders.get(&d).copied(),
            _ => None,
        }
    }

    /// `pipy({ _a: …, _b: … })`: the module's context variables.
    pub(super) fn pipy_context(&mut self, args: &[Arg]) {
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
    pub(super) fn pipy_method(&mut self, l: &RawLink<'_>) {
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
