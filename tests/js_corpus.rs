//! Runs every program in `tests/js/` with the real `pipy` binary and compares its stdout with the
//! `.out` file Node produced for it (`bash tests/js/regen.sh` regenerates them).

use std::path::{Path, PathBuf};
use std::process::Command;

fn programs(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            programs(&p, out);
        } else if p.extension().is_some_and(|x| x == "js") && !p.to_string_lossy().ends_with(".node.js") {
            out.push(p);
        }
    }
}

fn run_one(path: &Path, env: &[(&str, &str)]) -> Result<(), String> {
    let expected =
        std::fs::read_to_string(path.with_extension("out")).map_err(|e| format!("missing expected output: {e}"))?;
    let source = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let expect_uncaught = source.starts_with("// expect: uncaught");
    let output = Command::new(env!("CARGO_BIN_EXE_pipy"))
        .arg("run")
        .arg(path)
        .env("TZ", "UTC")
        .envs(env.iter().copied())
        .output()
        .map_err(|e| format!("cannot start pipy: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let code = output.status.code();
    if expect_uncaught && code != Some(1) {
        return Err(format!("expected exit status 1 (uncaught exception), got {code:?}"));
    }
    if !expect_uncaught && code != Some(0) {
        return Err(format!(
            "exit status {code:?}\n--- stderr ---\n{}",
            String::from_utf8_lossy(&output.stderr).lines().take(8).collect::<Vec<_>>().join("\n")
        ));
    }
    if stdout != expected {
        let mut diff = String::new();
        for (i, (a, b)) in expected.lines().zip(stdout.lines()).enumerate() {
            if a != b {
                diff = format!("first difference at line {}:\n  expected: {a}\n  actual:   {b}", i + 1);
                break;
            }
        }
        if diff.is_empty() {
            diff = format!("expected {} lines, got {}", expected.lines().count(), stdout.lines().count());
        }
        return Err(diff);
    }
    Ok(())
}

#[test]
fn js_corpus_matches_node() {
    run_corpus(&[]);
}

/// The corpus again with the cycle collector running at every safe point (after every
/// microtask and at the end of the script): anything freed too early shows as a difference.
#[test]
fn js_corpus_matches_node_with_collection_at_every_safe_point() {
    run_corpus(&[("PIPY_GC_STRESS", "1")]);
}

/// Differential runs of the two code tiers: by default most functions run baseline code and only
/// hot ones are optimised; here every function is optimised before the program starts, and then
/// none ever is. Both must still print what Node printed.
#[test]
fn js_corpus_matches_node_with_every_function_optimised_up_front() {
    run_corpus(&[("PIPY_JIT", "eager")]);
}

#[test]
fn js_corpus_matches_node_in_baseline_code_only() {
    run_corpus(&[("PIPY_JIT", "baseline")]);
}

fn run_corpus(env: &[(&str, &str)]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js");
    let mut files = Vec::new();
    programs(&root, &mut files);
    files.sort();
    assert!(files.len() >= 250, "the corpus has only {} programs", files.len());
    let known: Vec<String> = std::fs::read_to_string(root.join("known-failures.txt"))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split('#').next())
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    let filter = std::env::var("JS_FILTER").unwrap_or_default();
    let mut failures = Vec::new();
    let mut known_failed = 0;
    let mut passed = 0;
    for f in files.iter().filter(|f| f.to_string_lossy().contains(&filter)) {
        let rel = f.strip_prefix(&root).unwrap_or(f).display().to_string();
        let is_known = known.contains(&rel);
        match (run_one(f, env), is_known) {
            (Ok(()), false) => passed += 1,
            (Ok(()), true) => failures.push(format!("{rel}: passes now; remove it from known-failures.txt")),
            (Err(_), true) => known_failed += 1,
            (Err(e), false) => failures.push(format!("{rel}: {e}")),
        }
    }
    for f in &failures {
        eprintln!("FAIL {f}\n");
    }
    eprintln!(
        "js corpus: {passed} passed, {} failed ({known_failed} known differences listed in known-failures.txt)",
        failures.len()
    );
    assert!(failures.is_empty(), "{} of {} programs differ from Node", failures.len(), passed + failures.len());
}
