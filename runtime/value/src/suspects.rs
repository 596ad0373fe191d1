//! Suspects of the cycle collector: counted things (objects and captured variables) whose count
//! was just released to a number above zero. A garbage cycle is always reached from one of them:
//! the last reference from outside a cycle to go was released on some member of it. The lists
//! hold weak references, so a suspect that dies anyway is freed at once, as every value is;
//! `cycles` takes the lists when it collects. A suspect that is freed before that leaves its list at
//! once (its cell knows its position), so the lists hold live things only and keep no memory.

use crate::callable::{VarBox, VarCell};
use crate::objcell::{Obj, WeakObj};
use std::cell::{Cell, RefCell};
use std::rc::Weak;

/// Flag: in a suspect list now (not added again until the next collection).
pub const SUSPECT: u8 = 1;
/// Flag: part of the realm's built-ins, never collected and never looked into.
pub const PERMANENT: u8 = 2;

thread_local! {
    static OBJECTS: RefCell<Vec<WeakObj>> = const { RefCell::new(Vec::new()) };
    static VARS: RefCell<Vec<Weak<VarBox>>> = const { RefCell::new(Vec::new()) };
    /// Suspects added since the last collection (what schedules the next one).
    static COUNT: Cell<usize> = const { Cell::new(0) };
    /// While the collector releases its own handles, releases make no suspects.
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// The collector is off: suspects are not recorded.
    static DISABLED: Cell<bool> = const { Cell::new(false) };
}

/// An object's count was released to above zero (its `SUSPECT` flag is clear).
#[inline]
pub(crate) fn suspect_object(o: &Obj) {
    // At thread exit the lists may be gone before the last objects: then nothing is recorded.
    if QUIET.try_with(|q| q.get()).unwrap_or(true) {
        return;
    }
    let _ = OBJECTS.try_with(|l| {
        let mut l = l.borrow_mut();
        o.set_suspect_at(l.len() as u32);
        o.set_gc_flags(o.gc_flags() | SUSPECT);
        l.push(o.downgrade());
    });
    let _ = COUNT.try_with(|c| c.set(c.get() + 1));
}

/// A suspected object is being freed: takes it out of the list (the last entry moves into its
/// place and learns its new position).
pub(crate) fn forget_object(at: u32) {
    let _ = OBJECTS.try_with(|l| {
        let Ok(mut l) = l.try_borrow_mut() else { return };
        let at = at as usize;
        if at >= l.len() {
            return;
        }
        let gone = l.swap_remove(at);
        if let Some(moved) = l.get(at).and_then(WeakObj::upgrade) {
            moved.set_suspect_at(at as u32);
            // Suspected already: releasing this handle does nothing more.
            drop(moved);
        }
        drop(gone);
    });
}

/// A captured variable's count was released to above zero (its `SUSPECT` flag is clear).
#[inline]
pub(crate) fn suspect_var(c: &VarCell) {
    if QUIET.try_with(|q| q.get()).unwrap_or(true) {
        return;
    }
    let _ = VARS.try_with(|l| {
        let mut l = l.borrow_mut();
        c.set_suspect_at(l.len() as u32);
        c.set_gc_flags(c.gc_flags() | SUSPECT);
        l.push(c.downgrade());
    });
    let _ = COUNT.try_with(|c| c.set(c.get() + 1));
}

/// A suspected variable is being freed: as `forget_object`.
pub(crate) fn forget_var(at: u32) {
    let _ = VARS.try_with(|l| {
        let Ok(mut l) = l.try_borrow_mut() else { return };
        let at = at as usize;
        if at >= l.len() {
            return;
        }
        let gone = l.swap_remove(at);
        if let Some(moved) = l.get(at).and_then(Weak::upgrade) {
            let moved = VarCell::from_box(moved);
            moved.set_suspect_at(at as u32);
            drop(moved);
        }
        drop(gone);
    });
}

pub(crate) fn set_quiet(quiet: bool) {
    QUIET.with(|q| q.set(quiet || DISABLED.with(|d| d.get())));
}

pub(crate) fn set_disabled(disabled: bool) {
    DISABLED.with(|d| d.set(disabled));
    QUIET.with(|q| q.set(disabled));
}

pub(crate) fn disabled() -> bool {
    DISABLED.with(|d| d.get())
}

/// Suspects added since the last collection.
pub fn count() -> usize {
    COUNT.with(|c| c.get())
}

/// Takes both lists (the collector's start).
pub(crate) fn take() -> (Vec<WeakObj>, Vec<Weak<VarBox>>) {
    COUNT.with(|c| c.set(0));
    (OBJECTS.with(|l| std::mem::take(&mut *l.borrow_mut())), VARS.with(|l| std::mem::take(&mut *l.borrow_mut())))
}
