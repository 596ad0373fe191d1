//! `crypto.Sign(algorithm)` and `crypto.Verify(algorithm)`: `update(data | string, encoding?)`
//! collects the message; `sign(privateKey, encoding?)` gives the signature (Data, or a string in
//! the encoding); `verify(publicKey, signature, encoding?)` says whether it holds. RSA keys sign
//! PKCS#1 v1.5; EC keys (P-256, P-384, P-521) sign ECDSA with DER-encoded signatures, as
//! OpenSSL does. Algorithms: `sha256`, `sha384`, `sha512` (RSA); ECDSA signs P-256 with `sha256`
//! and P-384 with `sha384` (what ring offers) and verifies either curve with either hash; P-521
//! (the p521 crate, shared with JWT ES512) signs and verifies with any of the three. Private keys
//! are PKCS#8, PKCS#1 (`RSA PRIVATE KEY`) or SEC1 (`EC PRIVATE KEY`; P-256 and P-384 are
//! rewrapped as PKCS#8 for ring).

use crate::crypto::jwt::{self, Curve, Key};
use crate::util::{self, arg};
use pipy_engine::pipeline::data::Encoding;
use pipy_engine::pipeline::event;
use pipy_engine::tls::PrivateKeyDer;
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, ops};
use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, RsaKeyPair, UnparsedPublicKey};
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

fn hash_of(name: &str) -> Option<Hash> {
    match name.to_ascii_lowercase().replace('-', "").as_str() {
        "sha256" => Some(Hash::Sha256),
        "sha384" => Some(Hash::Sha384),
        "sha512" => Some(Hash::Sha512),
        _ => None,
    }
}

/// The message being collected.
struct Signer {
    hash: Hash,
    message: Vec<u8>,
}

/// DER: a tag with its content.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let n = content.len();
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let bytes: Vec<u8> = n.to_be_bytes().into_iter().skip_while(|b| *b == 0).collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(content);
    out
}

/// A SEC1 `EC PRIVATE KEY` (what `openssl ecparam -genkey` writes) as the PKCS#8 document ring
/// takes: the key wrapped with the algorithm and the curve named in its parameters (P-256 or
/// P-384).
fn sec1_to_pkcs8(sec1: &[u8]) -> Option<Vec<u8>> {
    const P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
    const EC_PUBLIC_KEY: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    let curve = [P256, P384].into_iter().find(|oid| sec1.windows(oid.len()).any(|w| w == *oid))?;
    let algorithm = der(0x30, &[EC_PUBLIC_KEY, curve].concat());
    let body = [&[0x02, 0x01, 0x00][..], &algorithm, &der(0x04, sec1)].concat();
    Some(der(0x30, &body))
}

fn digest(hash: Hash, msg: &[u8]) -> ring::digest::Digest {
    let alg = match hash {
        Hash::Sha256 => &ring::digest::SHA256,
        Hash::Sha384 => &ring::digest::SHA384,
        Hash::Sha512 => &ring::digest::SHA512,
    };
    ring::digest::digest(alg, msg)
}

/// The secret scalar of a P-521 private key, `Ok(None)` for any other key.
fn p521_secret(key: &PrivateKeyDer<'_>) -> Result<Option<Vec<u8>>, String> {
    match key {
        PrivateKeyDer::Sec1(k) => jwt::p521_sec1_secret(k.secret_sec1_der(), false),
        PrivateKeyDer::Pkcs8(k) => {
            // PrivateKeyInfo: version, AlgorithmIdentifier (id-ecPublicKey, the curve), the SEC1 key.
            let p521 = || -> Option<&[u8]> {
                let (jwt::SEQUENCE, body, _) = jwt::der(k.secret_pkcs8_der())? else { return None };
                let (_, _, rest) = jwt::der(body)?;
                let (jwt::SEQUENCE, alg, rest) = jwt::der(rest)? else { return None };
                let (jwt::OID, jwt::OID_EC, params) = jwt::der(alg)? else { return None };
                let (jwt::OID, jwt::OID_P521, _) = jwt::der(params)? else { return None };
                let (0x04, sec1, _) = jwt::der(rest)? else { return None };
                Some(sec1)
            };
            p521().map_or(Ok(None), |sec1| jwt::p521_sec1_secret(sec1, true))
        }
        _ => Ok(None),
    }
}

fn sign_with(hash: Hash, key: &PrivateKeyDer<'_>, msg: &[u8]) -> Result<Vec<u8>, String> {
    if let Some(secret) = p521_secret(key)? {
        let sig = jwt::p521_sign(&secret, digest(hash, msg).as_ref())?;
        return Ok(sig.to_der().as_bytes().to_vec());
    }
    let rng = SystemRandom::new();
    if let PrivateKeyDer::Sec1(k) = key {
        let pkcs8 =
            sec1_to_pkcs8(k.secret_sec1_der()).ok_or("an EC key on a curve other than P-256, P-384 or P-521")?;
        return sign_with(hash, &PrivateKeyDer::Pkcs8(pkcs8.into()), msg);
    }
    let rsa_pair = match key {
        PrivateKeyDer::Pkcs1(k) => Some(RsaKeyPair::from_der(k.secret_pkcs1_der()).map_err(|e| e.to_string())?),
        PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()).ok(),
        _ => return Err("only PKCS#8, PKCS#1 and SEC1 private keys can sign".into()),
    };
    if let Some(pair) = rsa_pair {
        let pad: &'static dyn signature::RsaEncoding = match hash {
            Hash::Sha256 => &signature::RSA_PKCS1_SHA256,
            Hash::Sha384 => &signature::RSA_PKCS1_SHA384,
            Hash::Sha512 => &signature::RSA_PKCS1_SHA512,
        };
        let mut sig = vec![0u8; pair.public().modulus_len()];
        pair.sign(pad, &rng, msg, &mut sig).map_err(|e| e.to_string())?;
        return Ok(sig);
    }
    let PrivateKeyDer::Pkcs8(k) = key else { return Err("not an RSA or EC key".into()) };
    let algs: &[&'static signature::EcdsaSigningAlgorithm] = match hash {
        Hash::Sha256 => &[&signature::ECDSA_P256_SHA256_ASN1_SIGNING],
        Hash::Sha384 => &[&signature::ECDSA_P384_SHA384_ASN1_SIGNING],
        Hash::Sha512 => return Err("ECDSA with sha512 is not supported".into()),
    };
    for alg in algs {
        if let Ok(pair) = EcdsaKeyPair::from_pkcs8(alg, k.secret_pkcs8_der(), &rng) {
            return pair.sign(&rng, msg).map(|s| s.as_ref().to_vec()).map_err(|e| e.to_string());
        }
    }
    Err("not an RSA key, or an EC key of the curve this hash signs with (P-256: sha256, P-384: sha384, P-521: any)"
        .into())
}

