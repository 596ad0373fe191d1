//! The ordered hash table behind `Map` and `Set`: entries in insertion order with tombstones,
//! a SameValueZero index, and cursors that survive deletion, clearing and compaction.
//!
//! Iteration is by position. Deleting leaves a tombstone so live cursors keep their place; when
//! tombstones outnumber live entries the vector is compacted and every registered cursor is
//! moved to the same logical position (the number of live entries before it).

use pipy_value::Value;
use pipy_value::string::JsString;
use pipy_value::value::Symbol;
use rustc_hash::FxHashMap;
use std::cell::Cell;
use std::rc::{Rc, Weak};

/// A key under SameValueZero: NaN is one key, -0 is +0, strings by content, the rest by identity.
#[derive(Clone, PartialEq, Eq, Hash)]
enum HashKey {
    Undefined,
    Null,
    Bool(bool),
    Number(u64),
    String(JsString),
    Symbol(Symbol),
    Object(usize),
}

fn hash_key(v: &Value) -> HashKey {
    match v {
        Value::Undefined | Value::Hole => HashKey::Undefined,
        Value::Null => HashKey::Null,
        Value::Bool(b) => HashKey::Bool(*b),
        Value::Number(n) => HashKey::Number(if n.is_nan() { f64::NAN.to_bits() } else { (*n + 0.0).to_bits() }),
        Value::String(s) => HashKey::String(s.clone()),
        Value::Symbol(s) => HashKey::Symbol(s.clone()),
        Value::Object(o) => HashKey::Object(o.addr()),
    }
}

/// Normalises a key for storage: -0 becomes +0, holes become undefined.
pub fn canonical_key(v: Value) -> Value {
    match v {
        Value::Number(0.0) => Value::Number(0.0),
        Value::Hole => Value::Undefined,
        v => v,
    }
}

/// A position in a table that the table keeps up to date across compaction.
pub type Cursor = Rc<Cell<usize>>;

#[derive(Default)]
pub struct Table {
    entries: Vec<Option<(Value, Value)>>,
    index: FxHashMap<HashKey, usize>,
    cursors: Vec<Weak<Cell<usize>>>,
}

impl Table {
    /// Reports every key and value to the cycle collector.
    pub fn trace(&self, v: &mut pipy_value::cycles::Visitor<'_>) {
        for (key, value) in self.entries.iter().flatten() {
            v.value(key);
            v.value(value);
        }
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn get(&self, key: &Value) -> Option<Value> {
        let i = *self.index.get(&hash_key(key))?;
        self.entries.get(i)?.as_ref().map(|e| e.1.clone())
    }

    pub fn has(&self, key: &Value) -> bool {
        self.index.contains_key(&hash_key(key))
    }

    pub fn set(&mut self, key: Value, value: Value) {
        let key = canonical_key(key);
        let hk = hash_key(&key);
        if let Some(&i) = self.index.get(&hk) {
            if let Some(Some(e)) = self.entries.get_mut(i) {
                e.1 = value;
                return;
            }
        }
        self.index.insert(hk, self.entries.len());
        self.entries.push(Some((key, value)));
    }

    /// Removes `key`; returns the removed entry (dropped by the caller, outside any borrow,
    /// since dropping a value can free objects).
    pub fn delete(&mut self, key: &Value) -> Option<(Value, Value)> {
        let i = self.index.remove(&hash_key(key))?;
        let old = self.entries.get_mut(i)?.take();
        let dead = self.entries.len() - self.index.len();
        if dead > 16 && dead > self.index.len() {
            self.compact();
        }
        old
    }

    /// Empties the table; returns the old entries for the caller to drop.
    pub fn clear(&mut self) -> Vec<Option<(Value, Value)>> {
        self.index.clear();
        self.cursors.retain(|c| match c.upgrade() {
            Some(c) => {
                c.set(0);
                true
            }
            None => false,
        });
        std::mem::take(&mut self.entries)
    }

    fn compact(&mut self) {
        // The new position of old position p is the number of live entries before p.
        let mut live_before = Vec::with_capacity(self.entries.len() + 1);
        let mut n = 0;
        for e in &self.entries {
            live_before.push(n);
            if e.is_some() {
                n += 1;
            }
        }
        live_before.push(n);
        self.cursors.retain(|c| match c.upgrade() {
            Some(c) => {
                let p = c.get().min(live_before.len() - 1);
                c.set(live_before[p]);
                true
            }
            None => false,
        });
        self.entries.retain(|e| e.is_some());
        for (i, e) in self.entries.iter().enumerate() {
            if let Some((k, _)) = e {
                self.index.insert(hash_key(k), i);
            }
        }
    }

    /// A new cursor at the start, tracked by this table.
    pub fn cursor(&mut self) -> Cursor {
        self.cursors.retain(|c| c.strong_count() > 0);
        let c = Rc::new(Cell::new(0));
        self.cursors.push(Rc::downgrade(&c));
        c
    }

    /// The next live entry at or after the cursor, advancing it past that entry.
    pub fn next(&self, cursor: &Cursor) -> Option<(Value, Value)> {
        let mut i = cursor.get();
        while i < self.entries.len() {
            if let Some(Some((k, v))) = self.entries.get(i) {
                cursor.set(i + 1);
                return Some((k.clone(), v.clone()));
            }
            i += 1;
        }
        cursor.set(i);
        None
    }
}
