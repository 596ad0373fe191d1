//! The bare HTTP/1 decoders: `decodeHTTPRequest` and `decodeHTTPResponse` turn Data into
//! MessageStart, Data, MessageEnd, with no demultiplexing. A decoding error ends the stream with
//! `ProtocolError`. Between `encodeHTTPRequest` and `decodeHTTPResponse` in one layout, a response
//! to `HEAD` is still decoded without a body only when the same filter saw the request, so such
//! layouts normally use `muxHTTP` instead. The encoders are `encode_http.rs`.

use super::{FilterSpec, arg, check_options, factory, option, parse_size};
use crate::http::js::{request_head_value, response_head_value, tail_value};
use crate::pipeline::data::Data;
use crate::pipeline::event::{ErrorCode, Event};
use crate::pipeline::{Cx, Filter, FilterFactory, SubSlot};
use pipy_protocols::http1::decoder::{Decoder, Side};
use pipy_protocols::http1::{self as http, RequestDecoder, ResponseDecoder};
use pipy_value::{JsResult, Value};
use std::rc::Rc;

/// The options of the bare HTTP codecs (both directions).
pub(super) const OPTIONS: &[&str] = &["bufferSize", "maxHeaderSize", "final", "bodiless"];

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "decodeHTTPRequest",
        params: "(options?)",
        help: "Decodes HTTP/1 requests from Data into messages",
        joint: false,
        options: OPTIONS,
        build: |_, args| build(args, false, "decodeHTTPRequest"),
    },
    FilterSpec {
        name: "decodeHTTPResponse",
        params: "(options?)",
        help: "Decodes HTTP/1 responses from Data into messages",
        joint: false,
        options: OPTIONS,
        build: |_, args| build(args, true, "decodeHTTPResponse"),
    },
];

struct Config {
    responses: bool,
    limits: http::Limits,
}

/// Reads the options both directions share: `(bufferSize, header limits)`.
pub(super) fn options(args: &[Value], name: &str) -> JsResult<(usize, http::Limits)> {
    let opts = arg(args, 0);
    check_options(name, &opts, OPTIONS)?;
    let buffer_size = parse_size(&option(&opts, "bufferSize")?)?.unwrap_or(0);
    let limits = match parse_size(&option(&opts, "maxHeaderSize")?)? {
        Some(n) => http::Limits::from_max_header_size(n),
        None => http::Limits::default(),
    };
    Ok((buffer_size, limits))
}

fn build(args: &[Value], responses: bool, name: &'static str) -> JsResult<Rc<dyn FilterFactory>> {
    let (_, limits) = options(args, name)?;
    Ok(factory(name, Config { responses, limits }, make))
}

fn make(cfg: &Rc<Config>, _: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    if cfg.responses {
        Box::new(Decode {
            decoder: ResponseDecoder::with_limits(cfg.limits),
            head_value: response_head_value,
            failed: false,
        })
    } else {
        Box::new(Decode {
            decoder: RequestDecoder::with_limits(cfg.limits),
            head_value: request_head_value,
            failed: false,
        })
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