fn verify_with(hash: Hash, key: &Key, msg: &[u8], sig: &[u8]) -> bool {
    let rsa: &signature::RsaParameters = match hash {
        Hash::Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        Hash::Sha384 => &signature::RSA_PKCS1_2048_8192_SHA384,
        Hash::Sha512 => &signature::RSA_PKCS1_2048_8192_SHA512,
    };
    match key {
        Key::RsaDer(der) => UnparsedPublicKey::new(rsa, der).verify(msg, sig).is_ok(),
        Key::RsaParts { n, e } => signature::RsaPublicKeyComponents { n, e }.verify(rsa, msg, sig).is_ok(),
        Key::Ec(Curve::P521, point) => p521::ecdsa::Signature::from_der(sig)
            .is_ok_and(|sig| jwt::p521_verify(point, digest(hash, msg).as_ref(), &sig)),
        Key::Ec(curve, point) => {
            let alg: &'static signature::EcdsaVerificationAlgorithm = match (curve, hash) {
                (Curve::P256, Hash::Sha256) => &signature::ECDSA_P256_SHA256_ASN1,
                (Curve::P256, Hash::Sha384) => &signature::ECDSA_P256_SHA384_ASN1,
                (Curve::P384, Hash::Sha256) => &signature::ECDSA_P384_SHA256_ASN1,
                (Curve::P384, Hash::Sha384) => &signature::ECDSA_P384_SHA384_ASN1,
                _ => return false,
            };
            UnparsedPublicKey::new(alg, point).verify(msg, sig).is_ok()
        }
        Key::Secret(_) => false,
    }
}

fn update(this: &Value, args: &[Value]) -> JsResult<Value> {
    let enc = crate::pipy::data::encoding(&arg(args, 1))?;
    let bytes = crate::pipy::data::data_of(&arg(args, 0), enc)?.to_vec();
    let ok = match this {
        Value::Object(o) => o.with_host(|s: &mut Signer| s.message.extend_from_slice(&bytes)),
        _ => None,
    };
    ok.ok_or_else(|| error::type_error("update(): not a crypto.Sign or crypto.Verify"))?;
    Ok(Value::Undefined)
}

fn collected(this: &Value, what: &str) -> JsResult<(Hash, Vec<u8>)> {
    let r = match this {
        Value::Object(o) => o.with_host(|s: &mut Signer| (s.hash, s.message.clone())),
        _ => None,
    };
    r.ok_or_else(|| {
        error::type_error(&format!("{what}(): not a crypto.{}", if what == "sign" { "Sign" } else { "Verify" }))
    })
}

fn sign(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (hash, msg) = collected(this, "sign")?;
    let key = pipy_engine::tls::private_key_of(&arg(args, 0))?;
    let sig = sign_with(hash, &key, &msg).map_err(|e| error::type_error(&format!("sign(): {e}")))?;
    match arg(args, 1) {
        Value::Undefined => Ok(event::data_value(sig.into())),
        v => Ok(crate::pipy::data::decode_bytes(&sig, crate::pipy::data::encoding(&v)?)),
    }
}

fn verify(this: &Value, args: &[Value]) -> JsResult<Value> {
    let (hash, msg) = collected(this, "verify")?;
    let key = match arg(args, 0) {
        Value::Object(o) => o.with_host(|k: &mut Rc<Key>| k.clone()),
        _ => None,
    };
    let Some(key) = key else {
        return Err(error::type_error("verify(): the key must be a crypto.PublicKey or crypto.JWK"));
    };
    let enc = match arg(args, 2) {
        Value::Undefined => Encoding::Utf8,
        v => crate::pipy::data::encoding(&v)?,
    };
    let sig = crate::pipy::data::data_of(&arg(args, 1), enc)?.to_vec();
    Ok(Value::Bool(verify_with(hash, &key, &msg, &sig)))
}

pub fn install(crypto: &Obj) {
    for (name, last) in [("Sign", sign as util::Builtin), ("Verify", verify)] {
        let proto = util::class_prototype();
        util::method(&proto, "update", 2, update);
        util::method(&proto, &name.to_ascii_lowercase(), 2, last);
        util::namespace_class(crypto, name, 1, &proto, move |proto, args| {
            let alg = ops::to_rust_string(&arg(args, 0))?;
            let Some(hash) = hash_of(&alg) else {
                return Err(error::type_error(&format!(
                    "new crypto.{name}(): unsupported algorithm '{alg}' (sha256, sha384, sha512)"
                )));
            };
            let s = Signer { hash, message: Vec::new() };
            Ok(Value::Object(Obj::new(Some(proto.clone()), ObjectKind::Host(Box::new(s)))))
        });
    }
}
