//! The register IR between the syntax tree and Cranelift.
//!
//! A function is a flat list of instructions over numbered registers (slots of the frame's
//! register file) with labels for control flow. Ids are typed `u32`s; constants, property caches
//! and function templates live in per-module tables. `verify` checks a function before code
//! generation so a lowering bug is reported, not compiled.

use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Reg(pub u32);
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Label(pub u32);
/// Index into the module's constant pool.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ConstId(pub u32);
/// Index into the module's property-cache table.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct IcId(pub u32);
/// Index into the module's per-site value caches.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SiteId(pub u32);
/// Index into the module's function list.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FuncId(pub u32);

/// A module constant.
#[derive(Clone, Debug, PartialEq)]
pub enum Constant {
    /// UTF-16 text.
    Str(Vec<u16>),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Simple {
    Undefined = 0,
    Null = 1,
    False = 2,
    True = 3,
    Hole = 4,
}

/// Where a closure's captured cell comes from in the creating function (and where a function
/// called by name lives, for `CallVar`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Capture {
    Cell(u32),
    Env(u32),
}

/// Binary operators are the syntax tree's: the code generator maps each to a helper code.
pub use crate::ast::BinaryOp as BinOp;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UnOp {
    Neg,
    Plus,
    Not,
    BitNot,
    Typeof,
    ToNumeric,
    ToString,
    ToPropertyKey,
}

