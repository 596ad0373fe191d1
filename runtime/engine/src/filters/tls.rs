//! `acceptTLS` and `connectTLS`: TLS on a byte stream (rustls, sans-IO).
//!
//! `acceptTLS({ certificate: { cert, key } | serverName => ({ cert, key }), trusted?, alpn?,
//! handshake? }).to(sub)`: the input is the client's TLS bytes; decrypted Data goes into the
//! sub-pipeline, whose output is encrypted back. `connectTLS({ sni?, trusted?, certificate?,
//! alpn?, handshake? }).to(sub)`: the input is plaintext, encrypted into the sub-pipeline (which
//! connects somewhere); what it outputs is decrypted. Without `trusted` a client accepts any
//! server certificate, as the original does; with it, only chains to those certificates (and
//! the `sni` name) pass. A failed handshake ends the stream with `ProtocolError`.

use super::{BuildCx, FilterSpec, arg, check_options, joint_factory, option};
use crate::pipeline::event::{ErrorCode, Event};
use crate::pipeline::{Cx, Filter, FilterFactory, Pipeline, SubContext, SubSlot};
use crate::tls::{certificates_of, private_key_of, provider};
use pipy_value::{JsResult, Value, error, ops};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::Acceptor;
use rustls::{ClientConfig, ClientConnection, RootCertStore, ServerConfig, ServerConnection};
use std::io::{Read, Write};
use std::rc::Rc;
use std::sync::Arc;

/// A TLS 1.2/1.3 fatal `no_application_protocol` alert record (RFC 7301 §3.2).
const NO_APPLICATION_PROTOCOL: [u8; 7] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x78];

const ACCEPT_OPTIONS: &[&str] = &["certificate", "trusted", "alpn", "handshake"];
const CONNECT_OPTIONS: &[&str] = &["certificate", "trusted", "sni", "alpn", "handshake"];

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "acceptTLS",
        params: "(options)",
        help: "TLS server: decrypts the input into a sub-pipeline and encrypts what it outputs",
        joint: true,
        options: ACCEPT_OPTIONS,
        build: build_accept,
    },
    FilterSpec {
        name: "connectTLS",
        params: "(options?)",
        help: "TLS client: encrypts the input into a sub-pipeline (which connects) and decrypts its output",
        joint: true,
        options: CONNECT_OPTIONS,
        build: build_connect,
    },
];

fn tls_error(what: &str, e: impl std::fmt::Display) -> Value {
    error::type_error(&format!("{what}: {e}"))
}

/// `trusted: [crypto.Certificate, …]` as a root store.
fn roots(v: &Value) -> JsResult<Option<Arc<RootCertStore>>> {
    if v.is_nullish() {
        return Ok(None);
    }
    let mut store = RootCertStore::empty();
    for c in ops::iterate_to_vec(v)? {
        for der in certificates_of(&c)? {
            store.add(der).map_err(|e| tls_error("trusted", e))?;
        }
    }
    Ok(Some(Arc::new(store)))
}

/// `alpn: 'h2'` or `['h2', 'http/1.1']` (or, for `acceptTLS`, a function choosing by index).
fn alpn_list(v: &Value) -> JsResult<Vec<Vec<u8>>> {
    match v {
        Value::Undefined | Value::Null => Ok(Vec::new()),
        Value::String(s) => Ok(vec![s.to_rust_string().into_bytes()]),
        _ => ops::iterate_to_vec(v)?.iter().map(|p| Ok(ops::to_rust_string(p)?.into_bytes())).collect(),
    }
}

/// What a `handshake` callback gets, as the original's: `{ alpn }`, the protocol ALPN chose
/// (`''` when none was).
fn handshake_info(alpn: Option<&[u8]>) -> Value {
    let o = pipy_value::object::Obj::ordinary();
    let name = alpn.map(|p| String::from_utf8_lossy(p).into_owned()).unwrap_or_default();
    o.define_value("alpn", Value::str(&name), pipy_value::attr::DEFAULT);
    Value::Object(o)
}

