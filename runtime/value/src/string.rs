//! JS strings: immutable-looking, reference counted, two representations.
//!
//! Most strings a proxy handles are ASCII (header names, paths, JSON keys), so a string is either
//! `Ascii` (a Rust `String` whose bytes are all < 0x80: UTF-16 index = byte index) or `Utf16`
//! (code units, so lone surrogates and `charCodeAt` are exact). Concatenation appends in place when
//! the left operand is uniquely owned (`Rc::get_mut`), so `s += x` in a loop is linear.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

#[derive(Clone)]
pub enum StrRepr {
    Ascii(String),
    Utf16(Vec<u16>),
}

/// The longest string the engine builds (V8's limit): longer results are a RangeError.
pub const MAX_LENGTH: usize = (1 << 29) - 24;

/// The heap part of a JS string.
#[derive(Clone)]
pub struct JsStr {
    pub repr: StrRepr,
}

/// A reference-counted JS string (the payload of `Value::String`).
#[derive(Clone)]
pub struct JsString(pub Rc<JsStr>);

impl JsStr {
    pub fn len(&self) -> usize {
        match &self.repr {
            StrRepr::Ascii(s) => s.len(),
            StrRepr::Utf16(v) => v.len(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl JsString {
    pub fn new(s: &str) -> JsString {
        if s.is_ascii() {
            JsString(Rc::new(JsStr { repr: StrRepr::Ascii(s.to_string()) }))
        } else {
            JsString(Rc::new(JsStr { repr: StrRepr::Utf16(s.encode_utf16().collect()) }))
        }
    }
    pub fn from_string(s: String) -> JsString {
        if s.is_ascii() {
            JsString(Rc::new(JsStr { repr: StrRepr::Ascii(s) }))
        } else {
            JsString(Rc::new(JsStr { repr: StrRepr::Utf16(s.encode_utf16().collect()) }))
        }
    }
    /// Builds a string from UTF-16 code units, choosing the ASCII form when it can.
    pub fn from_utf16(units: Vec<u16>) -> JsString {
        if units.iter().all(|&u| u < 0x80) {
            let s: String = units.iter().map(|&u| u as u8 as char).collect();
            JsString(Rc::new(JsStr { repr: StrRepr::Ascii(s) }))
        } else {
            JsString(Rc::new(JsStr { repr: StrRepr::Utf16(units) }))
        }
    }
    pub fn from_units(units: &[u16]) -> JsString {
        Self::from_utf16(units.to_vec())
    }
    pub fn empty() -> JsString {
        JsString::new("")
    }
    /// Length in UTF-16 code units, as JS `length`.
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.len() == 0
    }
    pub fn as_ascii(&self) -> Option<&str> {
        match &self.0.repr {
            StrRepr::Ascii(s) => Some(s),
            StrRepr::Utf16(_) => None,
        }
    }
    /// The code unit at `i` (caller checks bounds).
    pub fn unit_at(&self, i: usize) -> u16 {
        match &self.0.repr {
            StrRepr::Ascii(s) => s.as_bytes()[i] as u16,
            StrRepr::Utf16(v) => v[i],
        }
    }
    pub fn get_unit(&self, i: usize) -> Option<u16> {
        if i < self.len() { Some(self.unit_at(i)) } else { None }
    }
    /// All code units (allocates for ASCII strings).
    pub fn to_units(&self) -> Vec<u16> {
        match &self.0.repr {
            StrRepr::Ascii(s) => s.bytes().map(|b| b as u16).collect(),
            StrRepr::Utf16(v) => v.clone(),
        }
    }
    pub fn units(&self) -> std::borrow::Cow<'_, [u16]> {
        match &self.0.repr {
            StrRepr::Ascii(s) => std::borrow::Cow::Owned(s.bytes().map(|b| b as u16).collect()),
            StrRepr::Utf16(v) => std::borrow::Cow::Borrowed(v),
        }
    }
    /// A Rust string; lone surrogates become U+FFFD.
    pub fn to_rust_string(&self) -> String {
        match &self.0.repr {
            StrRepr::Ascii(s) => s.clone(),
            StrRepr::Utf16(v) => String::from_utf16_lossy(v),
        }
    }
    /// Borrowed for ASCII, converted otherwise.
    pub fn as_str_lossy(&self) -> std::borrow::Cow<'_, str> {
        match &self.0.repr {
            StrRepr::Ascii(s) => std::borrow::Cow::Borrowed(s),
            StrRepr::Utf16(v) => std::borrow::Cow::Owned(String::from_utf16_lossy(v)),
        }
    }
    pub fn substring(&self, start: usize, end: usize) -> JsString {
        let end = end.min(self.len());
        let start = start.min(end);
        match &self.0.repr {
            StrRepr::Ascii(s) => JsString(Rc::new(JsStr { repr: StrRepr::Ascii(s[start..end].to_string()) })),
            StrRepr::Utf16(v) => JsString::from_units(&v[start..end]),
        }
    }
    /// `self + other`, appending in place when `self` is uniquely owned.
    pub fn concat(mut self, other: &JsString) -> JsString {
        if other.is_empty() {
            return self;
        }
        if let Some(inner) = Rc::get_mut(&mut self.0) {
            append_repr(&mut inner.repr, &other.0.repr);
            return self;
        }
        let mut repr = self.0.repr.clone();
        if let StrRepr::Ascii(s) = &mut repr {
            s.reserve(other.len());
        }
        append_repr(&mut repr, &other.0.repr);
        JsString(Rc::new(JsStr { repr }))
    }
    pub fn concat_str(self, other: &str) -> JsString {
        self.concat(&JsString::new(other))
    }
    pub fn ptr_eq(&self, other: &JsString) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
    /// Index of `needle` at or after `from`, in code units.
    pub fn find(&self, needle: &JsString, from: usize) -> Option<usize> {
        if let (Some(h), Some(n)) = (self.as_ascii(), needle.as_ascii()) {
            if from > h.len() {
                return None;
            }
            return match n.as_bytes() {
                // One byte (`indexOf(':')`): a plain scan, without setting up a substring search.
                &[b] => h.as_bytes()[from..].iter().position(|&c| c == b),
                _ => h[from..].find(n),
            }
            .map(|i| i + from);
        }
        let h = self.units();
        let n = needle.units();
        if n.is_empty() {
            return if from <= h.len() { Some(from) } else { None };
        }
        if n.len() > h.len() {
            return None;
        }
        (from..=h.len() - n.len()).find(|&i| h[i..i + n.len()] == n[..])
    }
    /// Last index of `needle` starting at or before `from`.
    pub fn rfind(&self, needle: &JsString, from: usize) -> Option<usize> {
        let h = self.units();
        let n = needle.units();
        if n.len() > h.len() {
            return None;
        }
        let last = (h.len() - n.len()).min(from);
        (0..=last).rev().find(|&i| h[i..i + n.len()] == n[..])
    }
    /// Parses a canonical array index ("0", "17"; not "01" or "4294967295").
    pub fn as_array_index(&self) -> Option<u32> {
        let s = self.as_ascii()?;
        parse_array_index(s)
    }
}

pub fn parse_array_index(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.is_empty() || b.len() > 10 || (b[0] == b'0' && b.len() > 1) {
        return None;
    }
    let mut n: u64 = 0;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + (c - b'0') as u64;
    }
    if n < u32::MAX as u64 { Some(n as u32) } else { None }
}

