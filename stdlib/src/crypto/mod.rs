//! `crypto`: the key material TLS filters take. `new crypto.Certificate(pem)`,
//! `new crypto.CertificateChain(pem)` (several certificates, leaf first) and
//! `new crypto.PrivateKey(pem)`, from a string or Data of PEM text; and digests:
//! `new crypto.Hash(algorithm)` and `new crypto.Hmac(algorithm, key)` with `update(data |
//! string, encoding?)` and `digest(encoding?)` (Data, or a string in `hex`/`base64`/…), for
//! `sha1`, `sha256`, `sha384`, `sha512` (ring) and `md5` (ours, `md5.rs`). `PublicKey`, `JWK` and `JWT` are in `jwt.rs`.
//! `Sign`/`Verify` are in `sign.rs`. `Cipher`/`Decipher` (AES-CBC/CTR/GCM and
//! ChaCha20-Poly1305, byte-identical to Node's `createCipheriv`) are in `cipher.rs`.

mod cipher;
pub mod jwt;
mod md5;
pub mod sign;
mod x509;

use crate::util::{self, arg};
use pipy_engine::pipeline::event;
use pipy_engine::tls::{self, CertificateHost, PrivateKeyHost};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, ops};

/// The PEM text of a constructor argument (a string or Data).
fn pem_of(v: &Value, what: &str) -> JsResult<Vec<u8>> {
    match event::as_data(v) {
        Some(d) => Ok(d.to_vec()),
        None if matches!(v, Value::String(_)) => Ok(ops::to_rust_string(v)?.into_bytes()),
        None => Err(error::type_error(&format!("{what}: expected PEM text (a string or Data)"))),
    }
}

/// Makes a class's host value from PEM text.
type MakeHost = fn(&[u8]) -> Result<Box<dyn std::any::Any>, String>;

fn class(crypto: &Obj, name: &'static str, make: MakeHost) -> Obj {
    let proto = util::class_prototype();
    util::namespace_class(crypto, name, 1, &proto, move |proto, args| {
        let what = format!("new crypto.{name}()");
        let pem = pem_of(&arg(args, 0), &what)?;
        let host = make(&pem).map_err(|e| error::type_error(&format!("{what}: {e}")))?;
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(host))))
    });
    proto
}

/// A running digest: `None` once `digest()` was called.
enum Digest {
    Hash(Option<ring::digest::Context>),
    Hmac(Option<ring::hmac::Context>),
    Md5(Option<crate::crypto::md5::Md5>),
    HmacMd5(Option<crate::crypto::md5::HmacMd5>),
}

/// `None` for an unknown name; `Some(None)` for MD5 (not in ring).
#[allow(clippy::type_complexity)]
fn digest_algorithm(name: &str) -> Option<Option<(&'static ring::digest::Algorithm, ring::hmac::Algorithm)>> {
    Some(Some(match name.to_ascii_lowercase().replace('-', "").as_str() {
        "md5" => return Some(None),
        "sha1" => (&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, ring::hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY),
        "sha256" => (&ring::digest::SHA256, ring::hmac::HMAC_SHA256),
        "sha384" => (&ring::digest::SHA384, ring::hmac::HMAC_SHA384),
        "sha512" => (&ring::digest::SHA512, ring::hmac::HMAC_SHA512),
        _ => return None,
    }))
}

/// `update(data | string, encoding?)`.
fn update(this: &Value, args: &[Value]) -> JsResult<Value> {
    let enc = crate::pipy::data::encoding(&arg(args, 1))?;
    let bytes = crate::pipy::data::data_of(&arg(args, 0), enc)?.to_vec();
    let ok = match this {
        Value::Object(o) => o.with_host(|d: &mut Digest| match d {
            Digest::Hash(Some(c)) => c.update(&bytes),
            Digest::Hmac(Some(c)) => c.update(&bytes),
            Digest::Md5(Some(c)) => c.update(&bytes),
            Digest::HmacMd5(Some(c)) => c.update(&bytes),
            _ => {}
        }),
        _ => None,
    };
    ok.ok_or_else(|| error::type_error("update(): not a crypto.Hash or crypto.Hmac"))?;
    Ok(Value::Undefined)
}

/// `digest(encoding?)`: Data, or a string in the encoding.
fn digest(this: &Value, args: &[Value]) -> JsResult<Value> {
    let out = match this {
        Value::Object(o) => o.with_host(|d: &mut Digest| match d {
            Digest::Hash(c) => c.take().map(|c| c.finish().as_ref().to_vec()),
            Digest::Hmac(c) => c.take().map(|c| c.sign().as_ref().to_vec()),
            Digest::Md5(c) => c.take().map(|c| c.finish().to_vec()),
            Digest::HmacMd5(c) => c.take().map(|c| c.finish().to_vec()),
        }),
        _ => None,
    };
    let bytes = out
        .ok_or_else(|| error::type_error("digest(): not a crypto.Hash or crypto.Hmac"))?
        .ok_or_else(|| error::type_error("digest(): already called"))?;
    match arg(args, 0) {
        Value::Undefined => Ok(event::data_value(bytes.into())),
        v => Ok(crate::pipy::data::decode_bytes(&bytes, crate::pipy::data::encoding(&v)?)),
    }
}

fn digest_class(crypto: &Obj, name: &'static str, hmac: bool) {
    let proto = util::class_prototype();
    util::method(&proto, "update", 2, update);
    util::method(&proto, "digest", 1, digest);
    util::namespace_class(crypto, name, if hmac { 2 } else { 1 }, &proto, move |proto, args| {
        let algo = ops::to_rust_string(&arg(args, 0))?;
        let Some(algorithm) = digest_algorithm(&algo) else {
            return Err(error::type_error(&format!(
                "new crypto.{name}(): unsupported algorithm '{algo}' (md5, sha1, sha256, sha384, sha512)"
            )));
        };
        let key = || crate::pipy::data::data_of(&arg(args, 1), pipy_engine::pipeline::data::Encoding::Utf8);
        let state = match (algorithm, hmac) {
            (Some((_, h)), true) => {
                Digest::Hmac(Some(ring::hmac::Context::with_key(&ring::hmac::Key::new(h, &key()?.to_vec()))))
            }
            (Some((d, _)), false) => Digest::Hash(Some(ring::digest::Context::new(d))),
            (None, true) => Digest::HmacMd5(Some(crate::crypto::md5::HmacMd5::new(&key()?.to_vec()))),
            (None, false) => Digest::Md5(Some(crate::crypto::md5::Md5::default())),
        };
        Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(state)))))
    });
}

pub fn install() {
    let crypto = Obj::ordinary();
    digest_class(&crypto, "Hash", false);
    digest_class(&crypto, "Hmac", true);
    let cert = class(&crypto, "Certificate", |pem| {
        let mut certs = tls::certificates_from_pem(pem)?;
        certs.truncate(1);
        Ok(Box::new(CertificateHost(certs)))
    });
    x509::install(&cert);
    class(&crypto, "CertificateChain", |pem| Ok(Box::new(CertificateHost(tls::certificates_from_pem(pem)?))));
    class(&crypto, "PrivateKey", |pem| Ok(Box::new(PrivateKeyHost(tls::private_key_from_pem(pem)?))));
    crate::crypto::jwt::install(&crypto);
    crate::crypto::sign::install(&crypto);
    crate::crypto::cipher::install(&crypto);
    util::global("crypto", Value::Object(crypto));
}
