//! The admin service's HTTP side: the listener, the router and the local endpoints.

use crate::host::{Host, clean_path, now_ms};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{ACCEPT_ENCODING, CONTENT_TYPE, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use serde_json::{Value as Json, json};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub(crate) type Body = Full<Bytes>;

/// The largest request body the admin service reads (a codebase file, a script).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// How often this process's metrics are sampled for `/api/v1/metrics`.
pub const SAMPLE_EVERY: Duration = Duration::from_secs(5);

/// `port` or `ip:port` (all interfaces when the address is left out, as `listen` does).
pub fn address(spec: &str) -> String {
    if spec.contains(':') { spec.to_string() } else { format!("0.0.0.0:{spec}") }
}

/// Binds the admin port and serves it on a thread of its own (over TLS with `tls`).
pub fn start(spec: &str, host: Arc<Host>, tls: Option<Arc<rustls::ServerConfig>>) -> std::io::Result<()> {
    let listener = std::net::TcpListener::bind(address(spec))?;
    listener.set_nonblocking(true)?;
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    std::thread::Builder::new().name("pipy-admin".into()).spawn(move || {
        rt.block_on(async move {
            let listener = match tokio::net::TcpListener::from_std(listener) {
                Ok(l) => l,
                Err(e) => {
                    pipy_engine::log::error(&format!("[admin] cannot serve: {e}"));
                    return;
                }
            };
            tokio::spawn(sample_metrics(host.clone()));
            loop {
                let Ok((stream, peer)) = listener.accept().await else { continue };
                let _ = stream.set_nodelay(true);
                let host = host.clone();
                let tls = tls.clone();
                tokio::spawn(async move {
                    match tls {
                        None => serve_connection(stream, host, peer).await,
                        Some(config) => {
                            let accept = tokio_rustls::TlsAcceptor::from(config).accept(stream);
                            match tokio::time::timeout(Duration::from_secs(10), accept).await {
                                Ok(Ok(s)) => serve_connection(s, host, peer).await,
                                Ok(Err(e)) => pipy_engine::log::debug(&format!("[admin] TLS from {peer}: {e}")),
                                Err(_) => {}
                            }
                        }
                    }
                });
            }
        });
    })?;
    Ok(())
}

async fn serve_connection<S>(stream: S, host: Arc<Host>, peer: SocketAddr)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let io = hyper_util::rt::TokioIo::new(stream);
    let service = hyper::service::service_fn(move |req| {
        let host = host.clone();
        async move { Ok::<_, std::convert::Infallible>(handle(host, peer, req).await) }
    });
    // Some clients shut their side down once the request is sent: they still get the answer.
    let _ = hyper::server::conn::http1::Builder::new()
        .half_close(true)
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(Duration::from_secs(30))
        .serve_connection(io, service)
        .with_upgrades()
        .await;
}

async fn sample_metrics(host: Arc<Host>) {
    let mut tick = tokio::time::interval(SAMPLE_EVERY);
    loop {
        tick.tick().await;
        let sample = crate::metrics::parse(&crate::metrics::local_text());
        host.history.lock().unwrap_or_else(|e| e.into_inner()).step(sample);
    }
}

pub(crate) fn text(status: StatusCode, body: impl Into<Bytes>) -> Response<Body> {
    with_type(status, "text/plain", body)
}

pub(crate) fn with_type(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Response<Body> {
    let mut r = Response::new(Full::new(body.into()));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert("server", HeaderValue::from_static("pipy"));
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(CONTENT_TYPE, v);
    }
    r
}

pub(crate) fn json_response(v: &Json) -> Response<Body> {
    with_type(StatusCode::OK, "application/json", v.to_string())
}

pub(crate) fn status_only(status: StatusCode) -> Response<Body> {
    text(status, Bytes::new())
}

pub(crate) fn bad_request(msg: impl Into<String>) -> Response<Body> {
    text(StatusCode::BAD_REQUEST, msg.into())
}

