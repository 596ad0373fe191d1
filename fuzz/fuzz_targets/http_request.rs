//! The HTTP/1 request decoder on arbitrary bytes, split at arbitrary points: it must never
//! panic, and must report an error or events.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pipy_protocols::http1::RequestDecoder;

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else { return };
    let step = usize::from(split % 64) + 1;
    let mut dec = RequestDecoder::new();
    let mut out = Vec::new();
    for chunk in rest.chunks(step) {
        if dec.feed(bytes::Bytes::copy_from_slice(chunk), &mut out).is_err() {
            return;
        }
        out.clear();
    }
    let _ = dec.finish(&mut out);
});
