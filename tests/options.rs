//! Listener and `connect` options over real sockets, the error codes a stream ends with, and the
//! logging flags.

mod common;

use common::{Server, connect, read_all, send};
use std::time::{Duration, Instant};

/// Reads what arrives within `wait` (a read timeout ends it): what a waiting client has seen.
fn read_within(s: &mut std::net::TcpStream, wait: Duration) -> Vec<u8> {
    use std::io::Read;
    s.set_read_timeout(Some(wait)).expect("timeout");
    let mut buf = [0u8; 64];
    let got = match s.read(&mut buf) {
        Ok(n) => buf[..n].to_vec(),
        Err(_) => Vec::new(),
    };
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    got
}

/// At `maxConnections` the listener stops accepting, as the original pauses it: the extra
/// connection waits (it is neither served nor closed) and is served once a slot frees.
#[test]
fn max_connections_makes_the_extra_connection_wait_for_a_free_slot() {
    let s = Server::start("maxconn", "pipy().listen($PORT0, { maxConnections: 1 }).handleData(() => {})", 1);
    let mut first = connect(s.port(0));
    send(&mut first, b"a");
    std::thread::sleep(Duration::from_millis(200));
    let mut second = connect(s.port(0));
    send(&mut second, b"x");
    assert_eq!(read_within(&mut second, Duration::from_millis(700)), b"", "nothing yet: it waits");
    // The first one still echoes; when it closes, the second is served.
    send(&mut first, b"b");
    let _ = first.shutdown(std::net::Shutdown::Write);
    assert_eq!(read_all(&mut first), b"ab");
    let started = Instant::now();
    send(&mut second, b"y");
    let _ = second.shutdown(std::net::Shutdown::Write);
    assert_eq!(read_all(&mut second), b"xy", "served after the first closed, nothing lost");
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// `maxPortConnections` counts over every worker: with two threads and a limit of one, a second
/// connection waits whichever worker's socket it reaches.
#[test]
fn max_port_connections_counts_over_every_worker() {
    let s = common::Server::start_with(
        "maxportconn",
        "pipy().listen($PORT0, { maxPortConnections: 1 }).handleData(() => {})",
        1,
        &[],
        &["--threads", "2"],
    );
    let mut first = connect(s.port(0));
    send(&mut first, b"a");
    assert_eq!(read_within(&mut first, Duration::from_secs(5)), b"a");
    let mut others: Vec<_> = (0..4).map(|_| connect(s.port(0))).collect();
    for (i, o) in others.iter_mut().enumerate() {
        send(o, format!("{i}").as_bytes());
    }
    for o in others.iter_mut() {
        assert_eq!(read_within(o, Duration::from_millis(300)), b"", "one connection at a time on the port");
    }
    let _ = first.shutdown(std::net::Shutdown::Write);
    assert_eq!(read_all(&mut first), b"", "closed after its echo");
    // The waiting ones get their turn one at a time, each as the one before it closes (in the
    // order the two workers' sockets hand them out).
    let mut served = Vec::new();
    while !others.is_empty() {
        let echoed: Vec<usize> = (0..others.len())
            .filter(|&k| !read_within(&mut others[k], Duration::from_millis(300)).is_empty())
            .collect();
        assert_eq!(echoed.len(), 1, "exactly one connection served at a time (served so far: {served:?})");
        let mut o = others.remove(echoed[0]);
        let _ = o.shutdown(std::net::Shutdown::Write);
        assert_eq!(read_all(&mut o), b"");
        served.push(echoed[0]);
    }
}

#[test]
fn idle_and_read_timeouts_end_inbound_streams() {
    let mut s = Server::start(
        "timeouts",
        "pipy()
         .listen($PORT0, { idleTimeout: 0.3 }).handleStreamEnd(e => console.log('idle:', e.error))
         .listen($PORT1, { readTimeout: 0.3 }).handleStreamEnd(e => console.log('read:', e.error))",
        2,
    );
    let started = Instant::now();
    let mut a = connect(s.port(0));
    assert_eq!(read_all(&mut a), b"");
    assert!(started.elapsed() < Duration::from_secs(5));
    s.wait_for("idle: IdleTimeout", Duration::from_secs(5));
    let mut b = connect(s.port(1));
    assert_eq!(read_all(&mut b), b"");
    s.wait_for("read: ReadTimeout", Duration::from_secs(5));
}

#[test]
fn connect_reports_timeouts_and_retries() {
    let dead = common::free_port();
    let mut s = Server::start(
        "connect-errors",
        &format!(
            "pipy()
             .listen($PORT0).dummy()
             .listen($PORT1).connect('127.0.0.1:$PORT0', {{ readTimeout: 0.3 }})
               .handleStreamEnd(e => console.log('silent upstream:', e.error))
             .listen($PORT2).connect('127.0.0.1:$PORT0', {{ idleTimeout: 0.3 }})
               .handleStreamEnd(e => console.log('idle upstream:', e.error))
             .listen($PORT3).connect('127.0.0.1:{dead}', {{ retryCount: 2, retryDelay: 0.2 }})
               .handleStreamEnd(e => console.log('retried:', e.error))"
        ),
        4,
    );
    let mut a = connect(s.port(1));
    send(&mut a, b"hello");
    s.wait_for("silent upstream: ReadTimeout", Duration::from_secs(5));
    let mut b = connect(s.port(2));
    send(&mut b, b"hello");
    s.wait_for("idle upstream: IdleTimeout", Duration::from_secs(5));
    let started = Instant::now();
    let mut c = connect(s.port(3));
    send(&mut c, b"hello");
    s.wait_for("retried: ConnectionRefused", Duration::from_secs(5));
    assert!(started.elapsed() >= Duration::from_millis(400), "two retries 0.2 s apart come first");
}

#[test]
fn log_level_and_log_local_choose_what_is_logged_where() {
    let dir = common::temp_dir("logflags");
    std::fs::write(dir.join("main.js"), "console.log('an info line'); console.error('an error line')\n")
        .expect("write");
    let (out, err, code) = common::run_in(&dir, &["--log-level=warn", "main.js"]);
    assert_eq!(code, 0);
    assert!(!err.contains("an info line") && err.contains("[ERR] an error line"), "{err}");
    assert!(out.is_empty());
    let (out, err, _) = common::run_in(&dir, &["--log-local=stdout", "main.js"]);
    assert!(out.contains("[INF] an info line") && !err.contains("an info line"), "{out} / {err}");
    let (_, err, code) = common::run_in(&dir, &["--log-level=loud", "main.js"]);
    assert_eq!(code, 2, "a bad flag value is a usage error: {err}");
}

/// One filter as `pipy --help-filters` lists it (the registry).
struct Listed {
    name: String,
    params: Vec<String>,
    options: Vec<String>,
    joint: bool,
}

fn registry() -> Vec<Listed> {
    let dir = common::temp_dir("registry");
    let (out, err, code) = common::run_in(&dir, &["--help-filters"]);
    assert_eq!(code, 0, "{err}");
    let mut list = Vec::new();
    for block in out.split("\n\n").filter(|b| !b.trim().is_empty()) {
        let mut lines = block.lines();
        let Some(sig) = lines.next() else { continue };
        let (name, params) = sig.split_once('(').unwrap_or((sig, ")"));
        let params = params.trim_end_matches(')').split(", ").filter(|p| !p.is_empty()).map(str::to_string).collect();
        let rest: Vec<&str> = lines.collect();
        let options = rest
            .iter()
            .find_map(|l| l.trim().strip_prefix("Options: "))
            .map(|o| o.split(", ").map(str::to_string).collect())
            .unwrap_or_default();
        let joint = rest.iter().any(|l| l.contains("Takes a sub-pipeline"));
        list.push(Listed { name: name.to_string(), params, options, joint });
    }
    list
}

/// A plausible argument for a filter parameter, by its name in the registry.
fn dummy_argument(filter: &str, param: &str) -> &'static str {
    match param.trim_end_matches('?') {
        "target" => "'127.0.0.1:1'",
        "algorithm" => "'gzip'",
        "filename" | "pathname" => "'registry-probe.tmp'",
        "callback" | "condition" => "() => true",
        "handler" => "() => new Message('x')",
        "command" => "'true'",
        "sessionSelector" | "selector" => "() => 'one'",
        "batchSize" => "1",
        "quota" => "new algo.Quota(1)",
        other => panic!("{filter}(): no dummy argument for parameter '{other}': add one to dummy_argument"),
    }
}

