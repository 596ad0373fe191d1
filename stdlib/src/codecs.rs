//! Codec namespaces of the original: `RESP.decode(data)` (every whole RESP value in the bytes,
//! as an array; the same values `decodeRESP()` gives) and `RESP.encode(value)` (Data, as
//! `encodeRESP()` writes); `zlib.deflate`, `inflate` (the zlib format), `gzip` and `gunzip`,
//! Data to Data (null gives null; bytes that do not inflate throw).

use crate::util::{self, arg};
use pipy_engine::filters::resp;
use pipy_engine::pipeline::event;
use pipy_protocols::resp::{Parsed, encode, parse};
use pipy_value::{JsResult, Obj, Value, error, ops};
use std::io::{Read, Write};

fn data_arg(args: &[Value], what: &str) -> JsResult<Option<Vec<u8>>> {
    match arg(args, 0) {
        Value::Null | Value::Undefined => Ok(None),
        v => match event::as_data(&v) {
            Some(d) => Ok(Some(d.to_vec())),
            None if matches!(v, Value::String(_)) => Ok(Some(ops::to_rust_string(&v)?.into_bytes())),
            None => Err(error::type_error(&format!("{what}: expected Data"))),
        },
    }
}

fn resp_decode(_: &Value, args: &[Value]) -> JsResult<Value> {
    let Some(bytes) = data_arg(args, "RESP.decode()")? else { return Ok(Value::Null) };
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match parse(&bytes, at) {
            Parsed::Done(v, n) => {
                out.push(resp::to_value(v));
                at = n;
            }
            Parsed::More(_) | Parsed::Invalid => break,
        }
    }
    Ok(ops::new_array(out))
}

fn resp_encode(_: &Value, args: &[Value]) -> JsResult<Value> {
    let mut out = Vec::new();
    encode(&resp::resp_of(&arg(args, 0))?, &mut out);
    Ok(event::data_value(out.into()))
}

fn run(what: &str, args: &[Value], f: impl FnOnce(&[u8]) -> std::io::Result<Vec<u8>>) -> JsResult<Value> {
    let Some(bytes) = data_arg(args, &format!("zlib.{what}()"))? else { return Ok(Value::Null) };
    let out = f(&bytes).map_err(|e| error::type_error(&format!("{what}() failed: {e}")))?;
    Ok(event::data_value(out.into()))
}

fn pack<W: Write>(mut w: W, b: &[u8], finish: impl FnOnce(W) -> std::io::Result<Vec<u8>>) -> std::io::Result<Vec<u8>> {
    w.write_all(b)?;
    finish(w)
}

fn unpack(mut r: impl Read) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    r.read_to_end(&mut out)?;
    Ok(out)
}

pub fn install() {
    let resp = Obj::ordinary();
    util::method(&resp, "decode", 1, resp_decode);
    util::method(&resp, "encode", 1, resp_encode);
    util::global("RESP", Value::Object(resp));

    use flate2::Compression;
    let zlib = Obj::ordinary();
    util::method(&zlib, "deflate", 1, |_, args| {
        run("deflate", args, |b| {
            pack(flate2::write::ZlibEncoder::new(Vec::new(), Compression::default()), b, |w| w.finish())
        })
    });
    util::method(&zlib, "inflate", 1, |_, args| run("inflate", args, |b| unpack(flate2::read::ZlibDecoder::new(b))));
    util::method(&zlib, "gzip", 1, |_, args| {
        run("gzip", args, |b| {
            pack(flate2::write::GzEncoder::new(Vec::new(), Compression::default()), b, |w| w.finish())
        })
    });
    util::method(&zlib, "gunzip", 1, |_, args| run("gunzip", args, |b| unpack(flate2::read::MultiGzDecoder::new(b))));
    util::global("zlib", Value::Object(zlib));
}