pub(crate) fn not_found() -> Response<Body> {
    text(StatusCode::NOT_FOUND, "Not found\n")
}

pub(crate) fn method_not_allowed() -> Response<Body> {
    text(StatusCode::METHOD_NOT_ALLOWED, "Method not allowed\n")
}

/// A request as the handlers see it: its parts and its whole body.
pub(crate) struct Req {
    pub method: Method,
    pub path: String,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
    /// Where the request came from (a reporting worker's address).
    pub peer: SocketAddr,
}

async fn handle(host: Arc<Host>, peer: SocketAddr, req: Request<Incoming>) -> Response<Body> {
    let path = pipy_stdlib::http::percent_decode(req.uri().path());
    if is_websocket(req.headers()) {
        return crate::ws::upgrade(host, req, path);
    }
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return text(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large\n"),
    };
    let req = Req { method: parts.method, path, headers: parts.headers, body, peer };
    if req.method != Method::GET && req.method != Method::HEAD {
        pipy_engine::log::info(&format!("[admin] {} {}", req.method, req.path));
    }
    // Handlers that start or stop programs wait on threads: keep the event loop free.
    let r = tokio::task::spawn_blocking(move || route(&host, &req)).await;
    r.unwrap_or_else(|_| text(StatusCode::INTERNAL_SERVER_ERROR, "Internal error\n"))
}

fn is_websocket(h: &hyper::HeaderMap) -> bool {
    h.get(hyper::header::UPGRADE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("websocket"))
}

fn route(host: &Host, req: &Req) -> Response<Body> {
    let path = req.path.as_str();
    let m = &req.method;
    let get = *m == Method::GET;
    match path {
        "/status" | "/api/v1/status" => {
            return if get { json_response(&status_json(host)) } else { method_not_allowed() };
        }
        "/dump" => return if get { json_response(&dump_json(host)) } else { method_not_allowed() },
        "/log" => return if get { log_tail(pipy_engine::log::history::MAIN) } else { method_not_allowed() },
        "/metrics" => return if get { metrics(host, req) } else { method_not_allowed() },
        "/options" => {
            return match *m {
                Method::GET => text(StatusCode::OK, options_text()),
                Method::POST => options_post(&req.body),
                _ => method_not_allowed(),
            };
        }
        "/api/v1/metrics" => return if get { metrics_history(host, "") } else { method_not_allowed() },
        "/api/v1/files" => {
            return match *m {
                Method::GET => files_list(host),
                Method::PATCH => files_set_main(host, &req.body),
                _ => method_not_allowed(),
            };
        }
        "/api/v1/program" => return program(host, req),
        "/api/v1/graph" => return if *m == Method::POST { graph(&req.body) } else { method_not_allowed() },
        _ => {}
    }
    if let Some(r) = host.repo.as_ref().and_then(|state| crate::repo::route(state, req)) {
        return r;
    }
    if let Some(what) = path.strip_prefix("/dump/") {
        return if get { text(StatusCode::OK, dump_items(what)) } else { method_not_allowed() };
    }
    if let Some(name) = path.strip_prefix("/log/") {
        return if get { log_tail(name) } else { method_not_allowed() };
    }
    if let Some(rest) = path.strip_prefix("/api/v1/metrics/") {
        return if get { metrics_history(host, rest) } else { method_not_allowed() };
    }
    if let Some(file) = path.strip_prefix("/api/v1/files/") {
        return files(host, req, file);
    }
    if path.starts_with("/api/v1/log/") {
        return text(StatusCode::BAD_REQUEST, "Expected a WebSocket upgrade\n");
    }
    if path.starts_with("/admin/") {
        return script_admin(host, req);
    }
    if let Some(r) = crate::console::serve(req) {
        return r;
    }
    if get { not_found() } else { method_not_allowed() }
}

