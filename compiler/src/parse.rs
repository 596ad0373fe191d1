//! The front end: SWC parses the source; this module turns SWC's tree into `ast` and reports
//! syntax errors (and syntax PipyJS does not support) as diagnostics.
//!
//! Architecture invariant: this is the only module that names an SWC type.

use crate::ast::{self, *};
use crate::diagnostics::Diagnostic;
use std::rc::Rc;
use swc_common::{BytePos, FileName, SourceMap, Span, Spanned, sync::Lrc};
use swc_ecma_ast as swc;
use swc_ecma_parser::{EsSyntax, Syntax, parse_file_as_program};

/// Parses `source` (a script or an ES module, detected from `import`/`export`).
pub fn parse(name: &str, source: &str) -> Result<Program, Vec<Diagnostic>> {
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Custom(name.to_string())), source.to_string());
    let mut recovered = Vec::new();
    let syntax = Syntax::Es(EsSyntax { allow_return_outside_function: false, ..Default::default() });
    let parsed = parse_file_as_program(&fm, syntax, swc_ecma_ast::EsVersion::EsNext, None, &mut recovered);
    let mut cx = Cx { base: fm.start_pos, diags: Vec::new(), source_len: source.len() as u32 };
    let program = match parsed {
        Ok(p) => p,
        Err(e) => {
            cx.diags.push(cx.syntax_error(&e));
            return Err(cx.diags);
        }
    };
    for e in &recovered {
        let d = cx.syntax_error(e);
        cx.diags.push(d);
    }
    if !cx.diags.is_empty() {
        return Err(cx.diags);
    }
    let (items, is_module, pos): (Vec<Stmt>, bool, Pos) = match &program {
        swc::Program::Script(s) => {
            let strict = has_use_strict(&s.body);
            let body = cx.stmts(&s.body, strict);
            (body, false, cx.pos(s.span))
        }
        swc::Program::Module(m) => {
            let mut body = Vec::new();
            for item in &m.body {
                match item {
                    swc::ModuleItem::Stmt(s) => body.push(cx.stmt(s, true)),
                    swc::ModuleItem::ModuleDecl(d) => body.push(cx.module_decl(d)),
                }
            }
            (body, true, cx.pos(m.span))
        }
    };
    if !cx.diags.is_empty() {
        return Err(cx.diags);
    }
    let strict = is_module
        || match &program {
            swc::Program::Script(s) => has_use_strict(&s.body),
            _ => true,
        };
    Ok(Program { body: items, is_module, strict, pos })
}

fn has_use_strict(body: &[swc::Stmt]) -> bool {
    for s in body {
        match s {
            swc::Stmt::Expr(e) => match &*e.expr {
                swc::Expr::Lit(swc::Lit::Str(st)) => {
                    if st.raw.as_deref() == Some("'use strict'") || st.raw.as_deref() == Some("\"use strict\"") {
                        return true;
                    }
                }
                _ => return false,
            },
            _ => return false,
        }
    }
    false
}

struct Cx {
    base: BytePos,
    diags: Vec<Diagnostic>,
    source_len: u32,
}

fn wtf8_text(w: &swc_ecma_ast::Str) -> JsText {
    w.value.to_ill_formed_utf16().collect::<Vec<u16>>().into()
}

impl Cx {
    fn pos(&self, span: Span) -> Pos {
        span.lo.0.saturating_sub(self.base.0).min(self.source_len)
    }
    fn end(&self, span: Span) -> Pos {
        span.hi.0.saturating_sub(self.base.0).min(self.source_len)
    }

    fn syntax_error(&self, e: &swc_ecma_parser::error::Error) -> Diagnostic {
        let span = e.span();
        Diagnostic::error("E0001", format!("syntax error: {}", e.kind().msg()), self.pos(span), self.end(span))
    }

    fn unsupported(&mut self, what: &str, span: Span) {
        self.diags.push(
            Diagnostic::error("E0002", format!("{what} is not supported in PipyJS"), self.pos(span), self.end(span))
                .with_help("see the README's language section for what PipyJS accepts"),
        );
    }

    fn ident(&self, i: &swc::Ident) -> Ident {
        Ident::new(&i.sym, self.pos(i.span))
    }

    fn stmts(&mut self, body: &[swc::Stmt], strict: bool) -> Vec<Stmt> {
        body.iter().map(|s| self.stmt(s, strict)).collect()
    }

    fn block(&mut self, b: &swc::BlockStmt, strict: bool) -> Block {
        Block { body: self.stmts(&b.stmts, strict), scope: Default::default() }
    }

