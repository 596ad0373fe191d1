//! Lowering: syntax tree (+ resolution) → register IR, one `FuncIr` per function.
//!
//! Conventions: registers `0..params` hold the arguments on entry; variables live in registers
//! unless captured (then in cells); temporaries are allocated stack-wise above the locals and
//! released after each statement. `finally` blocks are inlined at every exit from their `try`.

mod class;
mod expr;
mod function;
mod module;
mod pattern;
mod scope;
mod stmt;

use crate::ast::*;
use crate::ir::{self, BinOp, Capture, ConstId, FuncId, FuncIr, IcId, Inst, Label, Reg, Simple, UnOp};
use crate::resolve::{DeclId, DeclKind, Resolution};
use pipy_value::abi::method_kind;
use pipy_value::context::ContextVariables;
use pipy_value::function::FuncKind as RtKind;
use rustc_hash::FxHashMap;
use std::rc::Rc;

/// The IR of a whole script or module.
pub struct ModuleIr {
    pub functions: Vec<FuncIr>,
    pub consts: Vec<ir::Constant>,
    pub nics: u32,
    pub nsites: u32,
    /// Every regular-expression literal (pattern, flags, position), for early-error checks.
    pub regexps: Vec<(Vec<u16>, Vec<u16>, u32)>,
}

#[derive(Clone, Copy, Debug)]
enum Loc {
    Reg(Reg),
    Cell(u32),
}

/// Something an early exit (break/continue/return) must do on its way out.
enum Cleanup<'a> {
    /// Inline this `finally` block; `handler` is the exception target outside its `try`.
    Finally { block: &'a Block, handler: Option<Label> },
    /// Close this iterator (`for…of`).
    CloseIter(Reg),
    /// Restore this exception handler (leaving a try/catch without finally).
    Handler(Option<Label>),
}

struct JumpTarget {
    labels: Vec<Rc<str>>,
    break_label: Label,
    continue_label: Option<Label>,
    cleanup_depth: usize,
    /// A plain labelled statement: only `break label` may target it.
    labelled_only: bool,
}

struct FnState<'a> {
    index: u32,
    kind: FuncKind,
    strict: bool,
    insts: Vec<Inst>,
    next: u32,
    nregs: u32,
    ncells: u32,
    nlabels: u32,
    locs: FxHashMap<DeclId, Loc>,
    env: Vec<DeclId>,
    env_index: FxHashMap<DeclId, u32>,
    targets: Vec<JumpTarget>,
    cleanups: Vec<Cleanup<'a>>,
    handler: Option<Label>,
    last_pos: u32,
    /// Completion value of a script's top-level expression statements.
    completion: Option<Reg>,
    /// `arguments`/new.target materialised into registers at entry.
    special_regs: FxHashMap<DeclId, Reg>,
    uses_this: bool,
    /// Exits of the optional chains being lowered.
    chain_exits: Vec<Label>,
    /// While parameter `i`'s default is lowered: parameter declarations and their positions, so
    /// that a read of parameter `j >= i` is a temporal-dead-zone error.
    param_tdz: Option<(FxHashMap<DeclId, usize>, usize)>,
}

pub struct Lowerer<'a> {
    res: &'a Resolution,
    /// Where context variables get their binding ids (the engine's store).
    contexts: &'a dyn ContextVariables,
    /// The file name context variables are keyed by.
    module_name: Rc<str>,
    functions: Vec<Option<FuncIr>>,
    consts: Vec<ir::Constant>,
    const_map: FxHashMap<Vec<u16>, ConstId>,
    nics: u32,
    nsites: u32,
    fs: Vec<FnState<'a>>,
    pending_labels: Vec<Rc<str>>,
    /// The next `expr_into` evaluates an expression whose value nobody reads.
    discard_next: bool,
    /// Top-level declarations of the script are globals (REPL, test262).
    top_level_globals: bool,
    /// The script is an ES module: its top level returns its exports object.
    is_module: bool,
    /// Exports of the module, in order: exported name and where the value is.
    exports: Vec<(Rc<str>, ExportSource)>,
    regexps: Vec<(Vec<u16>, Vec<u16>, u32)>,
}

/// Where an export's value is read when the module finishes evaluating.
#[derive(Clone, Copy)]
enum ExportSource {
    Decl(DeclId),
    /// A hidden cell of the top-level function (default exports, re-exports).
    Cell(u32),
    /// `export * from`: every key of the module object in this cell.
    Star(u32),
}