/// `{ cert, key }`.
fn cert_and_key(v: &Value) -> JsResult<(Vec<CertificateDer<'static>>, rustls::pki_types::PrivateKeyDer<'static>)> {
    Ok((certificates_of(&ops::get_str(v, "cert")?)?, private_key_of(&ops::get_str(v, "key")?)?))
}

// ---- acceptTLS ----

enum ServerCert {
    Fixed(Arc<ServerConfig>),
    /// `serverName => ({ cert, key })`, called per handshake.
    Chosen(Value),
}

struct AcceptConfig {
    cert: ServerCert,
    trusted: Option<Arc<RootCertStore>>,
    alpn: Vec<Vec<u8>>,
    /// `alpn: names => index`: picks one of the protocols the client offers.
    alpn_choose: Value,
    handshake: Value,
}

fn server_config(cert: &Value, trusted: &Option<Arc<RootCertStore>>, alpn: &[Vec<u8>]) -> JsResult<Arc<ServerConfig>> {
    let (certs, key) = cert_and_key(cert)?;
    let builder = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error("acceptTLS()", e))?;
    let builder = match trusted {
        Some(roots) => {
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(roots.clone(), provider())
                .build()
                .map_err(|e| tls_error("acceptTLS(): trusted", e))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let provider = provider();
    let certified = match rustls::sign::CertifiedKey::from_der(certs.clone(), key.clone_key(), &provider) {
        Ok(c) => c,
        // webpki reads only X.509 v3; a v1 certificate (as older tools make, and the original's
        // OpenSSL serves) is sent as it is, without the check that the key is its key.
        Err(e) if is_old_version(&e) => {
            let signer = provider.key_provider.load_private_key(key).map_err(|e| tls_error("acceptTLS(): key", e))?;
            rustls::sign::CertifiedKey::new(certs, signer)
        }
        Err(e) => return Err(tls_error("acceptTLS(): certificate", e)),
    };
    let mut config = builder.with_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(certified)));
    config.alpn_protocols = alpn.to_vec();
    Ok(Arc::new(config))
}

fn build_accept(cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let opts = arg(args, 0);
    check_options("acceptTLS", &opts, ACCEPT_OPTIONS)?;
    let trusted = roots(&option(&opts, "trusted")?)?;
    let alpn_option = option(&opts, "alpn")?;
    let (alpn, alpn_choose) = if alpn_option.is_callable() {
        (Vec::new(), alpn_option)
    } else {
        (alpn_list(&alpn_option)?, Value::Undefined)
    };
    let cert = match option(&opts, "certificate")? {
        v if v.is_callable() => ServerCert::Chosen(v),
        v if v.is_object() => ServerCert::Fixed(server_config(&v, &trusted, &alpn)?),
        _ => return Err(error::type_error("acceptTLS(): the certificate option is required ({ cert, key })")),
    };
    let config = AcceptConfig { cert, trusted, alpn, alpn_choose, handshake: option(&opts, "handshake")? };
    let _ = cx;
    Ok(joint_factory("acceptTLS", config, SubSlot::new(None), make_accept))
}

fn make_accept(cfg: &Rc<AcceptConfig>, slot: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(AcceptTls {
        cfg: cfg.clone(),
        slot: slot.cloned(),
        state: ServerState::Hello(Box::default()),
        sub: None,
        handshaken: false,
    })
}

enum ServerState {
    Hello(Box<Acceptor>),
    Open(Box<ServerConnection>),
    Failed,
}

struct AcceptTls {
    cfg: Rc<AcceptConfig>,
    slot: Option<Rc<SubSlot>>,
    state: ServerState,
    sub: Option<Rc<Pipeline>>,
    handshaken: bool,
}

impl AcceptTls {
    fn fail(&mut self, cx: &mut Cx<'_>, alert: Vec<u8>) {
        self.state = ServerState::Failed;
        if !alert.is_empty() {
            cx.output(Event::Data(alert.into()));
        }
        cx.fail(ErrorCode::ProtocolError);
    }

