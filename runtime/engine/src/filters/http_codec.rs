//! The bare HTTP/1 codecs: `decodeHTTPRequest`, `decodeHTTPResponse` (Data → MessageStart,
//! Data, MessageEnd) and `encodeHTTPRequest`, `encodeHTTPResponse` (messages → Data), with no
//! demultiplexing. A decoding error ends the stream with `ProtocolError`. Between
//! `encodeHTTPRequest` and `decodeHTTPResponse` in one layout, a response to `HEAD` is still
//! decoded without a body only when the same filter saw the request, so such layouts normally
//! use `muxHTTP` instead.

use super::{FilterSpec, arg, check_options, factory, option, parse_size};
use crate::http::js::{request_head_of, request_head_value, response_head_of, response_head_value, tail_value};
use crate::pipeline::data::Data;
use crate::pipeline::event::{ErrorCode, Event};
use crate::pipeline::{Cx, Filter, FilterFactory, SubSlot};
use bytes::Bytes;
use pipy_protocols::http1::decoder::{Decoder, Side};
use pipy_protocols::http1::{self as http, RequestDecoder, RequestEncoder, ResponseDecoder, ResponseEncoder};
use pipy_value::{JsResult, Value};
use std::rc::Rc;

const OPTIONS: &[&str] = &["bufferSize", "maxHeaderSize", "final", "bodiless"];

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "decodeHTTPRequest",
        params: "(options?)",
        help: "Decodes HTTP/1 requests from Data into messages",
        joint: false,
        options: OPTIONS,
        build: |_, args| build(args, Kind::DecodeRequest, "decodeHTTPRequest"),
    },
    FilterSpec {
        name: "decodeHTTPResponse",
        params: "(options?)",
        help: "Decodes HTTP/1 responses from Data into messages",
        joint: false,
        options: OPTIONS,
        build: |_, args| build(args, Kind::DecodeResponse, "decodeHTTPResponse"),
    },
    FilterSpec {
        name: "encodeHTTPRequest",
        params: "(options?)",
        help: "Encodes messages as HTTP/1 requests",
        joint: false,
        options: OPTIONS,
        build: |_, args| build(args, Kind::EncodeRequest, "encodeHTTPRequest"),
    },
    FilterSpec {
        name: "encodeHTTPResponse",
        params: "(options?)",
        help: "Encodes messages as HTTP/1 responses",
        joint: false,
        options: OPTIONS,
        build: |_, args| build(args, Kind::EncodeResponse, "encodeHTTPResponse"),
    },
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    DecodeRequest,
    DecodeResponse,
    EncodeRequest,
    EncodeResponse,
}

struct Config {
    kind: Kind,
    buffer_size: usize,
    limits: http::Limits,
}

fn build(args: &[Value], kind: Kind, name: &'static str) -> JsResult<Rc<dyn FilterFactory>> {
    let opts = arg(args, 0);
    check_options(name, &opts, OPTIONS)?;
    let buffer_size = parse_size(&option(&opts, "bufferSize")?)?.unwrap_or(0);
    let limits = match parse_size(&option(&opts, "maxHeaderSize")?)? {
        Some(n) => http::Limits::from_max_header_size(n),
        None => http::Limits::default(),
    };
    Ok(factory(name, Config { kind, buffer_size, limits }, make))
}

fn make(cfg: &Rc<Config>, _: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    match cfg.kind {
        Kind::DecodeRequest => Box::new(Decode {
            decoder: RequestDecoder::with_limits(cfg.limits),
            head_value: request_head_value,
            failed: false,
        }),
        Kind::DecodeResponse => Box::new(Decode {
            decoder: ResponseDecoder::with_limits(cfg.limits),
            head_value: response_head_value,
            failed: false,
        }),
        Kind::EncodeRequest => Box::new(EncodeRequest(RequestEncoder::new(cfg.buffer_size))),
        Kind::EncodeResponse => Box::new(EncodeResponse(ResponseEncoder::new(cfg.buffer_size))),
    }
}

fn emit_decoded<H>(cx: &mut Cx<'_>, events: Vec<http::Event<H>>, head_value: fn(H) -> Value) {
    for e in events {
        match e {
            http::Event::Head { head, .. } => cx.output(Event::MessageStart(head_value(head))),
            http::Event::Body(b) | http::Event::Tunnel(b) => cx.output(Event::Data(Data::from(b))),
            http::Event::End(t) => cx.output(Event::MessageEnd { tail: tail_value(t), payload: Value::Undefined }),
            http::Event::Http2Preface => {}
        }
    }
}

/// Either decoder: bytes in, messages out; a decoding error ends the stream with ProtocolError.
struct Decode<S: Side> {
    decoder: Decoder<S>,
    head_value: fn(S::Head) -> Value,
    failed: bool,
}

impl<S: Side> Filter for Decode<S> {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.failed {
            return;
        }
        let mut out = Vec::new();
        match e {
            Event::Data(d) => {
                for c in d.chunks() {
                    if self.decoder.feed(c.clone(), &mut out).is_err() {
                        emit_decoded(cx, out, self.head_value);
                        self.failed = true;
                        return cx.fail(ErrorCode::ProtocolError);
                    }
                }
                emit_decoded(cx, out, self.head_value);
            }
            Event::StreamEnd(err) => {
                let _ = self.decoder.finish(&mut out);
                emit_decoded(cx, out, self.head_value);
                cx.output(Event::StreamEnd(err));
            }
            _ => {}
        }
    }
}

fn output_bytes(cx: &mut Cx<'_>, out: Vec<Bytes>) {
    let mut d = Data::new();
    for b in out {
        d.push_bytes(b);
    }
    if !d.is_empty() {
        cx.output(Event::Data(d));
    }
}

struct EncodeRequest(RequestEncoder);

impl Filter for EncodeRequest {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        let mut out = Vec::new();
        match e {
            Event::MessageStart(h) => match request_head_of(&h) {
                Ok(head) => {
                    self.0.head(&head);
                }
                Err(err) => return cx.throw(err),
            },
            Event::Data(d) => {
                for c in d.chunks() {
                    self.0.body(c.clone(), &mut out);
                }
            }
            Event::MessageEnd { .. } => {
                self.0.end(&mut out);
            }
            Event::StreamEnd(_) => {
                output_bytes(cx, out);
                return cx.output(e);
            }
        }
        output_bytes(cx, out);
    }
}

struct EncodeResponse(ResponseEncoder);

impl Filter for EncodeResponse {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        let mut out = Vec::new();
        match e {
            Event::MessageStart(h) => match response_head_of(&h) {
                Ok(head) => self.0.head(&head, None),
                Err(err) => return cx.throw(err),
            },
            Event::Data(d) => {
                for c in d.chunks() {
                    self.0.body(c.clone(), &mut out);
                }
            }
            Event::MessageEnd { .. } => {
                let outcome = self.0.end(&mut out);
                output_bytes(cx, out);
                if outcome.close {
                    cx.output(Event::end());
                }
                return;
            }
            Event::StreamEnd(_) => {
                output_bytes(cx, out);
                return cx.output(e);
            }
        }
        output_bytes(cx, out);
    }
}
