//! TLS for the admin service (`--admin-tls-cert/-key`, and `--admin-tls-trusted` for mutual
//! TLS: only clients with a certificate signed by one of those CAs get in) and for a worker's
//! requests to an `https://` repo (`--tls-trusted` to check the repo, `--tls-cert/-key` to
//! show its own certificate).

use pipy_engine::tls::{certificates_from_pem, private_key_from_pem, provider};
use std::path::PathBuf;
use std::sync::Arc;

/// PEM files given on the command line.
#[derive(Clone, Debug, Default)]
pub struct TlsFiles {
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub trusted: Option<PathBuf>,
}

impl TlsFiles {
    pub fn is_empty(&self) -> bool {
        self.cert.is_none() && self.key.is_none() && self.trusted.is_none()
    }
}

fn read(p: &PathBuf) -> Result<Vec<u8>, String> {
    std::fs::read(p).map_err(|e| format!("cannot read {}: {e}", p.display()))
}

fn roots(p: &PathBuf) -> Result<rustls::RootCertStore, String> {
    let mut roots = rustls::RootCertStore::empty();
    for c in certificates_from_pem(&read(p)?).map_err(|e| format!("{}: {e}", p.display()))? {
        roots.add(c).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    Ok(roots)
}

/// The admin service's TLS setup.
pub fn server_config(f: &TlsFiles) -> Result<Arc<rustls::ServerConfig>, String> {
    let (Some(cert), Some(key)) = (&f.cert, &f.key) else {
        return Err("--admin-tls-cert and --admin-tls-key go together".into());
    };
    let certs = certificates_from_pem(&read(cert)?).map_err(|e| format!("{}: {e}", cert.display()))?;
    let key = private_key_from_pem(&read(key)?).map_err(|e| format!("{}: {e}", key.display()))?;
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = match &f.trusted {
        Some(t) => {
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots(t)?), provider())
                .build()
                .map_err(|e| format!("{}: {e}", t.display()))?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let config = builder.with_single_cert(certs, key).map_err(|e| format!("the admin certificate: {e}"))?;
    Ok(Arc::new(config))
}

/// A worker's TLS setup for an `https://` repo.
pub fn client_config(f: &TlsFiles) -> Result<Arc<rustls::ClientConfig>, String> {
    let Some(trusted) = &f.trusted else {
        return Err("an https:// repo needs --tls-trusted (the CA that signed its certificate)".into());
    };
    let builder = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots(trusted)?);
    let config = match (&f.cert, &f.key) {
        (Some(cert), Some(key)) => {
            let certs = certificates_from_pem(&read(cert)?).map_err(|e| format!("{}: {e}", cert.display()))?;
            let key = private_key_from_pem(&read(key)?).map_err(|e| format!("{}: {e}", key.display()))?;
            builder.with_client_auth_cert(certs, key).map_err(|e| format!("the client certificate: {e}"))?
        }
        (None, None) => builder.with_no_client_auth(),
        _ => return Err("--tls-cert and --tls-key go together".into()),
    };
    Ok(Arc::new(config))
}
