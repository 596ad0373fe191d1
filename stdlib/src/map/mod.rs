//! (to be written)

pub fn install() {}
