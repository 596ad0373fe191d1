//! Calls at the machine level: the per-thread call state (depth, the chain of running compiled
//! frames for stack traces) and the register stack that gives every call its register file
//! without allocating.
//!
//! This is part of the JIT boundary: compiled code reads and writes the register windows handed
//! out here through raw pointers, so the `unsafe` blocks below say why each access is sound.

use crate::callable::Frame;
use crate::value::Value;
use std::cell::{Cell, RefCell};

/// Per-thread call bookkeeping, kept in one thread-local so a call touches it once: the call
/// depth, the innermost running compiled frame (frames link to callers through `parent`), and
/// the register stack.
/// Calls nested deeper than the limit.
#[derive(Debug)]
pub struct TooDeep;

pub struct CallState {
    depth: Cell<usize>,
    current: Cell<*const Frame>,
    registers: RegisterStack,
}

thread_local! {
    static CALLS: CallState = const {
        CallState { depth: Cell::new(0), current: Cell::new(std::ptr::null()), registers: RegisterStack::new() }
    };
}

/// Deepest nesting of calls (script and native) before a RangeError.
pub const MAX_DEPTH: usize = 3000;

/// Runs `f` with this thread's call state.
pub fn with_calls<R>(f: impl FnOnce(&CallState) -> R) -> R {
    CALLS.with(f)
}

impl CallState {
    /// Counts one more active call, or refuses with the stack-overflow RangeError.
    /// Counts one more call; `Err(TooDeep)` past the limit (the caller throws the RangeError).
    #[inline]
    pub fn push_depth(&self) -> Result<(), TooDeep> {
        let d = self.depth.get();
        if d >= MAX_DEPTH {
            return Err(TooDeep);
        }
        self.depth.set(d + 1);
        Ok(())
    }
    /// Calls under way on this thread (0 between events).
    pub fn depth(&self) -> usize {
        self.depth.get()
    }
    #[inline]
    pub fn pop_depth(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }
    #[inline]
    pub fn acquire(&self, len: usize) -> RegisterWindow {
        self.registers.acquire(len)
    }
    #[inline]
    pub fn release(&self, w: RegisterWindow) {
        self.registers.release(w)
    }
    /// Runs a compiled function on `frame`, linking it into the chain used for stack traces.
    #[inline]
    pub fn run(&self, frame: &mut Frame) -> u32 {
        frame.parent = self.current.get();
        self.current.set(frame as *const Frame);
        let template = &*frame.template;
        let left = template.countdown.get();
        if left != 0 {
            template.countdown.set(left - 1);
            if left == 1 {
                template.code.set(template.recompile);
            }
        }
        let code = template.code.get();
        let status = code(frame as *mut Frame);
        self.current.set(frame.parent);
        status
    }
}

/// Runs a compiled function on `frame` (see `CallState::run`).
pub fn enter(frame: &mut Frame) -> u32 {
    with_calls(|c| c.run(frame))
}

/// The arguments a frame was called with.
pub fn frame_args(fr: &Frame) -> &[Value] {
    if fr.argc == 0 {
        return &[];
    }
    // SAFETY: `args`/`argc` come from the `&[Value]` passed to `function::run_closure`, which
    // outlives the frame.
    unsafe { std::slice::from_raw_parts(fr.args, fr.argc) }
}

/// Register files of running frames: chunks of values handed out and returned in LIFO order, so a
/// call allocates nothing. Chunks are never moved or freed while the thread lives, so a window's
/// pointer stays valid until the window is released.
struct RegisterStack {
    chunks: RefCell<Vec<(*mut Value, usize)>>,
    /// (chunk index, next free slot in it)
    top: Cell<(usize, usize)>,
    /// The current chunk's base and size (a copy of `chunks[top.0]`, so the common case of a
    /// window that fits reads no `RefCell`); null before the first chunk exists.
    current: Cell<(*mut Value, usize)>,
}

const CHUNK: usize = 1 << 14;

impl RegisterStack {
    const fn new() -> RegisterStack {
        RegisterStack {
            chunks: RefCell::new(Vec::new()),
            top: Cell::new((0, 0)),
            current: Cell::new((std::ptr::null_mut(), 0)),
        }
    }

