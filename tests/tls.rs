//! TLS over real sockets: `acceptTLS` serving HTTP, `connectTLS` in front of it checking the
//! server against a trusted CA (and refusing an unrelated one), SNI-chosen certificates, ALPN,
//! mutual TLS, and plaintext refused by a TLS port. Certificates: `tests/fixtures/tls/` (test-only).

mod common;

use common::{Server, exchange};
use std::time::Duration;

const SCRIPT: &str = r#"
var cert = new crypto.Certificate(pipy.load('server.crt'))
var key = new crypto.PrivateKey(pipy.load('server.key'))
var ca = new crypto.Certificate(pipy.load('ca.crt'))
var other = new crypto.Certificate(pipy.load('other.crt'))
var clientCert = new crypto.Certificate(pipy.load('client.crt'))
var clientKey = new crypto.PrivateKey(pipy.load('client.key'))
pipy()
.listen($PORT0)
  .acceptTLS({
    certificate: name => { console.log('certificate for', name); return { cert, key } },
    alpn: ['h2', 'http/1.1'],
    handshake: p => console.log('server handshake', p.alpn),
  })
  .to($=>$.serveHTTP(msg => new Message('secure ' + msg.head.path)))
.listen($PORT1)
  .connectTLS({ sni: 'localhost', trusted: [ca], alpn: 'http/1.1', handshake: ({ alpn }) => console.log('client handshake', alpn) })
  .to($=>$.connect('127.0.0.1:$PORT0'))
.listen($PORT2)
  .connectTLS({ sni: 'localhost', trusted: [other] })
  .to($=>$.connect('127.0.0.1:$PORT0'))
.listen($PORT3)
  .acceptTLS({ certificate: { cert, key }, trusted: [ca] })
  .to($=>$.serveHTTP(msg => new Message('mutual ' + msg.head.path)))
.listen($PORT4)
  .connectTLS({ sni: 'localhost', trusted: [ca], certificate: { cert: clientCert, key: clientKey } })
  .to($=>$.connect('127.0.0.1:$PORT3'))
.listen($PORT5)
  .connectTLS({ sni: 'localhost', trusted: [ca] })
  .to($=>$.connect('127.0.0.1:$PORT3'))
"#;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls").join(name))
        .expect("fixture")
}

#[test]
fn tls_client_and_server_talk_and_check_certificates() {
    let files =
        ["server.crt", "server.key", "ca.crt", "other.crt", "client.crt", "client.key"].map(|n| (n, fixture(n)));
    let files: Vec<(&str, &str)> = files.iter().map(|(n, c)| (*n, c.as_str())).collect();
    let mut s = Server::start_with("tls", SCRIPT, 6, &files, &[]);
    let request = b"GET /abc HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";

    // Plaintext in, TLS between the two listeners, plaintext out.
    let r = String::from_utf8_lossy(&exchange(s.port(1), request)).into_owned();
    assert!(r.starts_with("HTTP/1.1 200 OK\r\n") && r.ends_with("\r\n\r\nsecure /abc"), "{r}");
    s.wait_for("certificate for localhost", Duration::from_secs(5));
    s.wait_for("server handshake http/1.1", Duration::from_secs(5));
    s.wait_for("client handshake http/1.1", Duration::from_secs(5));

    // A server whose chain does not lead to the trusted CA: no answer, the stream is cut.
    assert_eq!(exchange(s.port(2), request), b"");

    // Plaintext sent to the TLS port is not a handshake: no HTTP answer.
    let r = exchange(s.port(0), request);
    assert!(!String::from_utf8_lossy(&r).contains("secure"), "{r:?}");

    // Mutual TLS: a client with a certificate from the trusted CA gets in, one without does not.
    let r = String::from_utf8_lossy(&exchange(s.port(4), request)).into_owned();
    assert!(r.ends_with("\r\n\r\nmutual /abc"), "{r}");
    let r = exchange(s.port(5), request);
    assert!(!String::from_utf8_lossy(&r).contains("mutual"), "{r:?}");

    // The server keeps serving.
    let r = String::from_utf8_lossy(&exchange(s.port(1), request)).into_owned();
    assert!(r.ends_with("secure /abc"), "{r}");
}

