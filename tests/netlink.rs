//! Netlink: `encodeNetlink` → `connect(…, { protocol: 'netlink' })` → `decodeNetlink` against the
//! real kernel (an `RTM_GETLINK` dump over `NETLINK_ROUTE`, as the original's `rtnl.js` sample
//! does), and malformed input to `decodeNetlink` logged without a panic. The byte-exact round
//! trip is `tests/scripts/netlink.js`.

mod common;

/// Reads the names of the links in `RTM_NEWLINK` replies (the `IFLA_IFNAME` attribute after the
/// 16-byte `ifinfomsg`), counts the message types, and ends the stream at `NLMSG_DONE`.
const DUMP_LINKS: &str = r#"
var kinds = {}
var names = []
var seqs = []
function ifname(body) {
  var b = body.toArray()
  for (var at = 16; at + 4 <= b.length;) {
    var len = b[at] | (b[at + 1] << 8), type = b[at + 2] | (b[at + 3] << 8)
    if (len < 4) break
    if (type === 3) return String.fromCharCode(...b.slice(at + 4, at + len).filter(c => c !== 0))
    at += (len + 3) & ~3
  }
}
pipeline($=>$
  .onStart(new Message({ type: 18, flags: 0x301, seq: 42 }, new Data(Array(16).fill(0))))
  .encodeNetlink()
  .connect('pid=0;groups=0', { protocol: 'netlink', netlinkFamily: 0 /*BIND*/ })
  .decodeNetlink()
  .handleMessage(msg => {
    var h = msg.head
    kinds[h.type] = (kinds[h.type] || 0) + 1
    if (seqs.indexOf(h.seq) < 0) seqs.push(h.seq)
    if (h.type === 16) names.push(ifname(msg.body))
    if (h.type === 2) println('NLMSG_ERROR', msg.body.toArray().slice(0, 4).join(','))
  })
  .replaceMessage(msg => msg.head.type === 3 || msg.head.type === 2 ? new StreamEnd : msg)
  .handleStreamEnd(e => {
    println('end', e.error || 'none')
    println('kinds', JSON.stringify(kinds))
    println('seqs', seqs.join(','))
    println('names', names.join(','))
  })
).spawn()
"#;

#[test]
fn a_link_dump_from_the_kernel_over_netlink_route() {
    dump_links("netlink-dump", "");
}

/// Bound to the `RTMGRP_LINK` multicast group (as the original's sample watches for changes),
/// the socket still gets the answer to its own request.
#[test]
fn a_link_dump_on_a_socket_bound_to_a_multicast_group() {
    dump_links("netlink-dump-group", ", bind: 'pid=0;groups=0x1'");
}

fn dump_links(name: &str, bind: &str) {
    if !cfg!(target_os = "linux") {
        println!("skipped: Netlink is Linux only");
        return;
    }
    let (out, err, code) = common::run_script(name, &DUMP_LINKS.replace(" /*BIND*/", bind), &[]);
    if err.contains("cannot open a Netlink socket") {
        // The sandbox refused the socket: say why rather than fail.
        println!("skipped: this sandbox forbids Netlink sockets: {}", err.trim());
        return;
    }
    assert_eq!(code, 0, "{out}\n{err}");
    let line = |key: &str| -> String {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{key} ")))
            .unwrap_or_else(|| panic!("no '{key}' line:\n{out}\n{err}"))
            .to_string()
    };
    assert_eq!(line("end"), "none", "{out}\n{err}");
    let kinds: serde_json::Value = serde_json::from_str(&line("kinds")).expect("kinds as JSON");
    assert!(kinds["16"].as_u64().is_some_and(|n| n >= 1), "no RTM_NEWLINK reply: {out}");
    assert_eq!(kinds["3"].as_u64(), Some(1), "the dump ends with one NLMSG_DONE: {out}");
    assert!(kinds.get("2").is_none(), "the kernel answered with an error: {out}");
    assert_eq!(line("seqs"), "42", "every reply carries the request's sequence number: {out}");
    let names = line("names");
    assert!(names.split(',').any(|n| n == "lo"), "no loopback interface among {names}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn netlink_addresses_and_options_are_checked() {
    let script = r#"
for (var [target, options] of [
  ['pid=0;groups=0', { protocol: 'netlink', netlinkFamily: -1 }],
  ['pid=0;groups=0', { protocol: 'netlink', bind: 'pid=0;port=1' }],
  ['pid=0;groups=0', { protocol: 'netlink', bind: 'groups=0x1', netlinkFamily: 0 }],
]) {
  try { pipeline($=>$.connect(target, options)); println('ok') } catch (e) { println(e.message) }
}
pipeline($=>$.connect('pid=zero', { protocol: 'netlink' }).handleStreamEnd(e => println('end', e.error)))
  .process([new Data('x')])
"#;
    let (out, err, code) = common::run_script("netlink-options", script, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "connect(): invalid netlinkFamily -1", "{out}");
    assert!(lines[1].starts_with("connect(): invalid bind address 'pid=0;port=1': unknown field 'port'"), "{out}");
    assert_eq!(lines[2], "ok", "{out}");
    assert!(
        out.contains("end TypeError: connect(): invalid Netlink address 'pid=zero': 'zero' is not a 32-bit number"),
        "{out}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn malformed_netlink_input_is_logged_and_ends_the_stream() {
    let script = r#"
var decode = input => pipeline($=>$
  .decodeNetlink()
  .handleMessage(msg => println('message', msg.head.type))
  .handleStreamEnd(e => println('end', e.error || 'none'))
).process(input)
// a length field of 8, smaller than the 16-byte header
decode(new Data([8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
// a whole message, then one whose length field (100) is more than arrives before the end
decode(new Data([16, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2]))
// a length field of 0xffffffff
decode(new Data([255, 255, 255, 255, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))
"#;
    let (out, err, code) = common::run_script("netlink-malformed", script, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(out, "end ProtocolError\nmessage 2\nend ProtocolError\nend ProtocolError\n", "{err}");
    for logged in [
        "decodeNetlink(): malformed Netlink input: length field 8 is smaller than the 16-byte header",
        "decodeNetlink(): malformed Netlink input: the stream ended inside a message: its length field says 100 bytes, 18 arrived",
        "decodeNetlink(): malformed Netlink input: the stream ended inside a message: its length field says 4294967295 bytes, 16 arrived",
    ] {
        assert!(err.contains(logged), "not logged: {logged}\n{err}");
    }
    assert!(!err.contains("panicked"), "{err}");
}

/// A family the kernel does not have ends the stream with `ConnectionRefused`, saying why.
#[test]
fn a_family_the_kernel_lacks_is_refused_with_a_logged_reason() {
    if !cfg!(target_os = "linux") {
        println!("skipped: Netlink is Linux only");
        return;
    }
    let script = "pipeline($=>$
  .onStart(new Message({ type: 18, flags: 0x301 }, new Data(Array(16).fill(0))))
  .encodeNetlink()
  .connect('pid=0;groups=0', { protocol: 'netlink', netlinkFamily: 30 })
  .handleStreamEnd(e => println('end', e.error))
).spawn()";
    let (out, err, code) = common::run_script("netlink-family", script, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(out, "end ConnectionRefused\n", "{err}");
    assert!(err.contains("[netlink] cannot open a Netlink socket of family 30:"), "{err}");
}
