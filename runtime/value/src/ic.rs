//! Inline caches for property access sites (one `PropIc` per site, in the compiled module's
//! table) and the per-site value cache of tagged templates.

use crate::object::{JsObject, Obj, ObjectKind};
use crate::shape::{PropKey, Shape, attr};
use crate::value::Value;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

/// A per-site property cache: up to `IC_WAYS` entries (see `IcEntry`), so a site that sees a few
/// shapes in turn (subclass instances) still hits.
///
/// The first four words are read by compiled code (offsets `IC_GET_SHAPE`, …): the last own data
/// slot this site learned, as a shape address and a slot index, once for loads and once for
/// stores (a writable slot). A receiver whose `ObjCell` is unborrowed and mirrors that shape has
/// the property in that slot, so the load or store runs inline without calling the runtime.
/// `NO_SHAPE` never equals a shape address; the `Rc`s in `fast_shapes` keep the learned shapes
/// alive, so their addresses cannot be reused by another shape while cached.
#[repr(C)]
pub struct PropIc {
    get_shape: Cell<usize>,
    get_slot: Cell<usize>,
    /// A second own slot for loads, so a site that sees two shapes in turn (a class and its
    /// subclass) stays inline; loads learn into the two ways in turn.
    get_shape2: Cell<usize>,
    get_slot2: Cell<usize>,
    get_next: Cell<u8>,
    set_shape: Cell<usize>,
    set_slot: Cell<usize>,
    /// A load found on a prototype: receivers of `proto_shape` whose prototype cell is
    /// `proto_cell` find it in `proto_holder`'s slot `proto_slot` while `*proto_epoch_at` still
    /// equals `proto_epoch` (no prototype changed its keys or links since).
    proto_shape: Cell<usize>,
    proto_cell: Cell<usize>,
    proto_epoch_at: Cell<*const u64>,
    proto_epoch: Cell<u64>,
    proto_holder: RefCell<Value>,
    proto_slot: Cell<usize>,
    fast_shapes: RefCell<[Option<Rc<Shape>>; 4]>,
    pub entries: RefCell<Vec<IcEntry>>,
}

/// The shape word of an empty fast entry (shapes are 8-aligned, so no shape lives at 1).
pub const NO_SHAPE: usize = 1;
pub const IC_GET_SHAPE: i32 = std::mem::offset_of!(PropIc, get_shape) as i32;
pub const IC_GET_SLOT: i32 = std::mem::offset_of!(PropIc, get_slot) as i32;
pub const IC_GET_SHAPE2: i32 = std::mem::offset_of!(PropIc, get_shape2) as i32;
pub const IC_GET_SLOT2: i32 = std::mem::offset_of!(PropIc, get_slot2) as i32;
pub const IC_SET_SHAPE: i32 = std::mem::offset_of!(PropIc, set_shape) as i32;
pub const IC_SET_SLOT: i32 = std::mem::offset_of!(PropIc, set_slot) as i32;
pub const IC_PROTO_SHAPE: i32 = std::mem::offset_of!(PropIc, proto_shape) as i32;
pub const IC_PROTO_CELL: i32 = std::mem::offset_of!(PropIc, proto_cell) as i32;
pub const IC_PROTO_EPOCH_AT: i32 = std::mem::offset_of!(PropIc, proto_epoch_at) as i32;
pub const IC_PROTO_EPOCH: i32 = std::mem::offset_of!(PropIc, proto_epoch) as i32;
pub const IC_PROTO_SLOT: i32 = std::mem::offset_of!(PropIc, proto_slot) as i32;

impl Default for PropIc {
    fn default() -> Self {
        PropIc {
            get_shape: Cell::new(NO_SHAPE),
            get_slot: Cell::new(0),
            get_shape2: Cell::new(NO_SHAPE),
            get_slot2: Cell::new(0),
            get_next: Cell::new(0),
            set_shape: Cell::new(NO_SHAPE),
            set_slot: Cell::new(0),
            proto_shape: Cell::new(NO_SHAPE),
            proto_cell: Cell::new(0),
            proto_epoch_at: Cell::new(std::ptr::null()),
            proto_epoch: Cell::new(0),
            proto_holder: RefCell::new(Value::Undefined),
            proto_slot: Cell::new(0),
            fast_shapes: RefCell::new([None, None, None, None]),
            entries: RefCell::new(Vec::new()),
        }
    }
}

