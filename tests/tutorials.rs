//! Every tutorial, run as its README says on its fixed ports, with the answers to the README's
//! requests snapshotted (status line, headers, body). One test, so the ports are never in use
//! twice at once.

mod common;

use common::{Server, connect};
use std::io::{Read, Write};
use std::net::TcpStream;

fn start(step: &str, file: &str, ports: &[u16]) -> Server {
    let dir = common::copy_fixture(&format!("tutorial/{step}"), &format!("tutorial-{step}"));
    Server::spawn_file(dir, file, ports.to_vec(), &[])
}

/// Sends one request and returns the exchange as text: `> METHOD path`, then the response.
fn request(s: &mut TcpStream, method: &str, port: u16, path: &str, body: &str) -> String {
    let head =
        format!("{method} {path} HTTP/1.1\r\nhost: localhost:{port}\r\ncontent-length: {}\r\n\r\n{body}", body.len());
    s.write_all(head.as_bytes()).expect("write");
    let mut buf = Vec::new();
    let mut byte = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => buf.push(byte[0]),
            _ => break,
        }
    }
    let head = String::from_utf8_lossy(&buf).replace("\r\n", "\n");
    let len = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: ").and_then(|v| v.trim().parse::<usize>().ok()))
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    let _ = s.read_exact(&mut body);
    format!("> {method} {path}\n{head}{}\n", String::from_utf8_lossy(&body))
}

fn get(port: u16, path: &str) -> String {
    request(&mut connect(port), "GET", port, path, "")
}

/// A GET with `authorization: Bearer <token>`; the exchange shows the token's first 20 characters.
fn get_with_token(port: u16, path: &str, token: &str) -> String {
    let mut s = connect(port);
    let head = format!(
        "GET {path} HTTP/1.1\r\nhost: localhost:{port}\r\nauthorization: Bearer {token}\r\nconnection: close\r\n\r\n"
    );
    s.write_all(head.as_bytes()).expect("write");
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).replace("\r\n", "\n");
    format!("> GET {path} (token {}…)\n{text}\n", &token[..token.len().min(20)])
}

