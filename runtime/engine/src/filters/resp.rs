//! RESP, the Redis serialization protocol (version 2).
//!
//! `decodeRESP()` turns each top-level value of the byte stream into a Message whose
//! `MessageEnd` payload is the value: a simple string as a string, an error as an `Error` with
//! that message, an integer as a number, a bulk string as `Data`, an array as an array (nested as
//! sent), the null bulk string and null array as `null`. Bytes that are not RESP end the stream
//! with a `ProtocolError`. `encodeRESP()` writes each Message's payload the same way (strings as
//! simple strings, `Data` as bulk strings, `null`/`undefined` as the null bulk string, anything
//! else as the simple string of its text), so a request decoded and encoded again is the request.

use super::packet::{Cut, PacketCodec, PacketDecoder};
use super::{BuildCx, FilterSpec, factory};
use crate::pipeline::data::Data;
use crate::pipeline::event::{self, Event};
use crate::pipeline::{Cx, Filter, FilterFactory};
use pipy_value::error::{ErrorKind, make_error};
use pipy_value::object::Obj;
use pipy_value::{JsResult, Value, ops};
use std::rc::Rc;

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "decodeRESP",
        params: "()",
        help: "Decodes RESP (Redis protocol) values into Messages whose payload is the value",
        joint: false,
        options: &[],
        build: build_decoder,
    },
    FilterSpec {
        name: "encodeRESP",
        params: "()",
        help: "Encodes each Message's payload as a RESP (Redis protocol) value",
        joint: false,
        options: &[],
        build: build_encoder,
    },
];

/// A decoded RESP value.
#[derive(Debug, PartialEq)]
pub enum Resp {
    Simple(String),
    Error(String),
    Integer(i64),
    Bulk(Vec<u8>),
    Array(Vec<Resp>),
    Null,
}

/// What the decoder makes of its buffer.
#[derive(Debug, PartialEq)]
pub enum Parsed {
    /// Incomplete: at least this many bytes in all are needed before trying again.
    More(usize),
    Done(Resp, usize),
    Invalid,
}

/// Deepest array nesting accepted (a guard against stack exhaustion on hostile input).
const MAX_DEPTH: usize = 64;
/// Largest bulk string or array length accepted (Redis's own limit is 512 MB).
const MAX_LEN: i64 = 512 * 1024 * 1024;

/// Reads one value at `at`.
pub fn parse(b: &[u8], at: usize) -> Parsed {
    parse_at(b, at, 0)
}

fn line(b: &[u8], from: usize) -> Option<(&[u8], usize)> {
    let rest = b.get(from..)?;
    let n = rest.windows(2).position(|w| w == b"\r\n")?;
    Some((&rest[..n], from + n + 2))
}

fn integer(s: &[u8]) -> Option<i64> {
    std::str::from_utf8(s).ok()?.parse().ok()
}

fn parse_at(b: &[u8], at: usize, depth: usize) -> Parsed {
    let Some(&kind) = b.get(at) else { return Parsed::More(at + 1) };
    let Some((text, next)) = line(b, at + 1) else {
        // A line never needs more than a few dozen bytes for lengths and integers; simple strings
        // and errors can be long, so just wait for more.
        return Parsed::More(b.len() + 1);
    };
    match kind {
        b'+' => Parsed::Done(Resp::Simple(String::from_utf8_lossy(text).into_owned()), next),
        b'-' => Parsed::Done(Resp::Error(String::from_utf8_lossy(text).into_owned()), next),
        b':' => match integer(text) {
            Some(n) => Parsed::Done(Resp::Integer(n), next),
            None => Parsed::Invalid,
        },
        b'$' => match integer(text) {
            Some(-1) => Parsed::Done(Resp::Null, next),
            Some(n) if (0..=MAX_LEN).contains(&n) => {
                let end = next + n as usize;
                if b.len() < end + 2 {
                    return Parsed::More(end + 2);
                }
                if &b[end..end + 2] != b"\r\n" {
                    return Parsed::Invalid;
                }
                Parsed::Done(Resp::Bulk(b[next..end].to_vec()), end + 2)
            }
            _ => Parsed::Invalid,
        },
        b'*' => match integer(text) {
            Some(-1) => Parsed::Done(Resp::Null, next),
            Some(n) if (0..=MAX_LEN).contains(&n) && depth < MAX_DEPTH => {
                let mut items = Vec::new();
                let mut pos = next;
                for _ in 0..n {
                    match parse_at(b, pos, depth + 1) {
                        Parsed::Done(v, p) => {
                            items.push(v);
                            pos = p;
                        }
                        other => return other,
                    }
                }
                Parsed::Done(Resp::Array(items), pos)
            }
            _ => Parsed::Invalid,
        },
        _ => Parsed::Invalid,
    }
}

