//! (to be written)

use pipy_runtime::Value;

pub fn install() {}

/// Console-style formatting of a value (placeholder until the console module lands).
pub fn inspect(v: &Value) -> String {
    pipy_runtime::ops::to_rust_string(v).unwrap_or_default()
}
