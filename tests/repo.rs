//! Repo mode and the workers that run its codebases, over loopback: the repo API, downloads
//! with etags, workers following new versions (and keeping the old one when a new one is
//! broken or the repo is down), a repo kept in a folder across a `kill -9`, and a fleet of 20
//! workers.

mod common;

use common::{Server, call, get, json};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// A repo process: `pipy --admin-port=… DIR` (DIR keeps the store) or in memory.
fn repo(name: &str, admin: u16, store: Option<&std::path::Path>, extra: &[&str]) -> Server {
    let arg = format!("--admin-port=127.0.0.1:{admin}");
    let mut args: Vec<&str> = vec![&arg];
    args.extend_from_slice(extra);
    let dir = common::temp_dir(name);
    let file = store.map(|s| s.display().to_string()).unwrap_or_default();
    let mut s = if file.is_empty() { spawn_no_file(dir, &args) } else { Server::spawn_file(dir, &file, vec![], &args) };
    s.wait_for("[repo] Serving the repo", Duration::from_secs(20));
    s
}

/// `pipy ARGS` with no script at all: a repo in memory.
fn spawn_no_file(dir: std::path::PathBuf, args: &[&str]) -> Server {
    Server::spawn_args(dir, args, vec![])
}

/// A worker: `pipy --instance-name=NAME http://127.0.0.1:ADMIN/repo/<cb>/ -- PORT`, waiting
/// until it listens on `port` (the scripts here listen on their last argument).
fn worker(name: &str, admin: u16, cb: &str, port: u16) -> Server {
    let url = format!("http://127.0.0.1:{admin}/repo{cb}/");
    let inst = format!("--instance-name={name}");
    let p = port.to_string();
    Server::spawn_args(common::temp_dir(name), &[&inst, &url, "--", &p], vec![port])
}

fn publish(admin: u16, cb: &str, main: &str, version: &str) {
    let (st, _, b) = call(admin, "POST", &format!("/api/v1/repo-files{cb}/main.js"), &[], main.as_bytes());
    assert_eq!(st, 201, "{}", String::from_utf8_lossy(&b));
    let (st, _, b) =
        call(admin, "PATCH", &format!("/api/v1/repo{cb}"), &[], format!("{{\"version\":\"{version}\"}}").as_bytes());
    assert_eq!(st, 201, "{}", String::from_utf8_lossy(&b));
}

/// A hello server on the worker's last argument.
fn hello(text: &str) -> String {
    format!("pipy().listen(+pipy.argv[pipy.argv.length - 1]).serveHTTP(new Message('{text}\\n'))")
}

