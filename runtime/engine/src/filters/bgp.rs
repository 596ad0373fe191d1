//! BGP-4 messages ↔ Messages, as the original's `decodeBGP(options?)` and `encodeBGP(options?)`:
//! glues `pipy_protocols::bgp` (the bytes) to pipeline events. The script objects themselves
//! (`{type, body}`, as `BGP.decode()` gives them) are made and read by the standard library's
//! `BGP` module, which installs itself here with [`set_script_codec`].
//!
//! `decodeBGP()` turns each message into a `MessageStart` (head null), the message's own bytes as
//! Data (as they come in, so a message split across reads comes as more than one Data) and a
//! `MessageEnd` whose payload is the decoded message. As in the original, a malformed message
//! (a length below 19, or a body that does not read) gets its `MessageStart` and bytes but no
//! `MessageEnd`, and everything after it is dropped until the stream ends, which passes on
//! without an error; Messages coming in are dropped. `encodeBGP()` writes the `MessageEnd`
//! payload of each Message as one BGP message, between the `MessageStart` and the `MessageEnd`
//! (the body is dropped; a payload that is not an object writes nothing). Option `enableAS4` (a
//! boolean, `'true'`/`'false'`, or a function giving one, called for each message) chooses 4-byte
//! AS numbers; it defaults to false. Any other option key is refused (the original ignores
//! them), and `encodeBGP()` also takes no options at all (the original's 1.x `pipeline()` API
//! insists on an object).

use super::{BuildCx, FilterSpec, arg, check_options, factory, option};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_protocols::bgp::{self, Framing, HEADER_LEN, Message};
use pipy_value::{JsResult, Value, error};
use std::cell::Cell;
use std::rc::Rc;

const OPTIONS: &[&str] = &["enableAS4"];

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "decodeBGP",
        params: "(options?)",
        help: "Decodes BGP-4 messages into Messages (payload: {type, body} as BGP.decode() gives; the bytes pass as the body)",
        joint: false,
        options: OPTIONS,
        build: build_decoder,
    },
    FilterSpec {
        name: "encodeBGP",
        params: "(options?)",
        help: "Encodes each Message's payload ({type, body} as BGP.encode() takes) into a BGP-4 message",
        joint: false,
        options: OPTIONS,
        build: build_encoder,
    },
];

/// How BGP messages become script objects and back (installed by the standard library).
#[derive(Clone, Copy)]
pub struct ScriptCodec {
    /// The script object of a decoded message.
    pub to_value: fn(&Message) -> Value,
    /// The message a script object describes, read as the original reads it.
    pub from_value: fn(&Value) -> JsResult<Message>,
}

thread_local! {
    static CODEC: Cell<Option<ScriptCodec>> = const { Cell::new(None) };
}

pub fn set_script_codec(c: ScriptCodec) {
    CODEC.with(|s| s.set(Some(c)));
}

fn codec() -> JsResult<ScriptCodec> {
    CODEC.with(|s| s.get()).ok_or_else(|| error::type_error("BGP: the BGP module is not installed"))
}

/// `options.enableAS4`: a boolean (or `'true'`/`'false'`) or a function giving one.
fn as4_option(filter: &str, args: &[Value]) -> JsResult<Value> {
    let options = arg(args, 0);
    if !options.is_nullish() && !options.is_object() {
        return Err(error::type_error("argument #1 expects an object"));
    }
    check_options(filter, &options, OPTIONS)?;
    let v = option(&options, "enableAS4")?;
    match &v {
        Value::Undefined | Value::Null => Ok(Value::Bool(false)),
        Value::Bool(_) => Ok(v),
        Value::String(s) if s.to_rust_string() == "true" => Ok(Value::Bool(true)),
        Value::String(s) if s.to_rust_string() == "false" => Ok(Value::Bool(false)),
        _ if v.is_callable() => Ok(v),
        _ => Err(error::type_error("options.enableAS4 expects a boolean or a function")),
    }
}

