//! RESP, the Redis serialization protocol (version 2): glues `pipy_protocols::resp` (the bytes)
//! to pipeline events and script values.
//!
//! `decodeRESP()` turns each top-level value of the byte stream into a Message whose
//! `MessageEnd` payload is the value: a simple string as a string, an error as an `Error` with
//! that message, an integer as a number, a bulk string as `Data`, an array as an array (nested as
//! sent), the null bulk string and null array as `null`. Bytes that are not RESP end the stream
//! with a `ProtocolError`. `encodeRESP()` writes each Message's payload the same way (strings as
//! simple strings, `Data` as bulk strings, `null`/`undefined` as the null bulk string, anything
//! else as the simple string of its text), so a request decoded and encoded again is the request.

use super::packet::{Cut, PacketCodec, PacketDecoder};
use super::{BuildCx, FilterSpec, factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_protocols::resp::{Parsed, Resp, encode, parse};
use pipy_value::error::{ErrorKind, make_error};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "decodeRESP",
        params: "()",
        help: "Decodes RESP (Redis protocol) values into Messages whose payload is the value",
        joint: false,
        options: &[],
        build: build_decoder,
    },
    FilterSpec {
        name: "encodeRESP",
        params: "()",
        help: "Encodes each Message's payload as a RESP (Redis protocol) value",
        joint: false,
        options: &[],
        build: build_encoder,
    },
];

pub fn to_value(r: Resp) -> Value {
    match r {
        Resp::Simple(s) => Value::str(&s),
        Resp::Error(m) => make_error(ErrorKind::Error, &m),
        Resp::Integer(n) => Value::Number(n as f64),
        Resp::Bulk(b) => event::data_value(Data::from(b)),
        Resp::Array(items) => Value::Object(Obj::array(items.into_iter().map(to_value).collect())),
        Resp::Null => Value::Null,
    }
}

/// The RESP value a script value is written as: strings as simple strings, `Data` as bulk
/// strings, numbers as integers, errors by their message, `null`/`undefined` as the null bulk
/// string, anything else as the simple string of its text.
pub fn resp_of(v: &Value) -> JsResult<Resp> {
    Ok(match v {
        Value::Undefined | Value::Null | Value::Hole => Resp::Null,
        Value::Number(n) => Resp::Integer(*n as i64),
        Value::Object(o) if o.is_array() => {
            let items = o.array_elements().unwrap_or_default();
            Resp::Array(items.iter().map(resp_of).collect::<JsResult<_>>()?)
        }
        Value::Object(o) if o.is_error() => Resp::Error(ops::to_rust_string(&ops::get_str(v, "message")?)?),
        _ => match event::as_data(v) {
            Some(d) => Resp::Bulk(d.to_vec()),
            None => Resp::Simple(ops::to_rust_string(v)?),
        },
    })
}

// ---- the filters ----

fn build_decoder(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("decodeRESP", (), |_, _| Box::new(PacketDecoder::new(RespCodec { need: 1 }))))
}

struct RespCodec {
    /// Bytes needed before parsing again (so a large bulk string is not re-read per chunk).
    need: usize,
}

impl PacketCodec for RespCodec {
    fn cut(&mut self, _cx: &mut Cx<'_>, b: &[u8], out: &mut Vec<Event>) -> Cut {
        if b.len() < self.need {
            return Cut::More;
        }
        match parse(b, 0) {
            Parsed::Done(v, n) => {
                self.need = 1;
                out.push(Event::MessageStart(Value::Undefined));
                out.push(Event::MessageEnd { tail: Value::Undefined, payload: to_value(v) });
                Cut::Packet(n)
            }
            Parsed::More(n) => {
                self.need = n;
                Cut::More
            }
            Parsed::Invalid => Cut::Invalid,
        }
    }
    fn reset(&mut self) {
        self.need = 1;
    }
}

fn build_encoder(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("encodeRESP", (), |_, _| Box::new(Encoder { started: false })))
}

struct Encoder {
    started: bool,
}

impl Filter for Encoder {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::MessageStart(_) => {
                if !self.started {
                    self.started = true;
                    cx.output(e);
                }
            }
            Event::MessageEnd { ref payload, .. } => {
                if !self.started {
                    return;
                }
                self.started = false;
                let value = match resp_of(payload) {
                    Ok(value) => value,
                    Err(err) => return cx.throw(err),
                };
                let mut out = Vec::new();
                encode(&value, &mut out);
                cx.output(Event::Data(Data::from(out)));
                cx.output(e);
            }
            Event::StreamEnd(_) => {
                self.started = false;
                cx.output(e);
            }
            Event::Data(_) => {}
        }
    }
}