    #[inline]
    fn acquire(&self, len: usize) -> RegisterWindow {
        let saved = self.top.get();
        let (base, size) = self.current.get();
        if !base.is_null() && saved.1 + len <= size {
            // SAFETY: `saved.1 + len <= size`, so the window lies inside the live current chunk.
            let ptr = unsafe { base.add(saved.1) };
            self.top.set((saved.0, saved.1 + len));
            return RegisterWindow { ptr, len, saved };
        }
        let (mut chunk, mut offset) = saved;
        let mut chunks = self.chunks.borrow_mut();
        loop {
            if chunk < chunks.len() {
                if offset + len <= chunks[chunk].1 {
                    break;
                }
                // Skip to the next chunk (a spare one from earlier calls, or a new one).
                chunk += 1;
                offset = 0;
                continue;
            }
            let size = len.max(CHUNK);
            let b: Box<[Value]> = (0..size).map(|_| Value::Undefined).collect();
            chunks.push((Box::into_raw(b) as *mut Value, size));
        }
        // SAFETY: `offset + len <= chunk size`, so the window lies inside one live chunk.
        let ptr = unsafe { chunks[chunk].0.add(offset) };
        self.top.set((chunk, offset + len));
        self.current.set(chunks[chunk]);
        RegisterWindow { ptr, len, saved }
    }

    #[inline]
    fn release(&self, w: RegisterWindow) {
        for i in 0..w.len {
            // SAFETY: windows are released in LIFO order by the call that acquired them, so these
            // slots belong to that frame alone, which has returned. Resetting them releases
            // references; slots holding no reference only need their tag reset.
            let slot = unsafe { &mut *w.ptr.add(i) };
            crate::value::release(std::mem::take(slot));
        }
        if w.saved.0 != self.top.get().0 {
            // Back to an earlier chunk.
            if let Some(&c) = self.chunks.borrow().get(w.saved.0) {
                self.current.set(c);
            }
        }
        self.top.set(w.saved);
    }
}

impl Drop for RegisterStack {
    fn drop(&mut self) {
        for &(ptr, len) in self.chunks.borrow().iter() {
            // SAFETY: each chunk was made by `Box::into_raw` of a boxed slice of `len` values in
            // `RegisterStack::acquire` and is freed exactly once, here, at thread exit.
            drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(ptr, len)) });
        }
    }
}

/// One frame's registers: `len` values, all `undefined` when acquired; give it back with
/// `CallState::release`.
pub struct RegisterWindow {
    ptr: *mut Value,
    len: usize,
    saved: (usize, usize),
}

impl RegisterWindow {
    pub fn ptr(&self) -> *mut Value {
        self.ptr
    }
    /// Stores `v` in register `i` (`i < len`).
    pub fn set(&self, i: usize, v: Value) {
        if i < self.len {
            // SAFETY: `i < len` and the window is live; nothing else holds a reference into it.
            crate::value::store(unsafe { &mut *self.ptr.add(i) }, v);
        }
    }
}

/// One line of a stack trace.
pub struct StackFrame {
    pub function: String,
    pub file: String,
    pub line: u32,
    pub column: u32,
}

impl std::fmt::Display for StackFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.function.is_empty() {
            write!(f, "{}:{}:{}", self.file, self.line, self.column)
        } else {
            write!(f, "{} ({}:{}:{})", self.function, self.file, self.line, self.column)
        }
    }
}

/// `file:line:column` of the innermost script frame, if a script is running.
pub fn innermost_site() -> Option<String> {
    let p = with_calls(|c| c.current.get());
    if p.is_null() {
        return None;
    }
    // SAFETY: as in `capture_stack`: a linked frame is alive on the Rust stack.
    let fr = unsafe { &*p };
    let (line, column) = fr.template.source.line_col(fr.pos);
    Some(format!("{}:{line}:{column}", fr.template.source.name))
}

/// The active script frames, innermost first.
pub fn capture_stack() -> Vec<StackFrame> {
    let mut out = Vec::new();
    let mut p = with_calls(|c| c.current.get());
    while !p.is_null() && out.len() < 20 {
        // SAFETY: `enter` links a frame in before running it and unlinks it after, so every frame
        // on the chain is still alive on the Rust stack.
        let fr = unsafe { &*p };
        let (line, column) = fr.template.source.line_col(fr.pos);
        out.push(StackFrame {
            function: fr.template.name.to_rust_string(),
            file: fr.template.source.name.clone(),
            line,
            column,
        });
        p = fr.parent;
    }
    out
}