/// The registry-wide promise of no silent options: every filter that takes an options object
/// refuses a key it does not know, naming it, both when the script runs and in `pipy check`
/// (rustc-style, at the key's line:col), and accepts every key the registry lists for it.
#[test]
fn every_filter_refuses_an_unknown_option_key_and_accepts_every_key_it_lists() {
    let filters: Vec<Listed> = registry().into_iter().filter(|f| !f.options.is_empty()).collect();
    assert!(filters.len() >= 30, "only {} filters list options", filters.len());
    let mut script = String::new();
    let mut check = String::new();
    for (i, f) in filters.iter().enumerate() {
        let at = f
            .params
            .iter()
            .position(|p| p.starts_with("options"))
            .unwrap_or_else(|| panic!("{}{:?} lists options but has no options parameter", f.name, f.params));
        let mut args: Vec<&str> = f.params[..at].iter().map(|p| dummy_argument(&f.name, p)).collect();
        let to = if f.joint { ".to($=>$.dummy())" } else { "" };
        let call = |options: &str, args: &mut Vec<&str>| {
            let all: Vec<String> = args.iter().map(|a| a.to_string()).chain([options.to_string()]).collect();
            format!("{}({}){to}", f.name, all.join(", "))
        };
        let bogus = call("{zzNoSuchOption: 1}", &mut args);
        script.push_str(&format!(
            "try {{ pipeline($=>$.{bogus}); println('{0}: accepted zzNoSuchOption') }} catch (e) {{ println('{0}:', e.message) }}\n",
            f.name
        ));
        for key in &f.options {
            let listed = call(&format!("{{ {key}: undefined }}"), &mut args);
            script.push_str(&format!(
                "try {{ pipeline($=>$.{listed}) }} catch (e) {{ if (/unknown option/.test(e.message)) println('{}: refuses its listed key {key}:', e.message) }}\n",
                f.name
            ));
        }
        check.push_str(&format!("pipy().listen({}).{bogus}\n", 20000 + i));
    }
    let dir = common::temp_dir("registry-options");
    std::fs::write(dir.join("main.js"), &script).expect("script");
    std::fs::write(dir.join("check.js"), &check).expect("check script");
    let (out, err, code) = common::run_in(&dir, &["--no-graph", "main.js"]);
    assert_eq!(code, 0, "{err}");
    for f in &filters {
        let line = out.lines().find(|l| l.starts_with(&format!("{}:", f.name)) && !l.contains("listed key"));
        let line = line.unwrap_or_else(|| panic!("{}: no outcome printed\n{out}", f.name));
        assert!(line.contains("unknown option 'zzNoSuchOption'"), "{line}");
    }
    assert!(!out.contains("refuses its listed key"), "a key the registry lists is refused:\n{out}");
    let (_, err, code) = common::run_in(&dir, &["check", "check.js"]);
    assert_eq!(code, 1, "{err}");
    for (i, f) in filters.iter().enumerate() {
        let expected = format!("`{}()` has no option `zzNoSuchOption`", f.name);
        let at = err.find(&expected).unwrap_or_else(|| panic!("pipy check says nothing of {}():\n{err}", f.name));
        let location = format!("check.js:{}:", i + 1);
        assert!(
            err[at..].lines().nth(1).is_some_and(|l| l.contains(&location)),
            "{expected} not at {location}:\n{err}"
        );
    }
}

