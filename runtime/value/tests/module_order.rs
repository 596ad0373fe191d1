//! The value core's modules import each other in one direction only: a module may use modules of
//! its own layer's knot or of lower layers, never of a higher layer. Where two modules need each
//! other by nature (a `Value` holds an object and an object holds `Value`s; a property read may
//! call a getter and a call may read properties), they form a declared *knot* of one layer.
//!
//! This test reads the sources, so a new `use` that goes the wrong way fails here with the
//! module and the line. A new module must be given a layer below.

use std::collections::HashMap;
use std::path::Path;

/// Layers, lowest first. Modules in one inner list form a knot (they may use each other).
const LAYERS: &[&[&str]] = &[
    // Leaf data: no values yet.
    &["string"],
    &["symbol", "number"],
    // Hidden classes and property keys.
    &["shape"],
    // The heap's types: values, objects and their cells, what a function object holds, and the
    // collector's suspect lists their releases feed.
    &["value", "object", "objcell", "callable", "suspects"],
    // Per-thread state: intrinsics and the call stack.
    &["realm", "calls"],
    // The data an `Int` object holds (its prototype comes from the realm).
    &["int"],
    // Making error objects (they record the call stack).
    &["error"],
    // The cycle collector (it walks objects, captured variables and the realm's built-ins).
    &["cycles"],
    // ECMAScript operations and calls (a property read may call a getter; a call converts `this`),
    // and the context-variable interface the engine implements.
    &["ops", "function", "context"],
    // Inline caches for property sites.
    &["ic"],
    // The ABI compiled code calls.
    &["abi"],
];

fn layer_of() -> HashMap<&'static str, usize> {
    let mut m = HashMap::new();
    for (i, layer) in LAYERS.iter().enumerate() {
        for name in *layer {
            m.insert(*name, i);
        }
    }
    m
}

/// The source of a module without its unit tests (tests may use anything).
fn code_of(text: &str) -> &str {
    match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => text,
    }
}

/// `(line, module)` for every `crate::module` a source names, including `use crate::{a, b::c}`.
fn references(text: &str, root_items: &HashMap<String, String>) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            let after = &rest[i + "crate::".len()..];
            if let Some(group) = after.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for item in group[..end].split(',') {
                    let head = item.trim().split("::").next().unwrap_or("").trim();
                    push(&mut out, n + 1, head, root_items);
                }
            } else {
                let head: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                push(&mut out, n + 1, &head, root_items);
            }
            rest = after;
        }
    }
    out
}

fn push(out: &mut Vec<(usize, String)>, line: usize, head: &str, root_items: &HashMap<String, String>) {
    if head.is_empty() {
        return;
    }
    let module = root_items.get(head).cloned().unwrap_or_else(|| head.to_string());
    out.push((line, module));
}

/// Items `lib.rs` re-exports at the crate root, by the module they come from.
fn root_items(lib: &str) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for line in lib.lines() {
        let Some(rest) = line.strip_prefix("pub use ") else { continue };
        let rest = rest.trim_end_matches(';');
        let Some((module, items)) = rest.split_once("::") else { continue };
        for item in items.trim_start_matches('{').trim_end_matches('}').split(',') {
            m.insert(item.trim().to_string(), module.to_string());
        }
    }
    m
}

fn modules(src: &Path) -> Vec<String> {
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    lib.lines().filter_map(|l| l.strip_prefix("pub mod ").map(|m| m.trim_end_matches(';').to_string())).collect()
}

#[test]
fn modules_of_the_value_core_import_downward_only() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let layers = layer_of();
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("lib.rs");
    let roots = root_items(&lib);
    let mut wrong = Vec::new();
    for module in modules(&src) {
        let Some(&own) = layers.get(module.as_str()) else {
            wrong.push(format!("module `{module}` has no layer in LAYERS (tests/module_order.rs): place it"));
            continue;
        };
        let text = std::fs::read_to_string(src.join(format!("{module}.rs"))).expect("module source");
        for (line, used) in references(code_of(&text), &roots) {
            if used == module {
                continue;
            }
            match layers.get(used.as_str()) {
                Some(&l) if l <= own => {}
                Some(&l) => wrong.push(format!(
                    "src/{module}.rs:{line}: `{module}` (layer {own}) uses `{used}` (layer {l}), a higher layer"
                )),
                None => wrong.push(format!("src/{module}.rs:{line}: `{module}` uses `{used}`, which has no layer")),
            }
        }
    }
    assert!(wrong.is_empty(), "the value core's module order is broken:\n{}", wrong.join("\n"));
}

#[test]
fn the_checker_sees_every_form_of_reference() {
    let roots = root_items("pub use value::Value;\npub use shape::{PropKey, attr};\n");
    let found = references(
        "use crate::ops::get;\nuse crate::{abi, realm::intrinsics, Value};\nlet x = crate::attr::DEFAULT;\n// crate::ic\n",
        &roots,
    );
    let names: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(names, ["ops", "abi", "realm", "value", "shape"]);
}
