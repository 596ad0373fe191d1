//! Objects: a prototype, shaped own properties, and a kind with the internal state of exotic and
//! built-in objects (arrays, functions, wrappers, host data).
//!
//! `Obj` is a reference-counted handle to an `ObjCell` (see `objcell.rs`), which guards the object
//! like a `RefCell`; every borrow in this crate is short and never held across a call into JS, so
//! re-entrant scripts cannot trip it.

use crate::callable::FunctionData;
use crate::shape::{PropKey, Shape, attr};
use crate::string::JsString;
use crate::value::{Symbol, Value};
use std::any::Any;
use std::cell::Cell;
use std::rc::Rc;

/// The classes objects are counted by (`ObjectKind::class`): the kinds' names.
pub const CLASSES: [&str; 11] =
    ["Object", "Array", "Function", "Accessor", "Error", "Boolean", "Number", "String", "Symbol", "Arguments", "Host"];

thread_local! {
    /// Live objects of this thread by the class they were made as (`CLASSES`).
    static LIVE_BY_CLASS: [Cell<usize>; 11] = const { [const { Cell::new(0) }; 11] };
    /// Bumped whenever the key set of a prototype object or any prototype link changes, so
    /// caches that looked through prototypes know they may be stale.
    static PROTO_EPOCH: Cell<u64> = const { Cell::new(0) };
}

/// The current prototype epoch (see `PROTO_EPOCH`).
pub fn proto_epoch() -> u64 {
    PROTO_EPOCH.with(|c| c.get())
}

/// Where this thread's prototype epoch lives (a thread-local: stable while the thread runs), for
/// compiled code that checks a cached prototype lookup (see `ic::PropIc`).
pub fn proto_epoch_addr() -> *const u64 {
    PROTO_EPOCH.with(|c| c.as_ptr() as *const u64)
}

pub(crate) fn bump_proto_epoch() {
    PROTO_EPOCH.with(|c| c.set(c.get() + 1));
}

/// `--trace-objects`: every object made by script code remembers where (the original's
/// `pjs::Class::set_tracing`). Set once, before workers start.
static TRACING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

thread_local! {
    /// Traced objects alive on this thread, by address: their class (`CLASSES`) and where they
    /// were made (`file:line:column`).
    static TRACED: std::cell::RefCell<rustc_hash::FxHashMap<usize, (u8, Rc<str>)>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
    /// The locations seen, each kept once.
    static LOCATIONS: std::cell::RefCell<rustc_hash::FxHashMap<String, Rc<str>>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
}

/// Where the running script is (`file:line:column`), asked for each traced object. Objects sit
/// below the call stack in this crate's layers, so whoever turns tracing on supplies it
/// (`calls::innermost_site`).
static SITE: std::sync::OnceLock<fn() -> Option<String>> = std::sync::OnceLock::new();

/// Turns allocation-site tracing on or off (`--trace-objects`); `site` tells where the running
/// script is.
pub fn set_tracing(on: bool, site: fn() -> Option<String>) {
    let _ = SITE.set(site);
    TRACING.store(on, std::sync::atomic::Ordering::Relaxed);
}

pub fn tracing() -> bool {
    TRACING.load(std::sync::atomic::Ordering::Relaxed)
}

/// The traced objects alive on this thread: (class, location) and how many were made there.
pub fn traced_counts() -> Vec<(&'static str, Rc<str>, usize)> {
    let mut counts: std::collections::BTreeMap<(u8, Rc<str>), usize> = std::collections::BTreeMap::new();
    TRACED.with(|t| {
        for (class, loc) in t.borrow().values() {
            *counts.entry((*class, loc.clone())).or_default() += 1;
        }
    });
    counts.into_iter().map(|((c, l), n)| (CLASSES.get(c as usize).copied().unwrap_or("?"), l, n)).collect()
}

/// Remembers where `obj` is being made: the innermost script frame (objects made with no
/// script running are not traced, as in the original).
fn trace(obj: &Obj, class: u8) {
    let Some(key) = SITE.get().and_then(|site| site()) else { return };
    let loc = LOCATIONS.with(|l| l.borrow_mut().entry(key.clone()).or_insert_with(|| key.into()).clone());
    let addr = {
        let mut o = obj.borrow_mut();
        o.traced = true;
        &*o as *const JsObject as usize
    };
    TRACED.with(|t| t.borrow_mut().insert(addr, (class, loc)));
}

