//! A worker that runs a codebase from a repo (`pipy http://repo:6060/repo/<codebase>/`): it
//! downloads the codebase into a folder of its own, runs it, checks the version every few
//! seconds (the manifest's `etag`), downloads and reloads a new version without dropping
//! connections, and reports its status and metrics to the repo. While the repo is down it keeps
//! serving the last version it has, and it picks up again when the repo is back. A version that
//! fails to load is logged and reported; the one before it keeps serving.

use crate::client::{Client, Reply};
use crate::host::{Host, now_ms};
use bytes::Bytes;
use serde_json::json;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

/// How often the worker checks for a new version and reports its status.
pub fn poll_interval() -> Duration {
    // PIPY_REPO_POLL_MS: tests make it shorter.
    std::env::var("PIPY_REPO_POLL_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|&ms| ms >= 50)
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(5))
}

/// Where a worker keeps its copy of the codebase.
struct Cache {
    dir: PathBuf,
}

impl Cache {
    fn new(uuid: &str) -> Result<Cache, String> {
        let dir = std::env::temp_dir().join(format!("pipy-codebase-{uuid}"));
        std::fs::create_dir_all(&dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
        Ok(Cache { dir })
    }

    fn current(&self) -> PathBuf {
        self.dir.join("current")
    }

    /// Writes `files` as the new current copy (the old one is replaced whole).
    fn install(&self, files: &[(String, Bytes)]) -> Result<(), String> {
        let next = self.dir.join("next");
        let old = self.dir.join("old");
        let _ = std::fs::remove_dir_all(&next);
        for (path, data) in files {
            let full = next.join(path.trim_start_matches('/'));
            if let Some(d) = full.parent() {
                std::fs::create_dir_all(d).map_err(|e| format!("cannot make {}: {e}", d.display()))?;
            }
            std::fs::write(&full, data).map_err(|e| format!("cannot write {}: {e}", full.display()))?;
        }
        std::fs::create_dir_all(&next).map_err(|e| format!("cannot make {}: {e}", next.display()))?;
        let _ = std::fs::remove_dir_all(&old);
        let cur = self.current();
        if cur.exists() {
            std::fs::rename(&cur, &old).map_err(|e| format!("cannot replace {}: {e}", cur.display()))?;
        }
        std::fs::rename(&next, &cur).map_err(|e| format!("cannot replace {}: {e}", cur.display()))?;
        let _ = std::fs::remove_dir_all(&old);
        Ok(())
    }
}

impl Drop for Cache {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A downloaded version: its etag, main script and files.
struct Version {
    etag: String,
    main: String,
    files: Vec<(String, Bytes)>,
}

async fn download(client: &Client, url: &str) -> Result<Version, String> {
    let manifest = client.request("GET", url, Bytes::new()).await?;
    if manifest.status != 200 {
        return Err(format!("GET {url}: status {}", manifest.status));
    }
    let etag = manifest.etag.clone().unwrap_or_default();
    let list = String::from_utf8_lossy(&manifest.body).into_owned();
    let paths: Vec<&str> = list.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let Some(main) = paths.first() else { return Err(format!("GET {url}: the codebase has no files")) };
    let mut files = Vec::new();
    for p in &paths {
        let Some(clean) = crate::host::clean_path(p) else { return Err(format!("GET {url}: bad path {p}")) };
        let file_url = format!("{}{}", url.trim_end_matches('/'), clean);
        let r = client.request("GET", &file_url, Bytes::new()).await?;
        if r.status != 200 {
            return Err(format!("GET {file_url}: status {}", r.status));
        }
        files.push((clean, r.body));
    }
    Ok(Version { etag, main: main.to_string(), files })
}

/// What a worker tells its repo and takes from it.
#[derive(Clone, Copy, Debug)]
pub struct LinkOptions {
    /// Follow new versions (`--no-reload` turns it off: the first version runs for good).
    pub reload: bool,
    /// Report status (`--no-status`).
    pub status: bool,
    /// Send metrics with the status (`--no-metrics`).
    pub metrics: bool,
    /// Send the main log to the repo when it asks (`--log-local-only` turns it off).
    pub send_log: bool,
}

impl Default for LinkOptions {
    fn default() -> Self {
        LinkOptions { reload: true, status: true, metrics: true, send_log: true }
    }
}

/// Runs the codebase at `url` until the process is told to stop. Returns when `stop` is told.
pub async fn run(
    host: Arc<Host>,
    url: String,
    client: Client,
    options: LinkOptions,
    stop: Arc<tokio::sync::Notify>,
) -> Result<(), String> {
    let url = if url.ends_with('/') { url } else { format!("{url}/") };
    let cache = Cache::new(&host.uuid)?;
    let mut etag = String::new();
    let mut last_error: Option<String> = None;
    let mut reported_down = false;
    let every = poll_interval();
    // The repo's admin link tells of a new version at once; polling finds it otherwise.
    let poke = Arc::new(tokio::sync::Notify::new());
    let link = tokio::spawn(keep_linked(client.clone(), url.clone(), host.uuid.clone(), options, poke.clone()));
    let _stop_link = AbortOnDrop(link);
    loop {
        // With --no-reload, the first version that loads is kept.
        let check = options.reload || etag.is_empty() || last_error.is_some();
        let head = if check {
            client.request("HEAD", &url, Bytes::new()).await
        } else {
            Ok(Reply { status: 200, etag: None, body: Bytes::new() })
        };
        match head {
            Ok(Reply { status: 200, etag: Some(tag), .. }) if tag != etag => {
                reported_down = false;
                match download(&client, &url).await {
                    Ok(v) => {
                        let tag = v.etag.clone();
                        match apply(&host, &cache, v).await {
                            Ok(()) => {
                                pipy_engine::log::info(&format!("[codebase] Running version {tag} of {url}"));
                                last_error = None;
                            }
                            Err(e) => {
                                pipy_engine::log::error(&format!(
                                    "[codebase] Version {tag} of {url} failed to load: {e}"
                                ));
                                last_error = Some(e);
                            }
                        }
                        etag = tag;
                    }
                    Err(e) => pipy_engine::log::warn(&format!("[codebase] Cannot download {url}: {e}")),
                }
            }
            Ok(Reply { status: 200, .. }) => reported_down = false,
            Ok(r) => {
                if !reported_down {
                    pipy_engine::log::warn(&format!("[codebase] {url}: status {}", r.status));
                    reported_down = true;
                }
            }
            Err(e) => {
                if !reported_down {
                    pipy_engine::log::warn(&format!(
                        "[codebase] The repo is not reachable ({e}); keeping the running version"
                    ));
                    reported_down = true;
                }
            }
        }
        if !reported_down && options.status {
            report(&client, &host, &url, &etag, last_error.as_deref(), options.metrics).await;
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = poke.notified() => {}
            _ = stop.notified() => return Ok(()),
        }
    }
}

/// Installs a downloaded version and runs it: starts the program the first time (or after a
/// version that failed), reloads it otherwise. The program's lock is held on a blocking thread.
async fn apply(host: &Arc<Host>, cache: &Cache, v: Version) -> Result<(), String> {
    cache.install(&v.files)?;
    let host = host.clone();
    let root: PathBuf = cache.current();
    tokio::task::spawn_blocking(move || {
        let mut p = host.program();
        let running = p.running.as_ref().is_some_and(|r| !r.ended());
        p.set_codebase(Path::new(&root), &v.main, false);
        if running { p.reload() } else { p.start("/") }
    })
    .await
    .map_err(|_| "the program's thread failed".to_string())?
}

/// Posts this worker's status (and, with `metrics`, its metrics) to the repo.
async fn report(client: &Client, host: &Host, url: &str, version: &str, error: Option<&str>, metrics: bool) {
    let mut status = json!({
        "timestamp": now_ms(),
        "since": host.since,
        "uuid": host.uuid,
        "name": host.name,
        "ip": "",
        "version": version,
        "error": error,
        "modules": {},
        "logs": pipy_engine::log::history::names(),
    });
    if metrics {
        status["metrics"] = json!(crate::metrics::local_text());
    }
    // The repo answers 201, or 206 when it took the metrics too; either way there is nothing
    // to do, and a repo that is down is noticed by the version check.
    let _ = client.request("POST", url, Bytes::from(status.to_string())).await;
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Keeps a WebSocket to the repo (`/repo/<codebase>/<uuid>`) open, reconnecting while it is
/// down. The repo sends `reload` (check the version now), `log/on/<name>` and `log/off/<name>`
/// (start and stop sending a log's new lines, as `log/<name>\n<lines>`) and `log/tail/<name>`
/// (send its history, as `log-tail/<name>\n<lines>`).
async fn keep_linked(client: Client, url: String, uuid: String, options: LinkOptions, poke: Arc<tokio::sync::Notify>) {
    let reload = options.reload;
    // `--log-local-only`: the main log stays here (a script's own loggers can still be watched).
    let may_send = |name: &str| options.send_log || name != pipy_engine::log::history::MAIN;
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::Message;
    let Ok(target) = crate::client::split_url(&url) else { return };
    let scheme = if target.tls { "wss" } else { "ws" };
    let ws_url = format!("{scheme}://{}{}{uuid}", target.authority, target.path);
    loop {
        if let Ok(stream) = client.connect(&target).await {
            if let Ok((mut ws, _)) = tokio_tungstenite::client_async(ws_url.as_str(), stream).await {
                let (out_tx, mut out_rx) = tokio::sync::mpsc::unbounded_channel::<String>();
                let mut forwarding: std::collections::HashMap<String, AbortOnDrop> = Default::default();
                loop {
                    tokio::select! {
                        msg = ws.next() => {
                            let Some(Ok(msg)) = msg else { break };
                            let Message::Text(t) = msg else { continue };
                            let t = t.trim();
                            if t == "reload" {
                                if reload {
                                    poke.notify_one();
                                }
                            } else if let Some(name) = t.strip_prefix("log/tail/").filter(|n| may_send(n)) {
                                let past = pipy_engine::log::history::tail(name).unwrap_or_default();
                                let _ = out_tx.send(format!("log-tail/{name}\n{}", String::from_utf8_lossy(&past)));
                            } else if let Some(name) = t.strip_prefix("log/on/").filter(|n| may_send(n)) {
                                let (_, mut rx) = pipy_engine::log::history::watch(name);
                                let (tx, name2) = (out_tx.clone(), name.to_string());
                                let task = tokio::spawn(async move {
                                    while let Some(line) = rx.recv().await {
                                        if tx.send(format!("log/{name2}\n{}", String::from_utf8_lossy(&line))).is_err() {
                                            return;
                                        }
                                    }
                                });
                                forwarding.insert(name.to_string(), AbortOnDrop(task));
                            } else if let Some(name) = t.strip_prefix("log/off/") {
                                forwarding.remove(name);
                            }
                        }
                        out = out_rx.recv() => {
                            let Some(out) = out else { break };
                            if ws.send(Message::Text(out.into())).await.is_err() {
                                break;
                            }
                        }
                    }
                }
            }
        }
        tokio::time::sleep(poll_interval()).await;
    }
}