/// The option's value for the next message (None: the function threw, and the stream ended).
fn as4(cx: &mut Cx<'_>, option: &Value) -> Option<bool> {
    if option.is_callable() { cx.call(option, &[]).map(|v| v.truthy()) } else { Some(option.truthy()) }
}

fn build_decoder(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let option = as4_option("decodeBGP", args)?;
    Ok(factory("decodeBGP", option, |o, _| {
        Box::new(Decoder { option: o.clone(), as4: false, message: None, failed: false })
    }))
}

struct Decoder {
    option: Rc<Value>,
    /// For the message being read.
    as4: bool,
    /// The bytes of the message being read (None between messages).
    message: Option<Vec<u8>>,
    /// A message did not read: drop everything until the stream ends.
    failed: bool,
}

impl Decoder {
    /// Reads `b`, pushing the events; false when a message did not read.
    fn read(&mut self, cx: &mut Cx<'_>, b: &[u8], out: &mut Vec<Event>) -> bool {
        let pass = |out: &mut Vec<Event>, from: usize, to: usize| {
            if to > from {
                out.push(Event::Data(Data::from(&b[from..to])));
            }
        };
        let mut pos = 0;
        let mut passed = 0;
        while pos < b.len() {
            if self.message.is_none() {
                let Some(as4) = as4(cx, &self.option.clone()) else { return false };
                self.as4 = as4;
                self.message = Some(Vec::with_capacity(HEADER_LEN));
                out.push(Event::MessageStart(Value::Null));
            }
            let Some(m) = self.message.as_mut() else { return false };
            let header = match bgp::parse_header(m) {
                Framing::Header(h) => Some(h),
                _ => None,
            };
            let want = header.map_or(HEADER_LEN, |h| h.length);
            let n = (want - m.len()).min(b.len() - pos);
            m.extend_from_slice(&b[pos..pos + n]);
            pos += n;
            if m.len() < want {
                continue;
            }
            let h = match bgp::parse_header(m) {
                Framing::Header(h) => h,
                Framing::Invalid | Framing::More => {
                    pass(out, passed, pos);
                    return false;
                }
            };
            if m.len() < h.length {
                continue;
            }
            let body = bgp::decode_body(h.msg_type, &m[HEADER_LEN..], self.as4);
            pass(out, passed, pos);
            passed = pos;
            let body = match body {
                Ok(body) => body,
                Err(_) => return false,
            };
            self.message = None;
            let payload = match codec() {
                Ok(c) => (c.to_value)(&Message { msg_type: i32::from(h.msg_type), body }),
                Err(e) => {
                    cx.throw(e);
                    return false;
                }
            };
            out.push(Event::MessageEnd { tail: Value::Null, payload });
        }
        pass(out, passed, pos);
        true
    }
}

impl Filter for Decoder {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::Data(d) if !self.failed => {
                let mut out = Vec::new();
                if !self.read(cx, &d.to_vec(), &mut out) {
                    self.failed = true;
                }
                cx.output_all(out);
            }
            Event::StreamEnd(_) => {
                self.message = None;
                self.failed = false;
                cx.output(e);
            }
            _ => {}
        }
    }
}

fn build_encoder(_: &BuildCx<'_>, args: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    let option = as4_option("encodeBGP", args)?;
    Ok(factory("encodeBGP", option, |o, _| Box::new(Encoder { option: o.clone(), started: false })))
}

struct Encoder {
    option: Rc<Value>,
    /// Inside a Message (between its start and its end).
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
                let payload = event::script_value(payload);
                if payload.is_object() {
                    let Some(as4) = as4(cx, &self.option.clone()) else { return };
                    match codec().and_then(|c| (c.from_value)(&payload)) {
                        Ok(m) => cx.output(Event::Data(Data::from(bgp::encode(&m, as4)))),
                        Err(err) => return cx.throw(err),
                    }
                }
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
