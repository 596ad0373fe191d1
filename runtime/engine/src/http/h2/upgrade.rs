//! The `Upgrade: h2c` start of an HTTP/2 connection (RFC 7540 §3.2): the HTTP/1 request that
//! asked for the upgrade becomes stream 1, and its `HTTP2-Settings` header counts as the client's
//! first SETTINGS. The `h2` crate only starts from a preface, so the upgrade is replayed to it as
//! the bytes a prior-knowledge client would have sent: the preface, a SETTINGS frame with the
//! header's payload, and a HEADERS frame for stream 1 (HPACK literals that leave the dynamic
//! table alone, so the client's own encoder state still matches). The ACK h2 writes for that
//! replayed SETTINGS is dropped: the 101 response acknowledges it already.

use super::PREFACE;
use pipy_protocols::http1::head::RequestHead;

/// The largest `HTTP2-Settings` payload taken (a SETTINGS frame has 6 bytes a setting).
const MAX_SETTINGS: usize = 6 * 32;
/// Frames the replayed header block is cut into are no bigger than the default frame size.
const MAX_FRAME: usize = 16_384;

/// Headers that mean something only to the HTTP/1 hop, or become pseudo-headers.
fn hop_only(lower: &str) -> bool {
    matches!(
        lower,
        "connection" | "keep-alive" | "transfer-encoding" | "upgrade" | "proxy-connection" | "host" | "http2-settings"
    )
}

/// The bytes to feed the `h2` server for an upgraded request, or None when its
/// `HTTP2-Settings` is not a valid SETTINGS payload (then the upgrade is not taken).
pub fn replay(head: &RequestHead) -> Option<Vec<u8>> {
    let settings = crate::pipeline::data::decode_base64(head.header("http2-settings")?.trim())?;
    if settings.len() % 6 != 0 || settings.len() > MAX_SETTINGS {
        return None;
    }
    let mut out = PREFACE.to_vec();
    frame(&mut out, 0x4, 0, 0, &settings);
    let mut block = Vec::new();
    literal(&mut block, ":method", &head.method);
    literal(&mut block, ":scheme", "http");
    literal(&mut block, ":authority", head.header("host").unwrap_or("localhost"));
    literal(&mut block, ":path", if head.path.is_empty() { "/" } else { &head.path });
    for h in &head.headers {
        let lower = h.lower_name();
        if hop_only(&lower) || (lower == "te" && !h.value.eq_ignore_ascii_case("trailers")) {
            continue;
        }
        literal(&mut block, &lower, &h.value);
    }
    // HEADERS with END_STREAM (an upgraded request has no body here), then CONTINUATIONs;
    // END_HEADERS on the last.
    let mut chunks = block.chunks(MAX_FRAME).peekable();
    let mut first = true;
    while let Some(c) = chunks.next() {
        let last = chunks.peek().is_none();
        let (kind, mut flags) = if first { (0x1, 0x1) } else { (0x9, 0) };
        if last {
            flags |= 0x4;
        }
        frame(&mut out, kind, flags, 1, c);
        first = false;
    }
    Some(out)
}

fn frame(out: &mut Vec<u8>, kind: u8, flags: u8, stream: u32, payload: &[u8]) {
    let n = payload.len() as u32;
    out.extend_from_slice(&n.to_be_bytes()[1..]);
    out.push(kind);
    out.push(flags);
    out.extend_from_slice(&stream.to_be_bytes());
    out.extend_from_slice(payload);
}

/// An HPACK "literal header field without indexing, new name" (RFC 7541 §6.2.2), no Huffman.
fn literal(out: &mut Vec<u8>, name: &str, value: &str) {
    out.push(0);
    string(out, name.as_bytes());
    string(out, value.as_bytes());
}

fn string(out: &mut Vec<u8>, s: &[u8]) {
    integer(out, 7, 0, s.len());
    out.extend_from_slice(s);
}

