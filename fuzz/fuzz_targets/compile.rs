//! Compiles arbitrary input (parse, resolve, lower, Cranelift codegen) without running it.
//! A `Err` with diagnostics is an acceptable outcome; a panic or a crash is a bug.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let _ = pipy_compiler::compile("fuzz.js", &src, pipy_compiler::CompileOptions::default());
});
