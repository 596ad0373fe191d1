//! Crash safety: a writer process killed with SIGKILL in the middle of publishing loses nothing
//! it had been told was done, and leaves every file of the surviving version intact.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use common::TempDir;
use pipy_repo::Repo;

/// Set in the child: the directory of the store it writes to.
const WRITER_DIR: &str = "PIPY_REPO_CRASH_WRITER_DIR";
const TEST_NAME: &str = "publishes_survive_sigkill";
const ACKS_BEFORE_KILL: u64 = 30;

/// The files of version `n`: a small main, a larger data file and one that comes and goes.
fn files_of(n: u64) -> Vec<(String, Vec<u8>)> {
    let mut files = vec![
        (
            "/main.js".to_string(),
            format!("// version {n}\npipy().listen(8080).serveHTTP(new Message('{n}'))\n").into_bytes(),
        ),
        ("/data.bin".to_string(), (0..40_000u64).map(|i| ((i * 31 + n * 7) % 251) as u8).collect()),
    ];
    if n.is_multiple_of(2) {
        files.push((format!("/even-{n}.js"), format!("even {n}").into_bytes()));
    }
    files
}

/// The child: publishes versions 1, 2, 3... until killed, acknowledging each on stdout.
fn writer(dir: &str) {
    let mut repo = Repo::open(std::path::Path::new(dir)).unwrap();
    repo.create("/app", None, None, None).unwrap();
    let mut stdout = std::io::stdout();
    for n in 1..=100_000u64 {
        for (path, data) in files_of(n) {
            repo.write_file("/app", &path, &data).unwrap();
        }
        if !n.is_multiple_of(2) && n > 1 {
            repo.erase_file("/app", &format!("/even-{}.js", n - 1)).unwrap();
        }
        repo.publish("/app", &n.to_string()).unwrap();
        // A parent that went away ends the writer here.
        if writeln!(stdout, "acked {n}").and_then(|_| stdout.flush()).is_err() {
            return;
        }
    }
}

#[test]
fn publishes_survive_sigkill() {
    if let Ok(dir) = std::env::var(WRITER_DIR) {
        writer(&dir);
        return;
    }
    let dir = TempDir::new("crash");
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST_NAME, "--nocapture"])
        .env(WRITER_DIR, dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut last_acked = 0;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(n) = line.strip_prefix("acked ") {
            last_acked = n.trim().parse::<u64>().unwrap();
            if last_acked >= ACKS_BEFORE_KILL {
                child.kill().unwrap();
                break;
            }
        }
    }
    let status = child.wait().unwrap();
    assert_eq!(last_acked, ACKS_BEFORE_KILL, "the writer stopped early: {status}");

    let repo = Repo::open(dir.path()).unwrap();
    let info = repo.info("/app").unwrap();
    let version: u64 = info.version.parse().unwrap();
    assert!(version >= last_acked, "version {version} is older than the acknowledged {last_acked}");
    eprintln!("killed after {last_acked} acknowledged publishes ({status}); the store holds version {version}");
    let manifest = repo.manifest("/app").unwrap();
    assert_eq!(manifest.version, info.version);
    let expected = files_of(version);
    let mut paths: Vec<&str> = expected.iter().map(|(p, _)| p.as_str()).collect();
    paths.sort();
    paths.retain(|p| *p != "/main.js");
    paths.insert(0, "/main.js");
    assert_eq!(manifest.files, paths);
    for (path, data) in &expected {
        let file = repo.published_file("/app", path).unwrap();
        assert_eq!(&file.data, data, "{path} of version {version}");
        assert_eq!(file.etag, info.version);
    }
}
