//! The shared frame of decoders for binary protocols (`decodeRESP`, `decodeMQTT`): buffer the
//! bytes, cut whole packets off the front, turn each into events, and end the stream with a
//! `ProtocolError` when the bytes are not the protocol (dropping what follows until the end).
//! And `Collect`, which gathers whole Messages for encoders (`encodeMQTT`, `encodeDubbo`).

use crate::pipeline::data::Data;
use crate::pipeline::event::{ErrorCode, Event};
use crate::pipeline::{Cx, Filter};
use pipy_value::Value;

/// What a codec makes of the bytes at the front of the buffer.
pub enum Cut {
    /// Not a whole packet yet.
    More,
    /// A packet of this many bytes; its events were pushed.
    Packet(usize),
    /// Not the protocol.
    Invalid,
}

pub trait PacketCodec {
    /// Reads the packet at the start of `b`, pushing its events to `out`.
    fn cut(&mut self, cx: &mut Cx<'_>, b: &[u8], out: &mut Vec<Event>) -> Cut;
    /// The stream ended: forget per-stream state.
    fn reset(&mut self) {}
    /// The stream ended with `rest`, the start of a packet, still unread.
    fn cut_short(&mut self, _rest: &[u8]) {}
}

pub struct PacketDecoder<C> {
    codec: C,
    buf: Vec<u8>,
    failed: bool,
}

impl<C: PacketCodec> PacketDecoder<C> {
    pub fn new(codec: C) -> PacketDecoder<C> {
        PacketDecoder { codec, buf: Vec::new(), failed: false }
    }
}

impl<C: PacketCodec> Filter for PacketDecoder<C> {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::Data(d) if !self.failed => {
                self.buf.extend_from_slice(&d.to_vec());
                let mut pos = 0;
                let mut out = Vec::new();
                loop {
                    match self.codec.cut(cx, &self.buf[pos..], &mut out) {
                        Cut::More => break,
                        Cut::Packet(n) => pos += n,
                        Cut::Invalid => {
                            self.failed = true;
                            self.buf.clear();
                            out.push(Event::error(ErrorCode::ProtocolError));
                            return cx.output_all(out);
                        }
                    }
                }
                self.buf.drain(..pos);
                cx.output_all(out);
            }
            Event::StreamEnd(_) => {
                if !self.failed && !self.buf.is_empty() {
                    self.codec.cut_short(&self.buf);
                }
                self.buf.clear();
                self.codec.reset();
                if !self.failed {
                    cx.output(e);
                }
                self.failed = false;
            }
            _ => {}
        }
    }
}

/// What `Collect` makes of an event.
pub enum Collected {
    /// Nothing to write yet.
    Pending,
    /// A whole Message: its head, body and `MessageEnd` payload.
    Message { head: Value, body: Data, payload: Value, end: Event },
    /// The stream ended; a Message cut short by it comes along.
    End { cut: Option<(Value, Data)>, end: Event },
}

/// Collects whole Messages for encoders that must see the body before writing the header.
#[derive(Default)]
pub struct Collect {
    head: Option<Value>,
    body: Data,
}

impl Collect {
    pub fn push(&mut self, e: Event) -> Collected {
        match e {
            Event::MessageStart(head) => {
                self.head = Some(head);
                self.body = Data::new();
                Collected::Pending
            }
            Event::Data(d) => {
                if self.head.is_some() {
                    self.body.push_data(d);
                }
                Collected::Pending
            }
            Event::MessageEnd { ref payload, .. } => match self.head.take() {
                Some(head) => {
                    let payload = payload.clone();
                    Collected::Message { head, body: std::mem::take(&mut self.body), payload, end: e }
                }
                None => Collected::Pending,
            },
            Event::StreamEnd(_) => {
                let cut = self.head.take().map(|h| (h, std::mem::take(&mut self.body)));
                Collected::End { cut, end: e }
            }
        }
    }
}