#[derive(Clone, Debug)]
pub enum Inst {
    /// Source position (byte offset) of the instructions that follow.
    Pos(u32),
    Label(Label),
    Move {
        dst: Reg,
        src: Reg,
    },
    Number {
        dst: Reg,
        value: f64,
    },
    Simple {
        dst: Reg,
        value: Simple,
    },
    Const {
        dst: Reg,
        c: ConstId,
    },
    Binary {
        op: BinOp,
        dst: Reg,
        a: Reg,
        b: Reg,
    },
    Unary {
        op: UnOp,
        dst: Reg,
        a: Reg,
    },
    Jump(Label),
    /// Branch on truthiness.
    Branch {
        cond: Reg,
        if_true: Label,
        if_false: Label,
    },
    /// Branch on `src` being undefined or null.
    BranchNullish {
        src: Reg,
        nullish: Label,
        other: Label,
    },
    Return {
        src: Reg,
    },
    Throw {
        src: Reg,
    },
    /// From here on (in instruction order) exceptions go to this label, or leave the function.
    Handler(Option<Label>),
    /// `dst = the pending exception` (first instruction of a catch handler).
    Catch {
        dst: Reg,
    },
    CheckTdz {
        src: Reg,
        name: ConstId,
    },
    ThrowConst {
        name: ConstId,
    },
    /// Throws the ReferenceError for reading `name` before its initialisation.
    ThrowTdz {
        name: ConstId,
    },
    ThrowTypeError {
        message: ConstId,
    },
    LoadCell {
        dst: Reg,
        cell: u32,
        check: Option<ConstId>,
    },
    StoreCell {
        cell: u32,
        src: Reg,
    },
    FreshCell {
        cell: u32,
        copy: bool,
    },
    LoadEnv {
        dst: Reg,
        index: u32,
        check: Option<ConstId>,
    },
    StoreEnv {
        index: u32,
        src: Reg,
    },
    GetGlobal {
        dst: Reg,
        name: ConstId,
        ic: IcId,
        typeof_mode: bool,
    },
    SetGlobal {
        name: ConstId,
        src: Reg,
    },
    /// `dst = ` the context variable `binding` of the running pipeline (see
    /// `pipy_value::context`, implemented by the engine).
    GetContext {
        dst: Reg,
        binding: u32,
        typeof_mode: bool,
    },
    SetContext {
        binding: u32,
        src: Reg,
    },
    /// A top-level `var` or function of a script that declares globals: defines the global
    /// (`src` None: only if it does not exist yet, as undefined).
    DeclareGlobal {
        name: ConstId,
        src: Option<Reg>,
    },
    /// `dst = exports object of the module `spec``.
    Import {
        dst: Reg,
        spec: ConstId,
    },
    /// `super[key]` with an explicit home object and receiver (inside arrow functions).
    SuperGetIn {
        dst: Reg,
        key: Reg,
        home: Reg,
        this: Reg,
    },
    SuperSetIn {
        key: Reg,
        src: Reg,
        home: Reg,
        this: Reg,
    },
    GetProp {
        dst: Reg,
        obj: Reg,
        key: ConstId,
        ic: IcId,
    },
    SetProp {
        obj: Reg,
        key: ConstId,
        src: Reg,
        ic: IcId,
    },
    /// Defines an own data property of a fresh object literal (no setters, no prototype checks).
    InitProp {
        obj: Reg,
        key: ConstId,
        src: Reg,
        ic: IcId,
    },
    GetElem {
        dst: Reg,
        obj: Reg,
        key: Reg,
    },
    SetElem {
        obj: Reg,
        key: Reg,
        src: Reg,
    },
    Delete {
        dst: Reg,
        obj: Reg,
        key: Reg,
    },
    /// `dst = callee.call(this, args[0..argc])`: arguments in consecutive registers.
    Call {
        dst: Reg,
        callee: Reg,
        this: Reg,
        args: Reg,
        argc: u32,
    },
    /// `dst = f(...args)` with `f` read from own cell or environment entry `var` after the
    /// arguments: a call of a function by name that does not copy the function into a register
    /// and release it again. Only for variables that always hold the same function.
    CallVar {
        dst: Reg,
        var: Capture,
        this: Reg,
        args: Reg,
        argc: u32,
    },
    New {
        dst: Reg,
        callee: Reg,
        args: Reg,
        argc: u32,
    },
    CallArray {
        dst: Reg,
        callee: Reg,
        this: Reg,
        array: Reg,
    },
    NewArray {
        dst: Reg,
        callee: Reg,
        array: Reg,
    },
    SuperCall {
        dst: Reg,
        array: Reg,
    },
    SuperGet {
        dst: Reg,
        key: Reg,
    },
    SuperSet {
        key: Reg,
        src: Reg,
    },
    Closure {
        dst: Reg,
        func: FuncId,
        captures: Vec<Capture>,
    },
    LoadThis {
        dst: Reg,
    },
    /// 0 = arguments object, 1 = new.target, 2 = callee, 3 = rest array from `start`, 4 = global.
    LoadSpecial {
        dst: Reg,
        which: u32,
        start: u32,
    },
    LoadArg {
        dst: Reg,
        index: u32,
    },
    LoadHome {
        dst: Reg,
    },
    NewObject {
        dst: Reg,
    },
    /// `dst = [elems[0..count]]`.
    MakeArray {
        dst: Reg,
        elems: Reg,
        count: u32,
    },
    ArrayPush {
        array: Reg,
        src: Reg,
    },
    ArraySpread {
        array: Reg,
        src: Reg,
    },
    DefineMethod {
        obj: Reg,
        key: Reg,
        func: Reg,
        kind: u32,
    },
    ObjectSpread {
        obj: Reg,
        src: Reg,
    },
    ObjectRest {
        dst: Reg,
        src: Reg,
        excluded: Reg,
    },
    RequireObject {
        src: Reg,
    },
    /// kind 0: values (`for…of`), 1: keys (`for…in`).
    GetIterator {
        dst: Reg,
        src: Reg,
        kind: u32,
    },
    /// `dst = next value`, or jump to `done`.
    IterNext {
        dst: Reg,
        iter: Reg,
        done: Label,
    },
    IterClose {
        iter: Reg,
        keep_pending: bool,
    },
    MakeClass {
        ctor: Reg,
        parent: Reg,
        proto_dst: Reg,
    },
    SetFields {
        ctor: Reg,
        init: Reg,
    },
    SetHome {
        func: Reg,
        home: Reg,
    },
    PrivateName {
        dst: Reg,
        desc: ConstId,
    },
    DefinePrivate {
        obj: Reg,
        key: Reg,
        src: Reg,
    },
    RegExp {
        dst: Reg,
        pattern: ConstId,
        flags: ConstId,
    },
    /// `dst = the value cached at site`, or jump to `miss` when there is none yet.
    LoadSite {
        dst: Reg,
        site: SiteId,
        miss: Label,
    },
    StoreSite {
        site: SiteId,
        src: Reg,
    },
    /// Derived constructors: turn the return value into `this` (checks).
    CtorResult,
    /// Sets the return value without returning (used before `finally` code runs).
    SetResult {
        src: Reg,
    },
    /// Returns with the value set by `SetResult`.
    ReturnSet,
}