const IC_WAYS: usize = 4;

impl PropIc {
    /// Publishes `shape`/`slot` for inline loads.
    fn learn_get(&self, shape: &Rc<Shape>, slot: u32) {
        let way = self.get_next.get();
        self.get_next.set(way ^ 1);
        let (s, i, keep) =
            if way == 0 { (&self.get_shape, &self.get_slot, 0) } else { (&self.get_shape2, &self.get_slot2, 3) };
        s.set(Rc::as_ptr(shape) as usize);
        i.set(slot as usize);
        self.fast_shapes.borrow_mut()[keep] = Some(shape.clone());
    }
    /// Publishes a prototype hit for inline loads.
    fn learn_proto(&self, shape: &Rc<Shape>, proto: &Obj, holder: &Obj, slot: u32, epoch: u64) {
        self.proto_shape.set(Rc::as_ptr(shape) as usize);
        self.proto_cell.set(proto.addr());
        self.proto_epoch_at.set(crate::object::proto_epoch_addr());
        self.proto_epoch.set(epoch);
        *self.proto_holder.borrow_mut() = Value::Object(holder.clone());
        self.proto_slot.set(slot as usize);
        self.fast_shapes.borrow_mut()[2] = Some(shape.clone());
    }
    /// The holder of the published prototype hit, as a value compiled code can point at.
    pub fn proto_holder(&self) -> *const Value {
        self.proto_holder.as_ptr()
    }
    /// Publishes `shape`/`slot` for inline stores (the slot must be a writable data property).
    fn learn_set(&self, shape: &Rc<Shape>, slot: u32) {
        self.set_shape.set(Rc::as_ptr(shape) as usize);
        self.set_slot.set(slot as usize);
        self.fast_shapes.borrow_mut()[1] = Some(shape.clone());
    }

    fn remember(&self, e: IcEntry) {
        let mut v = self.entries.borrow_mut();
        if v.len() >= IC_WAYS {
            v.remove(0);
        }
        v.push(e);
    }
}

/// A per-site cache of one value (the strings object of a tagged template).
#[derive(Default)]
pub struct SiteCache {
    pub value: RefCell<Option<Value>>,
}

/// What a property access site learned last time.
pub enum IcEntry {
    /// The receiver's shape keeps the key in `slot`.
    Own { shape: Rc<Shape>, slot: u32 },
    /// Receivers of this shape and prototype find the key as a data property in `holder`'s
    /// `slot`, as long as no prototype changed since `epoch`.
    Proto { shape: Rc<Shape>, proto: Obj, holder: Obj, slot: u32, epoch: u64 },
    /// The key is `length` and receivers are arrays.
    ArrayLength,
    /// The key is `length` and receivers are strings.
    StringLength,
    /// Primitive receivers with this value tag (strings, numbers, booleans) find the key as a data
    /// property in `holder`'s `slot` (their prototype chain), unless a prototype changed since `epoch`.
    Primitive { tag: u8, holder: Obj, slot: u32, epoch: u64 },
    /// Defining the key (an object literal's) on an object of shape `from` adds it as the next
    /// slot, giving shape `to`.
    Init { from: Rc<Shape>, to: Rc<Shape> },
    /// Assigning the key to a receiver of shape `from` (and this prototype) adds it as the next
    /// slot, giving shape `to`.
    Transition { from: Rc<Shape>, to: Rc<Shape>, proto: Option<Obj>, epoch: u64 },
}

fn same_proto(a: &Option<Obj>, b: &Obj) -> bool {
    a.as_ref().is_some_and(|p| p.ptr_eq(b))
}

