//! `crypto.PublicKey`, `crypto.JWK` and `crypto.JWT`: verifying JSON Web Tokens.
//!
//! `new crypto.PublicKey(pem)` takes a `PUBLIC KEY` (SubjectPublicKeyInfo), an `RSA PUBLIC KEY`
//! or a `CERTIFICATE` (its key) block; `new crypto.JWK(json)` an RSA (`n`, `e`), EC (`crv`, `x`,
//! `y`) or symmetric (`k`) key with `isValid`. `new crypto.JWT(token)` has `isValid`, `header` and
//! `payload`, and `verify(key)` checks the signature with a secret (string or Data) for HS256/384/
//! 512, or a PublicKey/JWK for RS256/384/512, ES256/384 (ring) and ES512 (P-521, the p521
//! crate). Like the original, `verify` checks the signature only, not `exp`/`nbf`.

use crate::util::{self, arg};
use pipy_engine::pipeline::data::decode_base64;
use pipy_engine::pipeline::event;
use pipy_value::{JsResult, Obj, ObjectKind, Value, attr, error, ops};
use ring::signature::{self, RsaPublicKeyComponents, UnparsedPublicKey};
use std::rc::Rc;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Curve {
    P256,
    P384,
    P521,
}

/// A public key (or, from a JWK, a symmetric one).
#[derive(Debug, Clone)]
pub enum Key {
    /// PKCS#1 `RSAPublicKey` DER.
    RsaDer(Vec<u8>),
    RsaParts {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    /// An uncompressed point.
    Ec(Curve, Vec<u8>),
    Secret(Vec<u8>),
}

// ---- a little DER ----

/// One DER element at the start of `b`: (tag, contents, rest).
pub(crate) fn der(b: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *b.first()?;
    let first = *b.get(1)? as usize;
    let (len, head) = if first < 0x80 {
        (first, 2)
    } else {
        let n = first & 0x7f;
        if n == 0 || n > 4 {
            return None;
        }
        let mut len = 0usize;
        for i in 0..n {
            len = len << 8 | *b.get(2 + i)? as usize;
        }
        (len, 2 + n)
    };
    let body = b.get(head..head.checked_add(len)?)?;
    Some((tag, body, &b[head + len..]))
}

pub(crate) const SEQUENCE: u8 = 0x30;
const BIT_STRING: u8 = 0x03;
pub(crate) const OID: u8 = 0x06;
const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
pub(crate) const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
pub(crate) const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];

// ---- P-521 (the p521 crate: ring has no P-521), for ES512 here and crypto.Sign/Verify ----

/// The 66-byte field element ECDSA takes for a digest: the digest, zeros on the left (a hash
/// shorter than the 521-bit order is used whole, so SHA-256/384/512 all pad; the p521 crate
/// refuses a prehash under half the field size, which SHA-256 is).
fn p521_prehash(digest: &[u8]) -> Option<[u8; 66]> {
    let mut field = [0u8; 66];
    field.get_mut(66usize.checked_sub(digest.len())?..)?.copy_from_slice(digest);
    Some(field)
}

/// Whether `sig` signs `digest` (a SHA-256/384/512 hash) under the uncompressed `point`.
pub(crate) fn p521_verify(point: &[u8], digest: &[u8], sig: &p521::ecdsa::Signature) -> bool {
    use p521::ecdsa::signature::hazmat::PrehashVerifier;
    let (Ok(key), Some(field)) = (p521::ecdsa::VerifyingKey::from_sec1_bytes(point), p521_prehash(digest)) else {
        return false;
    };
    key.verify_prehash(&field, sig).is_ok()
}

/// The ECDSA signature of `digest` with the secret scalar `secret` (66 bytes, big-endian), with
/// a random nonce from the OS (as OpenSSL signs).
pub(crate) fn p521_sign(secret: &[u8], digest: &[u8]) -> Result<p521::ecdsa::Signature, String> {
    use p521::ecdsa::signature::hazmat::PrehashSigner;
    let key = p521::ecdsa::SigningKey::from_slice(secret).map_err(|_| "not a valid P-521 private key")?;
    let field = p521_prehash(digest).ok_or("digest too long for P-521")?;
    key.sign_prehash(&field).map_err(|e| e.to_string())
}