/// Number of JS objects alive on this thread (a leak shows as a count that only grows).
pub fn live_objects() -> usize {
    LIVE_BY_CLASS.with(|c| c.iter().map(Cell::get).sum())
}

/// Live objects of this thread by class (`CLASSES`, in that order).
pub fn live_objects_by_class() -> [usize; 11] {
    LIVE_BY_CLASS.with(|c| std::array::from_fn(|i| c[i].get()))
}

pub enum ObjectKind {
    Ordinary,
    /// Dense elements; `Value::Hole` marks a missing element, which then falls back to the named
    /// properties and the prototype chain.
    Array(Vec<Value>),
    Function(Box<FunctionData>),
    /// The internal pair behind an accessor property slot.
    Accessor {
        get: Option<Obj>,
        set: Option<Obj>,
    },
    Error,
    Boolean(bool),
    Number(f64),
    String(JsString),
    Symbol(Symbol),
    /// `arguments`: elements like an array, but an ordinary object otherwise.
    Arguments(Vec<Value>),
    /// State owned by a standard-library class (Map, Date, RegExp, Promise, …).
    Host(Box<dyn Any>),
}

impl ObjectKind {
    /// The index of this kind in `CLASSES`.
    pub fn class(&self) -> u8 {
        match self {
            ObjectKind::Ordinary => 0,
            ObjectKind::Array(_) => 1,
            ObjectKind::Function(_) => 2,
            ObjectKind::Accessor { .. } => 3,
            ObjectKind::Error => 4,
            ObjectKind::Boolean(_) => 5,
            ObjectKind::Number(_) => 6,
            ObjectKind::String(_) => 7,
            ObjectKind::Symbol(_) => 8,
            ObjectKind::Arguments(_) => 9,
            ObjectKind::Host(_) => 10,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            ObjectKind::Ordinary => "Object",
            ObjectKind::Array(_) => "Array",
            ObjectKind::Function(_) => "Function",
            ObjectKind::Accessor { .. } => "Accessor",
            ObjectKind::Error => "Error",
            ObjectKind::Boolean(_) => "Boolean",
            ObjectKind::Number(_) => "Number",
            ObjectKind::String(_) => "String",
            ObjectKind::Symbol(_) => "Symbol",
            ObjectKind::Arguments(_) => "Arguments",
            ObjectKind::Host(_) => "Host",
        }
    }
}

pub struct JsObject {
    pub proto: Option<Obj>,
    pub shape: Rc<Shape>,
    pub slots: Vec<Value>,
    pub kind: ObjectKind,
    pub extensible: bool,
    /// Set by `Object.freeze`/`seal` on arrays: elements are then read-only / fixed.
    pub elements_frozen: bool,
    pub elements_sealed: bool,
    /// Some object has this one as its prototype: key-set changes bump the prototype epoch.
    pub is_prototype: bool,
    /// The class it is counted under (its kind when made; `CLASSES`).
    counted_as: u8,
    /// In `TRACED` (made while `--trace-objects` is on).
    traced: bool,
}

impl Drop for JsObject {
    fn drop(&mut self) {
        let i = self.counted_as as usize;
        if self.traced {
            let addr = self as *const JsObject as usize;
            let _ = TRACED.try_with(|t| t.try_borrow_mut().map(|mut t| t.remove(&addr)));
        }
        let _ = LIVE_BY_CLASS.try_with(|c| {
            if let Some(n) = c.get(i) {
                n.set(n.get().saturating_sub(1));
            }
        });
    }
}

pub use crate::objcell::{Obj, ObjRef, ObjRefMut, WeakObj};

impl PartialEq for Obj {
    fn eq(&self, other: &Self) -> bool {
        self.ptr_eq(other)
    }
}
impl Eq for Obj {}
impl std::hash::Hash for Obj {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.addr().hash(state)
    }
}

/// A property as `Object.getOwnPropertyDescriptor` sees it.
#[derive(Clone)]
pub enum PropSlot {
    Data(Value),
    Accessor(Option<Obj>, Option<Obj>),
}

