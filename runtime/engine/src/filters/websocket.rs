//! `decodeWebSocket` and `encodeWebSocket`: WebSocket frames (RFC 6455) ↔ Messages, gluing
//! `pipy_protocols::websocket` (frame headers, masking, frames) to pipeline events.
//!
//! Decoding turns frames into Messages whose head is `{ opcode, masked }` (1 text, 2 binary, 8
//! close, 9 ping, 10 pong) and whose body is the unmasked payload; a fragmented message is one
//! Message, and a control frame that arrives in the middle of one comes out right after it.
//! Payloads stream through as they arrive, so a huge length in a header allocates nothing.
//! Encoding frames each Message's body (head `{ opcode = 1, masked = false }`) in frames of up to
//! 16 KiB, masking with a random key when asked; the MessageStart/MessageEnd around the frames
//! pass through, as the original does.

use super::{FilterSpec, factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::{ErrorCode, Event};
use crate::pipeline::{Cx, Filter, SubSlot};
use pipy_protocols::websocket::{
    FrameHeader, MAX_CONTROL_PAYLOAD, frame_header_length, mask_payload, parse_frame_header, write_frame,
};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, attr, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "decodeWebSocket",
        params: "()",
        help: "Decodes WebSocket frames from Data into Messages (head: opcode, masked)",
        joint: false,
        options: &[],
        build: |_, _| Ok(factory("decodeWebSocket", (), make_decoder)),
    },
    FilterSpec {
        name: "encodeWebSocket",
        params: "()",
        help: "Encodes Messages (head: opcode, masked) as WebSocket frames",
        joint: false,
        options: &[],
        build: |_, _| Ok(factory("encodeWebSocket", (), make_encoder)),
    },
];

// ---- decoding ----

fn make_decoder(_: &Rc<()>, _: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(Decoder::default())
}

/// The frame being read: its header and how far into its payload.
struct Frame {
    header: FrameHeader,
    /// Payload bytes still to come.
    left: u64,
    /// Bytes of payload unmasked so far (the mask key cycles over them).
    offset: u64,
}

#[derive(Default)]
struct Decoder {
    header: Vec<u8>,
    frame: Option<Frame>,
    /// Inside a fragmented data message (its first frame had no FIN).
    in_message: bool,
    /// A control frame met inside a fragmented message: (opcode, masked, payload).
    control: Option<(u8, bool, Vec<u8>)>,
    /// Control frames waiting for the fragmented message to end.
    held: Vec<(u8, bool, Vec<u8>)>,
    failed: bool,
}

fn head_value(opcode: u8, masked: bool) -> Value {
    let o = Obj::ordinary();
    o.define_value("opcode", Value::num(f64::from(opcode)), attr::DEFAULT);
    o.define_value("masked", Value::Bool(masked), attr::DEFAULT);
    Value::Object(o)
}

fn message_end() -> Event {
    Event::MessageEnd { tail: Value::Undefined, payload: Value::Undefined }
}

impl Decoder {
    /// A frame's header is complete: start what it begins.
    fn begin(&mut self, cx: &mut Cx<'_>, f: &FrameHeader) -> bool {
        let masked = f.mask.is_some();
        if f.is_control() {
            if !f.fin || f.payload_length > MAX_CONTROL_PAYLOAD {
                return false; // control frames are short and never fragmented
            }
            if self.in_message {
                self.control = Some((f.opcode, masked, Vec::new()));
            } else {
                cx.output(Event::MessageStart(head_value(f.opcode, masked)));
            }
        } else if f.opcode == 0 {
            if !self.in_message {
                return false; // a continuation of nothing
            }
        } else {
            if self.in_message {
                return false; // a new message before the last one ended
            }
            cx.output(Event::MessageStart(head_value(f.opcode, masked)));
            self.in_message = true;
        }
        true
    }

    /// A frame's payload is complete.
    fn finish(&mut self, cx: &mut Cx<'_>, f: &FrameHeader) {
        if let Some((op, masked, payload)) = self.control.take() {
            self.held.push((op, masked, payload));
            return;
        }
        if f.is_control() {
            cx.output(message_end());
            return;
        }
        if f.fin {
            self.in_message = false;
            cx.output(message_end());
            for (op, masked, payload) in std::mem::take(&mut self.held) {
                cx.output(Event::MessageStart(head_value(op, masked)));
                if !payload.is_empty() {
                    cx.output(Event::Data(payload.into()));
                }
                cx.output(message_end());
            }
        }
    }