impl Inst {
    /// Instructions that end a block.
    pub fn is_terminator(&self) -> bool {
        matches!(
            self,
            Inst::Jump(_)
                | Inst::Branch { .. }
                | Inst::BranchNullish { .. }
                | Inst::Return { .. }
                | Inst::Throw { .. }
                | Inst::ThrowConst { .. }
                | Inst::ThrowTdz { .. }
                | Inst::ThrowTypeError { .. }
                | Inst::ReturnSet
        )
    }
}

/// One function's IR.
#[derive(Debug)]
pub struct FuncIr {
    pub name: String,
    pub insts: Vec<Inst>,
    pub nregs: u32,
    pub ncells: u32,
    pub nlabels: u32,
    pub param_regs: u32,
    pub length: u32,
    pub kind: pipy_value::function::FuncKind,
    pub strict: bool,
    pub uses_this: bool,
    pub pos: u32,
    /// Number of captured cells the closure's environment holds.
    pub nenv: u32,
}

impl FuncIr {
    /// Whether control can go back to an earlier instruction (a loop, in lowered code).
    pub fn has_loop(&self) -> bool {
        let mut defined = vec![false; self.nlabels as usize];
        let back = |l: &Label, defined: &[bool]| defined.get(l.0 as usize).copied().unwrap_or(false);
        self.insts.iter().any(|inst| match inst {
            Inst::Label(l) => {
                if let Some(d) = defined.get_mut(l.0 as usize) {
                    *d = true;
                }
                false
            }
            Inst::Jump(l) => back(l, &defined),
            Inst::Branch { if_true, if_false, .. } => back(if_true, &defined) || back(if_false, &defined),
            Inst::BranchNullish { nullish, other, .. } => back(nullish, &defined) || back(other, &defined),
            _ => false,
        })
    }
}

#[derive(Debug, thiserror::Error)]
#[error("IR verification failed in `{func}` at instruction {index}: {message}")]
pub struct VerifyError {
    pub func: String,
    pub index: usize,
    pub message: String,
}

