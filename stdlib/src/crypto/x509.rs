//! What `crypto.Certificate` tells of itself, as the original: `subject` and `issuer` (objects
//! keyed by OpenSSL's long attribute names: `commonName`, `organizationName`, …), the DNS names
//! of `subjectAltNames`, `notBefore` and `notAfter` (ms since the epoch) and `toPEM()` (Data).
//! Read with x509-parser.

use crate::util;
use pipy_engine::pipeline::event;
use pipy_engine::tls::CertificateHost;
use pipy_value::{JsResult, Obj, Value, attr, error, ops};
use x509_parser::prelude::*;

/// The certificate (the first of a chain) of a `crypto.Certificate` object, as DER.
fn der(this: &Value) -> JsResult<Vec<u8>> {
    match this {
        Value::Object(o) => o.with_host(|c: &mut CertificateHost| c.0.first().map(|d| d.as_ref().to_vec())).flatten(),
        _ => None,
    }
    .ok_or_else(|| error::type_error("not a crypto.Certificate"))
}

fn with_cert<R>(this: &Value, f: impl FnOnce(&X509Certificate<'_>) -> R) -> JsResult<R> {
    let der = der(this)?;
    let (_, cert) =
        X509Certificate::from_der(&der).map_err(|e| error::type_error(&format!("crypto.Certificate: {e}")))?;
    Ok(f(&cert))
}

/// OpenSSL's long name of an attribute, or its dotted OID.
fn long_name(oid: &x509_parser::der_parser::oid::Oid<'_>) -> String {
    match oid.to_id_string().as_str() {
        "2.5.4.3" => "commonName",
        "2.5.4.4" => "surname",
        "2.5.4.5" => "serialNumber",
        "2.5.4.6" => "countryName",
        "2.5.4.7" => "localityName",
        "2.5.4.8" => "stateOrProvinceName",
        "2.5.4.9" => "streetAddress",
        "2.5.4.10" => "organizationName",
        "2.5.4.11" => "organizationalUnitName",
        "2.5.4.12" => "title",
        "2.5.4.42" => "givenName",
        "1.2.840.113549.1.9.1" => "emailAddress",
        "0.9.2342.19200300.100.1.25" => "domainComponent",
        other => return other.to_string(),
    }
    .to_string()
}

fn name_object(name: &X509Name<'_>) -> Value {
    let o = Obj::ordinary();
    for attr in name.iter_attributes() {
        let value = attr
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|_| String::from_utf8_lossy(attr.attr_value().data).into_owned());
        o.define_value(long_name(attr.attr_type()).as_str(), Value::string(value), attr::DEFAULT);
    }
    Value::Object(o)
}

fn to_pem(der: &[u8]) -> String {
    let b64 = pipy_engine::pipeline::data::encode_base64(der, false);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

pub(super) fn install(proto: &Obj) {
    util::getter(proto, "subject", |this, _| with_cert(this, |c| name_object(c.subject())));
    util::getter(proto, "issuer", |this, _| with_cert(this, |c| name_object(c.issuer())));
    util::getter(proto, "subjectAltNames", |this, _| {
        with_cert(this, |c| {
            let mut names = Vec::new();
            if let Ok(Some(san)) = c.subject_alternative_name() {
                for n in &san.value.general_names {
                    if let GeneralName::DNSName(d) = n {
                        names.push(Value::str(d));
                    }
                }
            }
            ops::new_array(names)
        })
    });
    util::getter(proto, "notBefore", |this, _| {
        with_cert(this, |c| Value::num(c.validity().not_before.timestamp() as f64 * 1000.0))
    });
    util::getter(proto, "notAfter", |this, _| {
        with_cert(this, |c| Value::num(c.validity().not_after.timestamp() as f64 * 1000.0))
    });
    util::method(proto, "toPEM", 0, |this, _| Ok(event::data_value(to_pem(&der(this)?).into_bytes().into())));
}