pub(crate) fn ic_get(ic: &PropIc, o: &Obj) -> Option<Value> {
    let entries = ic.entries.borrow();
    let b = o.borrow();
    for e in entries.iter() {
        match e {
            IcEntry::Own { shape, slot } => {
                if Rc::ptr_eq(&b.shape, shape) {
                    return b.slots.get(*slot as usize).cloned();
                }
            }
            IcEntry::Proto { shape, proto, holder, slot, epoch } => {
                if Rc::ptr_eq(&b.shape, shape) && same_proto(&b.proto, proto) {
                    if *epoch != crate::object::proto_epoch() {
                        return None;
                    }
                    return holder.borrow().slots.get(*slot as usize).cloned();
                }
            }
            IcEntry::ArrayLength => {
                if let ObjectKind::Array(v) = &b.kind {
                    return Some(Value::from(v.len()));
                }
            }
            IcEntry::Transition { .. } | IcEntry::Primitive { .. } | IcEntry::StringLength | IcEntry::Init { .. } => {}
        }
    }
    None
}

/// A cache hit for a primitive receiver (a method of `String.prototype` on a string, …).
pub(crate) fn ic_get_primitive(ic: &PropIc, v: &Value) -> Option<Value> {
    let entries = ic.entries.borrow();
    let t = v.tag();
    for e in entries.iter() {
        match e {
            IcEntry::Primitive { tag, holder, slot, epoch } if *tag == t => {
                if *epoch != crate::object::proto_epoch() {
                    return None;
                }
                return holder.borrow().slots.get(*slot as usize).cloned();
            }
            IcEntry::StringLength => {
                if let Value::String(s) = v {
                    return Some(Value::from(s.len()));
                }
            }
            _ => {}
        }
    }
    None
}