fn status_json(host: &Host) -> Json {
    let (modules, running) = {
        let p = host.program();
        let running = p.running.as_ref().is_some_and(|r| !r.ended());
        let mut modules = serde_json::Map::new();
        if running {
            let root = p.root.as_ref().map(|r| r.display().to_string()).unwrap_or_default();
            let layouts = pipy_program::running_layouts();
            let mut names: Vec<&str> = layouts.iter().map(|l| l.module.as_str()).collect();
            names.dedup();
            for m in names {
                let of_module: Vec<_> = layouts.iter().filter(|l| l.module == m).cloned().collect();
                let name = m.strip_prefix(root.as_str()).filter(|n| n.starts_with('/')).unwrap_or(m);
                modules.insert(name.to_string(), json!({"graph": graph_json(&of_module)}));
            }
        }
        (modules, running)
    };
    json!({
        "timestamp": now_ms(),
        "since": host.since,
        "uuid": host.uuid,
        "name": host.name,
        "ip": "",
        "version": env!("CARGO_PKG_VERSION"),
        "running": running,
        "modules": modules,
        "logs": pipy_engine::log::history::names(),
    })
}

fn dump_json(host: &Host) -> Json {
    let mut s = status_json(host);
    s["metrics"] = Json::String(crate::metrics::local_text());
    s
}

/// `/dump/<item>+<item>…`: plain-text counts of what the runtime holds.
fn dump_items(what: &str) -> String {
    // `/dump/objects/<class>`: where the live objects of a class were made (`--trace-objects`).
    if let Some(class) = what.strip_prefix("objects/") {
        return pipy_engine::memory::dump_objects(class);
    }
    let sample = crate::metrics::parse(&crate::metrics::local_text());
    let mut out = String::new();
    for item in what.split('+') {
        let prefix = match item {
            "objects" => "pipy_objects",
            "inbound" => "pipy_inbound",
            "outbound" => "pipy_outbound",
            "pipelines" => "pipy_pipeline",
            "pools" | "chunks" | "buffers" => "pipy_gc",
            _ => {
                out.push_str(&format!("Unknown dump item: {item}\n"));
                continue;
            }
        };
        for (name, f) in sample.iter().filter(|(n, _)| n.starts_with(prefix)) {
            for (labels, v) in &f.series {
                out.push_str(&format!("{name} {} {v}\n", labels.join(" ")));
            }
        }
    }
    out
}

fn log_tail(name: &str) -> Response<Body> {
    match pipy_engine::log::history::tail(name) {
        Some(t) => text(StatusCode::OK, t),
        None if name == pipy_engine::log::history::MAIN => text(StatusCode::OK, Bytes::new()),
        None => not_found(),
    }
}

fn metrics(host: &Host, req: &Req) -> Response<Body> {
    let mut body = crate::metrics::local_text();
    if let Some(r) = &host.repo {
        body.push_str(&r.metrics_text());
    }
    let gzip = req
        .headers
        .get(ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|e| e.trim().split(';').next() == Some("gzip")));
    const PROMETHEUS: &str = "text/plain; version=0.0.4";
    if !gzip {
        return with_type(StatusCode::OK, PROMETHEUS, body);
    }
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let packed = std::io::Write::write_all(&mut enc, body.as_bytes()).and_then(|_| enc.finish());
    match packed {
        Ok(bytes) => {
            let mut r = with_type(StatusCode::OK, PROMETHEUS, bytes);
            r.headers_mut().insert(hyper::header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            r
        }
        Err(_) => with_type(StatusCode::OK, PROMETHEUS, body),
    }
}

fn metrics_history(host: &Host, rest: &str) -> Response<Body> {
    let (uuid, name) = match rest.split_once('/') {
        Some((u, n)) => (u, n),
        None => ("", rest),
    };
    if !uuid.is_empty() && uuid != host.uuid {
        return match host.repo.as_ref().and_then(|r| r.history(uuid, name)) {
            Some(h) => json_response(&h),
            None => not_found(),
        };
    }
    let h = host.history.lock().unwrap_or_else(|e| e.into_inner());
    json_response(&h.to_json((!name.is_empty()).then_some(name)))
}