/// The secret scalar of a P-521 key in a SEC1 `ECPrivateKey` (the contents of an `EC PRIVATE
/// KEY` block, or of the octet string of a PKCS#8 one): `Ok(None)` when the key names another
/// curve (`named` says whether the curve is known from elsewhere, the PKCS#8 algorithm).
pub(crate) fn p521_sec1_secret(sec1: &[u8], named: bool) -> Result<Option<Vec<u8>>, String> {
    const BAD: &str = "cannot read the EC private key";
    let (SEQUENCE, body, _) = der(sec1).ok_or(BAD)? else { return Err(BAD.into()) };
    let (0x02, _version, rest) = der(body).ok_or(BAD)? else { return Err(BAD.into()) };
    let (0x04, secret, rest) = der(rest).ok_or(BAD)? else { return Err(BAD.into()) };
    let curve = match der(rest) {
        Some((0xa0, params, _)) => match der(params) {
            Some((OID, oid, _)) => Some(oid),
            _ => return Err(BAD.into()),
        },
        _ => None,
    };
    match curve {
        Some(OID_P521) => Ok(Some(secret.to_vec())),
        None if named || secret.len() == 66 => Ok(Some(secret.to_vec())),
        _ => Ok(None),
    }
}

/// A SubjectPublicKeyInfo.
fn spki(b: &[u8]) -> Option<Key> {
    let (SEQUENCE, body, _) = der(b)? else { return None };
    let (SEQUENCE, alg, rest) = der(body)? else { return None };
    let (OID, oid, params) = der(alg)? else { return None };
    let (BIT_STRING, bits, _) = der(rest)? else { return None };
    let key = bits.get(1..)?.to_vec();
    if oid == OID_RSA {
        return Some(Key::RsaDer(key));
    }
    if oid != OID_EC {
        return None;
    }
    let (OID, curve, _) = der(params)? else { return None };
    let curve = match curve {
        OID_P256 => Curve::P256,
        OID_P384 => Curve::P384,
        OID_P521 => Curve::P521,
        _ => return None,
    };
    Some(Key::Ec(curve, key))
}

/// The SubjectPublicKeyInfo of an X.509 certificate.
fn certificate_key(b: &[u8]) -> Option<Key> {
    let (SEQUENCE, cert, _) = der(b)? else { return None };
    let (SEQUENCE, tbs, _) = der(cert)? else { return None };
    let mut rest = tbs;
    // [0] version (optional), serial, signature algorithm, issuer, validity, subject, then the key.
    if rest.first() == Some(&0xa0) {
        rest = der(rest)?.2;
    }
    for _ in 0..5 {
        rest = der(rest)?.2;
    }
    let (_, _, after) = der(rest)?;
    spki(&rest[..rest.len() - after.len()])
}

/// The blocks of PEM text: (label, DER).
fn pem_blocks(text: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN ") {
        let after = &rest[start + 11..];
        let Some(end_label) = after.find("-----") else { break };
        let label = after[..end_label].to_string();
        let body_start = &after[end_label + 5..];
        let end_marker = format!("-----END {label}-----");
        let Some(end) = body_start.find(&end_marker) else { break };
        if let Some(der) = decode_base64(&body_start[..end]) {
            out.push((label, der));
        }
        rest = &body_start[end + end_marker.len()..];
    }
    out
}

pub fn public_key_from_pem(pem: &str) -> Result<Key, String> {
    for (label, der) in pem_blocks(pem) {
        let key = match label.as_str() {
            "PUBLIC KEY" => spki(&der),
            "RSA PUBLIC KEY" => Some(Key::RsaDer(der)),
            "CERTIFICATE" => certificate_key(&der),
            _ => continue,
        };
        return key.ok_or_else(|| format!("cannot read the {label} block"));
    }
    Err("no PUBLIC KEY, RSA PUBLIC KEY or CERTIFICATE block".into())
}

fn b64url(v: &Value) -> JsResult<Option<Vec<u8>>> {
    if v.is_nullish() {
        return Ok(None);
    }
    Ok(decode_base64(&ops::to_rust_string(v)?))
}