/// A connection to `port` whose receive buffer is small (so little of what the server sends
/// hides in the kernel on this side).
fn connect_with_small_receive_buffer(port: u16) -> std::net::TcpStream {
    let rt = tokio::runtime::Builder::new_current_thread().enable_io().build().expect("runtime");
    let s = rt
        .block_on(async {
            let s = tokio::net::TcpSocket::new_v4()?;
            s.set_recv_buffer_size(4096)?;
            s.connect(([127, 0, 0, 1], port).into()).await?.into_std()
        })
        .expect("connect");
    s.set_nonblocking(false).expect("blocking");
    s
}

/// Writes to `port` without reading until a write has made no progress for half a second (the
/// server stopped reading and every buffer on the way is full); returns how much went out and
/// the stream (still open unless the server closed it).
fn write_until_stalled(port: u16) -> (usize, Option<std::net::TcpStream>) {
    use std::io::Write;
    let mut s = connect_with_small_receive_buffer(port);
    s.set_write_timeout(Some(Duration::from_millis(500))).expect("timeout");
    let chunk = vec![b'x'; 16 * 1024];
    let mut total = 0;
    let started = Instant::now();
    loop {
        assert!(started.elapsed() < Duration::from_secs(20), "still writing after {total} bytes");
        match s.write(&chunk) {
            Ok(n) => total += n,
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return (total, Some(s));
            }
            Err(_) => return (total, None),
        }
    }
}

