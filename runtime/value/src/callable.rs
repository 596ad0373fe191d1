//! What a function object holds. Three kinds of callable: closures (script functions: a
//! compiled template plus captured cells), natives (Rust closures: the built-ins) and bound
//! functions; and the `Frame` compiled code runs in. Calling them is `function`'s job.

use crate::object::Obj;
use crate::string::JsString;
use crate::suspects;
use crate::value::{JsResult, Value};
use std::any::Any;
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// A captured variable: shared by the frame that declares it and every closure that uses it.
/// Dereferences to the `RefCell` holding the value.
pub struct VarCell(Rc<VarBox>);

/// What a `VarCell` points at.
pub struct VarBox {
    value: RefCell<Value>,
    /// The cycle collector's flags (`suspects::SUSPECT`).
    gc: Cell<u8>,
    /// While `SUSPECT`: the position in the suspect list.
    suspect_at: Cell<u32>,
}

impl Drop for VarBox {
    fn drop(&mut self) {
        if self.gc.get() & suspects::SUSPECT != 0 {
            suspects::forget_var(self.suspect_at.get());
        }
    }
}

pub fn new_cell(v: Value) -> VarCell {
    VarCell(Rc::new(VarBox { value: RefCell::new(v), gc: Cell::new(0), suspect_at: Cell::new(0) }))
}

impl VarCell {
    /// Whether both name the same variable.
    pub fn ptr_eq(&self, other: &VarCell) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }

    /// The cell's address (its identity).
    pub fn addr(&self) -> usize {
        Rc::as_ptr(&self.0) as usize
    }

    /// Counted references to this cell (this one included).
    pub fn strong_count(&self) -> usize {
        Rc::strong_count(&self.0)
    }

    pub(crate) fn downgrade(&self) -> Weak<VarBox> {
        Rc::downgrade(&self.0)
    }

    pub(crate) fn from_box(b: Rc<VarBox>) -> VarCell {
        VarCell(b)
    }

    pub(crate) fn gc_flags(&self) -> u8 {
        self.0.gc.get()
    }

    pub(crate) fn set_gc_flags(&self, flags: u8) {
        self.0.gc.set(flags)
    }

    pub(crate) fn set_suspect_at(&self, at: u32) {
        self.0.suspect_at.set(at)
    }
}

impl std::ops::Deref for VarCell {
    type Target = RefCell<Value>;
    fn deref(&self) -> &RefCell<Value> {
        &self.0.value
    }
}

impl Clone for VarCell {
    fn clone(&self) -> VarCell {
        VarCell(self.0.clone())
    }
}

impl VarCell {
    #[cold]
    #[inline(never)]
    fn release_unflagged(&self) {
        if Rc::strong_count(&self.0) > 1 {
            suspects::suspect_var(self);
        }
    }
}

impl Drop for VarCell {
    #[inline(always)]
    fn drop(&mut self) {
        // As for objects: a variable that outlives this release may hold a garbage cycle.
        if self.0.gc.get() == 0 {
            self.release_unflagged();
        }
    }
}

/// A built-in: `(this, arguments, new.target)`.
pub type NativeFn = Rc<dyn Fn(&Value, &[Value], Option<&Obj>) -> JsResult<Value>>;

/// The machine code of one script function. Returns 0 with `frame.result` set, or 1 with the
/// realm's pending exception set.
pub type CodeFn = extern "C" fn(*mut Frame) -> u32;

pub enum FunctionData {
    Closure(Closure),
    Native(NativeFunction),
    /// A built-in whose state is values (kept where the cycle collector sees them).
    WithData(DataFunction),
    Bound(BoundFunction),
}

impl FunctionData {
    pub fn is_constructor(&self) -> bool {
        match self {
            FunctionData::Closure(c) => c.template.kind.is_constructor(),
            FunctionData::Native(n) => n.ctor,
            FunctionData::WithData(_) => false,
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

/// The code of a `DataFunction`: `(data, this, arguments)`.
pub type DataFn = fn(&[Value], &Value, &[Value]) -> JsResult<Value>;

/// A built-in that keeps the values it needs in `data` rather than in a Rust closure's captures,
/// so a cycle through it (a promise's resolve function stored on an object the promise's
/// handler reaches) can be collected.
pub struct DataFunction {
    pub f: DataFn,
    pub data: Vec<Value>,
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
    /// The machine code: at first a stub that compiles the function on its first call and
    /// replaces itself with the result.
    pub code: std::cell::Cell<CodeFn>,
    /// The function's position in its compiled module.
    pub index: u32,
    /// Calls left before the function is compiled again, optimised (0: no more counting). When
    /// it runs out, `code` is pointed back at `recompile`.
    pub countdown: std::cell::Cell<u32>,
    /// Compiles the function (to the tier its compiler chooses), installs the code, and runs it.
    pub recompile: CodeFn,
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