/// An X.509 v1 certificate (webpki reads only v3) is served by `acceptTLS` and accepted by a
/// `connectTLS` without `trusted`, as the original's OpenSSL does; the handshake signature is
/// still checked against the certificate's key, so a server with the wrong key gets nowhere.
/// `detectProtocol`'s callback may return a non-event (an assignment's value): it is ignored.
#[test]
fn an_x509_v1_certificate_is_served_and_accepted_without_trusted() {
    let script = r#"
var cert = new crypto.Certificate(pipy.load('v1.crt'))
var key = new crypto.PrivateKey(pipy.load('v1.key'))
var wrongKey = new crypto.PrivateKey(pipy.load('server.key'))
var _protocol
pipy()
.listen($PORT0)
  .acceptTLS({ certificate: { cert, key } })
  .to($=>$.detectProtocol(p => _protocol = p).serveHTTP(msg => new Message('v1 ' + _protocol + ' ' + msg.head.path)))
.listen($PORT1)
  .connectTLS({ handshake: () => console.log('client handshake done') })
  .to($=>$.connect('127.0.0.1:$PORT0'))
.listen($PORT2)
  .acceptTLS({ certificate: { cert, key: wrongKey } })
  .to($=>$.serveHTTP(new Message('never')))
.listen($PORT3)
  .connectTLS()
  .to($=>$.connect('127.0.0.1:$PORT2'))
"#;
    let files = ["v1.crt", "v1.key", "server.key"].map(|n| (n, fixture(n)));
    let files: Vec<(&str, &str)> = files.iter().map(|(n, c)| (*n, c.as_str())).collect();
    let mut s = Server::start_with("tls-v1", script, 4, &files, &[]);
    let request = b"GET /old HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n";
    let r = String::from_utf8_lossy(&exchange(s.port(1), request)).into_owned();
    assert!(r.starts_with("HTTP/1.1 200 OK\r\n") && r.ends_with("\r\n\r\nv1 HTTP /old"), "{r}");
    s.wait_for("client handshake done", Duration::from_secs(5));
    assert_eq!(exchange(s.port(3), request), b"", "a signature by another key is refused");
    let line = s.wait_for("[connectTLS] TLS error", Duration::from_secs(5));
    assert!(line.contains("BadSignature"), "{line}");
    let r = String::from_utf8_lossy(&exchange(s.port(1), request)).into_owned();
    assert!(r.ends_with("v1 HTTP /old"), "still serving: {r}");
    let log = s.logged(Duration::from_millis(200)).join("\n");
    assert!(!log.contains("is not an event"), "{log}");
}