/// `congestionLimit` (as the original's): when that many bytes wait to be written to a client,
/// what feeds them pauses (here the connection's own reading: an echo to a client that does not
/// read). The server counts what it read before the pause: the limit, plus what the kernel holds
/// on the way back to the client and one read.
#[test]
fn congestion_limit_is_how_much_waits_for_a_slow_client_before_reading_pauses() {
    let s = Server::start(
        "congestion-limit",
        "var read = [0, 0, 0]
         pipy()
         .listen($PORT0).handleData(d => { read[0] += d.size })
         .listen($PORT1, { congestionLimit: '64k' }).handleData(d => { read[1] += d.size })
         .listen($PORT2, { congestionLimit: 4194304 }).handleData(d => { read[2] += d.size })
         .listen($PORT3).serveHTTP(() => new Message(JSON.stringify(read)))",
        4,
    );
    let mut streams = Vec::new();
    for i in 0..3 {
        let (written, c) = write_until_stalled(s.port(i));
        streams.push((written, c.expect("a congestion limit closes nothing")));
    }
    let (status, body) = common::get(s.port(3), "/");
    assert_eq!(status, 200);
    let read: Vec<usize> = serde_json::from_str(&body).expect("counts");
    let written: Vec<usize> = streams.iter().map(|(w, _)| *w).collect();
    eprintln!("read by the server before pausing: {read:?} (default, 64k, 4m); written: {written:?}");
    // Each paused at its limit or later; what the kernel took on the way back (a send buffer
    // of several MiB on loopback) is about the same for the three, so the differences are the
    // differences of the limits.
    for (i, limit) in [(0, 1 << 20), (1, 64 << 10), (2, 4 << 20)] {
        assert!(read[i] >= limit, "limit {limit}: read {}", read[i]);
    }
    let near = |got: usize, want: usize, within: usize| got.abs_diff(want) < within;
    assert!(near(read[0].saturating_sub(read[1]), (1 << 20) - (64 << 10), 512 << 10), "{read:?}");
    assert!(near(read[2].saturating_sub(read[0]), 3 << 20, 1 << 20), "{read:?}");
    // Paused, not discarded: once the client reads, everything comes back.
    let (written, mut c) = streams.remove(1);
    let _ = c.shutdown(std::net::Shutdown::Write);
    assert_eq!(read_all(&mut c).len(), written);
}

