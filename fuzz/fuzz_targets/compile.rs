//! Compiles arbitrary input (parse, resolve, lower, Cranelift codegen) without running it.
//! A `Err` with diagnostics is an acceptable outcome; a panic escaping `compile` or a crash is a
//! bug. `compile` catches panics raised inside it (SWC has `unreachable!()`s that malformed input
//! reaches) and turns them into diagnostics, exactly as the `pipy` binary sees them, so libFuzzer's
//! abort-on-panic hook is replaced by one that lets those panics reach that guard.
#![no_main]

use libfuzzer_sys::fuzz_target;

static QUIET_PANICS: std::sync::Once = std::sync::Once::new();

fuzz_target!(|data: &[u8]| {
    QUIET_PANICS.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let src = String::from_utf8_lossy(data);
    let _ = pipy_compiler::compile("fuzz.js", &src, pipy_compiler::CompileOptions { tier: pipy_compiler::Tier::Eager, ..Default::default() });
});