/// Checks registers, labels, cells and handler nesting of `f` against module table sizes.
pub fn verify(f: &FuncIr, nconsts: usize, nics: usize, nfuncs: usize) -> Result<(), VerifyError> {
    let err = |index: usize, message: String| VerifyError { func: f.name.clone(), index, message };
    let mut defined = vec![false; f.nlabels as usize];
    for (i, inst) in f.insts.iter().enumerate() {
        if let Inst::Label(l) = inst {
            if l.0 >= f.nlabels {
                return Err(err(i, format!("label {} out of range", l.0)));
            }
            if defined[l.0 as usize] {
                return Err(err(i, format!("label {} defined twice", l.0)));
            }
            defined[l.0 as usize] = true;
        }
    }
    for (i, inst) in f.insts.iter().enumerate() {
        let mut regs: Vec<Reg> = Vec::new();
        let mut labels: Vec<Label> = Vec::new();
        let mut consts: Vec<ConstId> = Vec::new();
        let mut cells: Vec<u32> = Vec::new();
        match inst {
            Inst::Pos(_) | Inst::Label(_) | Inst::CtorResult | Inst::ReturnSet => {}
            Inst::Move { dst, src } => regs.extend([*dst, *src]),
            Inst::Number { dst, .. } | Inst::Simple { dst, .. } | Inst::LoadThis { dst } | Inst::LoadHome { dst } => {
                regs.push(*dst)
            }
            Inst::LoadSpecial { dst, .. }
            | Inst::LoadArg { dst, .. }
            | Inst::NewObject { dst }
            | Inst::Catch { dst } => regs.push(*dst),
            Inst::Const { dst, c } => {
                regs.push(*dst);
                consts.push(*c);
            }
            Inst::Binary { dst, a, b, .. } => regs.extend([*dst, *a, *b]),
            Inst::Unary { dst, a, .. } => regs.extend([*dst, *a]),
            Inst::Jump(l) => labels.push(*l),
            Inst::Branch { cond, if_true, if_false } => {
                regs.push(*cond);
                labels.extend([*if_true, *if_false]);
            }
            Inst::BranchNullish { src, nullish, other } => {
                regs.push(*src);
                labels.extend([*nullish, *other]);
            }
            Inst::Return { src } | Inst::Throw { src } | Inst::SetResult { src } | Inst::RequireObject { src } => {
                regs.push(*src)
            }
            Inst::Handler(l) => labels.extend(l.iter().copied()),
            Inst::CheckTdz { src, name } => {
                regs.push(*src);
                consts.push(*name);
            }
            Inst::ThrowConst { name } | Inst::ThrowTdz { name } => consts.push(*name),
            Inst::ThrowTypeError { message } => consts.push(*message),
            Inst::LoadCell { dst, cell, check } => {
                regs.push(*dst);
                cells.push(*cell);
                consts.extend(check.iter().copied());
            }
            Inst::StoreCell { cell, src } => {
                regs.push(*src);
                cells.push(*cell);
            }
            Inst::FreshCell { cell, .. } => cells.push(*cell),
            Inst::LoadEnv { dst, index, check } => {
                regs.push(*dst);
                consts.extend(check.iter().copied());
                if *index >= f.nenv {
                    return Err(err(i, format!("env index {index} out of range")));
                }
            }
            Inst::StoreEnv { index, src } => {
                regs.push(*src);
                if *index >= f.nenv {
                    return Err(err(i, format!("env index {index} out of range")));
                }
            }
            Inst::GetGlobal { dst, name, ic, .. } => {
                regs.push(*dst);
                consts.push(*name);
                if ic.0 as usize >= nics {
                    return Err(err(i, "ic out of range".into()));
                }
            }
            Inst::SetGlobal { name, src } => {
                regs.push(*src);
                consts.push(*name);
            }
            Inst::GetContext { dst, .. } => regs.push(*dst),
            Inst::SetContext { src, .. } => regs.push(*src),
            Inst::SuperGetIn { dst, key, home, this } => regs.extend([*dst, *key, *home, *this]),
            Inst::SuperSetIn { key, src, home, this } => regs.extend([*key, *src, *home, *this]),
            Inst::Import { dst, spec } => {
                regs.push(*dst);
                consts.push(*spec);
            }
            Inst::DeclareGlobal { name, src } => {
                regs.extend(src.iter().copied());
                consts.push(*name);
            }
            Inst::GetProp { dst, obj, key, ic } => {
                regs.extend([*dst, *obj]);
                consts.push(*key);
                if ic.0 as usize >= nics {
                    return Err(err(i, "ic out of range".into()));
                }
            }
            Inst::SetProp { obj, key, src, ic } | Inst::InitProp { obj, key, src, ic } => {
                regs.extend([*obj, *src]);
                consts.push(*key);
                if ic.0 as usize >= nics {
                    return Err(err(i, "ic out of range".into()));
                }
            }
            Inst::GetElem { dst, obj, key } | Inst::Delete { dst, obj, key } => regs.extend([*dst, *obj, *key]),
            Inst::SetElem { obj, key, src } => regs.extend([*obj, *key, *src]),
            Inst::Call { dst, callee, this, args, argc } => {
                regs.extend([*dst, *callee, *this]);
                if *argc > 0 {
                    regs.push(*args);
                    regs.push(Reg(args.0 + argc - 1));
                }
            }
            Inst::CallVar { dst, var, this, args, argc } => {
                regs.extend([*dst, *this]);
                if *argc > 0 {
                    regs.push(*args);
                    regs.push(Reg(args.0 + argc - 1));
                }
                match var {
                    Capture::Cell(c) => cells.push(*c),
                    Capture::Env(e) if *e >= f.nenv => return Err(err(i, format!("env index {e} out of range"))),
                    Capture::Env(_) => {}
                }
            }
            Inst::New { dst, callee, args, argc } => {
                regs.extend([*dst, *callee]);
                if *argc > 0 {
                    regs.push(*args);
                    regs.push(Reg(args.0 + argc - 1));
                }
            }
            Inst::CallArray { dst, callee, this, array } => regs.extend([*dst, *callee, *this, *array]),
            Inst::NewArray { dst, callee, array } => regs.extend([*dst, *callee, *array]),
            Inst::SuperCall { dst, array } => regs.extend([*dst, *array]),
            Inst::SuperGet { dst, key } => regs.extend([*dst, *key]),
            Inst::SuperSet { key, src } => regs.extend([*key, *src]),
            Inst::Closure { dst, func, captures } => {
                regs.push(*dst);
                if func.0 as usize >= nfuncs {
                    return Err(err(i, "function id out of range".into()));
                }
                for c in captures {
                    match c {
                        Capture::Cell(c) => cells.push(*c),
                        Capture::Env(e) => {
                            if *e >= f.nenv {
                                return Err(err(i, format!("captured env index {e} out of range")));
                            }
                        }
                    }
                }
            }
            Inst::MakeArray { dst, elems, count } => {
                regs.push(*dst);
                if *count > 0 {
                    regs.push(*elems);
                    regs.push(Reg(elems.0 + count - 1));
                }
            }
            Inst::ArrayPush { array, src } | Inst::ArraySpread { array, src } => regs.extend([*array, *src]),
            Inst::DefineMethod { obj, key, func, .. } => regs.extend([*obj, *key, *func]),
            Inst::ObjectSpread { obj, src } => regs.extend([*obj, *src]),
            Inst::ObjectRest { dst, src, excluded } => regs.extend([*dst, *src, *excluded]),
            Inst::GetIterator { dst, src, .. } => regs.extend([*dst, *src]),
            Inst::IterNext { dst, iter, done } => {
                regs.extend([*dst, *iter]);
                labels.push(*done);
            }
            Inst::IterClose { iter, .. } => regs.push(*iter),
            Inst::MakeClass { ctor, parent, proto_dst } => regs.extend([*ctor, *parent, *proto_dst]),
            Inst::SetFields { ctor, init } => regs.extend([*ctor, *init]),
            Inst::SetHome { func, home } => regs.extend([*func, *home]),
            Inst::PrivateName { dst, desc } => {
                regs.push(*dst);
                consts.push(*desc);
            }
            Inst::DefinePrivate { obj, key, src } => regs.extend([*obj, *key, *src]),
            Inst::RegExp { dst, pattern, flags } => {
                regs.push(*dst);
                consts.extend([*pattern, *flags]);
            }
            Inst::LoadSite { dst, miss, .. } => {
                regs.push(*dst);
                labels.push(*miss);
            }
            Inst::StoreSite { src, .. } => regs.push(*src),
        }
        for r in regs {
            if r.0 >= f.nregs {
                return Err(err(i, format!("register r{} out of range (nregs {})", r.0, f.nregs)));
            }
        }
        for l in labels {
            if l.0 >= f.nlabels || !defined[l.0 as usize] {
                return Err(err(i, format!("label L{} not defined", l.0)));
            }
        }
        for c in consts {
            if c.0 as usize >= nconsts {
                return Err(err(i, format!("constant {} out of range", c.0)));
            }
        }
        for c in cells {
            if c >= f.ncells {
                return Err(err(i, format!("cell {c} out of range (ncells {})", f.ncells)));
            }
        }
    }
    Ok(())
}

impl fmt::Display for FuncIr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "function {} (regs {}, cells {}, env {}):", self.name, self.nregs, self.ncells, self.nenv)?;
        for inst in &self.insts {
            match inst {
                Inst::Label(l) => writeln!(f, "L{}:", l.0)?,
                Inst::Pos(_) => {}
                other => writeln!(f, "    {other:?}")?,
            }
        }
        Ok(())
    }
}
