//! The `Data` class: a byte buffer scripts read and build (`new Data('text', 'hex')`, `size`,
//! `push`, `shift`, `shiftTo`, `shiftWhile`, `pop`, `toArray`, `toString(encoding)`).
//! Its objects hold a `pipy_engine::pipeline::data::Data` rope, so they pass through filters
//! without copying.

use crate::util::{self, arg};
use pipy_engine::pipeline::data::{self, Data, Encoding};
use pipy_engine::pipeline::event::{self, DataHost};
use pipy_value::{JsResult, Obj, ObjectKind, Value, error, function, ops, realm};
use std::rc::Rc;

pub const NAME: &str = "Data";

fn this_data(this: &Value, name: &str) -> JsResult<Obj> {
    match this {
        Value::Object(o) if o.is_host::<DataHost>() => Ok(o.clone()),
        _ => Err(error::type_error(&format!("Data.prototype.{name} called on a value that is not Data"))),
    }
}

fn with<R: Default>(o: &Obj, f: impl FnOnce(&mut Data) -> R) -> R {
    o.with_host(|d: &mut DataHost| f(&mut d.0)).unwrap_or_default()
}

pub fn encoding(v: &Value) -> JsResult<Encoding> {
    match v {
        Value::Undefined => Ok(Encoding::Utf8),
        v => {
            let s = ops::to_rust_string(v)?;
            Encoding::parse(&s).ok_or_else(|| error::type_error(&format!("unknown encoding '{s}'")))
        }
    }
}

/// Bytes of a string in an encoding.
pub fn encode_string(s: &pipy_value::JsString, enc: Encoding) -> JsResult<Data> {
    let text = s.to_rust_string();
    let bytes = match enc {
        Encoding::Utf8 => text.into_bytes(),
        Encoding::Utf16Be => s.units().iter().flat_map(|u| u.to_be_bytes()).collect(),
        Encoding::Utf16Le => s.units().iter().flat_map(|u| u.to_le_bytes()).collect(),
        Encoding::Hex => data::decode_hex(&text).ok_or_else(|| error::type_error("invalid hex string"))?,
        Encoding::Base64 | Encoding::Base64Url => {
            data::decode_base64(&text).ok_or_else(|| error::type_error("invalid base64 string"))?
        }
    };
    Ok(Data::from(bytes))
}

/// Text of bytes in an encoding.
pub fn decode_bytes(bytes: &[u8], enc: Encoding) -> Value {
    match enc {
        Encoding::Utf8 => Value::string(String::from_utf8_lossy(bytes).into_owned()),
        Encoding::Utf16Be | Encoding::Utf16Le => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|p| {
                    if enc == Encoding::Utf16Be {
                        u16::from_be_bytes([p[0], p[1]])
                    } else {
                        u16::from_le_bytes([p[0], p[1]])
                    }
                })
                .collect();
            Value::String(pipy_value::JsString::from_utf16(units))
        }
        Encoding::Hex => Value::string(data::encode_hex(bytes)),
        Encoding::Base64 => Value::string(data::encode_base64(bytes, false)),
        Encoding::Base64Url => Value::string(data::encode_base64(bytes, true)),
    }
}

/// The bytes a value stands for when pushed: Data, a string (UTF-8) or an array of byte numbers.
pub fn data_of(v: &Value, enc: Encoding) -> JsResult<Data> {
    match v {
        Value::Undefined | Value::Null => Ok(Data::new()),
        Value::String(s) => encode_string(s, enc),
        Value::Object(o) => {
            if let Some(d) = event::as_data(v) {
                return Ok(d);
            }
            if o.is_array() {
                let bytes: JsResult<Vec<u8>> =
                    ops::list_from_array_like(v)?.iter().map(|b| ops::to_number(b).map(|n| n as i64 as u8)).collect();
                return Ok(Data::from(bytes?));
            }
            Err(error::type_error(&format!("cannot make Data from {}", ops::describe(v))))
        }
        other => Err(error::type_error(&format!("cannot make Data from {}", ops::describe(other)))),
    }
}