/// `bufferLimit` (as the original's): output for a client that already has that many bytes
/// waiting ends the stream with BufferOverflow and closes the connection at once.
#[test]
fn buffer_limit_ends_a_stream_whose_client_falls_that_far_behind() {
    let mut s = Server::start(
        "buffer-limit",
        "pipy()
         .listen($PORT0, { bufferLimit: '64k' }).handleStreamEnd(e => console.log('ended:', e.error))
         .listen($PORT1, { bufferLimit: '64k', congestionLimit: '16k' })
           .handleStreamEnd(e => console.log('paused one ended:', e.error))",
        2,
    );
    let (written, stream) = write_until_stalled(s.port(0));
    s.wait_for("buffer overflow", Duration::from_secs(5));
    s.wait_for("ended: BufferOverflow", Duration::from_secs(5));
    // Closed, not paused: a write now fails (at the latest the second one, after the reset).
    if let Some(mut c) = stream {
        use std::io::Write;
        let chunk = vec![b'x'; 16 * 1024];
        let failed = (0..20).any(|_| c.write(&chunk).is_err_and(|e| e.kind() != std::io::ErrorKind::WouldBlock));
        assert!(failed, "the connection is still open after {written} bytes");
    }
    // Under a smaller congestion limit the reading pauses before the buffer can overflow: the
    // client is held back, and gets everything once it reads.
    let (written, c) = write_until_stalled(s.port(1));
    let mut c = c.expect("paused, not closed");
    let _ = c.shutdown(std::net::Shutdown::Write);
    assert_eq!(read_all(&mut c).len(), written);
    s.wait_for("paused one ended: undefined", Duration::from_secs(5));
}

