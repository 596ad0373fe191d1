//! The HTTP/2 server side of `demuxHTTP` on arbitrary bytes after the connection preface: the
//! frame guard, the `h2` crate's server and `ServerConn` (streams, bodies, trailers, responses
//! under flow control). The first input byte picks the chunk size (1–64 bytes) the rest is fed
//! in; every request that ends gets a small constant answer, and every request head is made
//! into its script object. Errors in the input are fine (they close the connection); panics,
//! crashes and hangs are bugs.
#![no_main]

use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use pipy_engine::http::h2::server::{Incoming, ServerConn, Settings};
use pipy_engine::http::h2::{PREFACE, heads};
use std::sync::Once;

static REALM: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    REALM.call_once(|| {
        pipy_stdlib::new_realm();
    });
    let Some((&first, rest)) = data.split_first() else { return };
    let chunk = 1 + first as usize % 64;
    let answer = heads::Constant {
        status: http::StatusCode::OK,
        headers: http::HeaderMap::new(),
        body: Bytes::from_static(b"ok"),
    };
    let mut conn = ServerConn::new(Settings::default());
    let mut input = PREFACE.to_vec();
    input.extend_from_slice(rest);
    for c in input.chunks(chunk) {
        conn.feed(c);
        for _ in 0..4 {
            let mut incoming = Vec::new();
            conn.drive(&mut incoming);
            let _ = conn.take_output();
            if incoming.is_empty() {
                break;
            }
            for ev in incoming {
                match ev {
                    Incoming::Request { parts, .. } => {
                        let head = heads::request_head(parts);
                        let _ = pipy_engine::pipeline::event::script_value(&head);
                    }
                    Incoming::End { id, .. } => conn.respond_constant(id, &answer),
                    _ => {}
                }
            }
        }
        if conn.is_closed() {
            break;
        }
    }
    conn.end();
    let mut incoming = Vec::new();
    conn.drive(&mut incoming);
});