    fn feed(&mut self, cx: &mut Cx<'_>, mut rd: &[u8]) -> bool {
        while !rd.is_empty() || self.frame.as_ref().is_some_and(|f| f.left == 0) {
            match self.frame.take() {
                None => {
                    let need = frame_header_length(&self.header).unwrap_or(2);
                    let take = need.saturating_sub(self.header.len()).min(rd.len());
                    self.header.extend_from_slice(&rd[..take]);
                    rd = &rd[take..];
                    if let Some((header, _)) = parse_frame_header(&self.header) {
                        self.header.clear();
                        if !self.begin(cx, &header) {
                            return false;
                        }
                        self.frame = Some(Frame { header, left: header.payload_length, offset: 0 });
                    }
                }
                Some(mut f) => {
                    let n = (f.left.min(rd.len() as u64)) as usize;
                    let mut payload = rd[..n].to_vec();
                    rd = &rd[n..];
                    if let Some(key) = f.header.mask {
                        mask_payload(key, f.offset, &mut payload);
                    }
                    f.offset += n as u64;
                    f.left -= n as u64;
                    if !payload.is_empty() {
                        match &mut self.control {
                            Some((_, _, buf)) => buf.extend_from_slice(&payload),
                            None => cx.output(Event::Data(payload.into())),
                        }
                    }
                    if f.left == 0 {
                        self.finish(cx, &f.header);
                    } else {
                        self.frame = Some(f);
                    }
                }
            }
        }
        true
    }
}

impl Filter for Decoder {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        if self.failed {
            return;
        }
        match e {
            Event::Data(d) => {
                for c in d.chunks() {
                    if !self.feed(cx, c) {
                        self.failed = true;
                        return cx.fail(ErrorCode::ProtocolError);
                    }
                }
            }
            Event::StreamEnd(_) => cx.output(e),
            _ => {}
        }
    }
}

// ---- encoding ----

fn make_encoder(_: &Rc<()>, _: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(Encoder { started: false, opcode: 1, masked: false, body: Data::new() })
}

struct Encoder {
    started: bool,
    opcode: u8,
    masked: bool,
    body: Data,
}

const FRAME_SIZE: usize = 16 * 1024;

fn field(head: &Value, key: &str) -> JsResult<Value> {
    if head.is_object() { ops::get_str(head, key) } else { Ok(Value::Undefined) }
}

/// One frame, masked with a fresh random key when `masked`: `first` frames carry the opcode, the
/// others are continuations.
fn frame(out: &mut Vec<u8>, opcode: u8, first: bool, fin: bool, masked: bool, payload: &[u8]) {
    let mask = masked.then(|| {
        let mut key = [0u8; 4];
        let _ = ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut key);
        key
    });
    write_frame(out, opcode, first, fin, mask, payload);
}

impl Filter for Encoder {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::MessageStart(ref head) => {
                if self.started {
                    return;
                }
                let head = crate::pipeline::event::script_value(head);
                let opcode = match field(&head, "opcode") {
                    Ok(Value::Undefined) => 1.0,
                    Ok(v) => ops::to_number(&v).unwrap_or(1.0),
                    Err(err) => return cx.throw(err),
                };
                self.opcode = opcode as u8;
                self.masked = field(&head, "masked").map(|v| v.truthy()).unwrap_or(false);
                self.started = true;
                self.body = Data::new();
                cx.output(e);
            }
            Event::Data(d) => {
                if self.started {
                    self.body.push(&d);
                }
            }
            Event::MessageEnd { .. } => {
                if !self.started {
                    return;
                }
                self.started = false;
                let bytes = std::mem::take(&mut self.body).to_vec();
                let mut out = Vec::with_capacity(bytes.len() + 14);
                let mut chunks = bytes.chunks(FRAME_SIZE).peekable();
                if chunks.peek().is_none() {
                    frame(&mut out, self.opcode, true, true, self.masked, &[]);
                }
                let mut first = true;
                while let Some(c) = chunks.next() {
                    frame(&mut out, self.opcode, first, chunks.peek().is_none(), self.masked, c);
                    first = false;
                }
                cx.output(Event::Data(out.into()));
                cx.output(e);
            }
            Event::StreamEnd(_) => cx.output(e),
        }
    }
}
