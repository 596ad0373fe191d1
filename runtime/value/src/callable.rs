//! What a function object holds. Three kinds of callable: closures (script functions: a
//! compiled template plus captured cells), natives (Rust closures: the built-ins) and bound
//! functions; and the `Frame` compiled code runs in. Calling them is `function`'s job.

use crate::object::Obj;
use crate::string::JsString;
use crate::value::{JsResult, Value};
use std::any::Any;
use std::cell::RefCell;
use std::rc::Rc;

/// A captured variable: shared by the frame that declares it and every closure that uses it.
pub type VarCell = Rc<RefCell<Value>>;

pub fn new_cell(v: Value) -> VarCell {
    Rc::new(RefCell::new(v))
}

/// A built-in: `(this, arguments, new.target)`.
pub type NativeFn = Rc<dyn Fn(&Value, &[Value], Option<&Obj>) -> JsResult<Value>>;

/// The machine code of one script function. Returns 0 with `frame.result` set, or 1 with the
/// realm's pending exception set.
pub type CodeFn = extern "C" fn(*mut Frame) -> u32;

pub enum FunctionData {
    Closure(Closure),
    Native(NativeFunction),
    Bound(BoundFunction),
}

impl FunctionData {
    pub fn is_constructor(&self) -> bool {
        match self {
            FunctionData::Closure(c) => c.template.kind.is_constructor(),
            FunctionData::Native(n) => n.ctor,
            FunctionData::Bound(b) => b.target.is_constructor(),
        }
    }
}

pub struct Closure {
    pub template: Rc<FuncTemplate>,
    pub env: Rc<[VarCell]>,
    /// `[[HomeObject]]`: where `super` lookups start (methods of classes and object literals).
    pub home: Option<Obj>,
    /// For class constructors: the function that initialises instance fields.
    pub fields: Option<Obj>,
}

pub struct NativeFunction {
    pub f: NativeFn,
    pub ctor: bool,
}

pub struct BoundFunction {
    pub target: Obj,
    pub this: Value,
    pub args: Vec<Value>,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FuncKind {
    Normal,
    Arrow,
    Method,
    Getter,
    Setter,
    ClassConstructor,
    DerivedConstructor,
    /// The top level of a script or module.
    Script,
}

impl FuncKind {
    pub fn is_constructor(self) -> bool {
        matches!(self, FuncKind::Normal | FuncKind::ClassConstructor | FuncKind::DerivedConstructor)
    }
    pub fn is_class_constructor(self) -> bool {
        matches!(self, FuncKind::ClassConstructor | FuncKind::DerivedConstructor)
    }
}

/// Where a script came from: its name and line starts, to turn offsets into `file:line:col`.
pub struct SourceInfo {
    pub name: String,
    pub line_starts: Vec<u32>,
}

impl SourceInfo {
    pub fn new(name: &str, text: &str) -> SourceInfo {
        let mut line_starts = vec![0];
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                line_starts.push(i as u32 + 1);
            }
        }
        SourceInfo { name: name.to_string(), line_starts }
    }
    /// 1-based line and column of a byte offset.
    pub fn line_col(&self, offset: u32) -> (u32, u32) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        (line as u32 + 1, offset - self.line_starts[line] + 1)
    }
}

/// Everything about a script function that does not change per closure.
pub struct FuncTemplate {
    pub name: JsString,
    /// Set once the module's machine code is finalised.
    pub code: std::cell::Cell<CodeFn>,
    /// The `length` property: parameters before the first default or rest.
    pub length: u32,
    /// Plain parameters copied into registers `0..param_regs` on entry.
    pub param_regs: u32,
    pub nregs: u32,
    pub ncells: u32,
    pub kind: FuncKind,
    pub strict: bool,
    /// The function reads `this` (sloppy functions then box it or use the global object).
    pub uses_this: bool,
    pub source: Rc<SourceInfo>,
    /// Byte offset of the function in its source.
    pub pos: u32,
    /// Keeps the machine code alive (the JIT module that owns it).
    pub keep_alive: Rc<dyn Any>,
}

/// What compiled code gets. `regs` and `pos` are at fixed offsets (`abi::FRAME_*`); the rest is
/// reached only through helpers.
#[repr(C)]
pub struct Frame {
    pub regs: *mut Value,
    /// Byte offset (in the source) of the instruction running now; written before fallible calls.
    pub pos: u32,
    /// The calling frame (for stack traces); set by `calls::enter`.
    pub parent: *const Frame,
    /// The arguments as passed (they outlive the call); read through `calls::frame_args`.
    pub args: *const Value,
    pub argc: usize,
    pub callee: Option<Obj>,
    pub template: Rc<FuncTemplate>,
    pub this: Value,
    pub new_target: Value,
    pub cells: Vec<VarCell>,
    pub env: Rc<[VarCell]>,
    pub home: Option<Obj>,
    pub result: Value,
}
