//! Whether a function can end without returning a value.

use super::*;

pub(super) fn func_fact(f: &Function) -> FuncFact {
    let nothing = returns_nothing(f);
    FuncFact { pos: f.pos, may_return_nothing: nothing.is_some(), nothing_at: nothing.unwrap_or(f.pos) }
}

/// Where a function can end without a value: an empty `return`, `return undefined`, or falling
/// off the end of its body.
pub fn returns_nothing(f: &Function) -> Option<Pos> {
    if f.expression {
        return match f.body.first() {
            Some(Stmt::Return(Some(e), _)) => value_nothing(e),
            _ => None,
        };
    }
    empty_return(&f.body).or_else(|| if f.body.iter().any(always_exits) { None } else { Some(f.pos) })
}

/// An expression whose value is certainly `undefined` on some path.
pub(super) fn value_nothing(e: &Expr) -> Option<Pos> {
    match e {
        Expr::Ident(id) if is_global_ident(id, "undefined") => Some(id.pos),
        Expr::Unary(UnaryOp::Void, _, p) => Some(*p),
        Expr::Cond(_, a, b) => value_nothing(a).or_else(|| value_nothing(b)),
        Expr::Seq(xs) => xs.last().and_then(value_nothing),
        _ => None,
    }
}

pub(super) fn empty_return(stmts: &[Stmt]) -> Option<Pos> {
    stmts.iter().find_map(|s| match s {
        Stmt::Return(None, p) => Some(*p),
        Stmt::Return(Some(e), _) => value_nothing(e),
        Stmt::If(_, c, a) => empty_return(std::slice::from_ref(c))
            .or_else(|| a.as_deref().and_then(|a| empty_return(std::slice::from_ref(a)))),
        Stmt::Block(b) => empty_return(&b.body),
        Stmt::Try { block, handler, finalizer, .. } => empty_return(&block.body)
            .or_else(|| handler.as_ref().and_then(|h| empty_return(&h.body)))
            .or_else(|| finalizer.as_ref().and_then(|h| empty_return(&h.body))),
        Stmt::Switch { cases, .. } => cases.iter().find_map(|c| empty_return(&c.body)),
        Stmt::Labeled(_, s) => empty_return(std::slice::from_ref(s)),
        Stmt::For { body, .. } | Stmt::ForInOf { body, .. } | Stmt::While(_, body) | Stmt::DoWhile(body, _) => {
            empty_return(std::slice::from_ref(body))
        }
        _ => None,
    })
}

/// A statement after which control never continues to the next one.
pub(super) fn always_exits(s: &Stmt) -> bool {
    match s {
        Stmt::Return(..) | Stmt::Throw(..) => true,
        Stmt::If(_, c, Some(a)) => always_exits(c) && always_exits(a),
        Stmt::Block(b) => b.body.iter().any(always_exits),
        Stmt::Labeled(_, s) => always_exits(s),
        Stmt::Try { block, handler, finalizer, .. } => {
            finalizer.as_ref().is_some_and(|f| f.body.iter().any(always_exits))
                || (block.body.iter().any(always_exits)
                    && handler.as_ref().is_none_or(|h| h.body.iter().any(always_exits)))
        }
        Stmt::Switch { cases, .. } => {
            cases.iter().any(|c| c.test.is_none())
                && cases.last().is_some_and(|c| c.body.iter().any(always_exits))
                && cases.iter().all(|c| c.body.is_empty() || c.body.iter().any(always_exits))
        }
        _ => false,
    }
}