    fn stmt(&mut self, s: &swc::Stmt, strict: bool) -> Stmt {
        match s {
            swc::Stmt::Block(b) => Stmt::Block(self.block(b, strict)),
            swc::Stmt::Empty(_) | swc::Stmt::Debugger(_) => Stmt::Empty,
            swc::Stmt::With(w) => {
                self.unsupported("`with`", w.span);
                Stmt::Empty
            }
            swc::Stmt::Return(r) => Stmt::Return(r.arg.as_ref().map(|e| self.expr(e, strict)), self.pos(r.span)),
            swc::Stmt::Labeled(l) => Stmt::Labeled(l.label.sym.as_str().into(), Box::new(self.stmt(&l.body, strict))),
            swc::Stmt::Break(b) => Stmt::Break(b.label.as_ref().map(|l| l.sym.as_str().into()), self.pos(b.span)),
            swc::Stmt::Continue(c) => Stmt::Continue(c.label.as_ref().map(|l| l.sym.as_str().into()), self.pos(c.span)),
            swc::Stmt::If(i) => Stmt::If(
                self.expr(&i.test, strict),
                Box::new(self.stmt(&i.cons, strict)),
                i.alt.as_ref().map(|a| Box::new(self.stmt(a, strict))),
            ),
            swc::Stmt::Switch(sw) => Stmt::Switch {
                discriminant: self.expr(&sw.discriminant, strict),
                cases: sw
                    .cases
                    .iter()
                    .map(|c| Case {
                        test: c.test.as_ref().map(|t| self.expr(t, strict)),
                        body: self.stmts(&c.cons, strict),
                    })
                    .collect(),
                scope: Default::default(),
            },
            swc::Stmt::Throw(t) => Stmt::Throw(self.expr(&t.arg, strict), self.pos(t.span)),
            swc::Stmt::Try(t) => Stmt::Try {
                block: self.block(&t.block, strict),
                param: t.handler.as_ref().and_then(|h| h.param.as_ref().map(|p| self.pat(p, strict))),
                handler: t.handler.as_ref().map(|h| self.block(&h.body, strict)),
                finalizer: t.finalizer.as_ref().map(|f| self.block(f, strict)),
                catch_scope: Default::default(),
            },
            swc::Stmt::While(w) => Stmt::While(self.expr(&w.test, strict), Box::new(self.stmt(&w.body, strict))),
            swc::Stmt::DoWhile(d) => Stmt::DoWhile(Box::new(self.stmt(&d.body, strict)), self.expr(&d.test, strict)),
            swc::Stmt::For(f) => Stmt::For {
                init: f.init.as_ref().map(|i| match i {
                    swc::VarDeclOrExpr::VarDecl(v) => ForInit::Var(self.var_decl(v, strict)),
                    swc::VarDeclOrExpr::Expr(e) => ForInit::Expr(self.expr(e, strict)),
                }),
                test: f.test.as_ref().map(|e| self.expr(e, strict)),
                update: f.update.as_ref().map(|e| self.expr(e, strict)),
                body: Box::new(self.stmt(&f.body, strict)),
                scope: Default::default(),
            },
            swc::Stmt::ForIn(f) => Stmt::ForInOf {
                of: false,
                left: self.for_head(&f.left, strict),
                right: self.expr(&f.right, strict),
                body: Box::new(self.stmt(&f.body, strict)),
                pos: self.pos(f.span),
                scope: Default::default(),
            },
            swc::Stmt::ForOf(f) => {
                if f.is_await {
                    self.unsupported("`for await`", f.span);
                }
                Stmt::ForInOf {
                    of: true,
                    left: self.for_head(&f.left, strict),
                    right: self.expr(&f.right, strict),
                    body: Box::new(self.stmt(&f.body, strict)),
                    pos: self.pos(f.span),
                    scope: Default::default(),
                }
            }
            swc::Stmt::Decl(d) => self.decl(d, strict),
            swc::Stmt::Expr(e) => Stmt::Expr(self.expr(&e.expr, strict)),
        }
    }

    fn for_head(&mut self, h: &swc::ForHead, strict: bool) -> ForHead {
        match h {
            swc::ForHead::VarDecl(v) => {
                let kind = var_kind(v.kind);
                let pat = match v.decls.first() {
                    Some(d) => self.pat(&d.name, strict),
                    None => Pattern::Ident(Ident::new("_", self.pos(v.span))),
                };
                ForHead::Var(kind, pat)
            }
            swc::ForHead::UsingDecl(u) => {
                self.unsupported("`using`", u.span);
                ForHead::Target(Pattern::Ident(Ident::new("_", self.pos(u.span))))
            }
            swc::ForHead::Pat(p) => ForHead::Target(self.pat(p, strict)),
        }
    }

    fn decl(&mut self, d: &swc::Decl, strict: bool) -> Stmt {
        match d {
            swc::Decl::Class(c) => {
                let name = self.ident(&c.ident);
                Stmt::Class(self.class(Some(name), &c.class))
            }
            swc::Decl::Fn(f) => {
                let name = self.ident(&f.ident);
                Stmt::Function(self.function(Some(name), &f.function, FuncKind::Normal, strict))
            }
            swc::Decl::Var(v) => Stmt::Var(self.var_decl(v, strict)),
            other => {
                self.unsupported("this declaration", other.span());
                Stmt::Empty
            }
        }
    }

    fn var_decl(&mut self, v: &swc::VarDecl, strict: bool) -> VarDecl {
        let decls = v
            .decls
            .iter()
            .map(|d| {
                let pat = self.pat(&d.name, strict);
                let init = d.init.as_ref().map(|e| {
                    let e = self.expr(e, strict);
                    if let Pattern::Ident(id) = &pat {
                        name_anonymous(&e, &id.name);
                    }
                    e
                });
                (pat, init)
            })
            .collect();
        VarDecl { kind: var_kind(v.kind), decls, pos: self.pos(v.span), end: self.end(v.span) }
    }