/// Remembers where a primitive receiver found `key` (not a string's own `length` or index).
pub(crate) fn ic_fill_primitive(ic: &PropIc, v: &Value, key: &PropKey) {
    let i = crate::realm::intrinsics();
    let proto = match v {
        Value::String(_) => {
            if matches!(key, PropKey::String(s) if s.as_ascii() == Some("length")) {
                ic.remember(IcEntry::StringLength);
                return;
            }
            if key.array_index().is_some() {
                return;
            }
            i.string_prototype.clone()
        }
        Value::Number(_) => i.number_prototype.clone(),
        Value::Bool(_) => i.boolean_prototype.clone(),
        _ => return,
    };
    let epoch = crate::object::proto_epoch();
    let mut cur = proto;
    loop {
        let next = {
            let h = cur.borrow();
            if let Some((slot, flags)) = h.shape.lookup(key) {
                if flags & attr::ACCESSOR == 0 {
                    drop(h);
                    ic.remember(IcEntry::Primitive { tag: v.tag(), holder: cur.clone(), slot, epoch });
                }
                return;
            }
            h.proto.clone()
        };
        if has_virtual_props(&cur) && cur.get_own_property(key).is_some() {
            return;
        }
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
}

/// Whether the object's kind has own properties that are not in its shape (array elements and
/// `length`, string characters): such objects use only `Own` entries.
fn has_virtual_props(o: &Obj) -> bool {
    has_virtual_props_kind(&o.borrow().kind)
}

fn has_virtual_props_kind(k: &ObjectKind) -> bool {
    !matches!(k, ObjectKind::Ordinary | ObjectKind::Function(_) | ObjectKind::Error | ObjectKind::Host(_))
}

pub(crate) fn ic_fill(ic: &PropIc, o: &Obj, key: &PropKey) {
    let b = o.borrow();
    if matches!(b.kind, ObjectKind::Array(_)) && matches!(key, PropKey::String(s) if s.as_ascii() == Some("length")) {
        ic.remember(IcEntry::ArrayLength);
        return;
    }
    if let Some((slot, flags)) = b.shape.lookup(key) {
        if flags & attr::ACCESSOR == 0 && !b.shape.dictionary {
            ic.remember(IcEntry::Own { shape: b.shape.clone(), slot });
            if !has_virtual_props_kind(&b.kind) {
                ic.learn_get(&b.shape, slot);
            }
        }
        return;
    }
    if b.shape.dictionary || key.array_index().is_some() {
        return;
    }
    let shape = b.shape.clone();
    let Some(proto) = b.proto.clone() else { return };
    drop(b);
    if has_virtual_props(o) && o.get_own_property(key).is_some() {
        return;
    }
    let epoch = crate::object::proto_epoch();
    let mut cur = proto.clone();
    loop {
        let next = {
            let h = cur.borrow();
            if let Some((slot, flags)) = h.shape.lookup(key) {
                if flags & attr::ACCESSOR == 0 {
                    drop(h);
                    ic.learn_proto(&shape, &proto, &cur, slot, epoch);
                    ic.remember(IcEntry::Proto { shape, proto, holder: cur.clone(), slot, epoch });
                }
                return;
            }
            h.proto.clone()
        };
        if has_virtual_props(&cur) && cur.get_own_property(key).is_some() {
            return;
        }
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
}

pub(crate) fn ic_set(ic: &PropIc, o: &Obj, v: &Value) -> bool {
    let entries = ic.entries.borrow();
    let mut b = o.borrow_mut();
    for e in entries.iter() {
        match e {
            IcEntry::Own { shape, slot } => {
                if Rc::ptr_eq(&b.shape, shape) {
                    if b.shape.flags[*slot as usize] & attr::WRITABLE == 0 {
                        return false;
                    }
                    b.slots[*slot as usize] = v.clone();
                    return true;
                }
            }
            IcEntry::Transition { from, to, proto, epoch } => {
                if Rc::ptr_eq(&b.shape, from) {
                    let proto_ok = match (&b.proto, proto) {
                        (None, None) => true,
                        (Some(a), Some(c)) => a.ptr_eq(c),
                        _ => false,
                    };
                    if proto_ok && b.extensible && *epoch == crate::object::proto_epoch() && !b.is_prototype {
                        b.shape = to.clone();
                        b.slots.push(v.clone());
                        return true;
                    }
                    return false;
                }
            }
            IcEntry::Proto { .. }
            | IcEntry::ArrayLength
            | IcEntry::Primitive { .. }
            | IcEntry::StringLength
            | IcEntry::Init { .. } => {}
        }
    }
    false
}

/// After a generic assignment that moved `o` from shape `before` to a new shape by adding `key`,
/// remembers the transition; otherwise caches an own slot.
pub(crate) fn ic_fill_set(ic: &PropIc, o: &Obj, key: &PropKey, before: &Rc<Shape>) {
    let b = o.borrow();
    if added_default_key(before, &b, key) {
        ic.remember(IcEntry::Transition {
            from: before.clone(),
            to: b.shape.clone(),
            proto: b.proto.clone(),
            epoch: crate::object::proto_epoch(),
        });
        return;
    }
    drop(b);
    ic_fill(ic, o, key);
    let b = o.borrow();
    if let Some((slot, flags)) = b.shape.lookup(key) {
        let data_writable = flags & attr::ACCESSOR == 0 && flags & attr::WRITABLE != 0;
        if data_writable && !b.shape.dictionary && !has_virtual_props_kind(&b.kind) {
            ic.learn_set(&b.shape, slot);
        }
    }
}

/// An object literal's `key: v` on `o` through the cache: `None` when done, else `v` back for the
/// generic definition.
pub(crate) fn ic_init(ic: &PropIc, o: &Obj, v: Value) -> Option<Value> {
    let entries = ic.entries.borrow();
    let mut b = o.borrow_mut();
    if !b.extensible || b.is_prototype {
        return Some(v);
    }
    for e in entries.iter() {
        if let IcEntry::Init { from, to } = e {
            if Rc::ptr_eq(&b.shape, from) {
                b.shape = to.clone();
                b.slots.push(v);
                return None;
            }
        }
    }
    Some(v)
}

/// After a generic definition moved `o` from shape `before` by adding `key`, remembers the step.
pub(crate) fn ic_fill_init(ic: &PropIc, o: &Obj, key: &PropKey, before: &Rc<Shape>) {
    let b = o.borrow();
    if added_default_key(before, &b, key) {
        ic.remember(IcEntry::Init { from: before.clone(), to: b.shape.clone() });
    }
}

/// Whether `o` went from the shared shape `before` to a shared shape by appending `key` as a plain
/// data property (a step a cache can replay), on an object with no virtual properties.
fn added_default_key(before: &Rc<Shape>, o: &JsObject, key: &PropKey) -> bool {
    !before.dictionary
        && !o.shape.dictionary
        && o.shape.len() == before.len() + 1
        && o.shape.keys.last() == Some(key)
        && o.shape.flags.last() == Some(&attr::DEFAULT)
        && !has_virtual_props_kind(&o.kind)
}
