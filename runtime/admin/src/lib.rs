//! The admin service (`--admin-port [ip:]port`): the running program's status, logs, metrics,
//! options and codebase files; starting, reloading and stopping it; pipeline graphs; and, in
//! repo mode, the codebase repo and the workers that run its codebases. Paths, methods, status
//! codes and JSON shapes follow the original's admin API.
//!
//! It runs on a thread of its own with its own event loop (hyper over Tokio), apart from the
//! workers, so a busy or broken script never stalls it, and it stays up when the script fails
//! to load. Everything it shares with the workers is `Send`: the stats registry, the log
//! history, and each worker's command mailbox.

#![forbid(unsafe_code)]

mod client;
mod console;
pub mod host;
pub mod link;
pub mod metrics;
mod repo;
mod server;
pub mod tls;
mod ws;

pub use host::Host;
pub use server::{address, start};

use pipy_program::supervisor::Launch;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// What the process runs.
pub enum Mode {
    /// A script from the file system (its folder is the codebase).
    Script(PathBuf),
    /// A codebase from a repo: `http://host:port/repo/<name>/`.
    Url(String),
    /// Repo mode: serve a codebase repo, kept in memory or in a folder.
    Repo {
        dir: Option<PathBuf>,
        /// `--init-repo`: load every folder with a `main.js` under it as a codebase.
        init_repo: Option<PathBuf>,
        /// `--init-code`: run this codebase of the repo here.
        init_code: Option<String>,
    },
}

/// How the process runs it.
pub struct Options {
    /// `--admin-port`: serve the admin service there.
    pub admin: Option<String>,
    /// `--instance-name`.
    pub name: Option<String>,
    pub launch: Launch,
    /// `--admin-tls-cert/-key/-trusted`: the admin service over TLS (mutual with trusted CAs).
    pub admin_tls: tls::TlsFiles,
    /// `--tls-cert/-key/-trusted`: how a worker talks to an `https://` repo.
    pub fetch_tls: tls::TlsFiles,
    /// `--instance-uuid` (a random one otherwise).
    pub uuid: Option<String>,
    /// `--no-reload`, `--no-status`, `--no-metrics`.
    pub link: link::LinkOptions,
}