    fn module_decl(&mut self, d: &swc::ModuleDecl) -> Stmt {
        match d {
            swc::ModuleDecl::Import(i) => {
                let specifiers = i
                    .specifiers
                    .iter()
                    .map(|s| match s {
                        swc::ImportSpecifier::Default(d) => ImportSpec::Default(self.ident(&d.local)),
                        swc::ImportSpecifier::Namespace(n) => ImportSpec::Namespace(self.ident(&n.local)),
                        swc::ImportSpecifier::Named(n) => ImportSpec::Named {
                            imported: match &n.imported {
                                Some(swc::ModuleExportName::Ident(i)) => i.sym.as_str().into(),
                                Some(swc::ModuleExportName::Str(s)) => s.value.to_string_lossy().as_ref().into(),
                                None => n.local.sym.as_str().into(),
                            },
                            local: self.ident(&n.local),
                        },
                    })
                    .collect();
                Stmt::Import(ImportDecl {
                    source: i.src.value.to_string_lossy().to_string(),
                    specifiers,
                    pos: self.pos(i.span),
                })
            }
            swc::ModuleDecl::ExportDecl(e) => Stmt::Export(ExportDecl::Decl(Box::new(self.decl(&e.decl, true)))),
            swc::ModuleDecl::ExportDefaultExpr(e) => {
                let v = self.expr(&e.expr, true);
                name_anonymous(&v, "default");
                Stmt::Export(ExportDecl::Default(v))
            }
            swc::ModuleDecl::ExportDefaultDecl(e) => match &e.decl {
                swc::DefaultDecl::Fn(f) => {
                    let name = f.ident.as_ref().map(|i| self.ident(i));
                    let func = self.function(name, &f.function, FuncKind::Normal, true);
                    if func.name.is_none() {
                        *func.inferred_name.borrow_mut() = Some("default".into());
                    }
                    Stmt::Export(ExportDecl::Default(Expr::Function(func)))
                }
                swc::DefaultDecl::Class(c) => {
                    let name = c.ident.as_ref().map(|i| self.ident(i));
                    Stmt::Export(ExportDecl::Default(Expr::Class(self.class(name, &c.class))))
                }
                other => {
                    self.unsupported("this export", other.span());
                    Stmt::Empty
                }
            },
            swc::ModuleDecl::ExportNamed(n) => {
                let mut specifiers = Vec::new();
                for s in &n.specifiers {
                    match s {
                        swc::ExportSpecifier::Named(n) => {
                            let orig = match &n.orig {
                                swc::ModuleExportName::Ident(i) => self.ident(i),
                                swc::ModuleExportName::Str(s) => {
                                    Ident::new(&s.value.to_string_lossy(), self.pos(s.span))
                                }
                            };
                            let exported: Rc<str> = match &n.exported {
                                Some(swc::ModuleExportName::Ident(i)) => i.sym.as_str().into(),
                                Some(swc::ModuleExportName::Str(s)) => s.value.to_string_lossy().as_ref().into(),
                                None => orig.name.clone(),
                            };
                            specifiers.push((orig, exported));
                        }
                        swc::ExportSpecifier::Namespace(ns) => {
                            let alias: Rc<str> = match &ns.name {
                                swc::ModuleExportName::Ident(i) => i.sym.as_str().into(),
                                swc::ModuleExportName::Str(s) => s.value.to_string_lossy().as_ref().into(),
                            };
                            return Stmt::Export(ExportDecl::All {
                                source: n
                                    .src
                                    .as_ref()
                                    .map(|s| s.value.to_string_lossy().to_string())
                                    .unwrap_or_default(),
                                alias: Some(alias),
                            });
                        }
                        swc::ExportSpecifier::Default(d) => {
                            self.unsupported("`export x from`", d.exported.span);
                        }
                    }
                }
                Stmt::Export(ExportDecl::Named {
                    specifiers,
                    source: n.src.as_ref().map(|s| s.value.to_string_lossy().to_string()),
                })
            }
            swc::ModuleDecl::ExportAll(a) => {
                Stmt::Export(ExportDecl::All { source: a.src.value.to_string_lossy().to_string(), alias: None })
            }
            other => {
                self.unsupported("this module declaration", other.span());
                Stmt::Empty
            }
        }
    }

    fn function(&mut self, name: Option<Ident>, f: &swc::Function, kind: FuncKind, outer_strict: bool) -> Rc<Function> {
        if f.is_generator {
            self.unsupported("generator functions", f.span);
        }
        if f.is_async {
            self.unsupported("async functions", f.span);
        }
        let body_stmts = f.body.as_ref().map(|b| b.stmts.as_slice()).unwrap_or(&[]);
        let strict = outer_strict || has_use_strict(body_stmts);
        let mut params = Vec::new();
        let mut rest = None;
        for p in &f.params {
            match &p.pat {
                swc::Pat::Rest(r) => rest = Some(self.pat(&r.arg, strict)),
                other => params.push(self.pat(other, strict)),
            }
        }
        let body = self.stmts(body_stmts, strict);
        Rc::new(Function {
            self_binding: false,
            name,
            inferred_name: Default::default(),
            params,
            rest,
            body,
            expression: false,
            kind,
            strict,
            pos: self.pos(f.span),
            scope: Default::default(),
            body_scope: Default::default(),
            fields: Vec::new(),
        })
    }

    fn arrow(&mut self, a: &swc::ArrowExpr, strict: bool) -> Rc<Function> {
        if a.is_async {
            self.unsupported("async functions", a.span);
        }
        if a.is_generator {
            self.unsupported("generator functions", a.span);
        }
        let mut params = Vec::new();
        let mut rest = None;
        for p in &a.params {
            match p {
                swc::Pat::Rest(r) => rest = Some(self.pat(&r.arg, strict)),
                other => params.push(self.pat(other, strict)),
            }
        }
        let (body, expression, strict) = match &*a.body {
            swc::ArrowFunctionBody::FunctionBody(b) => {
                let strict = strict || has_use_strict(&b.stmts);
                (self.stmts(&b.stmts, strict), false, strict)
            }
            swc::ArrowFunctionBody::Expr(e) => {
                let pos = self.pos(e.span());
                (vec![Stmt::Return(Some(self.expr(e, strict)), pos)], true, strict)
            }
        };
        Rc::new(Function {
            self_binding: false,
            name: None,
            inferred_name: Default::default(),
            params,
            rest,
            body,
            expression,
            kind: FuncKind::Arrow,
            strict,
            pos: self.pos(a.span),
            scope: Default::default(),
            body_scope: Default::default(),
            fields: Vec::new(),
        })
    }

