//! The object cell: where an object lives, laid out for JIT-compiled code.
//!
//! This module is part of the JIT/ABI boundary. An `Obj` is one pointer, the one a `Value` carries
//! at `VALUE_PAYLOAD`, and it points at an `ObjCell`: a `#[repr(C)]` header compiled code reads at
//! fixed offsets (`CELL_BORROW`, `CELL_SHAPE`, `CELL_SLOTS`, `CELL_PROTO`, `CELL_ELEMS`,
//! `CELL_ELEMS_LEN`), followed by the `JsObject` itself.
//!
//! * The cell is allocated by `std::rc::Rc` and `Obj` holds the pointer `Rc::into_raw` returns,
//!   so counting references, weak references and freeing are `Rc`'s (its documented raw-pointer
//!   API: `into_raw`, `from_raw`, `increment_strong_count`, `decrement_strong_count`).
//! * The object is guarded like a `RefCell` (`borrow`/`borrow_mut` panic on a conflicting borrow),
//!   but the borrow counter is ours and sits at a known offset, so compiled code can see that no
//!   Rust code holds the object.
//! * `shape`, `slots` and `proto` mirror `JsObject::shape`, `JsObject::slots` and
//!   `JsObject::proto` (and `elems`/`elems_len` an array's elements) whenever the counter is zero: they are refreshed when a mutable borrow
//!   ends, and only a mutable borrow can change any of them. Compiled code that finds the counter at zero and the mirrored shape equal to the one
//!   its inline cache learned may read or overwrite that slot in place (see `codegen.rs`).

use crate::object::{JsObject, ObjectKind};
use crate::shape::Shape;
use crate::suspects;
use crate::value::Value;
use std::cell::{Cell, UnsafeCell};
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;
use std::rc::{Rc, Weak};

/// An object and the header compiled code reads. Only ever behind an `Obj`.
#[repr(C)]
pub struct ObjCell {
    /// 0: free; n > 0: n shared borrows; -1: one mutable borrow.
    borrow: Cell<isize>,
    /// `Rc::as_ptr(&object.shape)` while `borrow` is 0.
    shape: Cell<*const Shape>,
    /// `object.slots.as_mut_ptr()` while `borrow` is 0.
    slots: Cell<*mut Value>,
    /// The prototype's cell (null for none) while `borrow` is 0.
    proto: Cell<*const ObjCell>,
    /// For an array, its elements' address and count while `borrow` is 0; null and 0 otherwise.
    elems: Cell<*mut Value>,
    elems_len: Cell<usize>,
    /// The cycle collector's flags (`suspects::SUSPECT`, `suspects::PERMANENT`).
    gc: Cell<u8>,
    /// While `SUSPECT`: the position in the suspect list (so freeing takes it out at once).
    suspect_at: Cell<u32>,
    object: UnsafeCell<JsObject>,
}

impl Drop for ObjCell {
    fn drop(&mut self) {
        // Freed while suspected: out of the suspect list, so nothing keeps the memory.
        if self.gc.get() & suspects::SUSPECT != 0 {
            suspects::forget_object(self.suspect_at.get());
        }
    }
}

/// Byte offsets of the header fields, for compiled code.
pub const CELL_BORROW: i32 = std::mem::offset_of!(ObjCell, borrow) as i32;
pub const CELL_SHAPE: i32 = std::mem::offset_of!(ObjCell, shape) as i32;
pub const CELL_SLOTS: i32 = std::mem::offset_of!(ObjCell, slots) as i32;
pub const CELL_PROTO: i32 = std::mem::offset_of!(ObjCell, proto) as i32;
pub const CELL_ELEMS: i32 = std::mem::offset_of!(ObjCell, elems) as i32;
pub const CELL_ELEMS_LEN: i32 = std::mem::offset_of!(ObjCell, elems_len) as i32;