    fn feed(&mut self, cx: &mut Cx<'_>, mut rd: &[u8]) {
        while !rd.is_empty() {
            match &mut self.state {
                ServerState::Hello(acceptor) => {
                    if acceptor.read_tls(&mut rd).is_err() {
                        return self.fail(cx, Vec::new());
                    }
                    match acceptor.accept() {
                        Ok(None) => {}
                        Ok(Some(accepted)) => {
                            let config = match &self.cfg.cert {
                                ServerCert::Fixed(c) => c.clone(),
                                ServerCert::Chosen(f) => {
                                    let name =
                                        accepted.client_hello().server_name().map(Value::str).unwrap_or_default();
                                    let f = f.clone();
                                    let Some(cert) = cx.call(&f, &[name]) else { return };
                                    match server_config(&cert, &self.cfg.trusted, &self.cfg.alpn) {
                                        Ok(c) => c,
                                        Err(e) => return cx.throw(e),
                                    }
                                }
                            };
                            let config = match self.choose_alpn(cx, &accepted, config) {
                                Some(Ok(c)) => c,
                                Some(Err(())) => {
                                    // No protocol both sides speak: the handshake fails, as the
                                    // original's (a fatal no_application_protocol alert).
                                    return self.fail(cx, NO_APPLICATION_PROTOCOL.to_vec());
                                }
                                None => return,
                            };
                            match accepted.into_connection(config) {
                                Ok(conn) => self.state = ServerState::Open(Box::new(conn)),
                                Err((_, mut alert)) => {
                                    let mut out = Vec::new();
                                    let _ = alert.write_all(&mut out);
                                    return self.fail(cx, out);
                                }
                            }
                        }
                        Err((_, mut alert)) => {
                            let mut out = Vec::new();
                            let _ = alert.write_all(&mut out);
                            return self.fail(cx, out);
                        }
                    }
                }
                ServerState::Open(conn) => {
                    if conn.read_tls(&mut rd).is_err() {
                        return self.fail(cx, Vec::new());
                    }
                    if let Err(e) = conn.process_new_packets() {
                        crate::log::warn(&format!("[acceptTLS] TLS error: {e}"));
                        let alert = take_tls::<rustls::server::ServerConnectionData>(conn);
                        return self.fail(cx, alert);
                    }
                    let plain = take_plaintext(conn.reader());
                    if !plain.is_empty() {
                        self.start_sub(cx);
                        if let Some(p) = &self.sub {
                            p.input(Event::Data(plain.into()));
                        }
                    }
                }
                ServerState::Failed => return,
            }
        }
        self.after_io(cx);
    }

    /// The protocol of this connection, as the original picks it: the first the client offers
    /// that the `alpn` list has, or the one the `alpn` function picks by index from the
    /// client's list. Returns the config to use (with only the chosen protocol), `Err` when
    /// none fits, `None` when the function threw.
    fn choose_alpn(
        &self,
        cx: &mut Cx<'_>,
        accepted: &rustls::server::Accepted,
        config: Arc<ServerConfig>,
    ) -> Option<Result<Arc<ServerConfig>, ()>> {
        let offered: Vec<Vec<u8>> =
            accepted.client_hello().alpn().map(|it| it.map(|p| p.to_vec()).collect()).unwrap_or_default();
        let chosen = if self.cfg.alpn_choose.is_callable() {
            if offered.is_empty() {
                return Some(Ok(config));
            }
            let names = offered.iter().map(|p| Value::str(&String::from_utf8_lossy(p))).collect();
            let names = Value::Object(pipy_value::object::Obj::array(names));
            let f = self.cfg.alpn_choose.clone();
            let r = cx.call(&f, &[names])?;
            let i = pipy_value::ops::to_number(&r).unwrap_or(f64::NAN);
            if !(i >= 0.0 && (i as usize) < offered.len()) {
                return Some(Err(()));
            }
            offered[i as usize].clone()
        } else {
            if self.cfg.alpn.is_empty() || offered.is_empty() {
                return Some(Ok(config));
            }
            match offered.iter().find(|p| self.cfg.alpn.contains(p)) {
                Some(p) => p.clone(),
                None => return Some(Err(())),
            }
        };
        let mut c = (*config).clone();
        c.alpn_protocols = vec![chosen];
        Some(Ok(Arc::new(c)))
    }

