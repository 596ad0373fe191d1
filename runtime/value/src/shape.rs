//! Hidden classes ("shapes") and property keys.
//!
//! An object's own named properties are a shape (an ordered key list with attribute flags and a
//! key → slot index) plus a slot vector. Objects built the same way share one shape, so JIT code and
//! helpers can cache "shape S keeps key K in slot N" per access site. Shapes form a transition
//! tree from the realm's root shape; past `MAX_SHARED_KEYS` keys, or after a delete, an object
//! gets a private "dictionary" shape that it edits in place.

use crate::string::JsString;
use crate::symbol::Symbol;
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::rc::{Rc, Weak};

/// A property key: a string or a symbol (private names are symbols).
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum PropKey {
    String(JsString),
    Symbol(Symbol),
}

impl PropKey {
    pub fn str(s: &str) -> PropKey {
        PropKey::String(JsString::new(s))
    }
    pub fn index(i: u32) -> PropKey {
        PropKey::String(JsString::from_string(i.to_string()))
    }
    /// The array index this key names, if it is a canonical one.
    pub fn array_index(&self) -> Option<u32> {
        match self {
            PropKey::String(s) => s.as_array_index(),
            PropKey::Symbol(_) => None,
        }
    }
    pub fn is_private(&self) -> bool {
        matches!(self, PropKey::Symbol(s) if s.is_private())
    }
    pub fn as_string(&self) -> Option<&JsString> {
        match self {
            PropKey::String(s) => Some(s),
            PropKey::Symbol(_) => None,
        }
    }
}

impl std::fmt::Debug for PropKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PropKey::String(s) => write!(f, "{s}"),
            PropKey::Symbol(s) => write!(f, "Symbol({})", s.description().map(|d| d.to_string()).unwrap_or_default()),
        }
    }
}

impl From<&str> for PropKey {
    fn from(s: &str) -> Self {
        PropKey::str(s)
    }
}
impl From<JsString> for PropKey {
    fn from(s: JsString) -> Self {
        PropKey::String(s)
    }
}

/// Property attribute bits.
pub mod attr {
    pub const WRITABLE: u8 = 1;
    pub const ENUMERABLE: u8 = 2;
    pub const CONFIGURABLE: u8 = 4;
    /// The slot holds an accessor pair, not a value.
    pub const ACCESSOR: u8 = 8;
    pub const DEFAULT: u8 = WRITABLE | ENUMERABLE | CONFIGURABLE;
    /// Built-in methods: writable, configurable, not enumerable.
    pub const HIDDEN: u8 = WRITABLE | CONFIGURABLE;
}

/// Beyond this many keys an object stops sharing shapes.
pub const MAX_SHARED_KEYS: usize = 64;

/// Transitions keep their target shapes alive (so objects built the same way again, after the
/// first ones died, find their shapes and their caches still hit), up to this many per thread;
/// past it (scripts that build objects from unbounded key sets) new transitions are weak.
const MAX_KEPT_SHAPES: usize = 20_000;

