//! `decodeMultipart()`: glues `pipy_protocols::multipart` (the bytes) to pipeline events. It
//! splits a Message whose `content-type` is `multipart/*; boundary=…` into one Message per part,
//! with `{headers}` (names in lower case) as the head and the part's bytes as the body, streamed
//! as they arrive. The preamble and epilogue are dropped; as in the original, a part's body runs up
//! to its delimiter, so the line break in front of the delimiter ends the body. Other messages
//! pass through unchanged.

use super::{BuildCx, FilterSpec, factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_protocols::multipart::{Piece, Splitter, boundary};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, attr, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[FilterSpec {
    name: "decodeMultipart",
    params: "()",
    help: "Splits multipart/* Messages into one Message per part ({headers} head, the part's body)",
    joint: false,
    options: &[],
    build,
}];

fn build(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("decodeMultipart", (), |_, _| Box::new(Decoder { split: None })))
}

struct Decoder {
    split: Option<Splitter>,
}

fn content_type(head: &Value) -> Option<String> {
    let head = event::script_value(head);
    let headers = ops::get_str(&head, "headers").ok()?;
    if !headers.is_object() {
        return None;
    }
    let v = ops::get_str(&headers, "content-type").ok()?;
    ops::to_rust_string(&v).ok().filter(|_| !v.is_nullish())
}

fn emit(cx: &mut Cx<'_>, pieces: Vec<Piece>) {
    for p in pieces {
        match p {
            Piece::Start(headers) => {
                let h = Obj::ordinary();
                for (k, v) in headers {
                    h.define_value(k.as_str(), Value::str(&v), attr::DEFAULT);
                }
                let head = Obj::ordinary();
                head.define_value("headers", Value::Object(h), attr::DEFAULT);
                cx.output(Event::MessageStart(Value::Object(head)));
            }
            Piece::Body(b) => cx.output(Event::Data(Data::from(b))),
            Piece::End => cx.output(Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined }),
        }
    }
}

impl Filter for Decoder {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::MessageStart(ref head) if self.split.is_none() => {
                match content_type(head).as_deref().and_then(boundary) {
                    Some(b) => self.split = Some(Splitter::new(&b)),
                    None => cx.output(e),
                }
            }
            Event::Data(ref d) => match &mut self.split {
                Some(s) => {
                    let mut out = Vec::new();
                    s.input(&d.to_vec(), &mut out);
                    emit(cx, out);
                }
                None => cx.output(e),
            },
            Event::MessageEnd { .. } | Event::StreamEnd(_) => {
                if let Some(mut s) = self.split.take() {
                    let mut out = Vec::new();
                    s.end(&mut out);
                    emit(cx, out);
                    if matches!(e, Event::StreamEnd(_)) {
                        cx.output(e);
                    }
                } else {
                    cx.output(e);
                }
            }
            Event::MessageStart(_) => cx.output(e),
        }
    }
}