/// The body a plain GET gets (empty if the connection fails).
fn answer(port: u16) -> String {
    if TcpStream::connect(("127.0.0.1", port)).is_err() {
        return String::new();
    }
    let raw = common::exchange(port, b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    let raw = String::from_utf8_lossy(&raw).into_owned();
    raw.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default()
}

/// Waits until `port` answers `text`; returns how long it took.
fn wait_answer(port: u16, text: &str, limit: Duration) -> Duration {
    let start = Instant::now();
    loop {
        let got = answer(port);
        if got == format!("{text}\n") {
            return start.elapsed();
        }
        assert!(start.elapsed() < limit, "port {port} answered {got:?}, not {text:?}, within {limit:?}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn the_repo_api_creates_edits_derives_publishes_and_deletes() {
    let admin = common::free_port();
    let _r = repo("repo-api", admin, None, &[]);

    // Create; the new codebase has a starter main.js and is not published yet.
    assert_eq!(call(admin, "POST", "/api/v1/repo/base", &[], b"{}").0, 201);
    let (st, _, why) = call(admin, "POST", "/api/v1/repo/base", &[], b"{}");
    assert_eq!((st, String::from_utf8_lossy(&why).as_ref()), (400, "Codebase already exists"));
    let (st, _, why) = call(admin, "POST", "/api/v1/repo/x", &[], br#"{"base":"/nope"}"#);
    assert_eq!((st, String::from_utf8_lossy(&why).as_ref()), (400, "Base codebase not found"));
    let (st, _, why) = call(admin, "POST", "/api/v1/repo/y", &[], br#"{"version":""}"#);
    assert_eq!((st, String::from_utf8_lossy(&why).as_ref()), (400, "Invalid version"));
    let info = json(admin, "/api/v1/repo/base");
    assert_eq!(info["version"], "0");
    assert_eq!(info["path"], "/base");
    assert_eq!(info["main"], "/main.js");
    assert_eq!(info["files"], serde_json::json!(["/main.js"]));
    assert!(get(admin, "/api/v1/repo-files/base/main.js").1.contains("pipy("));
    assert_eq!(get(admin, "/repo/base/").0, 404, "nothing published yet");

    // Edit, add, publish: the manifest lists main first, each file has the version's etag.
    assert_eq!(call(admin, "POST", "/api/v1/repo-files/base/main.js", &[], b"// main v1").0, 201);
    assert_eq!(call(admin, "POST", "/api/v1/repo-files/base/lib/a.js", &[], b"// a").0, 201);
    assert_eq!(json(admin, "/api/v1/repo/base")["editFiles"], serde_json::json!(["/lib/a.js", "/main.js"]));
    assert_eq!(call(admin, "PATCH", "/api/v1/repo/base", &[], br#"{"version":1}"#).0, 201);
    let info = json(admin, "/api/v1/repo/base");
    assert_eq!(info["version"], "1");
    assert_eq!(info["editFiles"], serde_json::json!([]));
    let (st, head, body) = call(admin, "GET", "/repo/base/", &[], b"");
    assert_eq!((st, String::from_utf8_lossy(&body).as_ref()), (200, "/main.js\n/lib/a.js"));
    let etag = head.lines().find_map(|l| l.strip_prefix("etag: ")).map(str::to_string).expect("an etag");
    let (st, head_only, body) = call(admin, "HEAD", "/repo/base/", &[], b"");
    assert_eq!(st, 200);
    assert!(body.is_empty() && head_only.contains(&format!("etag: {etag}")), "{head_only}");
    assert_eq!(get(admin, "/repo/base/lib/a.js"), (200, "// a".to_string()));
    assert_eq!(get(admin, "/repo/base/lib/none.js").0, 404);
    assert_eq!(get(admin, "/repo"), (200, "/base/\n".to_string()));
    assert_eq!(get(admin, "/api/v1/repo"), (200, "/base".to_string()));

    // Derive: the base's files show through; an edit overlays one; the base's publish reaches
    // the derived codebase's published view.
    assert_eq!(call(admin, "POST", "/api/v1/repo/derived", &[], br#"{"base":"/base"}"#).0, 201);
    let d = json(admin, "/api/v1/repo/derived");
    assert_eq!(d["base"], "/base");
    assert_eq!(d["baseFiles"], serde_json::json!(["/lib/a.js", "/main.js"]));
    assert_eq!(json(admin, "/api/v1/repo/base")["derived"], serde_json::json!(["/derived"]));
    assert_eq!(call(admin, "POST", "/api/v1/repo-files/derived/lib/a.js", &[], b"// a, derived").0, 201);
    assert_eq!(call(admin, "PATCH", "/api/v1/repo/derived", &[], br#"{"version":"1"}"#).0, 201);
    assert_eq!(get(admin, "/repo/derived/lib/a.js"), (200, "// a, derived".to_string()));
    assert_eq!(get(admin, "/repo/derived/main.js"), (200, "// main v1".to_string()));
    assert_eq!(call(admin, "POST", "/api/v1/repo-files/base/main.js", &[], b"// main v2").0, 201);
    let before = call(admin, "HEAD", "/repo/derived/", &[], b"").1;
    assert_eq!(call(admin, "PATCH", "/api/v1/repo/base", &[], br#"{"version":"2"}"#).0, 201);
    assert_eq!(get(admin, "/repo/derived/main.js"), (200, "// main v2".to_string()));
    assert_ne!(call(admin, "HEAD", "/repo/derived/", &[], b"").1, before, "the derived etag changed");

    // Reset drops an edit that was not published; erase a file; set main.
    assert_eq!(call(admin, "POST", "/api/v1/repo-files/derived/lib/a.js", &[], b"// draft").0, 201);
    assert_eq!(get(admin, "/api/v1/repo-files/derived/lib/a.js"), (200, "// draft".to_string()));
    assert_eq!(call(admin, "PATCH", "/api/v1/repo-files/derived/lib/a.js", &[], b"").0, 201);
    assert_eq!(get(admin, "/api/v1/repo-files/derived/lib/a.js"), (200, "// a, derived".to_string()));
    assert_eq!(call(admin, "POST", "/api/v1/repo-files/base/old.js", &[], b"1").0, 201);
    assert_eq!(call(admin, "DELETE", "/api/v1/repo-files/base/old.js", &[], b"").0, 204);
    assert_eq!(get(admin, "/api/v1/repo-files/base/old.js").0, 404);
    assert_eq!(call(admin, "PATCH", "/api/v1/repo/base", &[], br#"{"main":"/lib/a.js"}"#).0, 201);
    assert_eq!(json(admin, "/api/v1/repo/base")["main"], "/lib/a.js");
    assert_eq!(call(admin, "PATCH", "/api/v1/repo/base", &[], br#"{"main":7}"#).0, 400);
    assert_eq!(call(admin, "PATCH", "/api/v1/repo/base", &[], br#"{"version":-1}"#).0, 400);

    // Bad requests and unknown codebases.
    assert_eq!(call(admin, "POST", "/api/v1/repo/", &[], b"{}").0, 400);
    assert_eq!(call(admin, "POST", "/api/v1/repo-files/nope/a.js", &[], b"1").0, 404);
    assert_eq!(get(admin, "/api/v1/repo/nope").0, 404);
    assert_eq!(call(admin, "PATCH", "/api/v1/repo/nope", &[], br#"{"version":"1"}"#).0, 404);
    assert_eq!(call(admin, "PUT", "/api/v1/repo/base", &[], b"").0, 405);
    assert_eq!(call(admin, "POST", "/repo/nope/", &[], b"{}").0, 404);
    assert_eq!(call(admin, "POST", "/repo/base/", &[], b"not json").0, 400);

    // Delete takes the derived codebases along.
    assert_eq!(call(admin, "DELETE", "/api/v1/repo/base", &[], b"").0, 204);
    assert_eq!(get(admin, "/api/v1/repo/derived").0, 404);
    assert_eq!(call(admin, "DELETE", "/api/v1/repo/base", &[], b"").0, 404);
}

#[test]
fn a_worker_follows_its_codebase_and_reports_to_the_repo() {
    let admin = common::free_port();
    let port = common::free_port();
    let _r = repo("repo-worker", admin, None, &[]);
    assert_eq!(call(admin, "POST", "/api/v1/repo/svc", &[], b"{}").0, 201);
    publish(admin, "/svc", &hello("v1"), "1");
    let mut w = worker("repo-worker-w", admin, "/svc", port);
    assert_eq!(answer(port), "v1\n");

    // A new version is picked up (the admin link tells the worker at once), and a request in
    // flight while it loads is answered by the version it began with.
    let slow = "pipy().listen(+pipy.argv[pipy.argv.length - 1]).serveHTTP(() => new Timeout(1).wait().then(() => new Message('slow v1\\n')))";
    publish(admin, "/svc", slow, "1.1");
    wait_answer(port, "slow v1", Duration::from_secs(10));
    let mut in_flight = common::connect(port);
    common::send(&mut in_flight, b"GET / HTTP/1.1\r\nhost: x\r\n\r\n");
    std::thread::sleep(Duration::from_millis(200));
    publish(admin, "/svc", &hello("v2"), "2");
    let (head, body) = common::read_response(&mut in_flight);
    assert!(head.starts_with("HTTP/1.1 200") && body == "slow v1\n", "{head}{body}");
    let took = wait_answer(port, "v2", Duration::from_secs(10));
    eprintln!("the new version served after {took:?}");

    // A broken version is reported and the running one keeps serving.
    publish(admin, "/svc", "pipy().listen(", "3");
    w.wait_for("failed to load", Duration::from_secs(10));
    assert_eq!(answer(port), "v2\n");

    // The repo knows the worker: status, metrics with an instance label, metric history.
    let deadline = Instant::now() + Duration::from_secs(15);
    let uuid = loop {
        let info = json(admin, "/api/v1/repo/svc");
        let inst = info["instances"].as_object().and_then(|m| m.values().next().cloned()).unwrap_or_default();
        if inst["status"]["error"].is_string() {
            assert_eq!(inst["status"]["name"], "repo-worker-w");
            assert_eq!(inst["ip"], "127.0.0.1");
            break inst["status"]["uuid"].as_str().unwrap_or_default().to_string();
        }
        assert!(Instant::now() < deadline, "no report with the load error: {info}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let metrics = get(admin, "/metrics").1;
    assert!(metrics.contains("instance=\"repo-worker-w\""), "{metrics}");
    let h = json(admin, &format!("/api/v1/metrics/{uuid}/pipy_gc_collections_total"));
    assert_eq!(h["metrics"][0]["k"], "pipy_gc_collections_total");
    assert_eq!(get(admin, "/api/v1/metrics/no-such-uuid/x").0, 404);

    // Fixed again: the worker runs it.
    publish(admin, "/svc", &hello("v4"), "4");
    wait_answer(port, "v4", Duration::from_secs(10));
}

#[test]
fn the_repo_runs_a_codebase_itself() {
    let admin = common::free_port();
    let port = common::free_port();
    let src = common::temp_dir("repo-init-src");
    std::fs::create_dir_all(src.join("team/web")).expect("dir");
    let fixed = |text: &str| format!("pipy().listen({port}).serveHTTP(new Message('{text}\\n'))");
    std::fs::write(src.join("team/web/main.js"), fixed("from init")).expect("write");
    let init = format!("--init-repo={}", src.display());
    let _r = repo("repo-init", admin, None, &[&init, "--init-code=/team/web"]);
    assert_eq!(get(admin, "/api/v1/repo"), (200, "/team/web".to_string()));
    wait_answer(port, "from init", Duration::from_secs(10));
    assert_eq!(get(admin, "/api/v1/program"), (200, "/team/web".to_string()));

    // Edits run before they are published; DELETE stops it.
    let (st, _, _) = call(admin, "POST", "/api/v1/repo-files/team/web/main.js", &[], fixed("edited").as_bytes());
    assert_eq!(st, 201);
    assert_eq!(call(admin, "POST", "/api/v1/program", &[], b"/team/web").0, 201);
    assert_eq!(answer(port), "edited\n");
    assert_eq!(call(admin, "DELETE", "/api/v1/program", &[], b"").0, 204);
    assert_eq!(answer(port), "");
    let (st, _, why) = call(admin, "POST", "/api/v1/program", &[], b"/nope");
    assert_eq!(st, 400);
    assert!(String::from_utf8_lossy(&why).contains("/nope"));
    let _ = std::fs::remove_dir_all(src);
}

/// One repo, 20 workers: a publish reaches them all; the repo is killed (`kill -9`) and started
/// again on its folder: they keep serving meanwhile, reconnect, and follow the next publish.
#[test]
fn a_fleet_of_twenty_workers_follows_one_repo() {
    const WORKERS: usize = 20;
    let admin = common::free_port();
    let store = common::temp_dir("fleet-store");
    let mut r = repo("fleet-repo", admin, Some(&store), &[]);
    assert_eq!(call(admin, "POST", "/api/v1/repo/fleet", &[], b"{}").0, 201);
    // Each worker listens on its own port, given by `pipy.argv`.
    publish(admin, "/fleet", &hello("v1"), "1");
    let ports: Vec<u16> = (0..WORKERS).map(|_| common::free_port()).collect();
    let workers: Vec<Server> =
        ports.iter().enumerate().map(|(i, p)| worker(&format!("fleet-w{i}"), admin, "/fleet", *p)).collect();
    for p in &ports {
        assert_eq!(answer(*p), "v1\n");
    }

    let start = Instant::now();
    publish(admin, "/fleet", &hello("v2"), "2");
    for p in &ports {
        wait_answer(*p, "v2", Duration::from_secs(10));
    }
    eprintln!("fleet: version 2 reached {WORKERS} workers in {:?}", start.elapsed());
    assert!(start.elapsed() < Duration::from_secs(10));

    // kill -9 the repo: the workers keep serving what they run.
    let _ = r.signal_and_wait("KILL", Duration::from_secs(5));
    drop(r);
    for p in &ports {
        assert_eq!(answer(*p), "v2\n");
    }
    // Started again on the same folder, the repo still has version 2 and every file.
    let r2 = repo("fleet-repo2", admin, Some(&store), &[]);
    assert_eq!(json(admin, "/api/v1/repo/fleet")["version"], "2");
    let start = Instant::now();
    publish(admin, "/fleet", &hello("v3"), "3");
    for p in &ports {
        wait_answer(*p, "v3", Duration::from_secs(15));
    }
    eprintln!("fleet: after the repo restarted, version 3 reached {WORKERS} workers in {:?}", start.elapsed());
    // Every worker reports to the new repo process.
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let n = json(admin, "/api/v1/repo/fleet")["instances"].as_object().map(|m| m.len()).unwrap_or(0);
        if n == WORKERS {
            break;
        }
        assert!(Instant::now() < deadline, "{n} of {WORKERS} workers reported to the restarted repo");
        std::thread::sleep(Duration::from_millis(200));
    }
    drop(workers);
    drop(r2);
    let _ = std::fs::remove_dir_all(store);
}

/// The admin port over mutual TLS, and a worker fetching its codebase from it with a client
/// certificate (`https://` repo, `--tls-trusted`, `--tls-cert`, `--tls-key`).
#[test]
fn a_worker_fetches_from_a_repo_over_mutual_tls() {
    let admin = common::free_port();
    let port = common::free_port();
    let tls = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
    let f = |name: &str| tls.join(name).display().to_string();
    let src = common::temp_dir("repo-tls-src");
    std::fs::create_dir_all(src.join("secure")).expect("dir");
    std::fs::write(src.join("secure/main.js"), hello("over tls")).expect("write");
    let (init, cert, key, ca) = (
        format!("--init-repo={}", src.display()),
        format!("--admin-tls-cert={}", f("server.crt")),
        format!("--admin-tls-key={}", f("server.key")),
        format!("--admin-tls-trusted={}", f("ca.crt")),
    );
    let _r = repo("repo-tls", admin, None, &[&init, &cert, &key, &ca]);

    // Plain HTTP gets no answer from a TLS port.
    let raw = common::exchange(admin, b"GET /api/v1/repo HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
    assert!(!String::from_utf8_lossy(&raw).contains("/secure"), "plain HTTP was served");

    let url = format!("https://localhost:{admin}/repo/secure/");
    let (trusted, ccert, ckey) = (
        format!("--tls-trusted={}", f("ca.crt")),
        format!("--tls-cert={}", f("client.crt")),
        format!("--tls-key={}", f("client.key")),
    );
    let p = port.to_string();
    let _w = Server::spawn_args(common::temp_dir("repo-tls-w"), &[&trusted, &ccert, &ckey, &url, "--", &p], vec![port]);
    assert_eq!(answer(port), "over tls\n");

    // Without a client certificate the repo refuses the worker: it never gets the codebase.
    let port2 = common::free_port();
    let p2 = port2.to_string();
    let mut w2 = Server::spawn_args(common::temp_dir("repo-tls-w2"), &[&trusted, &url, "--", &p2], vec![]);
    w2.wait_for("The repo is not reachable", Duration::from_secs(15));
    assert_eq!(answer(port2), "");
    let _ = std::fs::remove_dir_all(src);
}

/// `--instance-uuid`, `--no-metrics`, `--no-status` and `--no-reload` on workers.
#[test]
fn worker_flags_choose_what_is_reported_and_followed() {
    let admin = common::free_port();
    let _r = repo("repo-flags", admin, None, &[]);
    assert_eq!(call(admin, "POST", "/api/v1/repo/flags", &[], b"{}").0, 201);
    publish(admin, "/flags", &hello("v1"), "1");
    let url = format!("http://127.0.0.1:{admin}/repo/flags/");
    let start = |name: &str, extra: &[&str]| -> (Server, u16) {
        let port = common::free_port();
        let (p, inst) = (port.to_string(), format!("--instance-name={name}"));
        let mut args: Vec<&str> = vec![&inst];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[&url, "--", &p]);
        (Server::spawn_args(common::temp_dir(name), &args, vec![port]), port)
    };
    let (_a, a) = start("flags-a", &["--instance-uuid=fixed-uuid-1", "--no-metrics"]);
    let (_b, _) = start("flags-b", &["--no-status"]);
    let (_c, c) = start("flags-c", &["--no-reload"]);
    publish(admin, "/flags", &hello("v2"), "2");
    wait_answer(a, "v2", Duration::from_secs(10));
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let info = json(admin, "/api/v1/repo/flags");
        let names: Vec<String> = info["instances"]
            .as_object()
            .map(|m| m.values().filter_map(|i| i["status"]["name"].as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let a_uuid = info["instances"]
            .as_object()
            .and_then(|m| m.values().find(|i| i["status"]["name"] == "flags-a").map(|i| i["status"]["uuid"].clone()));
        if names.contains(&"flags-a".to_string()) && names.contains(&"flags-c".to_string()) {
            assert!(!names.contains(&"flags-b".to_string()), "--no-status reported: {info}");
            assert_eq!(a_uuid, Some(serde_json::json!("fixed-uuid-1")));
            break;
        }
        assert!(Instant::now() < deadline, "reports missing: {info}");
        std::thread::sleep(Duration::from_millis(200));
    }
    let metrics = get(admin, "/metrics").1;
    assert!(metrics.contains("instance=\"flags-c\""), "{metrics}");
    assert!(!metrics.contains("instance=\"flags-a\""), "--no-metrics sent metrics: {metrics}");
    // --no-reload: still the first version, well after the others moved on.
    std::thread::sleep(Duration::from_millis(1000));
    assert_eq!(answer(c), "v1\n");
    // A uuid with a slash could not name the worker in the repo's paths.
    let (_, err, code) = common::run_in(&common::temp_dir("flags-bad"), &["--instance-uuid=a/b", &url]);
    assert_eq!(code, 1);
    assert!(err.contains("--instance-uuid"), "{err}");
}

/// A worker's log watched on the repo (`/api/v1/log/<uuid>/<name>`, through the worker's admin
/// link): its history, then new lines. With `--log-local-only` the main log stays on the worker.
#[test]
fn a_workers_log_is_watched_through_the_repo() {
    let admin = common::free_port();
    let _r = repo("repo-logs", admin, None, &[]);
    assert_eq!(call(admin, "POST", "/api/v1/repo/logs", &[], b"{}").0, 201);
    let script = "pipy().listen(+pipy.argv[pipy.argv.length - 1]).serveHTTP(() => { console.log('served a request'); return new Message('ok\\n') })";
    publish(admin, "/logs", script, "1");
    let url = format!("http://127.0.0.1:{admin}/repo/logs/");
    let start = |uuid: &str, extra: &[&str]| -> (Server, u16) {
        let port = common::free_port();
        let (p, id) = (port.to_string(), format!("--instance-uuid={uuid}"));
        let mut args: Vec<&str> = vec![&id];
        args.extend_from_slice(extra);
        args.extend_from_slice(&[&url, "--", &p]);
        (Server::spawn_args(common::temp_dir(uuid), &args, vec![port]), port)
    };
    let (_a, a) = start("log-worker-a", &[]);
    let (_b, b) = start("log-worker-b", &["--log-local-only"]);
    // The admin links are open once the workers have reported.
    let deadline = Instant::now() + Duration::from_secs(15);
    while json(admin, "/api/v1/repo/logs")["instances"].as_object().map(|m| m.len()).unwrap_or(0) < 2 {
        assert!(Instant::now() < deadline, "the workers did not report");
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(300));
    let later = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        answer(a)
    });
    let got = common::ws_watch(admin, "/api/v1/log/log-worker-a/pipy_log", "served a request", Duration::from_secs(10));
    assert!(got.contains("Running version") && got.contains("served a request"), "history, then the new line: {got}");
    assert_eq!(later.join().expect("client"), "ok\n");
    assert_eq!(answer(b), "ok\n");
    let quiet = common::ws_watch(admin, "/api/v1/log/log-worker-b/pipy_log", "served", Duration::from_millis(1500));
    assert_eq!(quiet, "", "--log-local-only sent its log");
    assert_eq!(get(admin, "/api/v1/log/nobody/pipy_log").0, 400, "a plain GET is not a watch");
}

/// Bad input to the admin service gets a clear answer and the service keeps serving.
#[test]
fn the_admin_service_survives_bad_requests() {
    let admin = common::free_port();
    let _r = repo("repo-bad", admin, None, &[]);
    let answers = [
        common::exchange(admin, b"\x00\x01garbage\r\n\r\n"),
        common::exchange(admin, b"GET /%ff%fe HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"),
        common::exchange(admin, b"POST /api/v1/repo/x HTTP/1.1\r\nhost: x\r\ncontent-length: 3\r\nconnection: close\r\n\r\n{{{"),
        common::exchange(admin, b"GET /api/v1/log//pipy_log HTTP/1.1\r\nhost: x\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n"),
        common::exchange(admin, b"PATCH /api/v1/repo/x HTTP/1.1\r\nhost: x\r\ncontent-length: 9\r\nconnection: close\r\n\r\n\xff\xfe\x00{}[]\"1"),
    ];
    let status = |raw: &[u8]| String::from_utf8_lossy(raw).split(' ').nth(1).unwrap_or("").to_string();
    assert_eq!(status(&answers[0]), "400", "{}", String::from_utf8_lossy(&answers[0]));
    assert_eq!(status(&answers[1]), "404");
    // Not JSON is read as no options: the codebase is made, as the original does.
    assert_eq!(status(&answers[2]), "201");
    assert_eq!(status(&answers[3]), "400", "an upgrade without a key");
    assert_eq!(status(&answers[4]), "201", "a PATCH with no usable JSON saves the edits");
    // A client that sends half a head and goes quiet holds up nobody else.
    let mut slow = common::connect(admin);
    common::send(&mut slow, b"GET /status HTTP/1.1\r\nhost:");
    assert_eq!(get(admin, "/api/v1/repo"), (200, "/x".to_string()));
    drop(slow);
}
