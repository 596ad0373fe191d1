//! Repo mode: the codebase store's HTTP API (`/api/v1/repo…`, `/api/v1/repo-files/…`), what
//! workers download (`HEAD|GET /repo/<codebase>/…`), their status reports (`POST
//! /repo/<codebase>/`) and the fleet they form: each worker's status, metrics and history.

use crate::host::now_ms;
use crate::metrics::History;
use crate::server::{Body, Req, bad_request, json_response, method_not_allowed, not_found, status_only, text};
use hyper::header::HeaderValue;
use hyper::{Method, Response, StatusCode};
use pipy_repo::{Repo, RepoError};
use serde_json::{Value as Json, json};
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};

/// A worker that reported to this repo.
pub struct Instance {
    /// Its number here, in the order workers first reported.
    pub index: u64,
    pub codebase: String,
    pub ip: String,
    /// When it last reported (ms since the epoch).
    pub timestamp: u64,
    pub status: Json,
    /// Its metrics as it last sent them (Prometheus text).
    pub metrics: String,
    pub history: History,
}

/// The repo and its workers.
pub struct RepoState {
    repo: Mutex<Repo>,
    instances: Mutex<BTreeMap<String, Instance>>,
    /// Admin links of connected workers.
    links: Mutex<Vec<Link>>,
    /// Watchers of workers' logs (`/api/v1/log/<uuid>/<name>`).
    watchers: Mutex<Vec<LogWatcher>>,
}

/// A worker's admin link: its uuid, its codebase, where to send it commands.
struct Link {
    uuid: String,
    codebase: String,
    tx: tokio::sync::mpsc::UnboundedSender<String>,
}

/// A console watching log `name` of worker `uuid`; it gets the log's history first.
struct LogWatcher {
    uuid: String,
    name: String,
    tx: tokio::sync::mpsc::UnboundedSender<Vec<u8>>,
    got_history: bool,
}

impl RepoState {
    pub fn new(repo: Repo) -> RepoState {
        RepoState {
            repo: Mutex::new(repo),
            instances: Mutex::new(BTreeMap::new()),
            links: Mutex::new(Vec::new()),
            watchers: Mutex::new(Vec::new()),
        }
    }

    pub fn repo(&self) -> MutexGuard<'_, Repo> {
        // Every change to the store is one transaction: a panic cannot leave it half-done.
        self.repo.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn instances(&self) -> MutexGuard<'_, BTreeMap<String, Instance>> {
        self.instances.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Every worker's metrics with an `instance` label (its name, or its number).
    pub fn metrics_text(&self) -> String {
        let mut out = String::new();
        for inst in self.instances().values() {
            let name = inst.status["name"].as_str().filter(|n| !n.is_empty()).map(str::to_string);
            out.push_str(&crate::metrics::with_instance(
                &inst.metrics,
                &name.unwrap_or_else(|| inst.index.to_string()),
            ));
        }
        out
    }

    fn links(&self) -> MutexGuard<'_, Vec<Link>> {
        self.links.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn watchers(&self) -> MutexGuard<'_, Vec<LogWatcher>> {
        self.watchers.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Worker `uuid` of codebase `cb` opened its admin link: commands for it go to `tx`.
    pub fn add_link(&self, uuid: &str, cb: &str, tx: tokio::sync::mpsc::UnboundedSender<String>) {
        let mut links = self.links();
        links.retain(|l| !l.tx.is_closed() && l.uuid != uuid);
        links.push(Link { uuid: uuid.to_string(), codebase: cb.to_string(), tx });
        drop(links);
        // A worker that reconnects gets the logs that are still watched again.
        let names: Vec<String> = self.watchers().iter().filter(|w| w.uuid == uuid).map(|w| w.name.clone()).collect();
        for n in names {
            self.send_link(uuid, &format!("log/on/{n}"));
        }
    }

    /// Sends a command on worker `uuid`'s admin link (false if it has none).
    pub fn send_link(&self, uuid: &str, cmd: &str) -> bool {
        self.links().iter().any(|l| l.uuid == uuid && l.tx.send(cmd.to_string()).is_ok())
    }

    /// Whether worker `uuid` has an admin link open.
    pub fn linked(&self, uuid: &str) -> bool {
        self.links().iter().any(|l| l.uuid == uuid && !l.tx.is_closed())
    }

    /// Tells the linked workers of these codebases to fetch their new version now.
    pub fn tell_reload(&self, codebases: &[String]) {
        let mut links = self.links();
        links.retain(|l| !codebases.contains(&l.codebase) || l.tx.send("reload".to_string()).is_ok());
    }