/// A key from a JWK object, or None when it is not a usable key.
pub fn key_from_jwk(jwk: &Value) -> JsResult<Option<Key>> {
    let get = |k: &str| ops::get_str(jwk, k);
    let kty = get("kty")?;
    let kty = if kty.is_nullish() { String::new() } else { ops::to_rust_string(&kty)? };
    Ok(match kty.as_str() {
        "RSA" => match (b64url(&get("n")?)?, b64url(&get("e")?)?) {
            (Some(n), Some(e)) if !n.is_empty() && !e.is_empty() => Some(Key::RsaParts { n, e }),
            _ => None,
        },
        "EC" => {
            let crv = get("crv")?;
            let curve = match (!crv.is_nullish()).then(|| ops::to_rust_string(&crv)).transpose()?.as_deref() {
                Some("P-256") => Curve::P256,
                Some("P-384") => Curve::P384,
                Some("P-521") => Curve::P521,
                _ => return Ok(None),
            };
            match (b64url(&get("x")?)?, b64url(&get("y")?)?) {
                (Some(x), Some(y)) if !x.is_empty() && x.len() == y.len() => {
                    Some(Key::Ec(curve, [&[4u8][..], &x, &y].concat()))
                }
                _ => None,
            }
        }
        "oct" => b64url(&get("k")?)?.map(Key::Secret),
        _ => None,
    })
}

// ---- verifying ----

/// Whether `sig` signs `input` under `alg` with `key`.
pub fn verify(alg: &str, key: &Key, input: &[u8], sig: &[u8]) -> bool {
    let rsa: &signature::RsaParameters = match alg {
        "RS256" => &signature::RSA_PKCS1_2048_8192_SHA256,
        "RS384" => &signature::RSA_PKCS1_2048_8192_SHA384,
        "RS512" => &signature::RSA_PKCS1_2048_8192_SHA512,
        "HS256" | "HS384" | "HS512" => {
            let Key::Secret(secret) = key else { return false };
            let h = match alg {
                "HS256" => ring::hmac::HMAC_SHA256,
                "HS384" => ring::hmac::HMAC_SHA384,
                _ => ring::hmac::HMAC_SHA512,
            };
            return ring::hmac::verify(&ring::hmac::Key::new(h, secret), input, sig).is_ok();
        }
        "ES256" | "ES384" => {
            let (want, params): (Curve, &'static signature::EcdsaVerificationAlgorithm) = if alg == "ES256" {
                (Curve::P256, &signature::ECDSA_P256_SHA256_FIXED)
            } else {
                (Curve::P384, &signature::ECDSA_P384_SHA384_FIXED)
            };
            let Key::Ec(curve, point) = key else { return false };
            return *curve == want && UnparsedPublicKey::new(params, point).verify(input, sig).is_ok();
        }
        "ES512" => {
            let Key::Ec(Curve::P521, point) = key else { return false };
            let Ok(sig) = p521::ecdsa::Signature::from_slice(sig) else { return false };
            return p521_verify(point, ring::digest::digest(&ring::digest::SHA512, input).as_ref(), &sig);
        }
        _ => return false,
    };
    match key {
        Key::RsaDer(der) => UnparsedPublicKey::new(rsa, der).verify(input, sig).is_ok(),
        Key::RsaParts { n, e } => RsaPublicKeyComponents { n, e }.verify(rsa, input, sig).is_ok(),
        _ => false,
    }
}

/// A parsed token.
struct Jwt {
    alg: String,
    input: Vec<u8>,
    sig: Vec<u8>,
}

fn parse_token(token: &str) -> Option<(Value, Value, Jwt)> {
    let parts: Vec<&str> = token.split('.').collect();
    let [h, p, s] = parts[..] else { return None };
    let header = crate::json::parse(&String::from_utf8(decode_base64(h)?).ok()?).ok()?;
    let payload = crate::json::parse(&String::from_utf8(decode_base64(p)?).ok()?).ok()?;
    if !header.is_object() || !payload.is_object() {
        return None;
    }
    let alg = ops::get_str(&header, "alg").ok()?;
    let alg = ops::to_rust_string(&alg).ok().filter(|_| matches!(alg, Value::String(_)))?;
    let sig = decode_base64(s)?;
    Some((header, payload, Jwt { alg, input: format!("{h}.{p}").into_bytes(), sig }))
}

