//! The web console in a real browser: headless Chromium (Debian's `chromium`, driven by
//! `playwright-core` from `console/node_modules`) against a repo started here, as a person uses
//! it: create a codebase, type a script into the editor, save, publish, run it, watch its log and
//! metrics, start a worker of it and see it in the instances panel with its log, derive and
//! delete codebases. `bash tests/setup.sh` installs Chromium and the console's packages (the
//! README's test command runs it first). Screenshots of each step are kept in
//! `target/console-screenshots/`.

mod common;

use common::Server;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

#[test]
fn the_console_works_in_a_browser() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let console = root.join("console");
    assert!(
        console.join("node_modules/playwright-core").is_dir() && std::path::Path::new("/usr/bin/chromium").exists(),
        "the browser test needs Chromium and the console's packages: run `bash tests/setup.sh`"
    );
    let admin = common::free_port();
    let arg = format!("--admin-port=127.0.0.1:{admin}");
    let mut repo = Server::spawn_args(common::temp_dir("console-repo"), &[&arg], vec![]);
    repo.wait_for("[repo] Serving the repo", Duration::from_secs(20));
    let shots = root.join("target/console-screenshots");
    let _ = std::fs::remove_dir_all(&shots);
    let hello = common::free_port();
    let out = Command::new("timeout")
        .args(["300", "node", "test/console.test.mjs"])
        .current_dir(&console)
        .env("ADMIN_URL", format!("http://127.0.0.1:{admin}"))
        .env("WORKER_BIN", env!("CARGO_BIN_EXE_pipy"))
        .env("HELLO_PORT", hello.to_string())
        .env("SCREENSHOTS", &shots)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{stdout}{stderr}");
    assert!(out.status.success(), "the browser test failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("PASS publish bumps the version") && stdout.contains("PASS worker instance shows up"));
    assert!(stdout.lines().any(|l| l.ends_with(" passed, 0 failed")), "{stdout}");
    assert!(std::fs::read_dir(&shots).map(|d| d.count()).unwrap_or(0) >= 10, "screenshots kept");
}