    fn class(&mut self, name: Option<Ident>, c: &swc::Class) -> Rc<Class> {
        let extends = c.super_class.as_ref().map(|e| self.expr(e, true));
        let derived = extends.is_some();
        let ctor_kind = if derived { FuncKind::DerivedConstructor } else { FuncKind::ClassConstructor };
        let mut constructor = None;
        let mut members = Vec::new();
        let mut fields = Vec::new();
        let pos = self.pos(c.span);
        for m in &c.body {
            match m {
                swc::ClassMember::Constructor(k) => {
                    let mut params = Vec::new();
                    let mut rest = None;
                    for p in &k.params {
                        match p {
                            swc::ParamOrTsParamProp::Param(p) => match &p.pat {
                                swc::Pat::Rest(r) => rest = Some(self.pat(&r.arg, true)),
                                other => params.push(self.pat(other, true)),
                            },
                            swc::ParamOrTsParamProp::TsParamProp(t) => self.unsupported("TypeScript", t.span),
                        }
                    }
                    let body = k.body.as_ref().map(|b| self.stmts(&b.stmts, true)).unwrap_or_default();
                    constructor = Some(Rc::new(Function {
                        self_binding: false,
                        name: None,
                        inferred_name: Default::default(),
                        params,
                        rest,
                        body,
                        expression: false,
                        kind: ctor_kind,
                        strict: true,
                        pos: self.pos(k.span),
                        scope: Default::default(),
                        body_scope: Default::default(),
                        fields: Vec::new(),
                    }));
                }
                swc::ClassMember::Method(m) => {
                    let key = self.prop_name(&m.key, true);
                    members.push(self.class_method(key, &m.function, m.kind, m.is_static));
                }
                swc::ClassMember::PrivateMethod(m) => {
                    let key = PropName::Private(Ident::new(&m.key.name, self.pos(m.key.span)));
                    members.push(self.class_method(key, &m.function, m.kind, m.is_static));
                }
                swc::ClassMember::ClassProp(p) => {
                    let key = self.prop_name(&p.key, true);
                    let value = p.value.as_ref().map(|v| self.expr(v, true));
                    let pos = self.pos(p.span);
                    push_field(&mut members, &mut fields, key, value, p.is_static, pos);
                }
                swc::ClassMember::PrivateProp(p) => {
                    let key = PropName::Private(Ident::new(&p.key.name, self.pos(p.key.span)));
                    let value = p.value.as_ref().map(|v| self.expr(v, true));
                    let pos = self.pos(p.span);
                    push_field(&mut members, &mut fields, key, value, p.is_static, pos);
                }
                swc::ClassMember::StaticBlock(b) => {
                    let body = self.stmts(&b.body.stmts, true);
                    members.push(ClassMember::StaticBlock(Rc::new(Function {
                        self_binding: false,
                        name: None,
                        inferred_name: Default::default(),
                        params: Vec::new(),
                        rest: None,
                        body,
                        expression: false,
                        kind: FuncKind::Method,
                        strict: true,
                        pos: self.pos(b.span),
                        scope: Default::default(),
                        body_scope: Default::default(),
                        fields: Vec::new(),
                    })));
                }
                swc::ClassMember::Empty(_) => {}
                other => self.unsupported("this class member", other.span()),
            }
        }
        let constructor = constructor.unwrap_or_else(|| {
            // The default constructor: `constructor(...args) { super(...args); }` when derived.
            let body = if derived {
                vec![Stmt::Expr(Expr::SuperCall {
                    args: vec![Arg::Spread(Expr::Ident(Ident::new("arguments", pos)))],
                    pos,
                })]
            } else {
                Vec::new()
            };
            Rc::new(Function {
                self_binding: false,
                name: None,
                inferred_name: Default::default(),
                params: Vec::new(),
                rest: None,
                body,
                expression: false,
                kind: ctor_kind,
                strict: true,
                pos,
                scope: Default::default(),
                body_scope: Default::default(),
                fields: Vec::new(),
            })
        });
        if let Some(n) = &name {
            *constructor.inferred_name.borrow_mut() = Some(n.name.clone());
        }
        let field_init = if fields.is_empty() {
            None
        } else {
            Some(Rc::new(Function {
                self_binding: false,
                name: None,
                inferred_name: std::cell::RefCell::new(Some("<instance_members_initializer>".into())),
                params: Vec::new(),
                rest: None,
                body: Vec::new(),
                expression: false,
                kind: FuncKind::FieldInit,
                strict: true,
                pos,
                scope: Default::default(),
                body_scope: Default::default(),
                fields,
            }))
        };
        Rc::new(Class { name, extends, constructor, members, field_init, pos, scope: Default::default() })
    }

    /// A method, getter or setter of a class (named after its key, `#name` for private ones).
    fn class_method(
        &mut self,
        key: PropName,
        f: &swc::Function,
        kind: swc::MethodKind,
        is_static: bool,
    ) -> ClassMember {
        let kind = method_kind(kind);
        let fk = match kind {
            MethodKind::Method => FuncKind::Method,
            MethodKind::Getter => FuncKind::Getter,
            MethodKind::Setter => FuncKind::Setter,
        };
        let func = self.function(None, f, fk, true);
        set_key_name(&func, &key);
        ClassMember::Method { key, func, kind, is_static }
    }

