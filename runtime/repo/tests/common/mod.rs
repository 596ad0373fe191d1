//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use pipy_repo::Repo;

/// A directory under the system's temp dir, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> TempDir {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let path = std::env::temp_dir().join(format!("pipy-repo-{tag}-{}-{n}-{nanos}", std::process::id()));
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `body` on an in-memory store and on one kept in a fresh directory.
#[allow(dead_code)]
pub fn on_both_backends(body: impl Fn(&mut Repo)) {
    let mut repo = Repo::in_memory();
    body(&mut repo);
    let dir = TempDir::new("both");
    let mut repo = Repo::open(dir.path()).unwrap();
    body(&mut repo);
}
