//! stub
pub fn install() {}