    fn prop_name(&mut self, p: &swc::PropName, strict: bool) -> PropName {
        match p {
            swc::PropName::Ident(i) => PropName::Str(ast::text(&i.sym)),
            swc::PropName::Str(s) => PropName::Str(wtf8_text(s)),
            swc::PropName::Num(n) => PropName::Num(n.value),
            swc::PropName::Computed(c) => PropName::Computed(Box::new(self.expr(&c.expr, strict))),
            swc::PropName::BigInt(b) => {
                self.unsupported("BigInt", b.span);
                PropName::Num(0.0)
            }
        }
    }

    fn pat(&mut self, p: &swc::Pat, strict: bool) -> Pattern {
        match p {
            swc::Pat::Ident(b) => Pattern::Ident(self.ident(&b.id)),
            swc::Pat::Array(a) => {
                let mut elems = Vec::new();
                let mut rest = None;
                for e in &a.elems {
                    match e {
                        Some(swc::Pat::Rest(r)) => rest = Some(Box::new(self.pat(&r.arg, strict))),
                        Some(p) => elems.push(Some(self.pat(p, strict))),
                        None => elems.push(None),
                    }
                }
                Pattern::Array { elems, rest, pos: self.pos(a.span) }
            }
            swc::Pat::Object(o) => {
                let mut props = Vec::new();
                let mut rest = None;
                for prop in &o.props {
                    match prop {
                        swc::ObjectPatProp::KeyValue(kv) => {
                            let key = self.prop_name(&kv.key, strict);
                            let value = self.pat(&kv.value, strict);
                            props.push(PatProp { key, value });
                        }
                        swc::ObjectPatProp::Assign(a) => {
                            let id = self.ident(&a.key.id);
                            let key = PropName::Str(ast::text(&id.name));
                            let value = match &a.value {
                                Some(d) => {
                                    let e = self.expr(d, strict);
                                    name_anonymous(&e, &id.name);
                                    Pattern::Default(Box::new(Pattern::Ident(id)), Box::new(e))
                                }
                                None => Pattern::Ident(id),
                            };
                            props.push(PatProp { key, value });
                        }
                        swc::ObjectPatProp::Rest(r) => rest = Some(Box::new(self.pat(&r.arg, strict))),
                    }
                }
                Pattern::Object { props, rest, pos: self.pos(o.span) }
            }
            swc::Pat::Assign(a) => {
                let left = self.pat(&a.left, strict);
                let right = self.expr(&a.right, strict);
                if let Pattern::Ident(id) = &left {
                    name_anonymous(&right, &id.name);
                }
                Pattern::Default(Box::new(left), Box::new(right))
            }
            swc::Pat::Rest(r) => {
                self.unsupported("a rest element here", r.span);
                Pattern::Ident(Ident::new("_", self.pos(r.span)))
            }
            swc::Pat::Expr(e) => Pattern::Expr(Box::new(self.expr(e, strict))),
            swc::Pat::Invalid(i) => {
                self.unsupported("this pattern", i.span);
                Pattern::Ident(Ident::new("_", self.pos(i.span)))
            }
        }
    }

    fn assign_target(&mut self, t: &swc::AssignTarget, strict: bool) -> Pattern {
        match t {
            swc::AssignTarget::Simple(s) => match s {
                swc::SimpleAssignTarget::Ident(b) => Pattern::Ident(self.ident(&b.id)),
                swc::SimpleAssignTarget::Member(m) => Pattern::Expr(Box::new(self.member(m, strict))),
                swc::SimpleAssignTarget::SuperProp(sp) => Pattern::Expr(Box::new(self.super_prop(sp, strict))),
                swc::SimpleAssignTarget::Paren(p) => {
                    let e = self.expr(&p.expr, strict);
                    match e {
                        Expr::Ident(i) => Pattern::Ident(i),
                        other => Pattern::Expr(Box::new(other)),
                    }
                }
                other => {
                    self.unsupported("this assignment target", other.span());
                    Pattern::Ident(Ident::new("_", self.pos(other.span())))
                }
            },
            swc::AssignTarget::Pat(p) => match p {
                swc::AssignTargetPat::Array(a) => self.pat(&swc::Pat::Array(a.clone()), strict),
                swc::AssignTargetPat::Object(o) => self.pat(&swc::Pat::Object(o.clone()), strict),
                swc::AssignTargetPat::Invalid(i) => {
                    self.unsupported("this assignment target", i.span);
                    Pattern::Ident(Ident::new("_", self.pos(i.span)))
                }
            },
        }
    }

    fn member(&mut self, m: &swc::MemberExpr, strict: bool) -> Expr {
        let obj = Box::new(self.expr(&m.obj, strict));
        let prop = self.member_prop(&m.prop, strict);
        Expr::Member { obj, prop, optional: false, pos: self.pos(m.prop.span()) }
    }

    fn member_prop(&mut self, p: &swc::MemberProp, strict: bool) -> MemberProp {
        match p {
            swc::MemberProp::Ident(i) => MemberProp::Name(ast::text(&i.sym)),
            swc::MemberProp::PrivateName(p) => MemberProp::Private(Ident::new(&p.name, self.pos(p.span))),
            swc::MemberProp::Computed(c) => MemberProp::Computed(Box::new(self.expr(&c.expr, strict))),
        }
    }

    fn super_prop(&mut self, sp: &swc::SuperPropExpr, strict: bool) -> Expr {
        let prop = match &sp.prop {
            swc::SuperProp::Ident(i) => MemberProp::Name(ast::text(&i.sym)),
            swc::SuperProp::Computed(c) => MemberProp::Computed(Box::new(self.expr(&c.expr, strict))),
        };
        Expr::SuperMember { prop, pos: self.pos(sp.span) }
    }

