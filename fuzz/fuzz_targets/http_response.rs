//! The HTTP/1 response decoder on arbitrary bytes, split at arbitrary points, answering a mix of
//! GET and HEAD requests: it must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pipy_protocols::http1::{RequestInfo, ResponseDecoder};

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else { return };
    let step = usize::from(split % 64) + 1;
    let mut dec = ResponseDecoder::new();
    for i in 0..4 {
        let method = if (split >> (4 + i)) & 1 == 1 { "HEAD" } else { "GET" };
        dec.push_request(RequestInfo { method: method.into(), ..RequestInfo::default() });
    }
    let mut out = Vec::new();
    for chunk in rest.chunks(step) {
        if dec.feed(bytes::Bytes::copy_from_slice(chunk), &mut out).is_err() {
            return;
        }
        out.clear();
    }
    let _ = dec.finish(&mut out);
});
