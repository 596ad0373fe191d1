//! Compiles arbitrary input and, if it compiles, runs it (then drains microtasks), with the
//! cycle collector in stress mode: it collects after every microtask and after the script, so
//! anything it freed too early crashes here. Uncaught JS exceptions are fine; panics and crashes
//! are bugs. Run with `-timeout=2` so that scripts that never terminate are reported as timeouts
//! rather than hanging the fuzzer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::Once;

static REALM: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    REALM.call_once(|| {
        pipy_stdlib::new_realm();
        pipy_value::cycles::set_stress(true);
    });
    let src = String::from_utf8_lossy(data);
    if let Ok(module) = pipy_compiler::compile("fuzz.js", &src, pipy_compiler::CompileOptions { tier: pipy_compiler::Tier::Eager, ..Default::default() }) {
        let _ = pipy_value::function::run_script(module.main());
        pipy_value::realm::run_microtasks_with(|| {
            pipy_value::cycles::safe_point();
        });
        pipy_value::cycles::collect();
    }
});
