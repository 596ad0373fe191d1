//! `crypto`: the key material TLS filters take. `new crypto.Certificate(pem)`,
//! `new crypto.CertificateChain(pem)` (several certificates, leaf first) and
//! `new crypto.PrivateKey(pem)`, from a string or Data of PEM text. (The original's hashing,
//! signing, ciphers and JWT classes are not here yet.)

use crate::util::{self, arg};
use pipy_runtime::pipeline::event;
use pipy_runtime::tls::{self, CertificateHost, PrivateKeyHost};
use pipy_runtime::{JsResult, Obj, ObjectKind, Value, error, function, ops, realm};
use std::rc::Rc;

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

fn class(crypto: &Obj, name: &'static str, make: MakeHost) {
    let proto = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary);
    proto.mark_prototype();
    let p2 = proto.clone();
    let ctor = function::native_function(
        name,
        1,
        Rc::new(move |_, args, _| {
            let what = format!("new crypto.{name}()");
            let pem = pem_of(&arg(args, 0), &what)?;
            let host = make(&pem).map_err(|e| error::type_error(&format!("{what}: {e}")))?;
            Ok(Value::Object(Obj::new(Some(p2.clone()), ObjectKind::Host(host))))
        }),
        true,
    );
    ctor.define_value("prototype", Value::Object(proto.clone()), 0);
    proto.define_hidden("constructor", Value::Object(ctor.clone()));
    crypto.define_hidden(name, Value::Object(ctor));
}

pub fn install() {
    let crypto = Obj::ordinary();
    class(&crypto, "Certificate", |pem| {
        let mut certs = tls::certificates_from_pem(pem)?;
        certs.truncate(1);
        Ok(Box::new(CertificateHost(certs)))
    });
    class(&crypto, "CertificateChain", |pem| Ok(Box::new(CertificateHost(tls::certificates_from_pem(pem)?))));
    class(&crypto, "PrivateKey", |pem| Ok(Box::new(PrivateKeyHost(tls::private_key_from_pem(pem)?))));
    util::global("crypto", Value::Object(crypto));
}
