//! Unit tests: each expectation is what Node 20 prints for the same script.

use crate::util::testing::{call, path, s, setup};
use pipy_runtime::{Value, ops};

#[test]
fn smoke() {
    setup();
    let a = ops::new_array(vec![Value::from(1), Value::from(2)]);
    assert_eq!(s(&call("Array.prototype.join", &a, &[]).unwrap()), "1,2");
    let _ = path("Array");
}