/// What `GET /options` shows and `POST /options` changes.
fn options_text() -> String {
    format!("--log-level={}\n", pipy_engine::log::level().name())
}

fn options_post(body: &[u8]) -> Response<Body> {
    if body.is_empty() {
        return status_only(StatusCode::NO_CONTENT);
    }
    let text_in = String::from_utf8_lossy(body);
    let mut words = text_in.split_whitespace().peekable();
    let mut level = None;
    while let Some(w) = words.next() {
        let (key, value) = match w.split_once('=') {
            Some((k, v)) => (k, Some(v.to_string())),
            None => (w, None),
        };
        match key {
            "--log-level" => {
                let v = value.or_else(|| words.next().map(str::to_string)).unwrap_or_default();
                match pipy_engine::log::Level::parse(&v) {
                    Some(l) => level = Some(l),
                    None => return bad_request(format!("invalid log level: {v}\n")),
                }
            }
            _ => return bad_request(format!("unknown option: {key}\n")),
        }
    }
    if let Some(l) = level {
        pipy_engine::log::set_level(l);
    }
    text(StatusCode::OK, options_text())
}

fn files_list(host: &Host) -> Response<Body> {
    let p = host.program();
    let files = p.files();
    json_response(&json!({"main": p.main, "files": files, "readOnly": !p.writable || p.root.is_none()}))
}

fn files_set_main(host: &Host, body: &[u8]) -> Response<Body> {
    let Ok(v) = serde_json::from_slice::<Json>(body) else { return bad_request("Invalid JSON") };
    let Some(main) = v.get("main").and_then(Json::as_str) else { return bad_request("Invalid main filename") };
    let Some(main) = clean_path(main) else { return bad_request("Invalid main filename") };
    let mut p = host.program();
    let Some(root) = p.root.clone() else { return not_found() };
    if !p.writable {
        return text(StatusCode::FORBIDDEN, "The codebase is read-only\n");
    }
    p.set_codebase(&root, &main, true);
    status_only(StatusCode::CREATED)
}