fn to_value(r: Resp) -> Value {
    match r {
        Resp::Simple(s) => Value::str(&s),
        Resp::Error(m) => make_error(ErrorKind::Error, &m),
        Resp::Integer(n) => Value::Number(n as f64),
        Resp::Bulk(b) => event::data_value(Data::from(b)),
        Resp::Array(items) => Value::Object(Obj::array(items.into_iter().map(to_value).collect())),
        Resp::Null => Value::Null,
    }
}

/// Writes `v` as RESP.
pub fn encode(v: &Value, out: &mut Vec<u8>) -> JsResult<()> {
    match v {
        Value::Undefined | Value::Null | Value::Hole => out.extend_from_slice(b"$-1\r\n"),
        Value::Number(n) => out.extend_from_slice(format!(":{}\r\n", *n as i64).as_bytes()),
        Value::Object(o) if o.is_array() => {
            let items = o.array_elements().unwrap_or_default();
            out.extend_from_slice(format!("*{}\r\n", items.len()).as_bytes());
            for item in &items {
                encode(item, out)?;
            }
        }
        Value::Object(o) if o.is_error() => {
            out.push(b'-');
            out.extend_from_slice(ops::to_rust_string(&ops::get_str(v, "message")?)?.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        _ => {
            if let Some(d) = event::as_data(v) {
                out.extend_from_slice(format!("${}\r\n", d.len()).as_bytes());
                out.extend_from_slice(&d.to_vec());
            } else {
                out.push(b'+');
                out.extend_from_slice(ops::to_rust_string(v)?.as_bytes());
            }
            out.extend_from_slice(b"\r\n");
        }
    }
    Ok(())
}

// ---- the filters ----

fn build_decoder(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("decodeRESP", (), |_, _| Box::new(PacketDecoder::new(RespCodec { need: 1 }))))
}

struct RespCodec {
    /// Bytes needed before parsing again (so a large bulk string is not re-read per chunk).
    need: usize,
}

impl PacketCodec for RespCodec {
    fn cut(&mut self, _cx: &mut Cx<'_>, b: &[u8], out: &mut Vec<Event>) -> Cut {
        if b.len() < self.need {
            return Cut::More;
        }
        match parse(b, 0) {
            Parsed::Done(v, n) => {
                self.need = 1;
                out.push(Event::MessageStart(Value::Undefined));
                out.push(Event::MessageEnd { tail: Value::Undefined, payload: to_value(v) });
                Cut::Packet(n)
            }
            Parsed::More(n) => {
                self.need = n;
                Cut::More
            }
            Parsed::Invalid => Cut::Invalid,
        }
    }
    fn reset(&mut self) {
        self.need = 1;
    }
}

fn build_encoder(_: &BuildCx<'_>, _: &[Value]) -> JsResult<Rc<dyn FilterFactory>> {
    Ok(factory("encodeRESP", (), |_, _| Box::new(Encoder { started: false })))
}

struct Encoder {
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
                let mut out = Vec::new();
                if let Err(err) = encode(payload, &mut out) {
                    return cx.throw(err);
                }
                cx.output(Event::Data(Data::from(out)));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_kind_and_waits_for_the_rest() {
        let b = b"*5\r\n+OK\r\n-ERR bad\r\n:-42\r\n$5\r\nhello\r\n*2\r\n$-1\r\n*-1\r\n";
        let Parsed::Done(v, n) = parse(b, 0) else { panic!("array") };
        assert_eq!(n, b.len());
        assert_eq!(
            v,
            Resp::Array(vec![
                Resp::Simple("OK".into()),
                Resp::Error("ERR bad".into()),
                Resp::Integer(-42),
                Resp::Bulk(b"hello".to_vec()),
                Resp::Array(vec![Resp::Null, Resp::Null]),
            ])
        );
        for cut in 1..b.len() {
            assert!(matches!(parse(&b[..cut], 0), Parsed::More(_)), "cut at {cut}");
        }
        assert_eq!(parse(b"$10\r\nabc", 0), Parsed::More(17));
        assert_eq!(parse(b"?x\r\n", 0), Parsed::Invalid);
        assert_eq!(parse(b"$3\r\nabcd\r\n", 0), Parsed::Invalid);
        assert_eq!(parse(b":x\r\n", 0), Parsed::Invalid);
        let deep = "*1\r\n".repeat(100) + ":1\r\n";
        assert_eq!(parse(deep.as_bytes(), 0), Parsed::Invalid);
    }
}