    fn start_sub(&mut self, cx: &mut Cx<'_>) {
        if self.sub.is_some() {
            return;
        }
        let layout = match self.slot.as_ref().map(|s| s.layout()) {
            Some(Ok(l)) => l,
            Some(Err(e)) => return cx.throw(e),
            None => return cx.throw(error::type_error("acceptTLS(): missing .to(...)")),
        };
        let p = cx.sub(&layout, SubContext::Share, 0);
        p.start(&[]);
        self.sub = Some(p);
    }

    /// After bytes went in or out: the handshake callback once, and what rustls wants to send.
    fn after_io(&mut self, cx: &mut Cx<'_>) {
        let ServerState::Open(conn) = &mut self.state else { return };
        let out = take_tls::<rustls::server::ServerConnectionData>(conn);
        let done = !conn.is_handshaking() && !self.handshaken;
        let protocol = handshake_info(conn.alpn_protocol());
        if !out.is_empty() {
            cx.output(Event::Data(out.into()));
        }
        if done {
            self.handshaken = true;
            if self.cfg.handshake.is_callable() {
                let f = self.cfg.handshake.clone();
                if cx.call(&f, &[protocol]).is_none() {
                    return;
                }
            }
            self.start_sub(cx);
        }
    }
}

impl Filter for AcceptTls {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::Data(d) => {
                for c in d.chunks() {
                    self.feed(cx, c);
                    if matches!(self.state, ServerState::Failed) {
                        return;
                    }
                }
            }
            Event::StreamEnd(_) => match &self.sub {
                Some(p) => p.input(e),
                None => cx.output(e),
            },
            _ => {}
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, _tag: u32, e: Event) {
        let ServerState::Open(conn) = &mut self.state else { return };
        match e {
            Event::Data(d) => {
                for c in d.chunks() {
                    let _ = conn.writer().write_all(c);
                }
                self.after_io(cx);
            }
            Event::StreamEnd(_) => {
                conn.send_close_notify();
                self.after_io(cx);
                cx.output(e);
            }
            _ => {}
        }
    }
}

// ---- connectTLS ----

