//! Symbols: unique keys compared by identity, with an optional description. Private class
//! names (`#x`) are symbols too.

use crate::string::JsString;
use std::rc::Rc;

/// A JS symbol. Private class names (`#x`) are symbols with `private` set: they never appear in
/// key listings and a missing one is a TypeError.
#[derive(Clone)]
pub struct Symbol(pub Rc<SymbolData>);

pub struct SymbolData {
    pub description: Option<JsString>,
    pub private: bool,
}

impl Symbol {
    pub fn new(description: Option<JsString>) -> Symbol {
        Symbol(Rc::new(SymbolData { description, private: false }))
    }
    pub fn new_private(description: JsString) -> Symbol {
        Symbol(Rc::new(SymbolData { description: Some(description), private: true }))
    }
    pub fn is_private(&self) -> bool {
        self.0.private
    }
    pub fn description(&self) -> Option<JsString> {
        self.0.description.clone()
    }
}
impl PartialEq for Symbol {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}
impl Eq for Symbol {}
impl std::hash::Hash for Symbol {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (Rc::as_ptr(&self.0) as usize).hash(state)
    }
}