fn files(host: &Host, req: &Req, file: &str) -> Response<Body> {
    let Some(path) = clean_path(file) else { return bad_request("Invalid filename") };
    let (root, writable) = {
        let p = host.program();
        match &p.root {
            Some(r) => (r.clone(), p.writable),
            None => return not_found(),
        }
    };
    let full = root.join(path.trim_start_matches('/'));
    match req.method {
        Method::GET => match std::fs::read(&full) {
            Ok(b) => text(StatusCode::OK, b),
            Err(_) => not_found(),
        },
        Method::POST | Method::PATCH | Method::DELETE if !writable => {
            text(StatusCode::FORBIDDEN, "The codebase is read-only\n")
        }
        Method::POST | Method::PATCH => {
            let made = match full.parent() {
                Some(dir) => std::fs::create_dir_all(dir).and_then(|_| std::fs::write(&full, &req.body)),
                None => std::fs::write(&full, &req.body),
            };
            match made {
                Ok(()) => status_only(StatusCode::CREATED),
                Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot write {path}: {e}\n")),
            }
        }
        Method::DELETE => match std::fs::remove_file(&full) {
            Ok(()) => status_only(StatusCode::NO_CONTENT),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => not_found(),
            Err(e) => text(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot delete {path}: {e}\n")),
        },
        _ => method_not_allowed(),
    }
}

fn program(host: &Host, req: &Req) -> Response<Body> {
    match req.method {
        Method::GET => text(StatusCode::OK, host.program().current.clone()),
        Method::POST | Method::PATCH => {
            let name = String::from_utf8_lossy(&req.body).trim().to_string();
            let reload = req.method == Method::PATCH;
            match crate::change_program(host, &name, reload) {
                Ok(()) => status_only(StatusCode::CREATED),
                Err(e) => bad_request(e),
            }
        }
        Method::DELETE => {
            host.program().stop();
            status_only(StatusCode::NO_CONTENT)
        }
        _ => method_not_allowed(),
    }
}

/// `POST /api/v1/graph`: the pipelines a script builds, as `{roots, nodes}`: each pipeline is a
/// root node (`t: "pipeline"`) whose children are its filters (`t: "filter"`); a filter that
/// links to sub-pipelines has them as children (`t: "joint"`, by name).
fn graph(body: &[u8]) -> Response<Body> {
    let source = String::from_utf8_lossy(body).into_owned();
    let (tx, rx) = std::sync::mpsc::channel();
    // A script's top level runs here without an event loop, on a thread of its own (it
    // resets that thread's engine state).
    let spawned = std::thread::Builder::new().name("pipy-graph".into()).stack_size(64 << 20).spawn(move || {
        let _ = tx.send(pipy_program::layouts_of("graph.js", &source));
    });
    if spawned.is_err() {
        return text(StatusCode::INTERNAL_SERVER_ERROR, "cannot start a thread\n");
    }
    let layouts = match rx.recv_timeout(Duration::from_secs(10)) {
        Ok(Ok(l)) => l,
        Ok(Err(e)) => return bad_request(e),
        Err(_) => return bad_request("the script did not finish within 10 s"),
    };
    json_response(&graph_json(&layouts))
}

/// Layouts as `{roots, nodes}` (see `graph`).
fn graph_json(layouts: &[pipy_program::LayoutGraph]) -> Json {
    let mut nodes = Vec::new();
    let mut roots = Vec::new();
    for l in layouts {
        let index = nodes.len();
        roots.push(index);
        nodes.push(json!({"name": l.name, "t": "pipeline", "c": []}));
        for (f, subs) in &l.filters {
            let fi = nodes.len();
            nodes.push(json!({"name": f, "t": "filter", "p": index, "c": []}));
            if let Some(c) = nodes[index]["c"].as_array_mut() {
                c.push(json!(fi));
            }
            for s in subs {
                let si = nodes.len();
                nodes.push(json!({"name": s, "t": "joint", "p": fi}));
                if let Some(c) = nodes[fi]["c"].as_array_mut() {
                    c.push(json!(si));
                }
            }
        }
    }
    json!({"roots": roots, "nodes": nodes})
}

/// `/admin/…`: the running script's `pipy().admin(path)` pipelines answer (404 when none takes
/// the path or nothing runs).
fn script_admin(host: &Host, req: &Req) -> Response<Body> {
    let (tx, rx) = std::sync::mpsc::channel();
    let request = pipy_engine::net::AdminRequest {
        method: req.method.to_string(),
        path: req.path.clone(),
        headers: req
            .headers
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect(),
        body: req.body.to_vec(),
        reply: tx,
    };
    {
        let p = host.program();
        match &p.running {
            Some(r) if !r.ended() => r.admin(request),
            _ => return not_found(),
        }
    }
    match rx.recv_timeout(Duration::from_secs(35)) {
        Ok(Some(r)) => {
            let mut resp = Response::new(Full::new(Bytes::from(r.body)));
            *resp.status_mut() = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let h = resp.headers_mut();
            h.insert("server", HeaderValue::from_static("pipy"));
            for (k, v) in r.headers {
                let lower = k.to_ascii_lowercase();
                if matches!(lower.as_str(), "content-length" | "transfer-encoding" | "connection") {
                    continue;
                }
                if let (Ok(k), Ok(v)) =
                    (hyper::header::HeaderName::from_bytes(lower.as_bytes()), HeaderValue::from_str(&v))
                {
                    h.append(k, v);
                }
            }
            resp
        }
        Ok(None) => not_found(),
        Err(_) => text(StatusCode::GATEWAY_TIMEOUT, "The admin pipeline did not answer within 35 s\n"),
    }
}
