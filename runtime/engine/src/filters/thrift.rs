//! Thrift messages ↔ Messages, in the binary (strict and old) and compact protocols: glues
//! `pipy_protocols::thrift` (the bytes) to pipeline events and script values.
//!
//! `decodeThrift()` turns each message into a Message whose head is `{seqID, type ('call',
//! 'reply', 'exception', 'oneway'), name, protocol ('binary' | 'compact')}` and whose body is the
//! message's payload struct, as raw bytes (found by walking the struct, since neither protocol
//! prefixes its length). Bytes that are not Thrift end the stream with a `ProtocolError`.
//! `encodeThrift()` writes the header for the head's protocol in front of the body. Framed
//! transport (a 4-byte length first) and the `payload: true` option (the struct decoded to an
//! object) are not supported.

use super::packet::{Collect, Collected, Cut, PacketCodec, PacketDecoder};
use super::{BuildCx, FilterSpec, factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_protocols::thrift::{Header, MESSAGE_TYPES, Parsed, parse, write_header};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, attr, error, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "decodeThrift",
        params: "(options?)",
        help: "Decodes Thrift messages (binary or compact protocol) into Messages (head: seqID, type, name, protocol; body: the payload)",
        joint: false,
        options: &["payload"],
        build: build_decoder,
    },
    FilterSpec {
        name: "encodeThrift",
        params: "()",
        help: "Encodes Messages into Thrift messages (the head's protocol, the body as the payload)",
        joint: false,
        options: &[],
        build: build_encoder,
    },
];

fn head_value(h: &Header) -> Value {
    let o = Obj::ordinary();
    o.define_value("seqID", Value::Number(f64::from(h.seq)), attr::DEFAULT);
    o.define_value("type", Value::str(MESSAGE_TYPES[usize::from(h.kind - 1)]), attr::DEFAULT);
    o.define_value("name", Value::str(&h.name), attr::DEFAULT);
    o.define_value("protocol", Value::str(if h.compact { "compact" } else { "binary" }), attr::DEFAULT);
    Value::Object(o)
}

fn header_of(head: &Value) -> JsResult<Header> {
    let head = event::script_value(head);
    let get = |k: &str| if head.is_object() { ops::get_str(&head, k) } else { Ok(Value::Undefined) };
    let text = |k: &str| -> JsResult<String> {
        let v = get(k)?;
        if v.is_nullish() { Ok(String::new()) } else { ops::to_rust_string(&v) }
    };
    let t = text("type")?;
    let kind = match MESSAGE_TYPES.iter().position(|x| *x == t) {
        Some(i) => i as u8 + 1,
        None if t.is_empty() => 1,
        None => return Err(error::type_error(&format!("encodeThrift(): unknown message type '{t}'"))),
    };
    let seq = get("seqID")?;
    let seq = if seq.is_nullish() { 0 } else { ops::to_number(&seq)? as i32 };
    Ok(Header { compact: text("protocol")? == "compact", kind, name: text("name")?, seq })
}

fn build_decoder(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    super::check_options("decodeThrift", &super::arg(args, 0), &["payload"])?;
    if super::option(&super::arg(args, 0), "payload")?.truthy() {
        return Err(error::type_error("decodeThrift(): the payload option (decoded structs) is not supported yet"));
    }
    Ok(factory("decodeThrift", (), |_, _| Box::new(PacketDecoder::new(ThriftCodec))))
}

struct ThriftCodec;

impl PacketCodec for ThriftCodec {
    fn cut(&mut self, _cx: &mut Cx<'_>, b: &[u8], out: &mut Vec<Event>) -> Cut {
        match parse(b) {
            Parsed::More => Cut::More,
            Parsed::Invalid => Cut::Invalid,
            Parsed::Done(h, start, end) => {
                out.push(Event::MessageStart(head_value(&h)));
                if end > start {
                    out.push(Event::Data(Data::from(&b[start..end])));
                }
                out.push(Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined });
                Cut::Packet(end)
            }
        }
    }
}

fn build_encoder(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("encodeThrift", (), |_, _| Box::new(Encoder(Collect::default()))))
}

struct Encoder(Collect);

impl Filter for Encoder {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match self.0.push(e) {
            Collected::Pending => {}
            Collected::Message { head, body, .. } => match header_of(&head) {
                Ok(h) => {
                    let mut out = Data::from(write_header(&h));
                    out.push_data(body);
                    cx.output(Event::Data(out));
                }
                Err(err) => cx.throw(err),
            },
            Collected::End { end, .. } => cx.output(end),
        }
    }
}
