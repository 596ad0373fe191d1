//! TLS material as scripts hold it (`crypto.Certificate`, `crypto.CertificateChain` and
//! `crypto.PrivateKey` objects carry these host values) and the rustls pieces the `acceptTLS`
//! and `connectTLS` filters share. rustls runs on the `ring` provider.

use pipy_value::{JsResult, Value, error};
use rustls::pki_types::CertificateDer;
pub use rustls::pki_types::PrivateKeyDer;
use rustls::pki_types::pem::PemObject;
use std::sync::Arc;

/// A certificate, or a chain of them (leaf first).
pub struct CertificateHost(pub Vec<CertificateDer<'static>>);

/// A private key.
pub struct PrivateKeyHost(pub PrivateKeyDer<'static>);

pub fn certificates_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(pem).collect();
    match certs {
        Ok(v) if !v.is_empty() => Ok(v),
        Ok(_) => Err("no certificate in the PEM text".into()),
        Err(e) => Err(format!("invalid certificate: {e}")),
    }
}

pub fn private_key_from_pem(pem: &[u8]) -> Result<PrivateKeyDer<'static>, String> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|e| format!("invalid private key: {e}"))
}

pub fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// The certificates of a `crypto.Certificate`/`CertificateChain` object.
pub fn certificates_of(v: &Value) -> JsResult<Vec<CertificateDer<'static>>> {
    match v {
        Value::Object(o) => o.with_host(|c: &mut CertificateHost| c.0.clone()),
        _ => None,
    }
    .ok_or_else(|| error::type_error("expected a crypto.Certificate or crypto.CertificateChain"))
}

/// The key of a `crypto.PrivateKey` object.
pub fn private_key_of(v: &Value) -> JsResult<PrivateKeyDer<'static>> {
    match v {
        Value::Object(o) => o.with_host(|k: &mut PrivateKeyHost| k.0.clone_key()),
        _ => None,
    }
    .ok_or_else(|| error::type_error("expected a crypto.PrivateKey"))
}
