//! The data of an `Int` object (the original's fixed-width integer: `i8`…`i64`, `u8`…`u64`): its
//! type and its bits, held by a host object whose prototype is the registered `Int.prototype`.
//! The JS class lives in the standard library; it is here so that filters below the standard
//! library (a Dubbo request id, a 64-bit field) can make and read `Int`s that keep every bit.

use crate::{Obj, ObjectKind, Value, realm};

/// The width and signedness of an `Int`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntType {
    I8,
    I16,
    I32,
    I64,
    U8,
    U16,
    U32,
    U64,
}

const NAMES: [(IntType, &str); 8] = [
    (IntType::I8, "i8"),
    (IntType::U8, "u8"),
    (IntType::I16, "i16"),
    (IntType::U16, "u16"),
    (IntType::I32, "i32"),
    (IntType::U32, "u32"),
    (IntType::I64, "i64"),
    (IntType::U64, "u64"),
];

impl IntType {
    pub fn name(self) -> &'static str {
        NAMES.iter().find(|(t, _)| *t == self).map_or("i64", |(_, n)| n)
    }
    /// The type named `s` (`"i8"`…`"u64"`).
    pub fn parse(s: &str) -> Option<IntType> {
        NAMES.iter().find(|(_, n)| *n == s).map(|(t, _)| *t)
    }
    pub fn width(self) -> u32 {
        match self {
            IntType::I8 | IntType::U8 => 8,
            IntType::I16 | IntType::U16 => 16,
            IntType::I32 | IntType::U32 => 32,
            IntType::I64 | IntType::U64 => 64,
        }
    }
    pub fn unsigned(self) -> bool {
        matches!(self, IntType::U8 | IntType::U16 | IntType::U32 | IntType::U64)
    }
    /// `v` cut to this width (sign- or zero-extended back to 64 bits).
    pub fn wrap(self, v: i64) -> i64 {
        match self {
            IntType::I8 => i64::from(v as i8),
            IntType::I16 => i64::from(v as i16),
            IntType::I32 => i64::from(v as i32),
            IntType::U8 => i64::from(v as u8),
            IntType::U16 => i64::from(v as u16),
            IntType::U32 => i64::from(v as u32),
            IntType::I64 | IntType::U64 => v,
        }
    }
}

/// What an `Int` object holds: its type and its bits (already cut to the type's width).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntValue {
    pub ty: IntType,
    pub bits: i64,
}

impl IntValue {
    pub fn number(self) -> f64 {
        if self.ty.unsigned() { self.bits as u64 as f64 } else { self.bits as f64 }
    }
    pub fn text(self) -> String {
        if self.ty.unsigned() { (self.bits as u64).to_string() } else { self.bits.to_string() }
    }
}

/// A new `Int` of type `ty` holding `bits` (cut to the width).
pub fn make(ty: IntType, bits: i64) -> Value {
    let proto = realm::registered("Int.prototype").and_then(|v| v.as_object().cloned());
    let host = IntValue { ty, bits: ty.wrap(bits) };
    Value::Object(Obj::new(proto, ObjectKind::Host(Box::new(host))))
}

/// The `Int` inside `v`, if it is one.
pub fn as_int(v: &Value) -> Option<IntValue> {
    v.as_object().and_then(|o| o.with_host(|i: &mut IntValue| *i))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_wrap_and_text_keeps_every_digit() {
        assert_eq!(IntType::U32.wrap(-1), 4_294_967_295);
        assert_eq!(IntType::I8.wrap(200), -56);
        let big = IntValue { ty: IntType::U64, bits: -1 };
        assert_eq!(big.text(), "18446744073709551615");
        assert_eq!(IntType::parse("u16"), Some(IntType::U16));
        assert_eq!(IntType::U64.name(), "u64");
    }
}