/// Lowers a whole program whose top level is `script`.
pub fn lower<'a>(
    res: &'a Resolution,
    script: &'a Rc<Function>,
    top_level_globals: bool,
    is_module: bool,
    module_name: &str,
    contexts: &'a dyn ContextVariables,
) -> ModuleIr {
    for name in &res.fiber_vars {
        contexts.declare_fiber(module_name, name);
    }
    let mut l = Lowerer {
        contexts,
        module_name: module_name.into(),
        res,
        functions: Vec::new(),
        consts: Vec::new(),
        const_map: FxHashMap::default(),
        nics: 0,
        nsites: 0,
        fs: Vec::new(),
        pending_labels: Vec::new(),
        discard_next: false,
        top_level_globals,
        is_module,
        exports: Vec::new(),
        regexps: Vec::new(),
    };
    l.function(script);
    ModuleIr {
        functions: l.functions.into_iter().map(|f| f.expect("every reserved function slot is filled")).collect(),
        consts: l.consts,
        nics: l.nics,
        nsites: l.nsites,
        regexps: l.regexps,
    }
}

fn rt_kind(k: FuncKind) -> RtKind {
    match k {
        FuncKind::Normal => RtKind::Normal,
        FuncKind::Arrow => RtKind::Arrow,
        FuncKind::Method | FuncKind::FieldInit => RtKind::Method,
        FuncKind::Getter => RtKind::Getter,
        FuncKind::Setter => RtKind::Setter,
        FuncKind::ClassConstructor => RtKind::ClassConstructor,
        FuncKind::DerivedConstructor => RtKind::DerivedConstructor,
        FuncKind::Script => RtKind::Script,
    }
}

fn has_assign(e: &Expr) -> bool {
    match e {
        Expr::Assign { .. } | Expr::Update { .. } => true,
        Expr::Num(_) | Expr::Str(..) | Expr::Bool(_) | Expr::Null | Expr::Ident(_) | Expr::This(_) => false,
        Expr::Regex { .. } | Expr::NewTarget(_) | Expr::Function(_) => false,
        Expr::Unary(_, x, _) | Expr::OptChain(x) => has_assign(x),
        Expr::Binary(_, a, b, _) | Expr::Logical(_, a, b) => has_assign(a) || has_assign(b),
        Expr::Member { obj, prop, .. } => has_assign(obj) || matches!(prop, MemberProp::Computed(k) if has_assign(k)),
        Expr::Cond(a, b, c) => has_assign(a) || has_assign(b) || has_assign(c),
        Expr::Template { exprs, .. } => exprs.iter().any(has_assign),
        Expr::Seq(xs) => xs.iter().any(has_assign),
        _ => true,
    }
}

impl<'a> Lowerer<'a> {
    fn f(&mut self) -> &mut FnState<'a> {
        self.fs.last_mut().expect("lowering always runs inside a function")
    }
    fn emit(&mut self, i: Inst) {
        self.f().insts.push(i);
    }
    fn label(&mut self) -> Label {
        let f = self.f();
        f.nlabels += 1;
        Label(f.nlabels - 1)
    }
    fn place(&mut self, l: Label) {
        self.emit(Inst::Label(l));
    }
    fn alloc(&mut self) -> Reg {
        self.alloc_n(1)
    }
    fn alloc_n(&mut self, n: u32) -> Reg {
        let f = self.f();
        let r = Reg(f.next);
        f.next += n;
        f.nregs = f.nregs.max(f.next);
        r
    }
    fn mark(&mut self) -> u32 {
        self.f().next
    }
    fn reset(&mut self, m: u32) {
        self.f().next = m;
    }
    fn new_cell(&mut self) -> u32 {
        let f = self.f();
        f.ncells += 1;
        f.ncells - 1
    }
    fn konst_units(&mut self, s: &[u16]) -> ConstId {
        if let Some(&c) = self.const_map.get(s) {
            return c;
        }
        let c = ConstId(self.consts.len() as u32);
        self.consts.push(ir::Constant::Str(s.to_vec()));
        self.const_map.insert(s.to_vec(), c);
        c
    }
    fn konst(&mut self, s: &str) -> ConstId {
        let u: Vec<u16> = s.encode_utf16().collect();
        self.konst_units(&u)
    }
    fn ic(&mut self) -> IcId {
        self.nics += 1;
        IcId(self.nics - 1)
    }
    fn pos(&mut self, p: Pos) {
        let f = self.f();
        if f.last_pos != p {
            f.last_pos = p;
            f.insts.push(Inst::Pos(p));
        }
    }
    fn simple(&mut self, dst: Reg, v: Simple) {
        self.emit(Inst::Simple { dst, value: v });
    }
    fn undef(&mut self) -> Reg {
        let r = self.alloc();
        self.simple(r, Simple::Undefined);
        r
    }
    fn set_handler(&mut self, h: Option<Label>) {
        self.f().handler = h;
        self.emit(Inst::Handler(h));
    }

    // ----- functions -----
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum BindMode {
    /// A declaration's initialisation (const allowed, no TDZ check).
    Init,
    /// An assignment.
    Assign,
}

fn bin_op(op: BinaryOp) -> BinOp {
    op
}