fn append_repr(dst: &mut StrRepr, src: &StrRepr) {
    match (&mut *dst, src) {
        (StrRepr::Ascii(a), StrRepr::Ascii(b)) => a.push_str(b),
        (StrRepr::Utf16(a), StrRepr::Ascii(b)) => a.extend(b.bytes().map(|c| c as u16)),
        (StrRepr::Utf16(a), StrRepr::Utf16(b)) => a.extend_from_slice(b),
        (StrRepr::Ascii(a), StrRepr::Utf16(b)) => {
            let mut v: Vec<u16> = Vec::with_capacity(a.len() + b.len());
            v.extend(a.bytes().map(|c| c as u16));
            v.extend_from_slice(b);
            *dst = StrRepr::Utf16(v);
        }
    }
}

impl PartialEq for JsString {
    fn eq(&self, other: &JsString) -> bool {
        if Rc::ptr_eq(&self.0, &other.0) {
            return true;
        }
        match (&self.0.repr, &other.0.repr) {
            (StrRepr::Ascii(a), StrRepr::Ascii(b)) => a == b,
            (StrRepr::Utf16(a), StrRepr::Utf16(b)) => a == b,
            // The constructors keep ASCII-only content in the Ascii form, so mixed forms differ.
            _ => false,
        }
    }
}
impl Eq for JsString {}

impl PartialOrd for JsString {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for JsString {
    /// Code-unit order, as JS `<` on strings.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        match (&self.0.repr, &other.0.repr) {
            (StrRepr::Ascii(a), StrRepr::Ascii(b)) => a.as_bytes().cmp(b.as_bytes()),
            _ => self.units().cmp(&other.units()),
        }
    }
}

impl Hash for JsString {
    /// Hashes the bytes in one call. The two representations never hold equal strings (ASCII-only
    /// content is always `Ascii`), so hashing them differently keeps `Hash` consistent with `Eq`.
    fn hash<H: Hasher>(&self, state: &mut H) {
        match &self.0.repr {
            StrRepr::Ascii(s) => state.write(s.as_bytes()),
            StrRepr::Utf16(v) => {
                for &u in v {
                    state.write_u16(u);
                }
            }
        }
        state.write_u8(0xff);
    }
}

impl fmt::Display for JsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.as_str_lossy())
    }
}
impl fmt::Debug for JsString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str_lossy())
    }
}

impl From<&str> for JsString {
    fn from(s: &str) -> Self {
        JsString::new(s)
    }
}
impl From<String> for JsString {
    fn from(s: String) -> Self {
        JsString::from_string(s)
    }
}