enum Sni {
    None,
    Fixed(ServerName<'static>),
    /// A function returning the name, called per connection.
    Chosen(Value),
}

struct ConnectConfig {
    config: Arc<ClientConfig>,
    sni: Sni,
    handshake: Value,
}

/// Accepts any server certificate (no `trusted` option), checking only that its signatures
/// are sound.
#[derive(Debug)]
struct AnyServer(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyServer {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        let algs = &self.0.signature_verification_algorithms;
        match rustls::crypto::verify_tls12_signature(message, cert, dss, algs) {
            Err(e) if is_old_version(&e) => verify_with_key_of(cert, message, dss, algs),
            r => r,
        }
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        let algs = &self.0.signature_verification_algorithms;
        match rustls::crypto::verify_tls13_signature(message, cert, dss, algs) {
            Err(e) if is_old_version(&e) => verify_with_key_of(cert, message, dss, algs),
            r => r,
        }
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// webpki's refusal of a certificate older than X.509 v3.
fn is_old_version(e: &rustls::Error) -> bool {
    match e {
        rustls::Error::InvalidCertificate(rustls::CertificateError::Other(e)) => {
            matches!(e.0.downcast_ref::<webpki::Error>(), Some(webpki::Error::UnsupportedCertVersion))
        }
        _ => false,
    }
}

/// Checks a handshake signature against the public key of a certificate webpki will not read
/// (X.509 v1, which the original's OpenSSL accepts): the key is taken from the certificate's
/// DER by hand and checked as a raw public key.
fn verify_with_key_of(
    cert: &CertificateDer<'_>,
    message: &[u8],
    dss: &rustls::DigitallySignedStruct,
    algs: &rustls::crypto::WebPkiSupportedAlgorithms,
) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
    let bad = || rustls::Error::InvalidCertificate(rustls::CertificateError::BadEncoding);
    let spki = subject_public_key_info(cert).ok_or_else(bad)?;
    let spki = rustls::pki_types::SubjectPublicKeyInfoDer::from(spki);
    let key = webpki::RawPublicKeyEntity::try_from(&spki).map_err(|_| bad())?;
    let candidates = algs.mapping.iter().find(|(scheme, _)| *scheme == dss.scheme).map(|(_, a)| *a).unwrap_or(&[]);
    for alg in candidates {
        if key.verify_signature(*alg, message, dss.signature()).is_ok() {
            return Ok(rustls::client::danger::HandshakeSignatureValid::assertion());
        }
    }
    Err(rustls::Error::InvalidCertificate(rustls::CertificateError::BadSignature))
}

/// One DER element: its tag, its whole encoding, and what follows it.
struct Der<'a> {
    tag: u8,
    whole: &'a [u8],
    rest: &'a [u8],
    contents: &'a [u8],
}

/// The first DER element of `b`.
fn der_element(b: &[u8]) -> Option<Der<'_>> {
    let (&tag, rest) = b.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        (rest[..n].iter().fold(0usize, |acc, &d| (acc << 8) | d as usize), &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    let header = b.len() - rest.len();
    Some(Der { tag, whole: &b[..header + len], rest: &rest[len..], contents: &rest[..len] })
}

/// The SubjectPublicKeyInfo element of a certificate (any X.509 version).
fn subject_public_key_info(cert: &[u8]) -> Option<&[u8]> {
    const SEQUENCE: u8 = 0x30;
    let sequence = |b| der_element(b).filter(|e| e.tag == SEQUENCE);
    let tbs = sequence(sequence(cert)?.contents)?;
    // [0] version (absent in v1), serialNumber, signature, issuer, validity, subject, key.
    let first = der_element(tbs.contents)?;
    let mut fields = if first.tag == 0xa0 { first.rest } else { tbs.contents };
    for _ in 0..5 {
        fields = der_element(fields)?.rest;
    }
    sequence(fields).map(|e| e.whole)
}

fn server_name(s: &str) -> JsResult<ServerName<'static>> {
    ServerName::try_from(s.to_string()).map_err(|e| tls_error("connectTLS(): sni", e))
}

fn build_connect(cx: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let opts = arg(args, 0);
    check_options("connectTLS", &opts, CONNECT_OPTIONS)?;
    let builder = ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| tls_error("connectTLS()", e))?;
    let builder = match roots(&option(&opts, "trusted")?)? {
        Some(r) => builder.with_root_certificates(r),
        None => builder.dangerous().with_custom_certificate_verifier(Arc::new(AnyServer(provider()))),
    };
    let mut config = match option(&opts, "certificate")? {
        v if v.is_object() => {
            let (certs, key) = cert_and_key(&v)?;
            builder.with_client_auth_cert(certs, key).map_err(|e| tls_error("connectTLS(): certificate", e))?
        }
        _ => builder.with_no_client_auth(),
    };
    config.alpn_protocols = alpn_list(&option(&opts, "alpn")?)?;
    let sni = match option(&opts, "sni")? {
        Value::Undefined | Value::Null => Sni::None,
        v if v.is_callable() => Sni::Chosen(v),
        v => Sni::Fixed(server_name(&ops::to_rust_string(&v)?)?),
    };
    config.enable_sni = !matches!(sni, Sni::None);
    let _ = cx;
    let cfg = ConnectConfig { config: Arc::new(config), sni, handshake: option(&opts, "handshake")? };
    Ok(joint_factory("connectTLS", cfg, SubSlot::new(None), make_connect))
}

fn make_connect(cfg: &Rc<ConnectConfig>, slot: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(ConnectTls {
        cfg: cfg.clone(),
        slot: slot.cloned(),
        conn: None,
        sub: None,
        handshaken: false,
        input_ended: None,
    })
}

struct ConnectTls {
    cfg: Rc<ConnectConfig>,
    slot: Option<Rc<SubSlot>>,
    conn: Option<Box<ClientConnection>>,
    sub: Option<Rc<Pipeline>>,
    handshaken: bool,
    /// The input ended during the handshake: the end waits until what was written is sent.
    input_ended: Option<Event>,
}

