//! Dubbo's 16-byte frame header ↔ Messages: glues `pipy_protocols::dubbo` (the bytes) to pipeline
//! events and script values.
//!
//! `decodeDubbo()` turns each frame into a Message whose head is `{requestID, isRequest,
//! isTwoWay, isEvent, serializationType, status}` (`requestID` a Number up to 2^53, beyond that a
//! `u64` `Int`, so all 64 bits come back out of `encodeDubbo()`) and whose body is the frame's payload, passed on
//! as it arrives (the serialized call is left to the script). A frame without the `0xdabb` magic
//! ends the stream with a `ProtocolError`. `encodeDubbo()` writes such Messages back, the header
//! first (it needs the body's length, so each body is collected before it goes out).

use super::packet::{Collect, Collected};
use super::{BuildCx, FilterSpec, factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, ErrorCode, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_protocols::dubbo::{HEADER_LENGTH, Header, parse_header, write_header};
use pipy_value::int::{self, IntType};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, attr, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "decodeDubbo",
        params: "()",
        help: "Decodes Dubbo frames into Messages (head: requestID, isRequest, isTwoWay, isEvent, serializationType, status)",
        joint: false,
        options: &[],
        build: build_decoder,
    },
    FilterSpec {
        name: "encodeDubbo",
        params: "()",
        help: "Encodes Messages into Dubbo frames",
        joint: false,
        options: &[],
        build: build_encoder,
    },
];

/// The largest request id a Number holds exactly.
const EXACT_IN_NUMBER: u64 = 1 << 53;

/// A request id as scripts see it: a Number while that holds it exactly, else a `u64` `Int` (the
/// original gives every id as an `Int`), so no bit is lost on the way back to `encodeDubbo`.
fn request_id_value(id: u64) -> Value {
    if id <= EXACT_IN_NUMBER { Value::Number(id as f64) } else { int::make(IntType::U64, id as i64) }
}

/// A head's `requestID`: an `Int`'s bits as they are, else the number cut to 64 bits.
fn request_id_of(v: &Value) -> JsResult<u64> {
    if let Some(i) = int::as_int(v) {
        return Ok(i.bits as u64);
    }
    if v.is_nullish() {
        return Ok(0);
    }
    let n = ops::to_number(v)?;
    Ok(if n < 0.0 { n as i64 as u64 } else { n as u64 })
}

fn head_value(h: &Header) -> Value {
    let o = Obj::ordinary();
    let set = |k: &str, v: Value| o.define_value(k, v, attr::DEFAULT);
    set("requestID", request_id_value(h.request_id));
    set("isRequest", Value::Bool(h.is_request));
    set("isTwoWay", Value::Bool(h.is_two_way));
    set("isEvent", Value::Bool(h.is_event));
    set("serializationType", Value::from(h.serialization as usize));
    set("status", Value::from(h.status as usize));
    Value::Object(o)
}

fn header_of(head: &Value, length: u32) -> JsResult<Header> {
    let head = event::script_value(head);
    let get = |k: &str| if head.is_object() { ops::get_str(&head, k) } else { Ok(Value::Undefined) };
    let num = |k: &str| -> JsResult<f64> {
        let v = get(k)?;
        if v.is_nullish() { Ok(0.0) } else { ops::to_number(&v) }
    };
    Ok(Header {
        request_id: request_id_of(&get("requestID")?)?,
        is_request: get("isRequest")?.truthy(),
        is_two_way: get("isTwoWay")?.truthy(),
        is_event: get("isEvent")?.truthy(),
        serialization: num("serializationType")? as u8,
        status: num("status")? as u8,
        length,
    })
}

fn build_decoder(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("decodeDubbo", (), |_, _| Box::new(Decoder { head: Vec::new(), body_left: None, failed: false })))
}

struct Decoder {
    /// Header bytes read so far.
    head: Vec<u8>,
    /// Payload bytes still to pass on for the current frame.
    body_left: Option<usize>,
    failed: bool,
}

impl Filter for Decoder {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::Data(d) if !self.failed => {
                let mut rest = d;
                while !rest.is_empty() {
                    match self.body_left {
                        Some(left) => {
                            let n = left.min(rest.len());
                            let part = rest.shift(n);
                            cx.output(Event::Data(part));
                            self.finish_body(cx, left - n);
                        }
                        None => {
                            let n = (HEADER_LENGTH - self.head.len()).min(rest.len());
                            self.head.extend_from_slice(&rest.shift(n).to_vec());
                            if self.head.len() < HEADER_LENGTH {
                                continue;
                            }
                            let mut h = [0u8; HEADER_LENGTH];
                            h.copy_from_slice(&self.head);
                            self.head.clear();
                            let Some(header) = parse_header(&h) else {
                                self.failed = true;
                                return cx.output(Event::error(ErrorCode::ProtocolError));
                            };
                            cx.output(Event::MessageStart(head_value(&header)));
                            self.finish_body(cx, header.length as usize);
                        }
                    }
                }
            }
            Event::StreamEnd(_) => {
                self.head.clear();
                self.body_left = None;
                if !self.failed {
                    cx.output(e);
                }
                self.failed = false;
            }
            _ => {}
        }
    }
}

impl Decoder {
    /// `left` payload bytes remain: end the Message when there are none.
    fn finish_body(&mut self, cx: &mut Cx<'_>, left: usize) {
        if left == 0 {
            self.body_left = None;
            cx.output(Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
        } else {
            self.body_left = Some(left);
        }
    }
}

fn build_encoder(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("encodeDubbo", (), |_, _| Box::new(Encoder(Collect::default()))))
}

struct Encoder(Collect);

fn frame(cx: &mut Cx<'_>, head: Value, body: Data) -> bool {
    let len = u32::try_from(body.len()).unwrap_or(u32::MAX);
    match header_of(&head, len) {
        Ok(h) => {
            let mut frame = Data::from(&write_header(&h)[..]);
            frame.push_data(body);
            cx.output(Event::MessageStart(head));
            cx.output(Event::Data(frame));
            true
        }
        Err(err) => {
            cx.throw(err);
            false
        }
    }
}

impl Filter for Encoder {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match self.0.push(e) {
            Collected::Pending => {}
            Collected::Message { head, body, end, .. } => {
                if frame(cx, head, body) {
                    cx.output(end);
                }
            }
            Collected::End { cut, end } => {
                if let Some((head, body)) = cut {
                    if !frame(cx, head, body) {
                        return;
                    }
                }
                cx.output(end);
            }
        }
    }
}
