//! Scripts that run to completion: each `tests/scripts/NAME.js` runs with `pipy --no-graph` in
//! its folder and must print exactly `NAME.out` on stdout and exit 0. Scripts stream events
//! through layouts with `pipeline(...).process(...)`, `pipy.read`, timers — no sockets.

mod common;

#[test]
fn every_script_prints_its_expected_output() {
    run_all(&[]);
}

/// The same scripts with the cycle collector running at every safe point: anything it freed
/// too early would change their output or crash them.
#[test]
fn every_script_prints_its_expected_output_with_collection_at_every_safe_point() {
    run_all(&[("PIPY_GC_STRESS", "1")]);
}

/// `cipher.js` proves byte-identity with Node: its output starts with exactly the lines
/// `tests/js/cipher-vectors.mjs` printed with Node's crypto (`tests/js/cipher-vectors.txt`), and
/// the two scripts share the code that makes those lines.
#[test]
fn cipher_vectors_are_the_ones_node_printed() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let node = read("tests/js/cipher-vectors.txt");
    assert!(node.lines().count() > 200 && !node.contains("MISMATCH"));
    assert!(read("tests/scripts/cipher.out").starts_with(&node), "cipher.out does not start with cipher-vectors.txt");
    let shared = |text: String| {
        let start = text.find("// ---- shared with").expect("start marker");
        let end = text.find("// ---- end of the shared part").expect("end marker");
        text[start..end].to_string()
    };
    assert_eq!(shared(read("tests/scripts/cipher.js")), shared(read("tests/js/cipher-vectors.mjs")));
}

/// One run at a time: scripts write files in their folder (the two tests would race).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// `sign-p521.js` checks every P-521 signature Node made (`tests/js/sign-p521.txt`, printed by
/// `tests/js/sign-p521.mjs`): its expected output has one verifying line for each. The other way,
/// the signatures it makes (printed with SIGN_P521_PRINT set) go to `node sign-p521.mjs verify`,
/// which checks each with Node's `crypto.verify`. ECDSA is randomized: compared by verification.
#[test]
fn p521_signatures_made_here_verify_with_node() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let read = |p: &str| std::fs::read_to_string(root.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let node_sigs = read("tests/js/sign-p521.txt").lines().filter(|l| l.starts_with("node ")).count();
    assert!(node_sigs >= 12);
    let checked = read("tests/scripts/sign-p521.out")
        .lines()
        .filter(|l| l.starts_with("node ") && l.ends_with(" true wrong hash false other message false tampered false"))
        .count();
    assert_eq!(checked, node_sigs, "sign-p521.out does not verify every Node signature");

    let out = {
        let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let (out, err, code) = common::run_in_env(
            &root.join("tests/scripts"),
            &["--no-graph", "sign-p521.js"],
            &[("SIGN_P521_PRINT", "1")],
        );
        assert_eq!(code, 0, "{err}");
        out
    };
    let own: String =
        out.lines().filter(|l| l.split(' ').count() == 5 && l.starts_with("own ")).map(|l| format!("{l}\n")).collect();
    assert_eq!(own.lines().count(), 24, "{out}");

    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut node = match Command::new("node")
        .arg(root.join("tests/js/sign-p521.mjs"))
        .arg("verify")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => panic!("node (needed to check the signatures): {e}"),
    };
    node.stdin.take().expect("stdin").write_all(own.as_bytes()).expect("write to node");
    let result = node.wait_with_output().expect("node runs");
    let said = String::from_utf8_lossy(&result.stdout);
    assert!(result.status.success() && said.trim() == "verified 24", "Node did not verify them all:\n{said}");
}

fn run_all(env: &[(&str, &str)]) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scripts")
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "js"))
        .collect();
    names.sort();
    let mut failures = Vec::new();
    for js in &names {
        let name = js.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        let expected = std::fs::read_to_string(js.with_extension("out")).unwrap_or_default();
        let (out, err, code) = common::run_in_env(&dir, &["--no-graph", name], env);
        if out != expected || code != 0 {
            failures.push(format!("{name}: exit {code}\n--- expected\n{expected}--- got\n{out}--- stderr\n{err}"));
        }
    }
    assert!(!names.is_empty());
    assert!(failures.is_empty(), "{} of {} scripts failed:\n{}", failures.len(), names.len(), failures.join("\n"));
}

/// `thrift-payload.js` feeds `decodeThrift()` malformed input: each case is logged with what is
/// wrong (its expected output shows the `ProtocolError`), and nothing panics.
#[test]
fn thrift_malformed_input_is_logged() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let (_, err, code) = common::run_in_env(&dir, &["--no-graph", "thrift-payload.js"], &[]);
    assert_eq!(code, 0, "{err}");
    for said in [
        "[ERR] decodeThrift(): malformed Thrift input: an unknown binary type id 7",
        "[ERR] decodeThrift(): malformed Thrift input: an unknown compact type id 14",
        "[ERR] decodeThrift(): malformed Thrift input: a message running past its frame of 7 bytes",
        "[ERR] decodeThrift(): malformed Thrift input: a bad frame length 2147483647",
        "[ERR] decodeThrift(): the stream ended inside a message (12 bytes of it unread)",
    ] {
        assert!(err.contains(said), "not logged: {said}\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}