impl ConnectTls {
    /// Closes the TLS session and the sub-pipeline's input.
    fn close(&mut self, end: Event) {
        if let Some(conn) = &mut self.conn {
            conn.send_close_notify();
        }
        self.flush();
        if let Some(sub) = &self.sub {
            sub.input(end);
        }
    }

    fn start(&mut self, cx: &mut Cx<'_>) -> bool {
        let name = match &self.cfg.sni {
            // No SNI is sent; the name only matters to a `trusted` check.
            Sni::None => ServerName::try_from("localhost").map_err(|e| tls_error("connectTLS()", e)),
            Sni::Fixed(n) => Ok(n.clone()),
            Sni::Chosen(f) => {
                let f = f.clone();
                let Some(v) = cx.call(&f, &[]) else { return false };
                ops::to_rust_string(&v).and_then(|s| server_name(&s))
            }
        };
        let conn = name
            .and_then(|n| ClientConnection::new(self.cfg.config.clone(), n).map_err(|e| tls_error("connectTLS()", e)));
        let Some(layout) = super::sub_layout(cx, self.slot.as_ref(), "connectTLS") else {
            return false;
        };
        match conn {
            Ok(c) => self.conn = Some(Box::new(c)),
            Err(e) => {
                cx.throw(e);
                return false;
            }
        }
        let p = cx.sub(&layout, SubContext::Share, 0);
        p.start(&[]);
        self.sub = Some(p);
        true
    }

    /// Sends what rustls wants to write into the sub-pipeline.
    fn flush(&mut self) {
        let (Some(conn), Some(sub)) = (&mut self.conn, &self.sub) else { return };
        let out = take_tls::<rustls::client::ClientConnectionData>(conn);
        if !out.is_empty() {
            sub.input(Event::Data(out.into()));
        }
    }
}

impl Filter for ConnectTls {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.conn.is_none() && !self.start(cx) {
            return;
        }
        match e {
            Event::Data(d) => {
                if let Some(conn) = &mut self.conn {
                    for c in d.chunks() {
                        let _ = conn.writer().write_all(c);
                    }
                }
                self.flush();
            }
            Event::StreamEnd(_) => {
                if self.handshaken {
                    self.close(e);
                } else {
                    self.input_ended = Some(e);
                }
            }
            _ => {}
        }
    }

    fn sub_output(&mut self, cx: &mut Cx<'_>, _tag: u32, e: Event) {
        match e {
            Event::Data(d) => {
                let Some(conn) = &mut self.conn else { return };
                for c in d.chunks() {
                    let mut rd: &[u8] = c;
                    while !rd.is_empty() {
                        let r = conn.read_tls(&mut rd).map_err(|e| e.to_string());
                        if let Err(e) = r.and_then(|_| conn.process_new_packets().map_err(|e| e.to_string())) {
                            crate::log::warn(&format!("[connectTLS] TLS error: {e}"));
                            self.flush();
                            self.conn = None;
                            return cx.fail(ErrorCode::ProtocolError);
                        }
                        let plain = take_plaintext(conn.reader());
                        if !plain.is_empty() {
                            cx.output(Event::Data(plain.into()));
                        }
                    }
                }
                let done = !conn.is_handshaking() && !self.handshaken;
                let protocol = handshake_info(conn.alpn_protocol());
                self.flush();
                if done {
                    self.handshaken = true;
                    if self.cfg.handshake.is_callable() {
                        let f = self.cfg.handshake.clone();
                        let _ = cx.call(&f, &[protocol]);
                    }
                    if let Some(end) = self.input_ended.take() {
                        self.close(end);
                    }
                }
            }
            Event::StreamEnd(_) => cx.output(e),
            _ => {}
        }
    }
}

// ---- shared ----

/// What rustls wants to send, as bytes.
fn take_tls<D>(conn: &mut rustls::ConnectionCommon<D>) -> Vec<u8> {
    let mut out = Vec::new();
    while conn.wants_write() {
        match conn.write_tls(&mut out) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}

/// The plaintext rustls has decrypted so far.
fn take_plaintext(mut r: rustls::Reader<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => out.extend_from_slice(&buf[..n]),
        }
    }
    out
}
