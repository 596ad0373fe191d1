//! Static values of expressions, and small helpers over the syntax tree.

use super::*;

impl Walker<'_> {
    // ---- static values ----

    pub(super) fn eval_ident(&self, id: &Ident) -> Option<Value> {
        match id.binding.get() {
            Binding::Decl(d) => self.env.get(&d).cloned(),
            Binding::Global if &*id.name == "undefined" => Some(Value::Undefined),
            _ => None,
        }
    }

    /// The value of `e` when it is known without running anything but reading files.
    pub(super) fn eval(&self, e: &Expr) -> Option<Value> {
        Some(match e {
            Expr::Num(n) => Value::Number(*n),
            Expr::Str(s, _) => Value::String(pipy_value::JsString::from_utf16(s.to_vec())),
            Expr::Bool(b) => Value::Bool(*b),
            Expr::Null => Value::Null,
            Expr::Template { quasis, exprs } if exprs.is_empty() => {
                Value::String(pipy_value::JsString::from_utf16(quasis.first().map(|q| q.to_vec()).unwrap_or_default()))
            }
            Expr::Unary(UnaryOp::Neg, x, _) => match self.eval(x)? {
                Value::Number(n) => Value::Number(-n),
                _ => return None,
            },
            Expr::Ident(id) => self.eval_ident(id)?,
            Expr::Array(elems, _) => {
                let mut v = Vec::new();
                for el in elems {
                    match el {
                        ArrayElem::Expr(x) => v.push(self.eval(x)?),
                        _ => return None,
                    }
                }
                ops::new_array(v)
            }
            Expr::Object(props, _) => {
                let o =
                    Value::Object(Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary));
                for p in props {
                    match p {
                        ObjProp::KeyValue(PropName::Str(k), v, _) => {
                            ops::set_str(&o, &String::from_utf16_lossy(k), self.eval(v)?).ok()?;
                        }
                        _ => return None,
                    }
                }
                o
            }
            Expr::Member { obj, prop, .. } => {
                let o = self.eval(obj)?;
                if !matches!(o, Value::Object(_)) {
                    return None;
                }
                match prop {
                    MemberProp::Name(n) => ops::get_str(&o, &String::from_utf16_lossy(n)).ok()?,
                    MemberProp::Computed(k) => {
                        let k = self.eval(k)?;
                        ops::get_str(&o, &ops::to_rust_string(&k).ok()?).ok()?
                    }
                    MemberProp::Private(_) => return None,
                }
            }
            Expr::Call { callee, args, .. } => {
                let path = member_path(callee)?;
                match path.as_str() {
                    "JSON.decode" | "JSON.parse" => {
                        let Some(Arg::Expr(x)) = args.first() else { return None };
                        let text = self.eval(x)?;
                        let global = Value::Object(realm::intrinsics().global.clone());
                        let json = ops::get_str(&global, "JSON").ok()?;
                        let parse = ops::get_str(&json, "parse").ok()?;
                        function::call(&parse, &json, &[text]).ok()?
                    }
                    "pipy.load" => {
                        let (rel, _) = literal_arg(args)?;
                        let bytes = std::fs::read(self.root.join(rel.trim_start_matches('/'))).ok()?;
                        Value::String(String::from_utf8_lossy(&bytes).as_ref().into())
                    }
                    _ => return None,
                }
            }
            _ => return None,
        })
    }
}

// ---- helpers ----

/// A module specifier that names a file (not a built-in module).
pub(super) fn is_path(s: &str) -> bool {
    s.starts_with("./") || s.starts_with("../") || s.starts_with('/')
}

/// `a.b(…).c(…)`: the expression the chain starts from and its links in order.
pub(super) fn flatten(e: &Expr) -> (&Expr, Vec<RawLink<'_>>) {
    let mut links = Vec::new();
    let mut cur = e;
    while let Expr::Call { callee, args, .. } = cur {
        let Expr::Member { obj, prop: MemberProp::Name(n), pos, .. } = &**callee else { break };
        links.push(RawLink { name: String::from_utf16_lossy(n), pos: *pos, args });
        cur = obj;
    }
    links.reverse();
    (cur, links)
}

pub(super) fn is_global_ident(id: &Ident, name: &str) -> bool {
    &*id.name == name && id.binding.get() == Binding::Global
}

pub(super) fn is_global(e: &Expr, name: &str) -> bool {
    matches!(e, Expr::Ident(id) if is_global_ident(id, name))
}

/// `a.b.c` of global names, as text.
pub(super) fn member_path(e: &Expr) -> Option<String> {
    match e {
        Expr::Ident(id) if id.binding.get() == Binding::Global => Some(id.name.to_string()),
        Expr::Member { obj, prop: MemberProp::Name(n), .. } => {
            Some(format!("{}.{}", member_path(obj)?, String::from_utf16_lossy(n)))
        }
        _ => None,
    }
}

/// The first argument when it is a string literal, with its position.
pub(super) fn literal_arg(args: &[Arg]) -> Option<(String, Pos)> {
    match args.first() {
        Some(Arg::Expr(Expr::Str(s, pos))) => Some((String::from_utf16_lossy(s), *pos)),
        _ => None,
    }
}

pub fn string_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.to_rust_string()),
        _ => None,
    }
}

pub(super) fn is_string(v: &Value) -> bool {
    matches!(v, Value::String(_))
}

/// Where an expression starts, when the tree knows.
pub fn expr_pos(e: &Expr) -> Option<Pos> {
    match e {
        Expr::Str(_, p) | Expr::This(p) | Expr::Array(_, p) | Expr::Object(_, p) | Expr::NewTarget(p) => Some(*p),
        Expr::Regex { pos, .. } | Expr::TaggedTemplate { pos, .. } | Expr::Update { pos, .. } => Some(*pos),
        Expr::Assign { pos, .. } | Expr::Call { pos, .. } | Expr::New { pos, .. } => Some(*pos),
        Expr::Unary(_, _, p) => Some(*p),
        Expr::Ident(id) => Some(id.pos),
        Expr::Function(f) => Some(f.pos),
        Expr::Class(c) => Some(c.pos),
        Expr::Member { obj, .. } => expr_pos(obj),
        Expr::Binary(_, a, _, _) | Expr::Logical(_, a, _) | Expr::Cond(a, _, _) => expr_pos(a),
        Expr::OptChain(x) => expr_pos(x),
        Expr::Seq(xs) => xs.first().and_then(expr_pos),
        _ => None,
    }
}

/// Where a statement after a `return`/`throw`/`break`/`continue` starts, unless it is one that
/// is fine there (a hoisted function, an empty statement).
pub(super) fn reachable_pos(s: &Stmt) -> Option<Pos> {
    match s {
        Stmt::Function(_) | Stmt::Empty => None,
        Stmt::Var(v) if v.kind == VarKind::Var && v.decls.iter().all(|(_, i)| i.is_none()) => None,
        Stmt::Var(v) => Some(v.pos),
        Stmt::Expr(e) => expr_pos(e),
        Stmt::Return(_, p) | Stmt::Throw(_, p) | Stmt::Break(_, p) | Stmt::Continue(_, p) => Some(*p),
        Stmt::If(t, _, _) | Stmt::While(t, _) => expr_pos(t),
        Stmt::Block(b) => b.body.iter().find_map(reachable_pos),
        _ => None,
    }
}