    /// A console starts watching log `name` of worker `uuid`: asks the worker for its history
    /// and its new lines.
    pub fn watch_log(&self, uuid: &str, name: &str, tx: tokio::sync::mpsc::UnboundedSender<Vec<u8>>) {
        let first = !self.watchers().iter().any(|w| w.uuid == uuid && w.name == name && !w.tx.is_closed());
        self.watchers().push(LogWatcher { uuid: uuid.to_string(), name: name.to_string(), tx, got_history: false });
        self.send_link(uuid, &format!("log/tail/{name}"));
        if first {
            self.send_link(uuid, &format!("log/on/{name}"));
        }
    }

    /// A console stopped watching: when nobody watches that log any more, the worker stops
    /// sending it.
    pub fn unwatch_log(&self, uuid: &str, name: &str) {
        let mut w = self.watchers();
        w.retain(|w| !w.tx.is_closed());
        let still = w.iter().any(|w| w.uuid == uuid && w.name == name);
        drop(w);
        if !still {
            self.send_link(uuid, &format!("log/off/{name}"));
        }
    }

    /// A message from worker `uuid` on its admin link: `log/<name>\n<lines>` (new lines) or
    /// `log-tail/<name>\n<lines>` (the history a new watcher asked for).
    pub fn worker_said(&self, uuid: &str, msg: &str) {
        let Some((head, data)) = msg.split_once('\n') else { return };
        let (tail, name) = match (head.strip_prefix("log-tail/"), head.strip_prefix("log/")) {
            (Some(n), _) => (true, n),
            (None, Some(n)) => (false, n),
            _ => return,
        };
        let mut all = self.watchers();
        all.retain(|w| !w.tx.is_closed());
        for w in all.iter_mut().filter(|w| w.uuid == uuid && w.name == name) {
            if tail {
                if !w.got_history {
                    w.got_history = true;
                    let _ = w.tx.send(data.as_bytes().to_vec());
                }
            } else {
                w.got_history = true;
                let _ = w.tx.send(data.as_bytes().to_vec());
            }
        }
    }

    /// `/api/v1/metrics/<uuid>/<name>` for a worker.
    pub fn history(&self, uuid: &str, name: &str) -> Option<Json> {
        self.instances().get(uuid).map(|i| i.history.to_json((!name.is_empty()).then_some(name)))
    }
}