#[test]
fn every_tutorial_answers_as_its_readme_shows() {
    let hello = start("01-hello", "main.js", &[8080]);
    insta::assert_snapshot!("01-hello", get(8080, "/"));
    drop(hello);

    let proxy = start("03-proxy", "main.js", &[8000]);
    let refused = get(8000, "/");
    let echo = start("02-echo", "main.js", &[8080, 8081, 8082]);
    let mut c = connect(8081);
    insta::assert_snapshot!(
        "02-echo",
        [get(8080, "/"), request(&mut c, "POST", 8081, "/", "hello"), get(8082, "/hello")].join("\n")
    );
    insta::assert_snapshot!("03-proxy", [refused, get(8000, "/")].join("\n"));
    drop(proxy);

    for step in ["04-routing", "05-load-balancing", "06-configuration", "07-plugins"] {
        let s = start(step, "main.js", &[8000]);
        let mut same = connect(8000);
        let text = [
            get(8000, "/hi"),
            get(8000, "/hi"),
            request(&mut same, "GET", 8000, "/hi/again", ""),
            request(&mut same, "GET", 8000, "/hi/again", ""),
            request(&mut same, "POST", 8000, "/echo", "echo me"),
            get(8000, "/ip/me"),
            get(8000, "/nowhere"),
        ]
        .join("\n");
        insta::assert_snapshot!(step, text);
        drop(s);
    }
    drop(echo);

    // 08: the checker on the broken and the fixed gateway, the REPL, then the real server.
    let dir = common::copy_fixture("tutorial/08-check-and-repl", "tutorial-08");
    let check = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_pipy")).args(args).current_dir(&dir).output().expect("runs")
    };
    let broken = check(&["check", "broken.js"]);
    assert_eq!(broken.status.code(), Some(1), "errors make the exit status 1");
    insta::assert_snapshot!("08-check-broken", String::from_utf8_lossy(&broken.stderr));
    let json = check(&["check", "--format", "json", "broken.js"]);
    insta::assert_snapshot!("08-check-broken-json", String::from_utf8_lossy(&json.stdout));
    let fixed = check(&["check", "main.js"]);
    assert_eq!(fixed.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&fixed.stderr), "checked 1 module: no errors, 0 warnings\n");
    let mut repl = std::process::Command::new(env!("CARGO_BIN_EXE_pipy"))
        .arg("repl")
        .current_dir(&dir)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("repl starts");
    repl.stdin
        .take()
        .expect("stdin")
        .write_all(
            b".help\n.load main.js\n.pipelines\n.send 0 GET /hello\n.send 0 GET /nope\n.send 0 GET /api/x\n\
              .send 2 new Message({ path: '/direct' })\n.exit\n",
        )
        .expect("write");
    let out = repl.wait_with_output().expect("repl output");
    insta::assert_snapshot!("08-repl", String::from_utf8_lossy(&out.stdout));
    let gateway = start("08-check-and-repl", "main.js", &[8080, 8082]);
    let text = [get(8080, "/hello"), get(8080, "/nope"), get(8080, "/api/x"), get(8082, "/health")].join("\n");
    insta::assert_snapshot!("08-check-and-repl", text);
    drop(gateway);

    // 09: the gateway with its allowlist, tokens and metrics (the README's requests).
    let dir = common::copy_fixture("tutorial/09-gateway-security", "tutorial-09");
    let gateway = Server::spawn_file(dir, "main.js", vec![8000, 8080], &["--admin-port=6060"]);
    let alice = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSJ9.hmA-0c0Gt6QC0ZdaRcsuTOVBucvzOobJojy9PVT5oXA";
    let root = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJyb290IiwiYWRtaW4iOnRydWV9.r4H3zctWwDMfEYSv8HuJ6bQwHl6L_gNKMFotcl7nZng";
    let text = [
        get(8000, "/hello"),
        get_with_token(8000, "/hello", "nope"),
        get_with_token(8000, "/hello", alice),
        get_with_token(8000, "/admin/stats", alice),
        get_with_token(8000, "/admin/stats", root),
        stable_metrics(&get(6060, "/metrics")),
    ]
    .join("\n");
    insta::assert_snapshot!("09-gateway-security", text);
    drop(gateway);

    // 10: the HTTP/2 proxy, with the README's three curl commands.
    let proxy = start("10-http2-grpc", "main.js", &[8000, 8080]);
    let text = [
        curl(&["--http2-prior-knowledge", "http://localhost:8000/hello"]),
        curl(&["http://localhost:8000/hello"]),
        curl(&["--http2", "http://localhost:8000/upgrade"]),
    ]
    .join("\n");
    insta::assert_snapshot!("10-http2-grpc", text);
    drop(proxy);

    // 11: a repo on 6060, codebase /hello published twice, a worker following it.
    let dir = common::copy_fixture("tutorial/11-repo-and-console", "tutorial-11");
    let mut repo = Server::spawn_args(dir.clone(), &["--admin-port=6060"], vec![]);
    repo.wait_for("[repo] Serving the repo", std::time::Duration::from_secs(20));
    let v1 = std::fs::read_to_string(dir.join("main.js")).expect("main.js");
    let v2 = std::fs::read_to_string(dir.join("main-v2.js")).expect("main-v2.js");
    let api =
        |method: &str, path: &str, body: &str| without_date(&request(&mut connect(6060), method, 6060, path, body));
    let mut text = vec![
        api("POST", "/api/v1/repo/hello", "{}"),
        api("POST", "/api/v1/repo-files/hello/main.js", &v1),
        api("PATCH", "/api/v1/repo/hello", r#"{"version":"1"}"#),
        api("GET", "/repo/hello/", ""),
    ];
    let worker = Server::spawn_args(
        common::temp_dir("tutorial-11-worker"),
        &["--instance-name=worker-1", "http://localhost:6060/repo/hello/"],
        vec![8080],
    );
    text.push(get(8080, "/"));
    text.push(api("POST", "/api/v1/repo-files/hello/main.js", &v2));
    text.push(api("PATCH", "/api/v1/repo/hello", r#"{"version":"2"}"#));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !get(8080, "/").contains("version 2") {
        assert!(std::time::Instant::now() < deadline, "the worker did not pick up version 2");
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    text.push(get(8080, "/"));
    // What the repo knows: the codebase, its worker, and the worker's metric.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let (info, hits) = loop {
        let info = get(6060, "/api/v1/repo/hello");
        let metrics = get(6060, "/metrics");
        let hits = metrics.lines().find(|l| l.starts_with("hello_hits{")).map(str::to_string);
        if let (true, Some(hits)) = (info.contains("\"name\":\"worker-1\"") && info.contains("\"version\":\"2"), hits) {
            break (info, hits);
        }
        assert!(std::time::Instant::now() < deadline, "no report from worker-1:\n{info}\n{metrics}");
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    let body = info.split_once("\n\n").map(|(_, b)| b).unwrap_or("");
    let v: serde_json::Value = serde_json::from_str(body.trim()).expect("codebase JSON");
    let workers: Vec<String> = v["instances"]
        .as_object()
        .map(|m| m.values().map(|i| format!("{} at {}", i["status"]["name"], i["ip"])).collect())
        .unwrap_or_default();
    text.push(format!(
        "> GET /api/v1/repo/hello (in part)\nversion {} main {} files {} workers {}\n",
        v["version"],
        v["main"],
        v["files"],
        workers.join(", ")
    ));
    text.push(format!("> GET /metrics (the worker's own metric)\n{hits}\n"));
    insta::assert_snapshot!("11-repo-and-console", text.join("\n"));
    drop(worker);
    drop(repo);
}

/// A response without its `date` header (it changes every second).
fn without_date(response: &str) -> String {
    response.lines().filter(|l| !l.starts_with("date: ")).collect::<Vec<_>>().join("\n") + "\n"
}

/// `curl -sS -i` with `args`: the command and what it printed (line ends as `\n`).
fn curl(args: &[&str]) -> String {
    let out = std::process::Command::new("curl")
        .args(["-sS", "-i", "--max-time", "10"])
        .args(args)
        .output()
        .expect("curl runs");
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    format!("> curl -i {}\n{text}{}\n", args.join(" "), String::from_utf8_lossy(&out.stderr))
}

/// The engine's own metrics (the cycle collector's counts and times, connections and bytes, which
/// workers publish twice a second) vary from run to run: their values, and so the response's
/// length, are replaced by `N`; the `date` header goes.
fn stable_metrics(response: &str) -> String {
    response
        .lines()
        // Which pipelines are alive when a worker publishes is a matter of timing.
        .filter(|l| !l.starts_with("date: ") && !l.starts_with("pipy_pipeline_count{"))
        .map(|l| {
            if l.starts_with("content-length: ") {
                "content-length: N".to_string()
            } else if l.starts_with("pipy_") {
                match l.rsplit_once(' ') {
                    Some((name, _)) => format!("{name} N"),
                    None => l.to_string(),
                }
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if response.ends_with('\n') { "\n" } else { "" }
}