impl ObjCell {
    fn refresh(&self, o: &mut JsObject) {
        self.shape.set(Rc::as_ptr(&o.shape));
        self.slots.set(o.slots.as_mut_ptr());
        self.proto.set(o.proto.as_ref().map_or(std::ptr::null(), |p| p.0.as_ptr() as *const ObjCell));
        match &mut o.kind {
            ObjectKind::Array(v) => {
                self.elems.set(v.as_mut_ptr());
                self.elems_len.set(v.len());
            }
            _ => {
                self.elems.set(std::ptr::null_mut());
                self.elems_len.set(0);
            }
        }
    }
}

/// A counted reference to an object (`Clone` counts one more, `Drop` releases one).
pub struct Obj(NonNull<ObjCell>);

impl Obj {
    /// Puts a new object in a cell of its own.
    pub(crate) fn from_object(object: JsObject) -> Obj {
        let cell = Rc::new(ObjCell {
            borrow: Cell::new(0),
            shape: Cell::new(std::ptr::null()),
            slots: Cell::new(std::ptr::null_mut()),
            proto: Cell::new(std::ptr::null()),
            elems: Cell::new(std::ptr::null_mut()),
            elems_len: Cell::new(0),
            gc: Cell::new(0),
            suspect_at: Cell::new(0),
            object: UnsafeCell::new(object),
        });
        {
            let mut o = ObjRefMut::new(&cell);
            // Nothing to change: dropping the guard fills the mirrors.
            let _ = &mut *o;
        }
        // `into_raw` hands over the one reference this `Obj` now owns.
        Obj::from_rc(cell)
    }

    #[inline]
    fn from_rc(rc: Rc<ObjCell>) -> Obj {
        // SAFETY: `Rc::into_raw` never returns null.
        Obj(unsafe { NonNull::new_unchecked(Rc::into_raw(rc).cast_mut()) })
    }

    #[inline]
    fn cell(&self) -> &ObjCell {
        // SAFETY: the pointer came from `Rc::into_raw` and this `Obj` owns one strong count, so the
        // cell is alive for as long as `self` is borrowed.
        unsafe { self.0.as_ref() }
    }

    /// Shared access; panics if the object is mutably borrowed (as `RefCell::borrow`).
    #[inline]
    pub fn borrow(&self) -> ObjRef<'_> {
        let cell = self.cell();
        let n = cell.borrow.get();
        if n < 0 {
            panic!("already mutably borrowed: object");
        }
        cell.borrow.set(n + 1);
        ObjRef { cell }
    }

    /// Exclusive access; panics if the object is borrowed (as `RefCell::borrow_mut`).
    #[inline]
    pub fn borrow_mut(&self) -> ObjRefMut<'_> {
        ObjRefMut::new(self.cell())
    }

    /// Whether both handles name the same object.
    #[inline]
    pub fn ptr_eq(&self, other: &Obj) -> bool {
        self.0 == other.0
    }

    /// The cell's address: an identity for hashing, and the word compiled code sees.
    #[inline]
    pub fn addr(&self) -> usize {
        self.0.as_ptr() as usize
    }

    /// How many counted references there are to this object (this one included).
    #[inline]
    pub fn strong_count(&self) -> usize {
        // SAFETY: as in `cell`; `ManuallyDrop` keeps the count this `Obj` owns untouched.
        let rc = ManuallyDrop::new(unsafe { Rc::from_raw(self.0.as_ptr()) });
        Rc::strong_count(&rc)
    }

    /// The cycle collector's flags of this object.
    #[inline]
    pub(crate) fn gc_flags(&self) -> u8 {
        self.cell().gc.get()
    }

    #[inline]
    pub(crate) fn set_gc_flags(&self, flags: u8) {
        self.cell().gc.set(flags)
    }

    pub(crate) fn set_suspect_at(&self, at: u32) {
        self.cell().suspect_at.set(at)
    }

    /// Shared access unless the object is mutably borrowed now (the cycle collector reads
    /// objects only when nobody writes them).
    pub(crate) fn try_borrow(&self) -> Option<ObjRef<'_>> {
        let cell = self.cell();
        let n = cell.borrow.get();
        if n < 0 {
            return None;
        }
        cell.borrow.set(n + 1);
        Some(ObjRef { cell })
    }

    /// Exclusive access unless the object is borrowed now.
    pub(crate) fn try_borrow_mut(&self) -> Option<ObjRefMut<'_>> {
        let cell = self.cell();
        if cell.borrow.get() != 0 {
            return None;
        }
        Some(ObjRefMut::new(cell))
    }

    /// A weak reference, which does not keep the object alive.
    pub fn downgrade(&self) -> WeakObj {
        // SAFETY: as in `cell`; `ManuallyDrop` keeps the count this `Obj` owns untouched.
        let rc = ManuallyDrop::new(unsafe { Rc::from_raw(self.0.as_ptr()) });
        WeakObj(Rc::downgrade(&rc))
    }
}