#[derive(Clone)]
pub struct OwnProp {
    pub slot: PropSlot,
    pub flags: u8,
}

/// A (possibly partial) property descriptor, as `Object.defineProperty` takes it.
#[derive(Clone, Default)]
pub struct PropertyDescriptor {
    pub value: Option<Value>,
    pub get: Option<Option<Obj>>,
    pub set: Option<Option<Obj>>,
    pub writable: Option<bool>,
    pub enumerable: Option<bool>,
    pub configurable: Option<bool>,
}

impl PropertyDescriptor {
    pub fn data(value: Value, flags: u8) -> Self {
        PropertyDescriptor {
            value: Some(value),
            get: None,
            set: None,
            writable: Some(flags & attr::WRITABLE != 0),
            enumerable: Some(flags & attr::ENUMERABLE != 0),
            configurable: Some(flags & attr::CONFIGURABLE != 0),
        }
    }
    pub fn is_accessor(&self) -> bool {
        self.get.is_some() || self.set.is_some()
    }
}

impl Obj {
    pub fn new(proto: Option<Obj>, kind: ObjectKind) -> Obj {
        let counted_as = kind.class();
        LIVE_BY_CLASS.with(|c| c[counted_as as usize].set(c[counted_as as usize].get() + 1));
        if let Some(p) = &proto {
            p.mark_prototype();
        }
        let obj = Obj::from_object(JsObject {
            proto,
            shape: Shape::root_of_thread(),
            slots: Vec::new(),
            kind,
            extensible: true,
            elements_frozen: false,
            elements_sealed: false,
            is_prototype: false,
            counted_as,
            traced: false,
        });
        if tracing() {
            trace(&obj, counted_as);
        }
        obj
    }

    /// A new object whose own properties are `shape`'s keys holding `slots`, in order: one step
    /// instead of a lookup and a transition per property, for built-ins that make many objects
    /// of one shape (`RegExp.prototype.exec`'s match arrays). `shape` must be a shared shape
    /// reached from this thread's root by `Shape::with_key`, with as many keys as `slots`.
    pub fn with_shape(proto: Option<Obj>, kind: ObjectKind, shape: Rc<Shape>, slots: Vec<Value>) -> Obj {
        debug_assert_eq!(shape.len(), slots.len());
        debug_assert!(!shape.dictionary);
        let o = Obj::new(proto, kind);
        {
            let mut b = o.borrow_mut();
            b.shape = shape;
            b.slots = slots;
        }
        o
    }