    fn args(&mut self, args: &[swc::ExprOrSpread], strict: bool) -> Vec<Arg> {
        args.iter()
            .map(|a| {
                let e = self.expr(&a.expr, strict);
                if a.spread.is_some() { Arg::Spread(e) } else { Arg::Expr(e) }
            })
            .collect()
    }

    fn expr(&mut self, e: &swc::Expr, strict: bool) -> Expr {
        match e {
            swc::Expr::This(t) => Expr::This(self.pos(t.span)),
            swc::Expr::Array(a) => Expr::Array(
                a.elems
                    .iter()
                    .map(|el| match el {
                        None => ArrayElem::Hole,
                        Some(x) if x.spread.is_some() => ArrayElem::Spread(self.expr(&x.expr, strict)),
                        Some(x) => ArrayElem::Expr(self.expr(&x.expr, strict)),
                    })
                    .collect(),
                self.pos(a.span),
            ),
            swc::Expr::Object(o) => {
                let mut props = Vec::new();
                for p in &o.props {
                    match p {
                        swc::PropOrSpread::Spread(s) => props.push(ObjProp::Spread(self.expr(&s.expr, strict))),
                        swc::PropOrSpread::Prop(p) => match &**p {
                            swc::Prop::Shorthand(i) => props.push(ObjProp::Shorthand(self.ident(i))),
                            swc::Prop::KeyValue(kv) => {
                                let key = self.prop_name(&kv.key, strict);
                                let value = self.expr(&kv.value, strict);
                                if let PropName::Str(s) = &key {
                                    name_anonymous(&value, &String::from_utf16_lossy(s));
                                }
                                props.push(ObjProp::KeyValue(key, value, self.pos(kv.key.span())));
                            }
                            swc::Prop::Assign(a) => self.unsupported("`=` in an object literal", a.span),
                            swc::Prop::Getter(g) => {
                                let key = self.prop_name(&g.key, strict);
                                let func = self.function(None, &g.function, FuncKind::Getter, strict);
                                set_key_name(&func, &key);
                                props.push(ObjProp::Method { key, func, kind: MethodKind::Getter });
                            }
                            swc::Prop::Setter(s) => {
                                let key = self.prop_name(&s.key, strict);
                                let func = self.function(None, &s.function, FuncKind::Setter, strict);
                                set_key_name(&func, &key);
                                props.push(ObjProp::Method { key, func, kind: MethodKind::Setter });
                            }
                            swc::Prop::Method(m) => {
                                let key = self.prop_name(&m.key, strict);
                                let func = self.function(None, &m.function, FuncKind::Method, strict);
                                set_key_name(&func, &key);
                                props.push(ObjProp::Method { key, func, kind: MethodKind::Method });
                            }
                        },
                    }
                }
                Expr::Object(props, self.pos(o.span))
            }
            swc::Expr::Fn(f) => {
                let name = f.ident.as_ref().map(|i| self.ident(i));
                let mut func = self.function(name, &f.function, FuncKind::Normal, strict);
                if func.name.is_some() {
                    // Only this parser holds the Rc so far.
                    if let Some(inner) = Rc::get_mut(&mut func) {
                        inner.self_binding = true;
                    }
                }
                Expr::Function(func)
            }
            swc::Expr::Unary(u) => {
                let op = match u.op {
                    swc::UnaryOp::Minus => UnaryOp::Neg,
                    swc::UnaryOp::Plus => UnaryOp::Plus,
                    swc::UnaryOp::Bang => UnaryOp::Not,
                    swc::UnaryOp::Tilde => UnaryOp::BitNot,
                    swc::UnaryOp::TypeOf => UnaryOp::Typeof,
                    swc::UnaryOp::Void => UnaryOp::Void,
                    swc::UnaryOp::Delete => UnaryOp::Delete,
                };
                Expr::Unary(op, Box::new(self.expr(&u.arg, strict)), self.pos(u.span))
            }
            swc::Expr::Update(u) => Expr::Update {
                inc: u.op == swc::UpdateOp::PlusPlus,
                prefix: u.prefix,
                target: Box::new(self.expr(&u.arg, strict)),
                pos: self.pos(u.span),
            },
            swc::Expr::Bin(b) => {
                let pos = self.pos(b.span);
                if b.op == swc::BinaryOp::In {
                    if let swc::Expr::PrivateName(p) = &*b.left {
                        return Expr::PrivateIn(
                            Ident::new(&p.name, self.pos(p.span)),
                            Box::new(self.expr(&b.right, strict)),
                            pos,
                        );
                    }
                }
                let l = Box::new(self.expr(&b.left, strict));
                let r = Box::new(self.expr(&b.right, strict));
                match b.op {
                    swc::BinaryOp::LogicalAnd => Expr::Logical(LogicalOp::And, l, r),
                    swc::BinaryOp::LogicalOr => Expr::Logical(LogicalOp::Or, l, r),
                    swc::BinaryOp::NullishCoalescing => Expr::Logical(LogicalOp::Nullish, l, r),
                    op => Expr::Binary(binary_op(op), l, r, pos),
                }
            }
            swc::Expr::Assign(a) => {
                let target = self.assign_target(&a.left, strict);
                let value = self.expr(&a.right, strict);
                if let Pattern::Ident(id) = &target {
                    name_anonymous(&value, &id.name);
                }
                let op = match a.op {
                    swc::AssignOp::Assign => AssignOp::Assign,
                    swc::AssignOp::AddAssign => AssignOp::Binary(BinaryOp::Add),
                    swc::AssignOp::SubAssign => AssignOp::Binary(BinaryOp::Sub),
                    swc::AssignOp::MulAssign => AssignOp::Binary(BinaryOp::Mul),
                    swc::AssignOp::DivAssign => AssignOp::Binary(BinaryOp::Div),
                    swc::AssignOp::ModAssign => AssignOp::Binary(BinaryOp::Rem),
                    swc::AssignOp::LShiftAssign => AssignOp::Binary(BinaryOp::Shl),
                    swc::AssignOp::RShiftAssign => AssignOp::Binary(BinaryOp::Shr),
                    swc::AssignOp::ZeroFillRShiftAssign => AssignOp::Binary(BinaryOp::UShr),
                    swc::AssignOp::BitOrAssign => AssignOp::Binary(BinaryOp::BitOr),
                    swc::AssignOp::BitXorAssign => AssignOp::Binary(BinaryOp::BitXor),
                    swc::AssignOp::BitAndAssign => AssignOp::Binary(BinaryOp::BitAnd),
                    swc::AssignOp::ExpAssign => AssignOp::Binary(BinaryOp::Exp),
                    swc::AssignOp::AndAssign => AssignOp::Logical(LogicalOp::And),
                    swc::AssignOp::OrAssign => AssignOp::Logical(LogicalOp::Or),
                    swc::AssignOp::NullishAssign => AssignOp::Logical(LogicalOp::Nullish),
                };
                Expr::Assign { op, target: Box::new(target), value: Box::new(value), pos: self.pos(a.span) }
            }
            swc::Expr::Member(m) => self.member(m, strict),
            swc::Expr::SuperProp(sp) => self.super_prop(sp, strict),
            swc::Expr::Cond(c) => Expr::Cond(
                Box::new(self.expr(&c.test, strict)),
                Box::new(self.expr(&c.cons, strict)),
                Box::new(self.expr(&c.alt, strict)),
            ),
            swc::Expr::Call(c) => {
                let pos = self.pos(c.span);
                let args = self.args(&c.args, strict);
                match &c.callee {
                    swc::Callee::Super(_) => Expr::SuperCall { args, pos },
                    swc::Callee::Import(i) => {
                        self.unsupported("dynamic `import()`", i.span);
                        Expr::Null
                    }
                    swc::Callee::Expr(callee) => {
                        Expr::Call { callee: Box::new(self.expr(callee, strict)), args, optional: false, pos }
                    }
                }
            }
            swc::Expr::New(n) => Expr::New {
                callee: Box::new(self.expr(&n.callee, strict)),
                args: n.args.as_ref().map(|a| self.args(a, strict)).unwrap_or_default(),
                pos: self.pos(n.span),
            },
            swc::Expr::Seq(s) => Expr::Seq(s.exprs.iter().map(|e| self.expr(e, strict)).collect()),
            swc::Expr::Ident(i) => {
                if &*i.sym == "undefined" {
                    // Still an identifier (it could be shadowed); the resolver handles the global.
                }
                Expr::Ident(self.ident(i))
            }
            swc::Expr::Lit(l) => match l {
                swc::Lit::Str(s) => Expr::Str(wtf8_text(s), self.pos(s.span)),
                swc::Lit::Bool(b) => Expr::Bool(b.value),
                swc::Lit::Null(_) => Expr::Null,
                swc::Lit::Num(n) => Expr::Num(n.value),
                swc::Lit::BigInt(b) => {
                    self.unsupported("BigInt", b.span);
                    Expr::Num(0.0)
                }
                swc::Lit::Regex(r) => {
                    Expr::Regex { pattern: ast::text(&r.exp), flags: ast::text(&r.flags), pos: self.pos(r.span) }
                }
                swc::Lit::JSXText(j) => {
                    self.unsupported("JSX", j.span);
                    Expr::Null
                }
            },
            swc::Expr::Tpl(t) => {
                let mut quasis = Vec::new();
                for q in &t.quasis {
                    match &q.cooked {
                        Some(c) => quasis.push(c.to_ill_formed_utf16().collect::<Vec<u16>>().into()),
                        None => {
                            self.diags.push(Diagnostic::error(
                                "E0001",
                                "syntax error: invalid escape sequence in template",
                                self.pos(q.span),
                                self.end(q.span),
                            ));
                            quasis.push(ast::text(""));
                        }
                    }
                }
                Expr::Template { quasis, exprs: t.exprs.iter().map(|e| self.expr(e, strict)).collect() }
            }
            swc::Expr::TaggedTpl(t) => Expr::TaggedTemplate {
                tag: Box::new(self.expr(&t.tag, strict)),
                cooked: t
                    .tpl
                    .quasis
                    .iter()
                    .map(|q| q.cooked.as_ref().map(|c| c.to_ill_formed_utf16().collect::<Vec<u16>>().into()))
                    .collect(),
                raw: t.tpl.quasis.iter().map(|q| ast::text(&q.raw)).collect(),
                exprs: t.tpl.exprs.iter().map(|e| self.expr(e, strict)).collect(),
                pos: self.pos(t.span),
            },
            swc::Expr::Arrow(a) => Expr::Function(self.arrow(a, strict)),
            swc::Expr::Class(c) => {
                let name = c.ident.as_ref().map(|i| self.ident(i));
                Expr::Class(self.class(name, &c.class))
            }
            swc::Expr::Yield(y) => {
                self.unsupported("`yield`", y.span);
                Expr::Null
            }
            swc::Expr::Await(a) => {
                self.unsupported("`await`", a.span);
                Expr::Null
            }
            swc::Expr::MetaProp(m) => match m.kind {
                swc::MetaPropKind::NewTarget => Expr::NewTarget(self.pos(m.span)),
                swc::MetaPropKind::ImportMeta => {
                    self.unsupported("`import.meta`", m.span);
                    Expr::Null
                }
            },
            swc::Expr::Paren(p) => self.expr(&p.expr, strict),
            swc::Expr::OptChain(o) => Expr::OptChain(Box::new(self.opt_chain(o, strict))),
            swc::Expr::PrivateName(p) => {
                self.unsupported("a bare private name", p.span);
                Expr::Null
            }
            other => {
                self.unsupported("this expression", other.span());
                Expr::Null
            }
        }
    }

