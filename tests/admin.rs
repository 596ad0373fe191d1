//! The admin service (`--admin-port`) of a process running a script: every endpoint over a real
//! loopback socket, as the console and scripts of operators use them.

mod common;

use common::{Server, call, get, json};
use std::io::Read;
use std::net::TcpStream;
use std::time::{Duration, Instant};

fn fetch(port: u16, path: &str) -> String {
    String::from_utf8_lossy(&common::exchange(
        port,
        format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").as_bytes(),
    ))
    .into_owned()
}

const SCRIPT: &str = r#"
var log = new logging.TextLogger('access');
var hits = new stats.Counter('test_hits', ['path']);
pipy().listen($PORT0).serveHTTP(req => {
  hits.withLabels(req.head.path).increase();
  log.log('hit', req.head.path);
  return new Message('version one\n');
})
"#;

fn start(name: &str) -> (Server, u16) {
    let admin = common::free_port();
    let arg = format!("--admin-port=127.0.0.1:{admin}");
    let s = Server::start_with(name, SCRIPT, 1, &[("lib/util.js", "export default 1")], &[&arg]);
    (s, admin)
}

#[test]
fn status_logs_metrics_and_options_are_served() {
    let (mut s, admin) = start("admin-status");
    assert!(fetch(s.port(0), "/a").ends_with("version one\n"));

    let st = json(admin, "/api/v1/status");
    assert_eq!(st["uuid"].as_str().map(str::len), Some(36), "{st}");
    assert!(st["since"].as_u64().is_some_and(|t| t > 0 && t <= st["timestamp"].as_u64().unwrap_or(0)));
    assert!(st["logs"].as_array().is_some_and(|l| l.iter().any(|n| n == "access")), "{st}");
    assert_eq!(json(admin, "/status")["uuid"], st["uuid"]);
    let graph = &st["modules"]["/main.js"]["graph"];
    assert_eq!(graph["nodes"][0]["name"], format!("Listen on 0.0.0.0:{}", s.port(0)), "{st}");
    assert_eq!(graph["nodes"][1]["name"], "serveHTTP");

    // Prometheus text, plain and gzipped.
    let (status, metrics) = get(admin, "/metrics");
    assert_eq!(status, 200);
    assert!(metrics.contains("test_hits{path=\"/a\"} 1"), "{metrics}");
    // Live objects by class, as the original names them (published by the worker each tick).
    let deadline = Instant::now() + Duration::from_secs(5);
    while !get(admin, "/metrics").1.lines().any(|l| {
        l.strip_prefix("pipy_object_count{class=\"Function\"} ")
            .and_then(|n| n.parse::<u64>().ok())
            .is_some_and(|n| n > 0)
    }) {
        assert!(Instant::now() < deadline, "no pipy_object_count for functions");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (status, head, packed) = call(admin, "GET", "/metrics", &[("accept-encoding", "gzip, deflate")], b"");
    assert_eq!(status, 200);
    assert!(head.to_ascii_lowercase().contains("content-encoding: gzip"), "{head}");
    let mut unpacked = String::new();
    flate2::read::GzDecoder::new(&packed[..]).read_to_string(&mut unpacked).expect("gzip");
    assert!(unpacked.contains("test_hits{path=\"/a\"} 1"));

    // A client that shuts its side down after the request still gets the whole answer.
    let raw = common::exchange(admin, b"GET /metrics HTTP/1.1\r\nhost: x\r\n\r\n");
    let raw = String::from_utf8_lossy(&raw);
    let (head, body) = raw.split_once("\r\n\r\n").expect("a response");
    let len: usize =
        head.lines().find_map(|l| l.strip_prefix("content-length: ")).and_then(|v| v.parse().ok()).expect("a length");
    assert_eq!(body.len(), len);
    assert!(body.contains("test_hits{path=\"/a\"} 1"));

    // Logs: the main log and a script's logger.
    let (status, main_log) = get(admin, "/log");
    assert_eq!(status, 200);
    assert!(main_log.contains("Listening on TCP port"), "{main_log}");
    assert_eq!(get(admin, "/log/access"), (200, "hit /a\n".to_string()));
    assert_eq!(get(admin, "/log/nothing-here").0, 404);

    // The log level changes at run time; bad options are refused with a reason.
    assert_eq!(get(admin, "/options"), (200, "--log-level=info\n".to_string()));
    let (status, _, body) = call(admin, "POST", "/options", &[], b"--log-level=debug");
    assert_eq!((status, String::from_utf8_lossy(&body).as_ref()), (200, "--log-level=debug\n"));
    let (status, _, body) = call(admin, "POST", "/options", &[], b"--log-level=loud");
    assert_eq!(status, 400);
    assert!(String::from_utf8_lossy(&body).contains("loud"));
    let (status, _, _) = call(admin, "POST", "/options", &[], b"--no-such-option");
    assert_eq!(status, 400);

    // Unknown paths and methods.
    assert_eq!(get(admin, "/no/such/thing").0, 404);
    assert_eq!(call(admin, "PUT", "/status", &[], b"").0, 405);
    assert_eq!(call(admin, "DELETE", "/metrics", &[], b"").0, 405);
    s.logged(Duration::from_millis(10));
}

#[test]
fn the_running_codebase_is_read_written_and_reloaded() {
    let (s, admin) = start("admin-files");
    let files = json(admin, "/api/v1/files");
    assert_eq!(files["main"], "/main.js");
    assert_eq!(files["readOnly"], false);
    let list: Vec<&str> =
        files["files"].as_array().map(|a| a.iter().filter_map(|f| f.as_str()).collect()).unwrap_or_default();
    assert!(list.contains(&"/main.js") && list.contains(&"/lib/util.js"), "{files}");
    assert_eq!(get(admin, "/api/v1/files/lib/util.js"), (200, "export default 1".to_string()));
    assert_eq!(get(admin, "/api/v1/files/missing.js").0, 404);
    assert_eq!(get(admin, "/api/v1/files/../../etc/passwd").0, 400);

    // Write a new main script and reload: new connections get the new pipeline.
    let v2 = format!("pipy().listen({}).serveHTTP(new Message('version two\\n'))", s.port(0));
    assert_eq!(call(admin, "POST", "/api/v1/files/main.js", &[], v2.as_bytes()).0, 201);
    assert_eq!(get(admin, "/api/v1/files/main.js"), (200, v2.clone()));
    assert_eq!(call(admin, "PATCH", "/api/v1/program", &[], b"").0, 201);
    assert!(fetch(s.port(0), "/").ends_with("version two\n"));

    // A broken script is refused at reload; the old one keeps serving.
    assert_eq!(call(admin, "POST", "/api/v1/files/main.js", &[], b"pipy(.listen(").0, 201);
    let (status, _, why) = call(admin, "PATCH", "/api/v1/program", &[], b"");
    assert_eq!(status, 400, "{}", String::from_utf8_lossy(&why));
    assert!(fetch(s.port(0), "/").ends_with("version two\n"));

    // Stop, then start again from the files.
    assert_eq!(call(admin, "POST", "/api/v1/files/main.js", &[], v2.as_bytes()).0, 201);
    assert_eq!(get(admin, "/api/v1/program"), (200, "/".to_string()));
    assert_eq!(call(admin, "DELETE", "/api/v1/program", &[], b"").0, 204);
    assert_eq!(get(admin, "/api/v1/program"), (200, String::new()));
    assert!(TcpStream::connect(("127.0.0.1", s.port(0))).is_err(), "the listener closed");
    assert_eq!(call(admin, "POST", "/api/v1/program", &[], b"/").0, 201);
    assert!(fetch(s.port(0), "/").ends_with("version two\n"));

    // Other files: add, set main, delete.
    assert_eq!(call(admin, "POST", "/api/v1/files/other.js", &[], b"1").0, 201);
    assert_eq!(call(admin, "PATCH", "/api/v1/files", &[], br#"{"main":"/other.js"}"#).0, 201);
    assert_eq!(json(admin, "/api/v1/files")["main"], "/other.js");
    assert_eq!(call(admin, "PATCH", "/api/v1/files", &[], b"{").0, 400);
    assert_eq!(call(admin, "DELETE", "/api/v1/files/other.js", &[], b"").0, 204);
    assert_eq!(get(admin, "/api/v1/files/other.js").0, 404);
}

#[test]
fn the_log_history_keeps_what_the_limit_allows() {
    let admin = common::free_port();
    let arg = format!("--admin-port=127.0.0.1:{admin}");
    let script = "pipy().listen($PORT0).serveHTTP(() => { console.log('a line of about sixty characters for the history'); return new Message('ok') })";
    let s = Server::start_with("admin-history", script, 1, &[], &[&arg, "--log-history-limit=300"]);
    for _ in 0..20 {
        assert!(fetch(s.port(0), "/").ends_with("ok"));
    }
    let (status, log) = get(admin, "/log");
    assert_eq!(status, 200);
    assert!(log.len() <= 300 && log.len() > 150, "{} bytes kept: {log}", log.len());
    assert!(log.ends_with("a line of about sixty characters for the history\n"), "{log}");
}

#[test]
fn the_admin_service_stays_up_when_the_script_fails_to_load() {
    let admin = common::free_port();
    let arg = format!("--admin-port=127.0.0.1:{admin}");
    let dir = common::temp_dir("admin-broken");
    std::fs::write(dir.join("main.js"), "pipy().listen(1).serveHTTP(").expect("write");
    let mut s = Server::spawn(dir, vec![], &[&arg]);
    s.wait_for("admin service keeps running", Duration::from_secs(20));
    let (status, log) = get(admin, "/log");
    assert_eq!(status, 200);
    assert!(log.contains("main.js"), "the error is in the log: {log}");
    assert_eq!(get(admin, "/api/v1/program"), (200, String::new()));
}

#[test]
fn graphs_and_metric_history_are_json() {
    let (s, admin) = start("admin-graph");
    let script =
        b"pipy().listen(9).demuxHTTP().to('inner')\npipy().pipeline('inner').muxHTTP().to($=>$.connect('localhost:1'))";
    let (status, _, body) = call(admin, "POST", "/api/v1/graph", &[], script);
    assert_eq!(status, 200);
    let g: serde_json::Value = serde_json::from_slice(&body).expect("graph JSON");
    let names: Vec<&str> =
        g["nodes"].as_array().map(|n| n.iter().filter_map(|n| n["name"].as_str()).collect()).unwrap_or_default();
    for want in ["demuxHTTP", "muxHTTP", "connect", "inner"] {
        assert!(names.contains(&want), "{want} in {g}");
    }
    assert!(g["roots"].as_array().is_some_and(|r| r.len() >= 2), "{g}");
    let (status, _, why) = call(admin, "POST", "/api/v1/graph", &[], b"pipy(.");
    assert_eq!(status, 400);
    assert!(!why.is_empty());

    // The history is sampled every 5 s; the first sample is taken at start-up.
    assert!(fetch(s.port(0), "/h").ends_with("version one\n"));
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let h = json(admin, "/api/v1/metrics/test_hits");
        let m = &h["metrics"][0];
        if m["k"] == "test_hits" && m["s"][0]["k"] == "/h" {
            assert_eq!(m["l"], "path");
            assert!(h["time"].as_u64().is_some_and(|t| t > 0));
            break;
        }
        assert!(Instant::now() < deadline, "no history of test_hits: {h}");
        std::thread::sleep(Duration::from_millis(500));
    }
    let all = json(admin, "/api/v1/metrics");
    assert!(all["metrics"].as_array().is_some_and(|m| m.iter().any(|e| e["k"] == "test_hits")));
}

#[test]
fn a_log_is_watched_over_a_websocket() {
    let (s, admin) = start("admin-ws");
    assert!(fetch(s.port(0), "/first").ends_with("version one\n"));
    let port = s.port(0);
    // A line written after the watch began arrives too.
    let later = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(500));
        fetch(port, "/second")
    });
    let got = common::ws_watch(admin, "/api/v1/log//access", "hit /second", Duration::from_secs(10));
    assert!(got.contains("hit /second"), "{got}");
    assert!(got.starts_with("hit /first\n"), "the history comes first: {got:?}");
    assert!(later.join().expect("client").ends_with("version one\n"));
    let main = common::ws_watch(admin, "/api/v1/log//pipy_log", "Listening on TCP port", Duration::from_secs(10));
    assert!(main.contains("[INF]"));
    assert_eq!(get(admin, "/api/v1/log//access").0, 400, "a plain GET is not a watch");
}

