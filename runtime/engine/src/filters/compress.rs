//! Body compression: `compress(algorithm, {level}?)` and `decompress(algorithm)` on every
//! message's body (or on the whole stream when it has no messages), and the HTTP-aware
//! `compressHTTP(algorithm | {algorithm, level}?)` / `decompressHTTP()` that also read and write
//! `content-encoding` (and drop `content-length`, which no longer holds). Streaming: compressed
//! bytes leave as soon as the codec produces them. gzip and deflate (zlib) via flate2's pure-Rust
//! backend, brotli via the `brotli` crate.

use super::{BuildCx, FilterSpec, arg, factory, option};
use crate::pipeline::data::Data;
use crate::pipeline::event::{ErrorCode, Event};
use crate::pipeline::{Cx, Filter, FilterFactory, SubSlot};
use pipy_value::{JsResult, PropKey, Value, error, ops};
use std::io::Write;
use std::rc::Rc;

const OPTIONS: &[&str] = &["algorithm", "level"];

pub static SPECS: &[FilterSpec] = &[
    FilterSpec {
        name: "compress",
        params: "(algorithm, options?)",
        help: "Compresses every message body (gzip, deflate, brotli)",
        joint: false,
        options: OPTIONS,
        build: |_: &BuildCx<'_>, a: &[Value]| build(a, Mode::Compress, false),
    },
    FilterSpec {
        name: "decompress",
        params: "(algorithm)",
        help: "Decompresses every message body (gzip, deflate/inflate, brotli)",
        joint: false,
        options: &[],
        build: |_: &BuildCx<'_>, a: &[Value]| build(a, Mode::Decompress, false),
    },
    FilterSpec {
        name: "compressHTTP",
        params: "(algorithm?, options?)",
        help: "Compresses HTTP bodies that are not encoded yet and sets content-encoding",
        joint: false,
        options: OPTIONS,
        build: |_: &BuildCx<'_>, a: &[Value]| build(a, Mode::Compress, true),
    },
    FilterSpec {
        name: "decompressHTTP",
        params: "(enable?)",
        help: "Decompresses HTTP bodies by their content-encoding (gzip, deflate, br) and removes it",
        joint: false,
        options: &[],
        build: |_: &BuildCx<'_>, a: &[Value]| build(a, Mode::Decompress, true),
    },
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Algo {
    Gzip,
    Deflate,
    Brotli,
}

impl Algo {
    fn parse(s: &str) -> Option<Algo> {
        match s {
            "gzip" => Some(Algo::Gzip),
            "deflate" | "inflate" => Some(Algo::Deflate),
            "brotli" | "br" => Some(Algo::Brotli),
            _ => None,
        }
    }
    /// The `content-encoding` token.
    fn token(self) -> &'static str {
        match self {
            Algo::Gzip => "gzip",
            Algo::Deflate => "deflate",
            Algo::Brotli => "br",
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Compress,
    Decompress,
}

struct Config {
    mode: Mode,
    http: bool,
    /// None for decompressHTTP (taken from each message's content-encoding).
    algo: Option<Algo>,
    level: u32,
    enabled: bool,
}

fn build(args: &[Value], mode: Mode, http: bool) -> JsResult<Rc<dyn FilterFactory>> {
    let name = match (mode, http) {
        (Mode::Compress, false) => "compress",
        (Mode::Decompress, false) => "decompress",
        (Mode::Compress, true) => "compressHTTP",
        (Mode::Decompress, true) => "decompressHTTP",
    };
    let first = arg(args, 0);
    let (algo_value, opts) = match &first {
        Value::Object(o) if !o.is_callable() => (option(&first, "algorithm")?, first.clone()),
        v => (v.clone(), arg(args, 1)),
    };
    if mode == Mode::Compress {
        super::check_options(name, &opts, OPTIONS)?;
    }
    let mut enabled = true;
    let algo = match (&algo_value, mode, http) {
        (Value::Bool(b), Mode::Decompress, true) => {
            enabled = *b;
            None
        }
        (Value::Undefined, Mode::Decompress, true) => None,
        (Value::Undefined, Mode::Compress, true) => Some(Algo::Gzip),
        (v, _, _) => {
            let s = ops::to_rust_string(v)?;
            Some(Algo::parse(&s).ok_or_else(|| error::type_error(&format!("{name}(): unknown algorithm '{s}'")))?)
        }
    };
    let level = match option(&opts, "level")? {
        Value::Number(n) => n.clamp(0.0, 11.0) as u32,
        _ => 6,
    };
    Ok(factory(name, Config { mode, http, algo, level, enabled }, make))
}

fn make(cfg: &Rc<Config>, _: Option<&Rc<SubSlot>>) -> Box<dyn Filter> {
    Box::new(Compress { cfg: cfg.clone(), codec: None, in_message: false })
}

/// A streaming codec writing into a buffer we drain after each call.
enum Codec {
    GzEnc(flate2::write::GzEncoder<Vec<u8>>),
    ZEnc(flate2::write::ZlibEncoder<Vec<u8>>),
    BrEnc(Box<brotli::CompressorWriter<Vec<u8>>>),
    GzDec(flate2::write::GzDecoder<Vec<u8>>),
    ZDec(flate2::write::ZlibDecoder<Vec<u8>>),
    BrDec(Box<brotli::DecompressorWriter<Vec<u8>>>),
}

impl Codec {
    fn new(mode: Mode, algo: Algo, level: u32) -> Codec {
        let lvl = flate2::Compression::new(level.min(9));
        match (mode, algo) {
            (Mode::Compress, Algo::Gzip) => Codec::GzEnc(flate2::write::GzEncoder::new(Vec::new(), lvl)),
            (Mode::Compress, Algo::Deflate) => Codec::ZEnc(flate2::write::ZlibEncoder::new(Vec::new(), lvl)),
            (Mode::Compress, Algo::Brotli) => {
                Codec::BrEnc(Box::new(brotli::CompressorWriter::new(Vec::new(), 4096, level.min(11), 22)))
            }
            (Mode::Decompress, Algo::Gzip) => Codec::GzDec(flate2::write::GzDecoder::new(Vec::new())),
            (Mode::Decompress, Algo::Deflate) => Codec::ZDec(flate2::write::ZlibDecoder::new(Vec::new())),
            (Mode::Decompress, Algo::Brotli) => {
                Codec::BrDec(Box::new(brotli::DecompressorWriter::new(Vec::new(), 4096)))
            }
        }
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Codec::GzEnc(c) => {
                c.write_all(bytes)?;
                Ok(std::mem::take(c.get_mut()))
            }
            Codec::ZEnc(c) => {
                c.write_all(bytes)?;
                Ok(std::mem::take(c.get_mut()))
            }
            Codec::BrEnc(c) => {
                c.write_all(bytes)?;
                Ok(std::mem::take(c.get_mut()))
            }
            Codec::GzDec(c) => {
                c.write_all(bytes)?;
                Ok(std::mem::take(c.get_mut()))
            }
            Codec::ZDec(c) => {
                c.write_all(bytes)?;
                Ok(std::mem::take(c.get_mut()))
            }
            Codec::BrDec(c) => {
                c.write_all(bytes)?;
                Ok(std::mem::take(c.get_mut()))
            }
        }
    }

    fn finish(self) -> std::io::Result<Vec<u8>> {
        match self {
            Codec::GzEnc(c) => c.finish(),
            Codec::ZEnc(c) => c.finish(),
            Codec::BrEnc(c) => Ok(c.into_inner()),
            Codec::GzDec(c) => c.finish(),
            Codec::ZDec(c) => c.finish(),
            Codec::BrDec(c) => c.into_inner().map_err(|_| std::io::Error::other("truncated brotli stream")),
        }
    }
}

struct Compress {
    cfg: Rc<Config>,
    codec: Option<Codec>,
    in_message: bool,
}

fn headers_of(head: &Value) -> Option<Value> {
    match ops::get_str(head, "headers") {
        Ok(h @ Value::Object(_)) => Some(h),
        _ => None,
    }
}

impl Compress {
    /// For the HTTP variants: decide from the head, and rewrite its headers.
    fn http_algo(&self, head: &Value) -> JsResult<Option<Algo>> {
        if !self.cfg.enabled {
            return Ok(None);
        }
        let headers = match headers_of(head) {
            Some(h) => h,
            None if self.cfg.mode == Mode::Compress => {
                let h = Value::Object(pipy_value::Obj::ordinary());
                if head.is_object() {
                    ops::set_str(head, "headers", h.clone())?;
                }
                h
            }
            None => return Ok(None),
        };
        let encoding = match ops::get_str(&headers, "content-encoding")? {
            Value::Undefined | Value::Null => None,
            v => Some(ops::to_rust_string(&v)?.to_ascii_lowercase()),
        };
        let algo = match self.cfg.mode {
            Mode::Compress => {
                if encoding.is_some() || !head.is_object() {
                    return Ok(None);
                }
                let a = self.cfg.algo.unwrap_or(Algo::Gzip);
                ops::set_str(&headers, "content-encoding", Value::str(a.token()))?;
                a
            }
            Mode::Decompress => {
                let Some(a) = encoding.as_deref().and_then(Algo::parse) else { return Ok(None) };
                if let Value::Object(h) = &headers {
                    ops::delete(h, &PropKey::from("content-encoding"))?;
                }
                a
            }
        };
        if let Value::Object(h) = &headers {
            ops::delete(h, &PropKey::from("content-length"))?;
        }
        Ok(Some(algo))
    }

    fn feed(&mut self, cx: &mut Cx<'_>, d: &Data) -> bool {
        let Some(codec) = &mut self.codec else { return true };
        let mut out = Data::new();
        for c in d.chunks() {
            match codec.write(c) {
                Ok(b) if b.is_empty() => {}
                Ok(b) => out.push_bytes(b.into()),
                Err(_) => {
                    self.codec = None;
                    cx.fail(ErrorCode::ProtocolError);
                    return false;
                }
            }
        }
        if !out.is_empty() {
            cx.output(Event::Data(out));
        }
        true
    }

    fn finish(&mut self, cx: &mut Cx<'_>) -> bool {
        let Some(codec) = self.codec.take() else { return true };
        match codec.finish() {
            Ok(b) => {
                if !b.is_empty() {
                    cx.output(Event::Data(Data::from(b)));
                }
                true
            }
            Err(_) => {
                cx.fail(ErrorCode::ProtocolError);
                false
            }
        }
    }
}

impl Filter for Compress {
    fn process(&mut self, cx: &mut Cx<'_>, e: Event) {
        match e {
            Event::MessageStart(head) => {
                self.in_message = true;
                let algo = if self.cfg.http {
                    // Reads and rewrites the headers: the head's script object from here on.
                    match self.http_algo(&crate::pipeline::event::script_value(&head)) {
                        Ok(a) => a,
                        Err(err) => return cx.throw(err),
                    }
                } else {
                    self.cfg.algo
                };
                self.codec = algo.map(|a| Codec::new(self.cfg.mode, a, self.cfg.level));
                cx.output(Event::MessageStart(head));
            }
            Event::Data(d) => {
                if self.codec.is_none() && !self.in_message && !self.cfg.http {
                    // A raw stream without messages: the whole stream is one body.
                    self.codec = self.cfg.algo.map(|a| Codec::new(self.cfg.mode, a, self.cfg.level));
                    self.in_message = true;
                }
                if self.codec.is_none() {
                    return cx.output(Event::Data(d));
                }
                self.feed(cx, &d);
            }
            e @ Event::MessageEnd { .. } => {
                self.in_message = false;
                if self.finish(cx) {
                    cx.output(e);
                }
            }
            e @ Event::StreamEnd(_) => {
                if self.finish(cx) {
                    cx.output(e);
                }
            }
        }
    }
}