impl Clone for Obj {
    #[inline]
    fn clone(&self) -> Obj {
        // SAFETY: the pointer came from `Rc::into_raw` and its count is at least one (ours).
        unsafe { Rc::increment_strong_count(self.0.as_ptr()) };
        Obj(self.0)
    }
}

impl Obj {
    /// The release of an object not flagged yet: one that outlives it may be what keeps a
    /// garbage cycle together, and becomes a suspect (once until the next collection).
    #[cold]
    #[inline(never)]
    fn release_unflagged(&mut self) {
        if self.strong_count() > 1 {
            suspects::suspect_object(self);
        }
        // SAFETY: as in `drop`.
        unsafe { Rc::decrement_strong_count(self.0.as_ptr()) };
    }
}

impl Drop for Obj {
    #[inline]
    fn drop(&mut self) {
        // Flagged objects (suspected already, or permanent) cost one load more than a plain
        // count down.
        if self.cell().gc.get() == 0 {
            return self.release_unflagged();
        }
        // SAFETY: releases exactly the one count this `Obj` owns; no guard outlives the `Obj` it
        // borrowed from, so nothing refers into the cell if this was the last count.
        unsafe { Rc::decrement_strong_count(self.0.as_ptr()) };
    }
}

/// A weak reference to an object.
#[derive(Clone)]
pub struct WeakObj(Weak<ObjCell>);

impl WeakObj {
    pub fn upgrade(&self) -> Option<Obj> {
        self.0.upgrade().map(Obj::from_rc)
    }
    /// Whether the object is still alive.
    pub fn is_alive(&self) -> bool {
        self.0.strong_count() > 0
    }
}

/// A shared borrow of an object.
pub struct ObjRef<'a> {
    cell: &'a ObjCell,
}

impl Deref for ObjRef<'_> {
    type Target = JsObject;
    #[inline]
    fn deref(&self) -> &JsObject {
        // SAFETY: the counter is positive while this guard lives, so no `ObjRefMut` exists and
        // compiled code does not write to the object.
        unsafe { &*self.cell.object.get() }
    }
}

impl Drop for ObjRef<'_> {
    #[inline]
    fn drop(&mut self) {
        self.cell.borrow.set(self.cell.borrow.get() - 1);
    }
}

/// A mutable borrow of an object; when it ends, the header mirrors are refreshed.
pub struct ObjRefMut<'a> {
    cell: &'a ObjCell,
}

impl<'a> ObjRefMut<'a> {
    #[inline]
    fn new(cell: &'a ObjCell) -> ObjRefMut<'a> {
        if cell.borrow.get() != 0 {
            panic!("already borrowed: object");
        }
        cell.borrow.set(-1);
        ObjRefMut { cell }
    }
}

impl Deref for ObjRefMut<'_> {
    type Target = JsObject;
    #[inline]
    fn deref(&self) -> &JsObject {
        // SAFETY: the counter is -1 while this guard lives: it is the only access.
        unsafe { &*self.cell.object.get() }
    }
}

impl DerefMut for ObjRefMut<'_> {
    #[inline]
    fn deref_mut(&mut self) -> &mut JsObject {
        // SAFETY: as in `deref`; `&mut self` makes the returned reference unique.
        unsafe { &mut *self.cell.object.get() }
    }
}

impl Drop for ObjRefMut<'_> {
    #[inline]
    fn drop(&mut self) {
        // SAFETY: the counter is still -1, so this is the only access to the object.
        let o = unsafe { &mut *self.cell.object.get() };
        self.cell.refresh(o);
        self.cell.borrow.set(0);
    }
}