/// Runs `mode` with an admin service (or, for a repo codebase, without one if none is asked
/// for) until SIGINT or SIGTERM; returns the exit code.
pub fn run(mode: Mode, options: Options) -> i32 {
    let repo = match &mode {
        Mode::Repo { dir: None, .. } => Some(pipy_repo::Repo::in_memory()),
        Mode::Repo { dir: Some(d), .. } => match pipy_repo::Repo::open(d) {
            Ok(r) => Some(r),
            Err(e) => {
                eprintln!("error: cannot open the repo in {}: {e}", d.display());
                return 1;
            }
        },
        _ => None,
    };
    let repo_mode = repo.is_some();
    if options.uuid.as_deref().is_some_and(|u| u.is_empty() || u.contains('/')) {
        eprintln!("error: --instance-uuid must be a non-empty string without slashes");
        return 1;
    }
    let host = Arc::new(Host::new(options.name, options.uuid, options.launch, repo));
    let admin = match (&options.admin, repo_mode) {
        (None, true) => Some("6060".to_string()),
        (a, _) => a.clone(),
    };
    let server_tls = match (options.admin_tls.is_empty(), admin.is_some()) {
        (true, _) => None,
        (false, false) => {
            eprintln!("error: --admin-tls-* options need an admin port (--admin-port)");
            return 1;
        }
        (false, true) => match tls::server_config(&options.admin_tls) {
            Ok(c) => Some(c),
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        },
    };
    let client = match &mode {
        Mode::Url(url) if url.starts_with("https://") => match tls::client_config(&options.fetch_tls) {
            Ok(c) => client::Client { tls: Some(c) },
            Err(e) => {
                eprintln!("error: {e}");
                return 1;
            }
        },
        _ => client::Client::default(),
    };
    if let Some(spec) = &admin {
        if let Err(e) = start(spec, host.clone(), server_tls) {
            eprintln!("error: cannot serve the admin port {}: {e}", address(spec));
            return 1;
        }
    }
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start an event loop: {e}");
            return 1;
        }
    };
    rt.block_on(async move {
        let stop = Arc::new(tokio::sync::Notify::new());
        let mut linked = None;
        let mut started = false;
        match mode {
            Mode::Script(path) => {
                let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
                let main = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let h = host.clone();
                let r = tokio::task::spawn_blocking(move || {
                    let mut p = h.program();
                    p.set_codebase(&root, &main, true);
                    p.start("/")
                })
                .await;
                match r {
                    Ok(Ok(())) => started = true,
                    Ok(Err(e)) => pipy_engine::log::error(&format!("[admin] {e}; the admin service keeps running")),
                    Err(_) => return 70,
                }
            }
            Mode::Repo { init_repo, init_code, .. } => {
                if let (Some(dir), Some(state)) = (init_repo, &host.repo) {
                    match repo::init_from_dir(state, &dir) {
                        Ok(made) => pipy_engine::log::info(&format!("[repo] Loaded {} codebase(s) from {}", made.len(), dir.display())),
                        Err(e) => {
                            eprintln!("error: --init-repo: {e}");
                            return 1;
                        }
                    }
                }
                if let Some(spec) = &admin {
                    pipy_engine::log::info(&format!("[repo] Serving the repo and the console at http://{}/", address(spec)));
                }
                if let Some(name) = init_code {
                    let h = host.clone();
                    match tokio::task::spawn_blocking(move || change_program(&h, &name, false)).await {
                        Ok(Ok(())) => {}
                        Ok(Err(e)) => pipy_engine::log::error(&format!("[repo] --init-code: {e}")),
                        Err(_) => return 70,
                    }
                }
            }
            Mode::Url(url) => {
                let (h, s, link_options) = (host.clone(), stop.clone(), options.link);
                linked = Some(tokio::spawn(async move {
                    if let Err(e) = link::run(h, url, client, link_options, s).await {
                        pipy_engine::log::error(&format!("[codebase] {e}"));
                    }
                }));
            }
        }
        let mut sigint = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
        let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        let mut check = tokio::time::interval(Duration::from_millis(100));
        loop {
            tokio::select! {
                _ = async { match &mut sigint { Some(s) => { s.recv().await; } None => std::future::pending().await } } => break,
                _ = async { match &mut sigterm { Some(s) => { s.recv().await; } None => std::future::pending().await } } => break,
                _ = check.tick() => {
                    // A script run with an admin port ends when its workers do (as without one).
                    if started && host.program().running.as_ref().is_some_and(|r| r.ended()) {
                        let h = host.clone();
                        return tokio::task::spawn_blocking(move || h.program().stop()).await.unwrap_or(70);
                    }
                }
            }
        }
        stop.notify_one();
        if let Some(l) = linked {
            let _ = l.await;
        }
        let h = host.clone();
        let code = tokio::task::spawn_blocking(move || h.program().stop()).await.unwrap_or(70);
        let _ = std::fs::remove_dir_all(&host.scratch);
        code
    })
}

/// `POST /api/v1/program` (start) and `PATCH` (reload): `name` is the codebase to run, or `/`
/// (or nothing) for the current one.
pub(crate) fn change_program(host: &Host, name: &str, reload: bool) -> Result<(), String> {
    let name = if name.is_empty() || name == "/" { "/".to_string() } else { name.to_string() };
    if name != "/" {
        // Repo mode: run the editor's view of a codebase of the repo.
        let Some(state) = &host.repo else { return Err(format!("No codebase named {name}")) };
        if reload {
            return Err("Only the running codebase can be reloaded (PATCH with /)".into());
        }
        let dir = host.scratch_dir(&name);
        let mut p = host.program();
        p.stop();
        let main = repo::export(state, &name, &dir)?;
        p.set_codebase(&dir, &main, true);
        return p.start(&name);
    }
    let mut p = host.program();
    if reload {
        return p.reload();
    }
    let current = if p.current.is_empty() { "/".to_string() } else { p.current.clone() };
    p.start(&current)
}