/// An HPACK integer with an `n`-bit prefix (RFC 7541 §5.1).
fn integer(out: &mut Vec<u8>, n: u32, high: u8, mut v: usize) {
    let max = (1usize << n) - 1;
    if v < max {
        out.push(high | v as u8);
        return;
    }
    out.push(high | max as u8);
    v -= max;
    while v >= 128 {
        out.push((v % 128) as u8 | 0x80);
        v /= 128;
    }
    out.push(v as u8);
}

/// Drops the first SETTINGS ACK from a connection's output: the one for the replayed settings.
#[derive(Default)]
pub struct AckFilter {
    /// Output bytes not yet cut into whole frames.
    pending: Vec<u8>,
    done: bool,
}

impl AckFilter {
    pub fn new() -> AckFilter {
        AckFilter::default()
    }

    /// Passes output through, minus that one frame.
    pub fn filter(&mut self, chunks: Vec<bytes::Bytes>) -> Vec<bytes::Bytes> {
        if self.done {
            return chunks;
        }
        for c in chunks {
            self.pending.extend_from_slice(&c);
        }
        let mut pos = 0;
        while !self.done && self.pending.len() >= pos + 9 {
            let h = &self.pending[pos..pos + 9];
            let len = u32::from_be_bytes([0, h[0], h[1], h[2]]) as usize;
            if self.pending.len() < pos + 9 + len {
                break;
            }
            if h[3] == 0x4 && h[4] & 0x1 != 0 {
                self.pending.drain(pos..pos + 9 + len);
                self.done = true;
                break;
            }
            pos += 9 + len;
        }
        // Whole frames before the cut go out now; a partial one waits for its rest.
        let keep_from = if self.done { self.pending.len() } else { pos };
        let out: Vec<u8> = self.pending.drain(..keep_from).collect();
        if out.is_empty() { Vec::new() } else { vec![bytes::Bytes::from(out)] }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pipy_protocols::http1::head::Header;

    #[test]
    fn base64url_decodes_settings() {
        // SETTINGS_MAX_CONCURRENT_STREAMS = 100, INITIAL_WINDOW_SIZE = 65535 (as curl sends).
        let b = crate::pipeline::data::decode_base64("AAMAAABkAAQAAP__").unwrap();
        assert_eq!(b, [0, 3, 0, 0, 0, 100, 0, 4, 0, 0, 0xff, 0xff]);
    }

    #[test]
    fn the_replay_is_a_preface_settings_and_headers_for_stream_1() {
        let head = RequestHead {
            method: "GET".into(),
            path: "/x".into(),
            protocol: "HTTP/1.1".into(),
            headers: vec![
                Header::new("Host", "a.b"),
                Header::new("Upgrade", "h2c"),
                Header::new("HTTP2-Settings", "AAMAAABk"),
                Header::new("Accept", "*/*"),
            ],
        };
        let b = replay(&head).unwrap();
        assert_eq!(&b[..24], PREFACE);
        assert_eq!(&b[24..33], &[0, 0, 6, 4, 0, 0, 0, 0, 0]);
        let h = &b[39..48];
        assert_eq!((h[3], h[4], &h[5..9]), (1, 5, &[0u8, 0, 0, 1][..]));
        let block = &b[48..];
        assert!(block.windows(3).any(|w| w == b"a.b"));
        assert!(!block.windows(4).any(|w| w.eq_ignore_ascii_case(b"h2c\0")));
        assert!(block.windows(6).any(|w| w == b"accept"));
    }

    #[test]
    fn the_first_settings_ack_is_dropped_even_when_split() {
        let mut f = AckFilter::new();
        let settings = [0u8, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100];
        let ack = [0u8, 0, 0, 4, 1, 0, 0, 0, 0];
        let mut all = settings.to_vec();
        all.extend_from_slice(&ack);
        all.extend_from_slice(&ack);
        let (a, b) = all.split_at(20);
        let mut out = f.filter(vec![bytes::Bytes::copy_from_slice(a)]);
        out.extend(f.filter(vec![bytes::Bytes::copy_from_slice(b)]));
        let got: Vec<u8> = out.iter().flat_map(|c| c.iter().copied()).collect();
        let mut want = settings.to_vec();
        want.extend_from_slice(&ack);
        assert_eq!(got, want);
    }
}