/// Sizes are read as the original reads them: bytes, or a string with a binary unit; anything
/// else is refused where it is given.
#[test]
fn listen_size_and_flag_options_are_parsed_as_the_original() {
    let script = "
        for (const [k, v] of [
          ['congestionLimit', '64k'], ['congestionLimit', 65536], ['congestionLimit', '1.5m'],
          ['congestionLimit', 0], ['bufferLimit', '2g'], ['bufferLimit', '1t'], ['bufferLimit', null],
          ['congestionLimit', 'lots'], ['bufferLimit', -1], ['bufferLimit', true],
          ['masquerade', true], ['masquerade', 'false'], ['masquerade', 'yes'],
        ]) {
          try { pipy().listen(null, { [k]: v }); println(k, JSON.stringify(v), 'ok') }
          catch (e) { println(k, JSON.stringify(v), e.message) }
        }";
    let (out, err, code) = common::run_script("listen-sizes", script, &[]);
    assert_eq!(code, 0, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    for ok in [
        "congestionLimit \"64k\" ok",
        "congestionLimit 65536 ok",
        "congestionLimit \"1.5m\" ok",
        "congestionLimit 0 ok",
        "bufferLimit \"2g\" ok",
        "bufferLimit \"1t\" ok",
        "bufferLimit null ok",
        "masquerade true ok",
        "masquerade \"false\" ok",
    ] {
        assert!(lines.contains(&ok), "{ok}:\n{out}");
    }
    for bad in ["congestionLimit \"lots\"", "bufferLimit -1", "bufferLimit true"] {
        let l = lines.iter().find(|l| l.starts_with(bad)).unwrap_or_else(|| panic!("{bad}:\n{out}"));
        assert!(l.contains("expects a size in bytes"), "{l}");
    }
    assert!(out.contains("masquerade \"yes\" listen(): option 'masquerade' expects a boolean"), "{out}");
}

/// Whether this process may open raw sockets (CAP_NET_RAW, bit 13 of the effective set).
fn may_use_raw_sockets() -> bool {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let eff = status.lines().find_map(|l| l.strip_prefix("CapEff:")).map(str::trim).unwrap_or("0");
    u64::from_str_radix(eff, 16).is_ok_and(|c| c & (1 << 13) != 0)
}

/// `masquerade` on a UDP listener: replies leave from the address the datagram was sent to.
/// Loopback stands in for TPROXY here: the client sends to 127.0.0.2 while the kernel would
/// answer from 127.0.0.1, so a client socket connected to 127.0.0.2 hears only a masqueraded
/// reply. `__inbound.destinationAddress` is that address too.
#[test]
fn masquerade_answers_udp_from_the_address_the_client_sent_to() {
    if !cfg!(target_os = "linux") || !may_use_raw_sockets() {
        eprintln!("skipped: masquerade needs Linux and CAP_NET_RAW");
        return;
    }
    let mut s = Server::start(
        "masquerade",
        "pipy()
         .listen('0.0.0.0:$PORT0', { protocol: 'udp', masquerade: true })
           .handleMessageStart(() => console.log('to:', __inbound.destinationAddress, __inbound.destinationPort))
         .listen('0.0.0.0:$PORT1', { protocol: 'udp' })",
        2,
    );
    let ask = |port: u16| {
        let c = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        c.connect(("127.0.0.2", port)).expect("connect");
        c.set_read_timeout(Some(Duration::from_millis(1500))).expect("timeout");
        c.send(b"ping").expect("send");
        let mut buf = [0u8; 64];
        c.recv(&mut buf).ok().map(|n| buf[..n].to_vec())
    };
    assert_eq!(ask(s.port(0)).as_deref(), Some(&b"ping"[..]), "the reply comes from 127.0.0.2");
    s.wait_for(&format!("to: 127.0.0.2 {}", s.port(0)), Duration::from_secs(5));
    assert_eq!(ask(s.port(1)), None, "without masquerade the reply comes from 127.0.0.1 and is not heard");
}

/// Firewall state made for a test, undone when dropped (each command's undo, in reverse).
struct Undo(Vec<Vec<String>>);

impl Undo {
    /// Runs `cmd`; on success remembers `undo` for later.
    fn run(&mut self, cmd: &[&str], undo: &[&str]) -> bool {
        let ok = std::process::Command::new(cmd[0]).args(&cmd[1..]).status().is_ok_and(|s| s.success());
        if ok {
            self.0.push(undo.iter().map(|s| s.to_string()).collect());
        }
        ok
    }
}

impl Drop for Undo {
    fn drop(&mut self) {
        for cmd in self.0.iter().rev() {
            let _ = std::process::Command::new(&cmd[0]).args(&cmd[1..]).status();
        }
    }
}

/// `transparent` and `masquerade` under a real TPROXY rule (opt in: `cargo test --test options
/// -- --ignored tproxy`; needs root, `iptables` and `ip`, and changes the firewall while it
/// runs: datagrams this host sends to 198.51.100.7, a documentation address, are diverted to
/// the listeners). The destination is not the host's: only a masqueraded reply comes from it.
#[test]
#[ignore]
fn tproxy_udp_listeners_see_the_original_destination_and_masquerade_answers_from_it() {
    let mut s = Server::start(
        "tproxy",
        "pipy()
         .listen('0.0.0.0:$PORT0', { protocol: 'udp', transparent: true, masquerade: true })
           .handleMessageStart(() => console.log('masquerade to:', __inbound.destinationAddress, __inbound.destinationPort))
         .listen('0.0.0.0:$PORT1', { protocol: 'udp', transparent: true })
           .handleMessageStart(() => console.log('plain to:', __inbound.destinationAddress, __inbound.destinationPort))",
        2,
    );
    let (p0, p1) = (s.port(0).to_string(), s.port(1).to_string());
    let mut undo = Undo(Vec::new());
    let mark = ["-j", "MARK", "--set-mark", "0x5a5a"];
    let out = [&["iptables", "-t", "mangle", "-A", "OUTPUT", "-d", "198.51.100.7", "-p", "udp"][..], &mark].concat();
    let out_undo =
        [&["iptables", "-t", "mangle", "-D", "OUTPUT", "-d", "198.51.100.7", "-p", "udp"][..], &mark].concat();
    let divert = |op: &'static str, dport: &'static str, port: &str| -> Vec<String> {
        let to = format!(
            "-t mangle {op} PREROUTING -d 198.51.100.7 -p udp --dport {dport} -j TPROXY --on-port {port} --on-ip 0.0.0.0 --tproxy-mark 0x5a5a"
        );
        std::iter::once("iptables".to_string()).chain(to.split(' ').map(String::from)).collect()
    };
    let ok = undo.run(&out, &out_undo)
        && undo.run(
            &["ip", "rule", "add", "fwmark", "0x5a5a", "lookup", "123"],
            &["ip", "rule", "del", "fwmark", "0x5a5a", "lookup", "123"],
        )
        && undo.run(
            &["ip", "route", "add", "local", "198.51.100.7/32", "dev", "lo", "table", "123"],
            &["ip", "route", "del", "local", "198.51.100.7/32", "dev", "lo", "table", "123"],
        )
        && [("5353", &p0), ("5354", &p1)].iter().all(|(dport, port)| {
            let add = divert("-A", dport, port);
            let del = divert("-D", dport, port);
            undo.run(
                &add.iter().map(String::as_str).collect::<Vec<_>>(),
                &del.iter().map(String::as_str).collect::<Vec<_>>(),
            )
        });
    assert!(ok, "could not set up TPROXY (root, iptables and ip are needed)");
    let ask = |dport: u16| {
        let c = std::net::UdpSocket::bind("0.0.0.0:0").expect("bind");
        c.set_read_timeout(Some(Duration::from_millis(1500))).expect("timeout");
        c.send_to(b"ping", ("198.51.100.7", dport)).expect("send");
        let mut buf = [0u8; 64];
        c.recv_from(&mut buf).ok().map(|(n, from)| (buf[..n].to_vec(), from.to_string()))
    };
    let (echo, from) = ask(5353).expect("a masqueraded reply");
    assert_eq!((echo.as_slice(), from.as_str()), (&b"ping"[..], "198.51.100.7:5353"));
    s.wait_for("masquerade to: 198.51.100.7 5353", Duration::from_secs(5));
    let (echo, from) = ask(5354).expect("a plain reply");
    assert_eq!(echo, b"ping");
    assert_eq!(from.rsplit_once(':').map(|(_, p)| p), Some(p1.as_str()), "from the listener's own port: {from}");
    s.wait_for("plain to: 198.51.100.7 5354", Duration::from_secs(5));
}

/// `connect`'s `congestionLimit` and `bufferLimit`, towards an upstream that accepts and never
/// reads: with only a `bufferLimit` (and no pausing) the stream ends with `BufferOverflow` once
/// that much waits for the upstream; with a smaller `congestionLimit` the client's reading pauses
/// first, nothing overflows, and everything arrives once the upstream reads.
#[test]
fn connect_limits_pause_or_end_a_stream_whose_upstream_falls_behind() {
    use std::io::Read;
    // Two upstreams (the first one may never be connected: the overflow can come first).
    let [never_read, upstream] = [0, 1].map(|_| std::net::TcpListener::bind("127.0.0.1:0").expect("bind"));
    let up0 = never_read.local_addr().expect("addr").port();
    let up = upstream.local_addr().expect("addr").port();
    let mut s = Server::start(
        "connect-limits",
        &format!(
            "pipy()
             .listen($PORT0).connect('127.0.0.1:{up0}', {{ bufferLimit: '64k', congestionLimit: 0 }})
               .handleStreamEnd(e => console.log('overflowed one ended:', e.error))
             .listen($PORT1).connect('127.0.0.1:{up}', {{ bufferLimit: '64k', congestionLimit: '16k' }})
               .handleStreamEnd(e => console.log('paused one ended:', e.error))"
        ),
        2,
    );
    let (_, _) = write_until_stalled(s.port(0));
    s.wait_for("[connect] buffer overflow", Duration::from_secs(5));
    s.wait_for("overflowed one ended: BufferOverflow", Duration::from_secs(5));

    let (written, c) = write_until_stalled(s.port(1));
    let c = c.expect("paused, not closed");
    let (mut second, _) = upstream.accept().expect("the upstream connection");
    let _ = c.shutdown(std::net::Shutdown::Write);
    second.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    let mut got = Vec::new();
    let _ = second.read_to_end(&mut got);
    assert_eq!(got.len(), written, "everything the client wrote reached the upstream");
    let log = s.logged(Duration::from_millis(200)).join("\n");
    assert_eq!(log.matches("buffer overflow").count(), 1, "only the first one overflowed: {log}");
}