#[test]
fn built_in_metrics_count_connections_and_bytes_across_threads() {
    let admin = common::free_port();
    let arg = format!("--admin-port=127.0.0.1:{admin}");
    let script = r#"
pipy().listen($PORT0, { peerStats: true }).demuxHTTP().to($=>$.muxHTTP().to($=>$.connect('127.0.0.1:$PORT1')))
pipy().listen($PORT1).serveHTTP(new Message('up\n'))
"#;
    let s = Server::start_with("admin-builtin", script, 2, &[], &["--threads", "2", &arg]);
    let req = b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";
    let mut answered = 0;
    for _ in 0..10 {
        if String::from_utf8_lossy(&common::exchange(s.port(0), req)).ends_with("up\n") {
            answered += 1;
        }
    }
    assert_eq!(answered, 10);
    let listen = format!("listen=\"0.0.0.0:{}\"", s.port(0));
    let peer = format!("peer=\"127.0.0.1:{}\"", s.port(1));
    // Workers publish their numbers twice a second.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let m = get(admin, "/metrics").1;
        let value = |series: &str| -> Option<f64> {
            m.lines()
                .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))?
                .rsplit(' ')
                .next()?
                .parse()
                .ok()
        };
        let inbound_in = value(&format!("pipy_inbound_in{{{listen}}}"));
        let conns = value(&format!("pipy_outbound_conn_time_count{{protocol=\"tcp\",{peer}}}"));
        if inbound_in == Some((req.len() * 10) as f64) && conns == Some(10.0) {
            assert_eq!(value(&format!("pipy_inbound_count{{{listen}}}")), Some(0.0), "{m}");
            assert!(value(&format!("pipy_outbound_in{{protocol=\"tcp\",{peer}}}")).is_some_and(|v| v > 0.0));
            assert!(value(&format!("pipy_inbound_out{{{listen}}}")).is_some_and(|v| v > 0.0));
            // peerStats: the same bytes under the client's address, not added to the total twice.
            assert_eq!(value(&format!("pipy_inbound_in{{{listen},peer=\"127.0.0.1\"}}")), inbound_in, "{m}");
            let upstream_in = value(&format!("pipy_inbound_in{{listen=\"0.0.0.0:{}\"}}", s.port(1))).unwrap_or(0.0);
            assert_eq!(value("pipy_inbound_in"), inbound_in.map(|v| v + upstream_in), "the total line: {m}");
            assert!(m.contains("# TYPE pipy_outbound_conn_time histogram"));
            // Every connection is over: the Data chunks they held are gone too.
            assert!(value("pipy_chunk_count{type=\"Data\"}").is_some_and(|n| n < 50.0), "{m}");
            break;
        }
        assert!(Instant::now() < deadline, "inbound_in {inbound_in:?}, connects {conns:?} in:\n{m}");
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[test]
fn a_script_answers_admin_requests_under_its_own_paths() {
    let admin = common::free_port();
    let arg = format!("--admin-port=127.0.0.1:{admin}");
    let script = r#"
var hits = 0;
pipy().listen($PORT0).serveHTTP(() => { hits++; return new Message('ok\n') })
pipy().admin('/admin/hits').replaceMessage(req => new Message(
  { status: 200, headers: { 'content-type': 'application/json', 'x-path': req.head.path } },
  JSON.stringify({ hits, method: req.head.method, body: req.body ? req.body.toString() : '' })
))
pipy().admin('/admin/slow').replaceMessage(() => new Timeout(0.2).wait().then(() => new Message({ status: 202 }, 'later')))
"#;
    let s = Server::start_with("admin-script", script, 1, &[], &["--threads", "2", &arg]);
    for _ in 0..3 {
        assert!(fetch(s.port(0), "/").ends_with("ok\n"));
    }
    let (status, head, body) = call(admin, "POST", "/admin/hits/x?y=1", &[], b"payload");
    assert_eq!(status, 200, "{head}");
    assert!(head.contains("content-type: application/json") && head.contains("x-path: /admin/hits/x"), "{head}");
    let v: serde_json::Value = serde_json::from_slice(&body).expect("JSON");
    assert_eq!(v["method"], "POST");
    assert_eq!(v["body"], "payload");
    // Two worker threads each count their own requests; the admin pipeline runs on the first.
    assert!(v["hits"].as_u64().is_some_and(|h| h <= 3), "{v}");
    let (status, _, body) = call(admin, "GET", "/admin/slow", &[], b"");
    assert_eq!((status, body.as_slice()), (202, &b"later"[..]));
    assert_eq!(get(admin, "/admin/none").0, 404);
}

#[test]
fn a_listen_option_with_a_bad_value_is_refused_where_it_is_given() {
    let (_, err, code) =
        common::run_script("listen-refused", "pipy().listen(18999, { bufferLimit: 'lots' }).dummy()", &[]);
    assert_ne!(code, 0);
    assert!(err.contains("'bufferLimit' expects a size") && err.contains("main.js:1"), "{err}");
}

#[test]
fn an_admin_path_outside_admin_is_refused() {
    let (out, err, code) = common::run_script("admin-bad-path", "pipy().admin('/status').dummy()", &[]);
    assert_ne!(code, 0, "{out}");
    assert!(err.contains("must start with /admin/"), "{err}");
}