    /// Notes that this object serves as a prototype (its key changes then bump the epoch).
    pub fn mark_prototype(&self) {
        if !self.borrow().is_prototype {
            self.borrow_mut().is_prototype = true;
        }
    }
    pub fn proto(&self) -> Option<Obj> {
        self.borrow().proto.clone()
    }
    pub fn is_callable(&self) -> bool {
        matches!(self.borrow().kind, ObjectKind::Function(_))
    }
    pub fn is_constructor(&self) -> bool {
        match &self.borrow().kind {
            ObjectKind::Function(f) => f.is_constructor(),
            _ => false,
        }
    }
    pub fn is_array(&self) -> bool {
        matches!(self.borrow().kind, ObjectKind::Array(_))
    }
    pub fn is_error(&self) -> bool {
        matches!(self.borrow().kind, ObjectKind::Error)
    }
    pub fn kind_name(&self) -> &'static str {
        self.borrow().kind.name()
    }
    /// Runs `f` on the host data of type `T`, if this object carries one.
    pub fn with_host<T: 'static, R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        let mut o = self.borrow_mut();
        match &mut o.kind {
            ObjectKind::Host(b) => b.downcast_mut::<T>().map(f),
            _ => None,
        }
    }
    pub fn is_host<T: 'static>(&self) -> bool {
        matches!(&self.borrow().kind, ObjectKind::Host(b) if b.is::<T>())
    }

    /// Elements of an array (a copy), if this is one.
    pub fn array_elements(&self) -> Option<Vec<Value>> {
        match &self.borrow().kind {
            ObjectKind::Array(v) => Some(v.clone()),
            _ => None,
        }
    }

    // ----- own properties -----

    /// The own property `key`, with its attributes, without running any getter.
    pub fn get_own_property(&self, key: &PropKey) -> Option<OwnProp> {
        let o = self.borrow();
        if let Some(i) = key.array_index() {
            match &o.kind {
                ObjectKind::Array(v) | ObjectKind::Arguments(v) => {
                    if let Some(val) = v.get(i as usize) {
                        if !val.is_hole() {
                            let flags = if o.elements_frozen {
                                attr::ENUMERABLE
                            } else if o.elements_sealed {
                                attr::ENUMERABLE | attr::WRITABLE
                            } else {
                                attr::DEFAULT
                            };
                            return Some(OwnProp { slot: PropSlot::Data(val.clone()), flags });
                        }
                    }
                }
                ObjectKind::String(s) => {
                    if let Some(u) = s.get_unit(i as usize) {
                        return Some(OwnProp {
                            slot: PropSlot::Data(Value::String(JsString::from_units(&[u]))),
                            flags: attr::ENUMERABLE,
                        });
                    }
                }
                _ => {}
            }
        }
        if let PropKey::String(s) = key {
            if s.as_ascii() == Some("length") {
                match &o.kind {
                    ObjectKind::Array(v) => {
                        let flags = if o.elements_frozen { 0 } else { attr::WRITABLE };
                        return Some(OwnProp { slot: PropSlot::Data(Value::from(v.len())), flags });
                    }
                    ObjectKind::String(s) => {
                        return Some(OwnProp { slot: PropSlot::Data(Value::from(s.len())), flags: 0 });
                    }
                    _ => {}
                }
            }
        }
        let (i, flags) = o.shape.lookup(key)?;
        let slot = &o.slots[i as usize];
        if flags & attr::ACCESSOR != 0 {
            if let Value::Object(pair) = slot {
                if let ObjectKind::Accessor { get, set } = &pair.borrow().kind {
                    return Some(OwnProp { slot: PropSlot::Accessor(get.clone(), set.clone()), flags });
                }
            }
            return Some(OwnProp { slot: PropSlot::Accessor(None, None), flags });
        }
        Some(OwnProp { slot: PropSlot::Data(slot.clone()), flags })
    }

    pub fn has_own_property(&self, key: &PropKey) -> bool {
        self.get_own_property(key).is_some()
    }

    /// Adds or overwrites a data property with the given flags, ignoring attribute checks.
    /// This is how built-ins and literals install properties.
    pub fn define_value(&self, key: impl Into<PropKey>, value: Value, flags: u8) {
        let key = key.into();
        let mut o = self.borrow_mut();
        if let Some(i) = key.array_index() {
            if let ObjectKind::Array(v) | ObjectKind::Arguments(v) = &mut o.kind {
                if flags == attr::DEFAULT && (i as usize) <= v.len() + (1 << 20) {
                    let i = i as usize;
                    if i >= v.len() {
                        v.resize(i + 1, Value::Hole);
                    }
                    v[i] = value;
                    return;
                }
            }
        }
        let o = &mut *o;
        match o.shape.lookup(&key) {
            Some((i, old)) => {
                if old != flags {
                    Shape::set_flags(&mut o.shape, i, flags);
                    if o.is_prototype {
                        bump_proto_epoch();
                    }
                }
                o.slots[i as usize] = value;
            }
            None => {
                Shape::with_key(&mut o.shape, key, flags);
                o.slots.push(value);
                if o.is_prototype {
                    bump_proto_epoch();
                }
            }
        }
    }

    /// Installs a built-in property: writable, configurable, not enumerable.
    pub fn define_hidden(&self, key: impl Into<PropKey>, value: Value) {
        self.define_value(key, value, attr::HIDDEN)
    }

    /// Adds or overwrites an accessor property, ignoring attribute checks.
    pub fn define_accessor(&self, key: impl Into<PropKey>, get: Option<Obj>, set: Option<Obj>, flags: u8) {
        let key = key.into();
        let pair = Obj::new(None, ObjectKind::Accessor { get, set });
        let mut o = self.borrow_mut();
        let o = &mut *o;
        if o.is_prototype {
            bump_proto_epoch();
        }
        let flags = (flags & !attr::WRITABLE) | attr::ACCESSOR;
        match o.shape.lookup(&key) {
            Some((i, old)) => {
                if old != flags {
                    Shape::set_flags(&mut o.shape, i, flags);
                }
                o.slots[i as usize] = Value::Object(pair);
            }
            None => {
                Shape::with_key(&mut o.shape, key, flags);
                o.slots.push(Value::Object(pair));
            }
        }
    }

    /// Removes an own property regardless of attributes. Returns whether it existed.
    pub fn remove_own(&self, key: &PropKey) -> bool {
        let mut o = self.borrow_mut();
        if let Some(i) = key.array_index() {
            if let ObjectKind::Array(v) | ObjectKind::Arguments(v) = &mut o.kind {
                let i = i as usize;
                if i < v.len() && !v[i].is_hole() {
                    v[i] = Value::Hole;
                    return true;
                }
            }
        }
        let o = &mut *o;
        if let Some((i, _)) = o.shape.lookup(key) {
            Shape::remove(&mut o.shape, i);
            o.slots.remove(i as usize);
            if o.is_prototype {
                bump_proto_epoch();
            }
            return true;
        }
        false
    }

    /// Own keys in ECMAScript order: array indices ascending, then strings in insertion order,
    /// then symbols. Private names are never listed.
    pub fn own_keys(&self) -> Vec<PropKey> {
        let o = self.borrow();
        let mut indices: Vec<u32> = Vec::new();
        match &o.kind {
            ObjectKind::Array(v) | ObjectKind::Arguments(v) => {
                for (i, e) in v.iter().enumerate() {
                    if !e.is_hole() {
                        indices.push(i as u32);
                    }
                }
            }
            ObjectKind::String(s) => indices.extend(0..s.len() as u32),
            _ => {}
        }
        let mut strings = Vec::new();
        let mut symbols = Vec::new();
        let mut extra_indices = Vec::new();
        for key in &o.shape.keys {
            match key {
                PropKey::String(s) => match s.as_array_index() {
                    Some(i) => extra_indices.push(i),
                    None => strings.push(key.clone()),
                },
                PropKey::Symbol(s) => {
                    if !s.is_private() {
                        symbols.push(key.clone())
                    }
                }
            }
        }
        let has_length = matches!(o.kind, ObjectKind::Array(_) | ObjectKind::String(_));
        drop(o);
        if !extra_indices.is_empty() {
            indices.extend(extra_indices);
            indices.sort_unstable();
            indices.dedup();
        }
        let mut keys: Vec<PropKey> = indices.into_iter().map(PropKey::index).collect();
        if has_length {
            keys.push(PropKey::str("length"));
        }
        keys.extend(strings);
        keys.extend(symbols);
        keys
    }

    /// Flags of an own property, if present.
    pub fn own_flags(&self, key: &PropKey) -> Option<u8> {
        self.get_own_property(key).map(|p| p.flags)
    }

    /// Sets the prototype. Returns false on a cycle or a non-extensible object.
    pub fn set_proto(&self, proto: Option<Obj>) -> bool {
        if self.borrow().proto.as_ref().map(|p| p.addr()) == proto.as_ref().map(|p| p.addr()) {
            return true;
        }
        if !self.borrow().extensible {
            return false;
        }
        let mut p = proto.clone();
        while let Some(x) = p {
            if x.ptr_eq(self) {
                return false;
            }
            p = x.proto();
        }
        if let Some(p) = &proto {
            p.mark_prototype();
        }
        self.borrow_mut().proto = proto;
        bump_proto_epoch();
        true
    }
}

impl std::fmt::Debug for Obj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "[object {}]", self.kind_name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_are_freed_when_the_last_reference_goes_and_cycles_are_counted() {
        crate::realm::install();
        let base = live_objects();
        {
            let a = Obj::ordinary();
            let b = Obj::ordinary();
            a.define_value("b", Value::Object(b.clone()), attr::DEFAULT);
            assert_eq!(live_objects(), base + 2);
        }
        assert_eq!(live_objects(), base, "an acyclic pair is freed at once");
        {
            let a = Obj::ordinary();
            let b = Obj::ordinary();
            a.define_value("b", Value::Object(b.clone()), attr::DEFAULT);
            b.define_value("a", Value::Object(a.clone()), attr::DEFAULT);
        }
        assert_eq!(live_objects(), base + 2, "a cycle is never freed, and the counter shows it");
    }
}
