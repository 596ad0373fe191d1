//! The `pipy` object over real sockets, and the command-line flags that feed it:
//! `pipy.inbound.forEach`/`pipy.outbound.forEach` on open connections, `--pipy-options` among
//! the script's arguments, and `--trace-objects` with the admin service's `/dump/objects/<class>`.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

/// Asks `port` until `f` accepts the answer (or panics after a while).
fn get_until(port: u16, path: &str, f: impl Fn(&str) -> bool) -> String {
    let end = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, body) = common::get(port, path);
        if f(&body) {
            return body;
        }
        assert!(Instant::now() < end, "GET {path}: still {body}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Two clients hold connections open (one through a proxy to an upstream); a request asks the
/// script what `forEach` reports, and it answers with each connection's fields.
#[test]
fn for_each_reports_every_open_inbound_and_outbound_connection() {
    let script = r#"
pipy.listen($PORT0, $=>$.serveHTTP(req => {
  if (req.head.path === '/close') {
    pipy.outbound.forEach(o => o.close())
    return new Message('closed')
  }
  var ib = [], ob = []
  pipy.inbound.forEach(i => ib.push([i.localAddress, i.localPort, i.remoteAddress, i.remotePort].join(' ')))
  pipy.outbound.forEach(o => ob.push([o.state, o.localAddress, o.localPort, o.remoteAddress, o.remotePort].join(' ')))
  return new Message(JSON.stringify({ inbound: ib, outbound: ob, counts: [pipy.inbound.count, pipy.outbound.count] }))
}))
pipy.listen($PORT1, $=>$.connect('127.0.0.1:$PORT2'))
pipy.listen($PORT2, $=>$.dummy())
"#;
    let s = common::Server::start("pipy-api-foreach", script, 3);
    let (p0, p1, p2) = (s.port(0), s.port(1), s.port(2));
    let idle = common::connect(p0);
    let mut proxied = common::connect(p1);
    proxied.write_all(b"hello").expect("write");
    let idle_port = idle.local_addr().expect("addr").port();
    let proxied_port = proxied.local_addr().expect("addr").port();

    let body = get_until(p0, "/", |b| b.contains("connected"));
    let v: serde_json::Value = serde_json::from_str(&body).expect("JSON");
    let inbound: Vec<String> =
        v["inbound"].as_array().expect("inbound").iter().map(|x| x.as_str().unwrap_or("").to_string()).collect();
    let outbound: Vec<String> =
        v["outbound"].as_array().expect("outbound").iter().map(|x| x.as_str().unwrap_or("").to_string()).collect();
    // Both clients, the proxy's own connection to the upstream, and this request's.
    assert_eq!(v["counts"], serde_json::json!([4, 1]), "{body}");
    assert_eq!(inbound.len(), 4, "{body}");
    assert_eq!(inbound[0], format!("127.0.0.1 {p0} 127.0.0.1 {idle_port}"), "{body}");
    assert_eq!(inbound[1], format!("127.0.0.1 {p1} 127.0.0.1 {proxied_port}"), "{body}");
    assert!(inbound[3].starts_with(&format!("127.0.0.1 {p0} 127.0.0.1 ")), "{body}");
    // The outbound connection, seen from the upstream's side as its inbound one.
    assert_eq!(outbound.len(), 1, "{body}");
    let fields: Vec<&str> = outbound[0].split(' ').collect();
    assert_eq!((fields[0], fields[1], fields[3], fields[4]), ("connected", "127.0.0.1", "127.0.0.1", &*p2.to_string()));
    assert_eq!(inbound[2], format!("127.0.0.1 {p2} 127.0.0.1 {}", fields[2]), "{body}");

    // `close()` aborts the outbound connection: the proxied client is closed too.
    assert_eq!(common::get(p0, "/close").1, "closed");
    let rest = common::read_all(&mut proxied);
    assert!(rest.is_empty(), "{rest:?}");
    // Once the connection's lingering close is over, it is gone from the list.
    let gone = format!("127.0.0.1 {p1} ");
    let after = get_until(p0, "/", |b| b.contains("\"outbound\":[]") && !b.contains(&gone));
    assert!(after.contains(&format!("127.0.0.1 {p0} 127.0.0.1 {idle_port}")), "{after}");
    drop(idle);
}

/// After `--`, words are the script's (`pipy.argv`) except from `--pipy-options` up to the next
/// `--`, which are pipy options again; with no script before `--`, the first word after it that
/// is not an option is the script.
#[test]
fn pipy_options_among_the_script_arguments_are_options() {
    let dir = common::temp_dir("pipy-api-options");
    std::fs::write(dir.join("args.js"), "println(JSON.stringify(pipy.argv), pipy.name)\n").expect("write");
    let (out, err, code) = common::run_in(
        &dir,
        &["args.js", "--", "one", "--two", "--pipy-options", "--instance-name=from-options", "--", "three"],
    );
    assert_eq!((out.as_str(), code), ("[\"one\",\"--two\",\"three\"] from-options\n", 0), "{err}");
    let (out, err, code) = common::run_in(&dir, &["--instance-name=n", "--", "args.js", "x"]);
    assert_eq!((out.as_str(), code), ("[\"x\"] n\n", 0), "{err}");
    // Options there are checked as any other: an unknown one is an error.
    let (_, err, code) = common::run_in(&dir, &["args.js", "--", "x", "--pipy-options", "--no-such-option"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--no-such-option"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

/// `--trace-objects`: the admin service counts the live objects of a class by where the script
/// made them (`<count> <module>:<line>:<column>`); without the flag the list is empty.
#[test]
fn trace_objects_counts_live_objects_by_where_they_were_made() {
    let script = "var kept = []\nfor (var i = 0; i < 30; i++) kept.push([i])\n\
                  pipy.listen($PORT0, $=>$.serveHTTP(() => new Message('kept ' + kept.length)))\n";
    let admin = common::free_port();
    let flag = format!("--admin-port=127.0.0.1:{admin}");
    let s = common::Server::start_with("pipy-api-trace", script, 1, &[], &["--trace-objects", &flag]);
    assert_eq!(common::get(s.port(0), "/").1, "kept 30");
    let dump = get_until(admin, "/dump/objects/Array", |b| b.contains("/main.js:2:"));
    assert!(dump.lines().any(|l| l == "30 /main.js:2:41"), "{dump}");
    assert!(dump.lines().any(|l| l == "1 /main.js:1:12"), "{dump}");
    drop(s);

    let admin = common::free_port();
    let flag = format!("--admin-port=127.0.0.1:{admin}");
    let s = common::Server::start_with("pipy-api-no-trace", script, 1, &[], &[&flag]);
    assert_eq!(common::get(s.port(0), "/").1, "kept 30");
    std::thread::sleep(Duration::from_millis(1200));
    assert_eq!(common::get(admin, "/dump/objects/Array"), (200, String::new()));
    drop(s);
}