fn error_response(e: RepoError) -> Response<Body> {
    match e {
        RepoError::NotFound => text(StatusCode::NOT_FOUND, e.to_string()),
        RepoError::Io(_) | RepoError::Corrupt(_) => text(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
        _ => bad_request(e.to_string()),
    }
}

fn lines(list: &[String]) -> Response<Body> {
    text(StatusCode::OK, list.join("\n"))
}

/// Routes a repo-mode request; None when the path is not the repo's.
pub fn route(state: &RepoState, req: &Req) -> Option<Response<Body>> {
    let path = req.path.as_str();
    let m = &req.method;
    if path == "/repo" {
        return Some(if *m == Method::GET { repo_get(state, "") } else { method_not_allowed() });
    }
    if let Some(rest) = path.strip_prefix("/repo/") {
        // A browser asking for a codebase's page gets the console.
        if is_browser(req) {
            return None;
        }
        let rest = format!("/{rest}");
        return Some(match *m {
            Method::HEAD | Method::GET => repo_get(state, &rest),
            Method::POST => report(state, req, &rest),
            _ => method_not_allowed(),
        });
    }
    if path == "/api/v1/repo" {
        return Some(if *m == Method::GET { lines(&state.repo().list("/")) } else { method_not_allowed() });
    }
    if let Some(rest) = path.strip_prefix("/api/v1/repo/") {
        let name = format!("/{rest}");
        return Some(match *m {
            Method::GET => api_get(state, &name),
            Method::POST => api_create(state, &name, &req.body),
            Method::PATCH => api_patch(state, &name, &req.body),
            Method::DELETE => match state.repo().delete(&name) {
                Ok(_) => status_only(StatusCode::NO_CONTENT),
                Err(e) => error_response(e),
            },
            _ => method_not_allowed(),
        });
    }
    if let Some(rest) = path.strip_prefix("/api/v1/repo-files/") {
        let full = format!("/{rest}");
        if full.ends_with('/') {
            return Some(bad_request("Invalid filename"));
        }
        let located = state.repo().locate(&full);
        let Some((cb, file)) = located else {
            return Some(if *m == Method::GET {
                not_found()
            } else {
                text(StatusCode::NOT_FOUND, "Codebase not found")
            });
        };
        let mut repo = state.repo();
        return Some(match *m {
            Method::GET => match repo.read_file(&cb, &file) {
                Some(d) => text(StatusCode::OK, d),
                None => not_found(),
            },
            Method::POST => done(repo.write_file(&cb, &file, &req.body), StatusCode::CREATED),
            Method::PATCH if req.body.is_empty() => done(repo.reset_file(&cb, &file), StatusCode::CREATED),
            Method::PATCH => done(repo.write_file(&cb, &file, &req.body), StatusCode::CREATED),
            Method::DELETE => done(repo.erase_file(&cb, &file), StatusCode::NO_CONTENT),
            _ => method_not_allowed(),
        });
    }
    None
}

fn done(r: Result<(), RepoError>, ok: StatusCode) -> Response<Body> {
    match r {
        Ok(()) => status_only(ok),
        Err(e) => error_response(e),
    }
}

fn is_browser(req: &Req) -> bool {
    req.headers.get(hyper::header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
}

fn with_etag(mut r: Response<Body>, etag: &str) -> Response<Body> {
    if let Ok(v) = HeaderValue::from_str(etag) {
        r.headers_mut().insert(hyper::header::ETAG, v);
    }
    r
}

/// `GET /repo/<cb>/` (the manifest), `/repo/<cb>/<file>` (a published file), or `/repo/<prefix>`
/// (the codebases under it, one a line, each ending in `/`). HEAD answers the same head.
fn repo_get(state: &RepoState, path: &str) -> Response<Body> {
    let repo = state.repo();
    if let Some(cb) = path.strip_suffix('/').filter(|p| !p.is_empty()) {
        if let Some(m) = repo.manifest(cb) {
            return with_etag(text(StatusCode::OK, m.body()), &m.etag);
        }
    }
    if let Some((cb, file)) = repo.locate(path) {
        if let Some(f) = repo.published_file(&cb, &file) {
            return with_etag(text(StatusCode::OK, f.data), &f.etag);
        }
    }
    let prefix = if path.ends_with('/') { path.to_string() } else { format!("{path}/") };
    let list: Vec<String> = repo.list(&prefix).into_iter().map(|c| format!("{c}/\n")).collect();
    if list.is_empty() {
        return not_found();
    }
    text(StatusCode::OK, list.concat())
}

/// A worker's status report: JSON with its `uuid`, `name`, `version`… and `metrics` (Prometheus
/// text). 201; 400 if it is not JSON; 404 for a codebase that does not exist.
fn report(state: &RepoState, req: &Req, path: &str) -> Response<Body> {
    let Some(cb) = path.strip_suffix('/').filter(|p| !p.is_empty()) else { return method_not_allowed() };
    if state.repo().info(cb).is_none() {
        return not_found();
    }
    let Ok(mut status) = serde_json::from_slice::<Json>(&req.body) else { return bad_request("Invalid JSON") };
    let Some(uuid) = status["uuid"].as_str().filter(|u| !u.is_empty()).map(str::to_string) else {
        return bad_request("Invalid JSON: no uuid");
    };
    let metrics = match status.as_object_mut().and_then(|o| o.remove("metrics")) {
        Some(Json::String(m)) => Some(m),
        _ => None,
    };
    let mut all = state.instances();
    let next = all.len() as u64 + 1;
    let inst = all.entry(uuid).or_insert_with(|| Instance {
        index: next,
        codebase: String::new(),
        ip: String::new(),
        timestamp: 0,
        status: Json::Null,
        metrics: String::new(),
        history: History::default(),
    });
    inst.codebase = cb.to_string();
    inst.ip = req.peer.ip().to_string();
    inst.timestamp = now_ms();
    inst.status = status;
    match metrics {
        Some(m) => {
            inst.history.step(crate::metrics::parse(&m));
            inst.metrics = m;
            status_only(StatusCode::PARTIAL_CONTENT)
        }
        None => status_only(StatusCode::CREATED),
    }
}

fn api_get(state: &RepoState, name: &str) -> Response<Body> {
    let repo = state.repo();
    let Some(info) = repo.info(name) else {
        // A path inside a codebase: the editor's view of that file.
        if let Some((cb, file)) = repo.locate(name) {
            if let Some(d) = repo.read_file(&cb, &file) {
                return text(StatusCode::OK, d);
            }
        }
        return not_found();
    };
    drop(repo);
    let mut instances = serde_json::Map::new();
    for inst in state.instances().values().filter(|i| i.codebase == info.path) {
        instances
            .insert(inst.index.to_string(), json!({"ip": inst.ip, "timestamp": inst.timestamp, "status": inst.status}));
    }
    let mut v = json!({
        "version": info.version,
        "path": info.path,
        "main": info.main,
        "files": info.files,
        "editFiles": info.edit_files,
        "erasedFiles": info.erased_files,
        "baseFiles": info.base_files,
        "derived": info.derived,
    });
    if let Some(b) = &info.base {
        v["base"] = json!(b);
    }
    v["instances"] = Json::Object(instances);
    json_response(&v)
}

/// `version` from a request's JSON: a string, or a number's integer text.
fn version_of(v: &Json) -> Result<Option<String>, Response<Body>> {
    match v.get("version") {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
        Some(Json::Number(n)) => match n.as_f64() {
            Some(f) if (0.0..=i32::MAX as f64).contains(&f) => Ok(Some((f as i64).to_string())),
            _ => Err(bad_request("Invalid version number")),
        },
        Some(_) => Err(bad_request("Invalid version")),
    }
}

fn main_of(v: &Json) -> Result<Option<String>, Response<Body>> {
    match v.get("main") {
        None | Some(Json::Null) => Ok(None),
        Some(Json::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
        Some(_) => Err(bad_request("Invalid main filename")),
    }
}

fn api_create(state: &RepoState, name: &str, body: &[u8]) -> Response<Body> {
    if name.ends_with('/') {
        return bad_request("Invalid codebase name");
    }
    let v: Json = serde_json::from_slice(body).unwrap_or(Json::Null);
    let base = match v.get("base") {
        None | Some(Json::Null) => None,
        Some(Json::String(s)) => Some(s.clone()),
        Some(_) => return bad_request("Invalid base codebase"),
    };
    let (main, version) = match main_of(&v).and_then(|m| Ok((m, version_of(&v)?))) {
        Ok(mv) => mv,
        Err(r) => return r,
    };
    done(state.repo().create(name, base.as_deref(), main.as_deref(), version.as_deref()), StatusCode::CREATED)
}

fn api_patch(state: &RepoState, name: &str, body: &[u8]) -> Response<Body> {
    if name.ends_with('/') {
        return bad_request("Invalid codebase name");
    }
    let v: Json = serde_json::from_slice(body).unwrap_or(Json::Null);
    let (main, version) = match main_of(&v).and_then(|m| Ok((m, version_of(&v)?))) {
        Ok(mv) => mv,
        Err(r) => return r,
    };
    let mut repo = state.repo();
    if repo.info(name).is_none() {
        return not_found();
    }
    if let Some(m) = main {
        if let Err(e) = repo.set_main(name, &m) {
            return error_response(e);
        }
    }
    let result = match version {
        Some(ver) => repo.publish(name, &ver).map(|changed| {
            drop(repo);
            state.tell_reload(&changed);
        }),
        None => repo.commit_files(name).map(|_| ()),
    };
    done(result, StatusCode::CREATED)
}

/// Writes the editor's view of codebase `name` (edits included) into `dir`, for running it here
/// (`POST /api/v1/program`); returns its main script.
pub fn export(state: &RepoState, name: &str, dir: &std::path::Path) -> Result<String, String> {
    let repo = state.repo();
    let info = repo.info(name).ok_or_else(|| format!("No codebase named {name}"))?;
    let mut files: Vec<String> = info.files.iter().chain(&info.edit_files).chain(&info.base_files).cloned().collect();
    files.sort();
    files.dedup();
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot make {}: {e}", dir.display()))?;
    for f in files {
        let Some(data) = repo.read_file(name, &f) else { continue };
        let Some(clean) = crate::host::clean_path(&f) else { continue };
        let full = dir.join(clean.trim_start_matches('/'));
        if let Some(d) = full.parent() {
            std::fs::create_dir_all(d).map_err(|e| format!("cannot make {}: {e}", d.display()))?;
        }
        std::fs::write(&full, data).map_err(|e| format!("cannot write {}: {e}", full.display()))?;
    }
    Ok(info.main)
}

/// Loads every folder under `dir` that has a `main.js` as a codebase of that path (published
/// as version 1), for `--init-repo`.
pub fn init_from_dir(state: &RepoState, dir: &std::path::Path) -> Result<Vec<String>, String> {
    let mut made = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("cannot read {}: {e}", d.display()))?;
        let mut sub = Vec::new();
        for e in entries.flatten() {
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                sub.push(e.path());
            }
        }
        if d != dir && d.join("main.js").is_file() {
            let rel = d.strip_prefix(dir).map(|p| p.display().to_string()).unwrap_or_default();
            let name = format!("/{rel}");
            let mut repo = state.repo();
            if repo.info(&name).is_none() {
                repo.create(&name, None, None, Some("0")).map_err(|e| format!("{name}: {e}"))?;
                let mut files = Vec::new();
                crate::host::list_files(&d, &mut files);
                for f in files {
                    let data = std::fs::read(d.join(f.trim_start_matches('/'))).map_err(|e| format!("{f}: {e}"))?;
                    repo.write_file(&name, &f, &data).map_err(|e| format!("{name}{f}: {e}"))?;
                }
                repo.publish(&name, "1").map_err(|e| format!("{name}: {e}"))?;
                made.push(name);
            }
            continue;
        }
        stack.extend(sub);
    }
    Ok(made)
}