/// The key `verify` was given: a secret, a PublicKey or a JWK.
fn key_of(v: &Value) -> JsResult<Option<Key>> {
    if let Value::Object(o) = v {
        if let Some(k) = o.with_host(|k: &mut Rc<Key>| k.clone()) {
            return Ok(Some((*k).clone()));
        }
    }
    if let Some(d) = event::as_data(v) {
        return Ok(Some(Key::Secret(d.to_vec())));
    }
    if let Value::String(_) = v {
        return Ok(Some(Key::Secret(ops::to_rust_string(v)?.into_bytes())));
    }
    Ok(None)
}

fn jwt_verify(this: &Value, args: &[Value]) -> JsResult<Value> {
    let Some(key) = key_of(&arg(args, 0))? else {
        return Err(error::type_error(
            "verify(): the key must be a secret (string or Data), a crypto.PublicKey or a crypto.JWK",
        ));
    };
    let ok = match this {
        Value::Object(o) => {
            o.with_host(|j: &mut Option<Jwt>| j.as_ref().is_some_and(|j| verify(&j.alg, &key, &j.input, &j.sig)))
        }
        _ => None,
    };
    ok.map(Value::Bool).ok_or_else(|| error::type_error("verify(): not a crypto.JWT"))
}

/// A class whose constructor makes its instances with `make` (which sets the host and fields).
fn class(
    crypto: &Obj,
    name: &'static str,
    methods: &[(&'static str, util::Builtin)],
    make: fn(&Obj, &Value) -> JsResult<()>,
) {
    let proto = util::class_prototype();
    for (m, f) in methods {
        util::method(&proto, m, 1, *f);
    }
    util::namespace_class(crypto, name, 1, &proto, move |proto, args| {
        let o = Obj::new(Some(proto.clone()), ObjectKind::Ordinary);
        make(&o, &arg(args, 0))?;
        Ok(Value::Object(o))
    });
}

fn set_host(o: &Obj, host: Box<dyn std::any::Any>) {
    o.borrow_mut().kind = ObjectKind::Host(host);
}

pub fn install(crypto: &Obj) {
    class(crypto, "PublicKey", &[], |o, v| {
        let pem = match event::as_data(v) {
            Some(d) => d.to_string_lossy(),
            None => ops::to_rust_string(v)?,
        };
        let key = public_key_from_pem(&pem).map_err(|e| error::type_error(&format!("new crypto.PublicKey(): {e}")))?;
        set_host(o, Box::new(Rc::new(key)));
        Ok(())
    });
    class(crypto, "JWK", &[], |o, v| {
        let key = if v.is_object() { key_from_jwk(v)? } else { None };
        o.define_value("isValid", Value::Bool(key.is_some()), attr::ENUMERABLE);
        if let Some(k) = key {
            set_host(o, Box::new(Rc::new(k)));
        }
        Ok(())
    });
    class(crypto, "JWT", &[("verify", jwt_verify)], |o, v| {
        let token = ops::to_rust_string(v)?;
        let parsed = parse_token(&token);
        let (header, payload) = match &parsed {
            Some((h, p, _)) => (h.clone(), p.clone()),
            None => (Value::Undefined, Value::Undefined),
        };
        o.define_value("isValid", Value::Bool(parsed.is_some()), attr::ENUMERABLE);
        o.define_value("header", header, attr::ENUMERABLE);
        o.define_value("payload", payload, attr::ENUMERABLE);
        set_host(o, Box::new(parsed.map(|(_, _, j)| j)));
        Ok(())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_lengths_and_pem_blocks() {
        assert_eq!(der(&[0x30, 0x03, 1, 2, 3, 9]), Some((0x30, &[1u8, 2, 3][..], &[9u8][..])));
        assert_eq!(der(&[0x04, 0x81, 0x02, 7, 8]), Some((0x04, &[7u8, 8][..], &[][..])));
        assert_eq!(der(&[0x04, 0x05, 1]), None);
        let blocks = pem_blocks("junk\n-----BEGIN PUBLIC KEY-----\nAQID\n-----END PUBLIC KEY-----\n");
        assert_eq!(blocks, vec![("PUBLIC KEY".to_string(), vec![1, 2, 3])]);
        assert!(public_key_from_pem("nothing").is_err());
    }
}