thread_local! {
    static KEPT_SHAPES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

enum Link {
    Kept(Rc<Shape>),
    Weak(Weak<Shape>),
}

impl Link {
    fn get(&self) -> Option<Rc<Shape>> {
        match self {
            Link::Kept(s) => Some(s.clone()),
            Link::Weak(w) => w.upgrade(),
        }
    }
    fn alive(&self) -> bool {
        match self {
            Link::Kept(_) => true,
            Link::Weak(w) => w.strong_count() > 0,
        }
    }
}

pub struct Shape {
    pub keys: Vec<PropKey>,
    pub flags: Vec<u8>,
    index: FxHashMap<PropKey, u32>,
    /// A dictionary shape belongs to one object and is edited in place.
    pub dictionary: bool,
    transitions: RefCell<FxHashMap<(PropKey, u8), Link>>,
}

impl Shape {
    pub fn root() -> Rc<Shape> {
        Rc::new(Shape {
            keys: Vec::new(),
            flags: Vec::new(),
            index: FxHashMap::default(),
            dictionary: false,
            transitions: RefCell::new(FxHashMap::default()),
        })
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn lookup(&self, key: &PropKey) -> Option<(u32, u8)> {
        if self.keys.len() <= 8 {
            // Small shapes: a linear scan beats hashing, and constant keys usually match by pointer.
            for (i, k) in self.keys.iter().enumerate() {
                if k == key {
                    return Some((i as u32, self.flags[i]));
                }
            }
            return None;
        }
        self.index.get(key).map(|&i| (i, self.flags[i as usize]))
    }

    /// The shape with `key` appended. `this` is the object's current shape.
    pub fn with_key(this: &mut Rc<Shape>, key: PropKey, flags: u8) {
        if this.dictionary {
            if let Some(shape) = Rc::get_mut(this) {
                shape.push_key(key, flags);
                return;
            }
        }
        if this.keys.len() >= MAX_SHARED_KEYS {
            let mut own = this.to_dictionary();
            own.push_key(key, flags);
            *this = Rc::new(own);
            return;
        }
        let cache_key = (key.clone(), flags);
        let cached = this.transitions.borrow().get(&cache_key).and_then(Link::get);
        if let Some(next) = cached {
            *this = next;
            return;
        }
        let mut next = Shape {
            keys: this.keys.clone(),
            flags: this.flags.clone(),
            index: if this.keys.len() >= 8 { this.index.clone() } else { FxHashMap::default() },
            dictionary: false,
            transitions: RefCell::new(FxHashMap::default()),
        };
        next.push_key(key, flags);
        let next = Rc::new(next);
        let mut transitions = this.transitions.borrow_mut();
        if transitions.len() > 32 {
            transitions.retain(|_, l| l.alive());
        }
        let kept = KEPT_SHAPES.with(|k| {
            let n = k.get();
            if n < MAX_KEPT_SHAPES {
                k.set(n + 1);
                true
            } else {
                false
            }
        });
        let link = if kept { Link::Kept(next.clone()) } else { Link::Weak(Rc::downgrade(&next)) };
        transitions.insert(cache_key, link);
        drop(transitions);
        *this = next;
    }

    fn push_key(&mut self, key: PropKey, flags: u8) {
        let i = self.keys.len() as u32;
        self.keys.push(key.clone());
        self.flags.push(flags);
        if self.keys.len() == 9 && self.index.is_empty() {
            for (j, k) in self.keys.iter().enumerate() {
                self.index.insert(k.clone(), j as u32);
            }
        } else if self.keys.len() > 8 {
            self.index.insert(key, i);
        }
    }

    fn to_dictionary(&self) -> Shape {
        let mut index = FxHashMap::default();
        for (j, k) in self.keys.iter().enumerate() {
            index.insert(k.clone(), j as u32);
        }
        Shape {
            keys: self.keys.clone(),
            flags: self.flags.clone(),
            index,
            dictionary: true,
            transitions: RefCell::new(FxHashMap::default()),
        }
    }

    /// Changes the flags of slot `i`, giving the object its own shape.
    pub fn set_flags(this: &mut Rc<Shape>, i: u32, flags: u8) {
        if this.flags[i as usize] == flags {
            return;
        }
        let shape = Self::make_own(this);
        shape.flags[i as usize] = flags;
    }

    /// Removes slot `i` (the caller removes the value from the slot vector).
    pub fn remove(this: &mut Rc<Shape>, i: u32) {
        let shape = Self::make_own(this);
        shape.keys.remove(i as usize);
        shape.flags.remove(i as usize);
        shape.index.clear();
        for (j, k) in shape.keys.iter().enumerate() {
            shape.index.insert(k.clone(), j as u32);
        }
    }

    fn make_own(this: &mut Rc<Shape>) -> &mut Shape {
        if !this.dictionary || Rc::strong_count(this) > 1 || Rc::weak_count(this) > 0 {
            *this = Rc::new(this.to_dictionary());
        }
        // The shape was just made unique above when it was not already.
        Rc::get_mut(this).expect("a freshly created dictionary shape is uniquely owned")
    }
}

thread_local! {
    static ROOT_SHAPE: Rc<Shape> = Shape::root();
}

impl Shape {
    /// This thread's root shape (what every new object starts from).
    pub fn root_of_thread() -> Rc<Shape> {
        ROOT_SHAPE.with(|s| s.clone())
    }

    /// The shape an object reaches from this thread's root by adding `keys` in order, each with
    /// `flags` (the shape `Obj::with_shape` gives objects built in one step).
    pub fn of_keys(keys: &[&str], flags: u8) -> Rc<Shape> {
        let mut shape = Shape::root_of_thread();
        for key in keys {
            Shape::with_key(&mut shape, PropKey::str(key), flags);
        }
        shape
    }
}