    /// The inside of an optional chain: links keep their `optional` flags; nested `OptChain`
    /// nodes from SWC are flattened into one chain.
    fn opt_chain(&mut self, o: &swc::OptChainExpr, strict: bool) -> Expr {
        match &*o.base {
            swc::OptChainBase::Member(m) => {
                let obj = Box::new(self.chain_part(&m.obj, strict));
                let prop = self.member_prop(&m.prop, strict);
                Expr::Member { obj, prop, optional: o.optional, pos: self.pos(m.prop.span()) }
            }
            swc::OptChainBase::Call(c) => {
                let callee = Box::new(self.chain_part(&c.callee, strict));
                let args = self.args(&c.args, strict);
                Expr::Call { callee, args, optional: o.optional, pos: self.pos(c.span) }
            }
        }
    }

    fn chain_part(&mut self, e: &swc::Expr, strict: bool) -> Expr {
        match e {
            swc::Expr::OptChain(inner) => self.opt_chain(inner, strict),
            swc::Expr::Member(m) => {
                let obj = Box::new(self.chain_part(&m.obj, strict));
                let prop = self.member_prop(&m.prop, strict);
                Expr::Member { obj, prop, optional: false, pos: self.pos(m.prop.span()) }
            }
            swc::Expr::Call(c) => match &c.callee {
                swc::Callee::Expr(callee) => {
                    let callee = Box::new(self.chain_part(callee, strict));
                    let args = self.args(&c.args, strict);
                    Expr::Call { callee, args, optional: false, pos: self.pos(c.span) }
                }
                _ => self.expr(e, strict),
            },
            other => self.expr(other, strict),
        }
    }
}

