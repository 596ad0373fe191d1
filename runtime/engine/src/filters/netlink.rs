//! Netlink messages ↔ Messages: glues `pipy_protocols::netlink` (the bytes) to pipeline events
//! and script values. Used with `connect(…, { protocol: 'netlink' })` to talk to the Linux kernel.
//!
//! `decodeNetlink()` turns each `nlmsghdr`-framed message into a Message whose head is `{type,
//! flags, seq, pid}` and whose body is the message's payload (without the padding to 4 bytes),
//! passed on as it arrives; several messages in one datagram become several Messages, and one
//! split across reads is joined. A length field smaller than the header, or a stream that ends
//! inside a message, is logged and ends the stream with a `ProtocolError`.
//!
//! `encodeNetlink()` writes each Message as one Netlink message, in host byte order: the length
//! field is the header plus the body, `type`, `flags`, `seq` and `pid` come from the head (0 when
//! absent), and the body is padded with zeros to a 4-byte boundary. Each comes out as its own
//! Message (start, one Data, end), so `connect` sends it as one datagram.
//!
//! Unlike the original, the decoder takes a message with an empty body (length 16) and skips the
//! padding between messages, and the encoder pads; seq and pid are unsigned 32-bit numbers.

use super::packet::{Collect, Collected};
use super::{BuildCx, FilterSpec, factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, ErrorCode, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_protocols::netlink::{Deframer, Header, Malformed, Piece, encode};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, attr, error, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "decodeNetlink",
        params: "()",
        help: "Decodes Netlink messages (nlmsghdr) into Messages (head: type, flags, seq, pid; body: the payload)",
        joint: false,
        options: &[],
        build: build_decoder,
    },
    FilterSpec {
        name: "encodeNetlink",
        params: "()",
        help: "Encodes Messages into Netlink messages (head: type, flags, seq, pid), each padded to 4 bytes",
        joint: false,
        options: &[],
        build: build_encoder,
    },
];

fn head_value(h: &Header) -> Value {
    let o = Obj::ordinary();
    o.define_value("type", Value::from(usize::from(h.kind)), attr::DEFAULT);
    o.define_value("flags", Value::from(usize::from(h.flags)), attr::DEFAULT);
    o.define_value("seq", Value::Number(f64::from(h.seq)), attr::DEFAULT);
    o.define_value("pid", Value::Number(f64::from(h.pid)), attr::DEFAULT);
    Value::Object(o)
}

/// JavaScript's ToUint32 of a number (what `>>> 0` does).
fn to_u32(n: f64) -> u32 {
    if !n.is_finite() {
        return 0;
    }
    n.trunc().rem_euclid(4_294_967_296.0) as u32
}

fn header_of(head: &Value) -> JsResult<Header> {
    let head = event::script_value(head);
    let num = |k: &str| -> JsResult<u32> {
        let v = if head.is_object() { ops::get_str(&head, k)? } else { Value::Undefined };
        Ok(if v.is_nullish() { 0 } else { to_u32(ops::to_number(&v)?) })
    };
    Ok(Header { kind: num("type")? as u16, flags: num("flags")? as u16, seq: num("seq")?, pid: num("pid")? })
}

// ---- the decoder ----

fn build_decoder(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("decodeNetlink", (), |_, _| Box::new(Decoder { deframer: Deframer::new(), failed: false })))
}

struct Decoder {
    deframer: Deframer,
    /// The stream was malformed: it has been ended; the rest is dropped.
    failed: bool,
}

fn malformed(err: &Malformed) {
    crate::log::error(&format!("decodeNetlink(): malformed Netlink input: {err}"));
}

impl Filter for Decoder {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::Data(d) if !self.failed => {
                let mut out = Vec::new();
                for chunk in d.chunks() {
                    let mut pieces = Vec::new();
                    let r = self.deframer.feed(chunk, &mut pieces);
                    for p in pieces {
                        out.push(match p {
                            Piece::Start(h) => Event::MessageStart(head_value(&h)),
                            Piece::Body(range) => Event::Data(Data::from(chunk.slice(range))),
                            Piece::End => Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined },
                        });
                    }
                    if let Err(err) = r {
                        malformed(&err);
                        self.failed = true;
                        self.deframer.reset();
                        out.push(Event::error(ErrorCode::ProtocolError));
                        break;
                    }
                }
                cx.output_all(out);
            }
            Event::StreamEnd(ref end) => {
                if self.failed {
                    self.failed = false;
                    return;
                }
                match self.deframer.finish() {
                    Ok(()) => cx.output(e),
                    Err(err) => {
                        malformed(&err);
                        // An error the stream already ended with says more than ours.
                        cx.output(if end.is_some() { e } else { Event::error(ErrorCode::ProtocolError) });
                    }
                }
            }
            _ => {}
        }
    }
}

// ---- the encoder ----

fn build_encoder(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("encodeNetlink", (), |_, _| Box::new(Encoder(Collect::default()))))
}

struct Encoder(Collect);

impl Filter for Encoder {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match self.0.push(e) {
            Collected::Pending => {}
            Collected::Message { head, body, end, .. } => {
                let h = match header_of(&head) {
                    Ok(h) => h,
                    Err(err) => return cx.throw(err),
                };
                let mut out = Vec::new();
                if encode(&h, &body.to_vec(), &mut out).is_err() {
                    return cx.throw(error::range_error("encodeNetlink(): a message body over 4 GiB"));
                }
                cx.output_all(vec![Event::MessageStart(head), Event::Data(Data::from(out)), end]);
            }
            // A Message cut short by the end is dropped, as the original does.
            Collected::End { end, .. } => cx.output(end),
        }
    }
}
