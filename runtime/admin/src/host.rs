//! What the admin service controls: the running program (the codebase it runs, its worker
//! threads) and the facts `GET /status` reports.

use pipy_program::supervisor::{self, Launch, Running};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

/// The process as the admin service sees it.
pub struct Host {
    /// A random id for this process (the repo knows a worker by it).
    pub uuid: String,
    /// This instance's name (`--instance-name`; the CLI gives the host name otherwise).
    pub name: String,
    /// When the process started (ms since the epoch).
    pub since: u64,
    pub program: Mutex<Program>,
    /// Samples of this process's metrics, one every few seconds.
    pub history: Mutex<crate::metrics::History>,
    /// Repo mode: the codebase store and the workers that report to it.
    pub repo: Option<crate::repo::RepoState>,
    /// Where codebases from the repo are written to run here.
    pub scratch: PathBuf,
}

/// The program the workers run.
pub struct Program {
    /// How to start it again (`main` is the last codebase's main script).
    pub launch: Launch,
    pub running: Option<Running>,
    /// The codebase's files live under this folder (None: no codebase yet).
    pub root: Option<PathBuf>,
    /// The main script's path inside the codebase (`/main.js`).
    pub main: String,
    /// Whether `/api/v1/files` may change the files (a worker's downloaded copy is read-only).
    pub writable: bool,
    /// What `GET /api/v1/program` answers: the codebase that runs, empty when none does.
    pub current: String,
}

pub fn now_ms() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// A random id in the UUID text form (from the system's random source; the clock otherwise).
pub fn new_uuid() -> String {
    let mut b = [0u8; 16];
    let read = std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut b));
    if read.is_err() {
        let t = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0)
            ^ std::process::id() as u128;
        b = t.to_le_bytes();
    }
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}

impl Host {
    pub fn new(name: Option<String>, uuid: Option<String>, launch: Launch, repo: Option<pipy_repo::Repo>) -> Host {
        let name = name.unwrap_or_default();
        let uuid = uuid.unwrap_or_else(new_uuid);
        Host {
            scratch: std::env::temp_dir().join(format!("pipy-run-{uuid}")),
            repo: repo.map(crate::repo::RepoState::new),
            uuid,
            name,
            since: now_ms(),
            program: Mutex::new(Program {
                launch,
                running: None,
                root: None,
                main: String::new(),
                writable: false,
                current: String::new(),
            }),
            history: Mutex::new(crate::metrics::History::default()),
        }
    }

    /// Where codebase `name` of the repo is written to run here.
    pub fn scratch_dir(&self, name: &str) -> PathBuf {
        self.scratch.join(name.trim_start_matches('/').replace('/', "_"))
    }

    pub fn program(&self) -> std::sync::MutexGuard<'_, Program> {
        // A panic while holding the lock cannot leave the program half-started: `start` sets
        // `running` only once the threads exist.
        self.program.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Program {
    /// Makes the codebase at `root` (main script `main`, a path inside it) the one to run.
    pub fn set_codebase(&mut self, root: &Path, main: &str, writable: bool) {
        self.root = Some(root.to_path_buf());
        self.main = if main.starts_with('/') { main.to_string() } else { format!("/{main}") };
        self.writable = writable;
        self.launch.main = root.join(self.main.trim_start_matches('/'));
    }

    /// Starts the codebase's main script (stopping what runs first) and waits until it serves.
    pub fn start(&mut self, name: &str) -> Result<(), String> {
        if self.root.is_none() {
            return Err("No codebase".into());
        }
        if self.main.is_empty() {
            return Err("No main script".into());
        }
        self.stop();
        let running = supervisor::spawn(&self.launch)?;
        let started = running.started();
        self.running = Some(running);
        match started {
            Ok(()) => {
                self.current = name.to_string();
                Ok(())
            }
            Err(e) => {
                self.stop();
                Err(format!("Failed to start up: {e}"))
            }
        }
    }

    /// Runs the scripts again in every worker.
    pub fn reload(&mut self) -> Result<(), String> {
        match &self.running {
            Some(r) if !r.ended() => r.reload(),
            _ => Err("No program is running".into()),
        }
    }

    /// Stops the workers gracefully (returns their exit code; 0 if none ran).
    pub fn stop(&mut self) -> i32 {
        self.current.clear();
        match self.running.take() {
            Some(mut r) => r.stop(),
            None => 0,
        }
    }

    /// Files of the codebase, as paths from its root (`/main.js`), sorted.
    pub fn files(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(root) = &self.root {
            list_files(root, &mut out);
        }
        out
    }
}

/// Files under `dir`, as paths from it (`/lib/a.js`), sorted; hidden ones are left out.
pub fn list_files(dir: &Path, out: &mut Vec<String>) {
    list_dir(dir, "", out);
    out.sort();
}

fn list_dir(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if name.starts_with('.') {
            continue;
        }
        let path = format!("{prefix}/{name}");
        match e.file_type() {
            Ok(t) if t.is_dir() && out.len() < 10_000 => list_dir(&e.path(), &path, out),
            Ok(t) if t.is_file() => out.push(path),
            _ => {}
        }
    }
}

/// `/a/../b` and the like → a clean path inside the codebase (None if it would leave it).
pub fn clean_path(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in path.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(format!("/{}", parts.join("/")))
}