/// A static field is a class member; an instance field goes to the field initialiser.
fn push_field(
    members: &mut Vec<ClassMember>,
    fields: &mut Vec<ClassField>,
    key: PropName,
    value: Option<Expr>,
    is_static: bool,
    pos: Pos,
) {
    if is_static {
        members.push(ClassMember::Field { key, value, is_static: true, pos });
    } else {
        fields.push(ClassField { key, value, pos });
    }
}

fn var_kind(k: swc::VarDeclKind) -> VarKind {
    match k {
        swc::VarDeclKind::Var => VarKind::Var,
        swc::VarDeclKind::Let => VarKind::Let,
        swc::VarDeclKind::Const => VarKind::Const,
    }
}

fn method_kind(k: swc::MethodKind) -> MethodKind {
    match k {
        swc::MethodKind::Method => MethodKind::Method,
        swc::MethodKind::Getter => MethodKind::Getter,
        swc::MethodKind::Setter => MethodKind::Setter,
    }
}

fn binary_op(op: swc::BinaryOp) -> BinaryOp {
    use swc::BinaryOp as B;
    match op {
        B::EqEq => BinaryOp::LooseEq,
        B::NotEq => BinaryOp::LooseNe,
        B::EqEqEq => BinaryOp::StrictEq,
        B::NotEqEq => BinaryOp::StrictNe,
        B::Lt => BinaryOp::Lt,
        B::LtEq => BinaryOp::Le,
        B::Gt => BinaryOp::Gt,
        B::GtEq => BinaryOp::Ge,
        B::LShift => BinaryOp::Shl,
        B::RShift => BinaryOp::Shr,
        B::ZeroFillRShift => BinaryOp::UShr,
        B::Add => BinaryOp::Add,
        B::Sub => BinaryOp::Sub,
        B::Mul => BinaryOp::Mul,
        B::Div => BinaryOp::Div,
        B::Mod => BinaryOp::Rem,
        B::BitOr => BinaryOp::BitOr,
        B::BitXor => BinaryOp::BitXor,
        B::BitAnd => BinaryOp::BitAnd,
        B::In => BinaryOp::In,
        B::InstanceOf => BinaryOp::InstanceOf,
        B::Exp => BinaryOp::Exp,
        // Logical operators are handled before this is called.
        B::LogicalOr | B::LogicalAnd | B::NullishCoalescing => BinaryOp::StrictEq,
    }
}

/// Gives an anonymous function or class the name of what it is assigned to.
fn name_anonymous(e: &Expr, name: &str) {
    match e {
        Expr::Function(f) if f.name.is_none() => {
            let mut n = f.inferred_name.borrow_mut();
            if n.is_none() {
                *n = Some(name.into());
            }
        }
        Expr::Class(c) if c.name.is_none() => {
            let mut n = c.constructor.inferred_name.borrow_mut();
            if n.is_none() {
                *n = Some(name.into());
            }
        }
        _ => {}
    }
}

fn set_key_name(f: &Rc<Function>, key: &PropName) {
    let name: Option<Rc<str>> = match key {
        PropName::Str(s) => Some(String::from_utf16_lossy(s).into()),
        PropName::Num(n) => Some(pipy_value::number::to_string(*n).into()),
        PropName::Private(p) => Some(format!("#{}", p.name).into()),
        PropName::Computed(_) => None,
    };
    if let Some(n) = name {
        *f.inferred_name.borrow_mut() = Some(n);
    }
}