fn construct(args: &[Value], new_target: Option<&Obj>) -> JsResult<Value> {
    let enc = encoding(&arg(args, 1))?;
    let d = data_of(&arg(args, 0), enc)?;
    let v = event::data_value(d);
    if let (Some(nt), Value::Object(o)) = (new_target, &v) {
        let proto = function::prototype_from_ctor(nt, |_| proto_of())?;
        o.set_proto(Some(proto));
    }
    Ok(v)
}

fn proto_of() -> Obj {
    match realm::registered("Data.prototype") {
        Some(Value::Object(o)) => o,
        _ => realm::intrinsics().object_prototype.clone(),
    }
}

pub fn install() -> Obj {
    let proto = Obj::new(Some(realm::intrinsics().object_prototype.clone()), ObjectKind::Ordinary);
    proto.mark_prototype();
    realm::register("Data.prototype", Value::Object(proto.clone()));
    let ctor = util::constructor(NAME, 2, &proto, Rc::new(|_, args, nt| construct(args, nt)));
    util::method(&ctor, "from", 2, |_, args| construct(args, None));
    util::getter(&proto, "size", |this, _| Ok(Value::num(with(&this_data(this, "size")?, |d| d.len()) as f64)));
    util::getter(&proto, "type", |_, _| Ok(Value::str("Data")));
    util::method(&proto, "push", 1, |this, args| {
        let o = this_data(this, "push")?;
        let more = data_of(&arg(args, 0), encoding(&arg(args, 1))?)?;
        with(&o, |d| d.push_data(more));
        Ok(this.clone())
    });
    util::method(&proto, "shift", 1, |this, args| {
        let o = this_data(this, "shift")?;
        let n = count(&arg(args, 0))?;
        Ok(event::data_value(with(&o, |d| d.shift(n))))
    });
    util::method(&proto, "pop", 1, |this, args| {
        let o = this_data(this, "pop")?;
        let n = count(&arg(args, 0))?;
        Ok(event::data_value(with(&o, |d| d.pop(n))))
    });
    util::method(&proto, "shiftTo", 1, |this, args| shift_by(this, &arg(args, 0), true));
    util::method(&proto, "shiftWhile", 1, |this, args| shift_by(this, &arg(args, 0), false));
    util::method(&proto, "toArray", 0, |this, _| {
        let o = this_data(this, "toArray")?;
        let bytes = with(&o, |d| d.to_vec());
        Ok(ops::new_array(bytes.into_iter().map(|b| Value::num(f64::from(b))).collect()))
    });
    util::method(&proto, "toString", 1, |this, args| {
        let o = this_data(this, "toString")?;
        let enc = encoding(&arg(args, 0))?;
        let bytes = with(&o, |d| d.to_vec());
        Ok(decode_bytes(&bytes, enc))
    });
    proto
}

fn count(v: &Value) -> JsResult<usize> {
    let n = ops::to_integer(v)?;
    Ok(if n <= 0.0 { 0 } else { n.min(usize::MAX as f64) as usize })
}

/// `shiftTo`/`shiftWhile`: the predicate may be a function of the byte or a byte value.
fn shift_by(this: &Value, pred: &Value, to: bool) -> JsResult<Value> {
    let o = this_data(this, if to { "shiftTo" } else { "shiftWhile" })?;
    let bytes = with(&o, |d| d.to_vec());
    let mut count = 0;
    let mut found = false;
    for &b in &bytes {
        let hit = if pred.is_callable() {
            function::call(pred, &Value::Undefined, &[Value::num(f64::from(b))])?.truthy()
        } else {
            ops::to_number(pred)? as i64 == i64::from(b)
        };
        if to {
            count += 1;
            if hit {
                found = true;
                break;
            }
        } else {
            if !hit {
                break;
            }
            count += 1;
        }
    }
    if to && !found {
        count = bytes.len();
    }
    Ok(event::data_value(with(&o, |d| d.shift(count))))
}
