//! The bare HTTP/1 encoders: `encodeHTTPRequest` and `encodeHTTPResponse` turn messages into
//! Data, byte-exact to the original. The decoders are `decode_http.rs`.

use super::decode_http::{OPTIONS, options};
use super::{FilterSpec, factory};
use crate::http::js::{request_head_of, response_head_of};
use crate::pipeline::data::Data;
use crate::pipeline::event::Event;
use crate::pipeline::{Cx, Filter, FilterFactory, SubSlot};
use bytes::Bytes;
use pipy_protocols::http1::{RequestEncoder, ResponseEncoder};
use pipy_value::{JsResult, Value};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "encodeHTTPRequest",
        params: "(options?)",
        help: "Encodes messages as HTTP/1 requests",
        joint: false,
        options: OPTIONS,
        build: |_, args| build(args, false, "encodeHTTPRequest"),
    },
    FilterSpec {
        name: "encodeHTTPResponse",
        params: "(options?)",
        help: "Encodes messages as HTTP/1 responses",
        joint: false,
        options: OPTIONS,
        build: |_, args| build(args, true, "encodeHTTPResponse"),
    },
];

struct Config {
    responses: bool,
    buffer_size: usize,
}

fn build(args: &[Value], responses: bool, name: &'static str) -> JsResult<Rc<dyn FilterFactory>> {
    let (buffer_size, _) = options(args, name)?;
    Ok(factory(name, Config { responses, buffer_size }, make))
}

fn make(cfg: &Rc<Config>, _: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    if cfg.responses {
        Box::new(EncodeResponse(ResponseEncoder::new(cfg.buffer_size)))
    } else {
        Box::new(EncodeRequest(RequestEncoder::new(cfg.buffer_size)))
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