/// TLS passthrough routed by SNI: `handleTLSClientHello` reads the client's server name and ALPN
/// list without decrypting, the stream goes on unchanged to the TLS server the name picks.
#[test]
fn client_hello_routes_tls_passthrough_by_server_name() {
    let script = r#"
var cert = new crypto.Certificate(pipy.load('server.crt'))
var key = new crypto.PrivateKey(pipy.load('server.key'))
var ca = new crypto.Certificate(pipy.load('ca.crt'))
var backends = { localhost: '127.0.0.1:$PORT1' }
pipy({ _target: undefined })
.listen($PORT0)
  .handleTLSClientHello(h => (
    console.log('hello', JSON.stringify(h)),
    _target = backends[h.serverNames[0]]
  ))
  .connect(() => _target)
.listen($PORT1)
  .acceptTLS({ certificate: { cert, key }, alpn: ['http/1.1'] })
  .to($=>$.serveHTTP(msg => new Message('passed through ' + msg.head.path)))
.listen($PORT2)
  .connectTLS({ sni: 'localhost', trusted: [ca], alpn: ['h2', 'http/1.1'] })
  .to($=>$.connect('127.0.0.1:$PORT0'))
"#;
    let files = ["server.crt", "server.key", "ca.crt"].map(|n| (n, fixture(n)));
    let files: Vec<(&str, &str)> = files.iter().map(|(n, c)| (*n, c.as_str())).collect();
    let mut s = Server::start_with("tls-hello", script, 3, &files, &[]);
    let r = String::from_utf8_lossy(&exchange(s.port(2), b"GET /x HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"))
        .into_owned();
    assert!(r.starts_with("HTTP/1.1 200 OK\r\n") && r.ends_with("passed through /x"), "{r}");
    s.wait_for(r#"hello {"serverNames":["localhost"],"protocolNames":["h2","http/1.1"]}"#, Duration::from_secs(5));
}

/// `http.Agent` with `tls` speaks HTTPS (the server name defaults to the host; `trusted` checks
/// it), and `logging.toHTTP` to an `https://` URL delivers its lines over it.
#[test]
fn agents_and_http_loggers_speak_https() {
    let script = r#"
var cert = new crypto.Certificate(pipy.load('server.crt'))
var key = new crypto.PrivateKey(pipy.load('server.key'))
var ca = new crypto.Certificate(pipy.load('ca.crt'))
var other = new crypto.Certificate(pipy.load('other.crt'))
pipy().listen($PORT0)
  .acceptTLS({ certificate: { cert, key } })
  .to($=>$.serveHTTP(msg => (
    msg.head.path == '/logs' && console.log('collector got', msg.body.toString().trim()),
    new Message('secure ' + msg.head.path)
  )))
var good = new http.Agent('localhost:$PORT0', { tls: { trusted: [ca] } })
var bad = new http.Agent('localhost:$PORT0', { tls: { trusted: [other] } })
var logger = new logging.TextLogger('audit').toHTTP('https://localhost:$PORT0/logs', { tls: { trusted: [ca] }, batch: { size: 1 } })
pipy().listen($PORT1).serveHTTP(() => good.request('GET', '/hello').then(r => (
  logger.log('a line for the collector'),
  bad.request('GET', '/nope').then(r2 => new Message(r.body.toString() + ' | ' + r2.head.status))
)))
"#;
    let files = ["server.crt", "server.key", "ca.crt", "other.crt"].map(|n| (n, fixture(n)));
    let files: Vec<(&str, &str)> = files.iter().map(|(n, c)| (*n, c.as_str())).collect();
    let mut s = Server::start_with("tls-agent", script, 2, &files, &[]);
    let r = String::from_utf8_lossy(&exchange(s.port(1), b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"))
        .into_owned();
    assert!(r.starts_with("HTTP/1.1 200 OK\r\n") && r.ends_with("secure /hello | 502"), "{r}");
    s.wait_for("collector got a line for the collector", Duration::from_secs(10));
}

/// `crypto.Certificate` fields, as the original prints them for the same certificate.
#[test]
fn a_certificate_tells_its_names_and_validity() {
    let crt = fixture("server.crt");
    let script = "var c = new crypto.Certificate(pipy.load('server.crt'))\n\
        println(JSON.stringify(c.subject), JSON.stringify(c.issuer), JSON.stringify(c.subjectAltNames), c.notBefore, c.notAfter)\n\
        println(c.toPEM().toString() == pipy.load('server.crt').toString())";
    let (out, err, code) = common::run_script("cert-fields", script, &[("server.crt", crt.as_bytes())]);
    assert_eq!(code, 0, "{err}");
    // What the original (Pipy 1.5.18, OpenSSL) printed for tests/fixtures/tls/server.crt.
    assert_eq!(
        out,
        "{\"commonName\":\"localhost\"} {\"commonName\":\"Pipy Test CA\"} [\"localhost\"] 1795488754000 4949088754000\ntrue\n"
    );
}

/// SEC1 `EC PRIVATE KEY` files (as `openssl ecparam -genkey` writes them) sign, and OpenSSL
/// verifies what they signed.
#[test]
fn sec1_ec_keys_sign() {
    let mut files = Vec::new();
    for n in ["ec-p256-sec1.key", "ec-p256.pub", "ec-p384-sec1.key", "ec-p384.pub"] {
        files.push((n, fixture(n)));
    }
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (*n, c.as_bytes())).collect();
    let script = "[['p256', 'sha256'], ['p384', 'sha384']].forEach(([curve, hash]) => {\n\
          var key = new crypto.PrivateKey(pipy.load('ec-' + curve + '-sec1.key'))\n\
          var s = new crypto.Sign(hash); s.update('signed by a SEC1 key')\n\
          var sig = s.sign(key)\n\
          var v = new crypto.Verify(hash); v.update('signed by a SEC1 key')\n\
          var pub = new crypto.PublicKey(pipy.load('ec-' + curve + '.pub'))\n\
          os.writeFile('sig-' + curve, sig)\n\
          println(curve, v.verify(pub, sig))\n\
        })";
    let dir = common::temp_dir("sec1-sign");
    for (n, c) in &files {
        std::fs::write(dir.join(n), c).expect("write");
    }
    std::fs::write(dir.join("main.js"), script).expect("write");
    let (out, err, code) = common::run_in(&dir, &["main.js"]);
    assert_eq!((out.as_str(), code), ("p256 true\np384 true\n", 0), "{err}");
    // OpenSSL checks the signatures too, when it is installed.
    if std::process::Command::new("openssl").arg("version").output().is_ok() {
        for (curve, hash) in [("p256", "sha256"), ("p384", "sha384")] {
            std::fs::write(dir.join("msg"), "signed by a SEC1 key").expect("write");
            let ok = std::process::Command::new("openssl")
                .args([
                    "dgst",
                    &format!("-{hash}"),
                    "-verify",
                    &format!("ec-{curve}.pub"),
                    "-signature",
                    &format!("sig-{curve}"),
                    "msg",
                ])
                .current_dir(&dir)
                .output()
                .expect("openssl runs");
            assert!(
                String::from_utf8_lossy(&ok.stdout).contains("Verified OK"),
                "{curve}: {}",
                String::from_utf8_lossy(&ok.stdout)
            );
        }
    }
    let _ = std::fs::remove_dir_all(dir);
}
