//! WebSocket frames (RFC 6455), sans-IO: reading a frame header, masking payload bytes, and
//! writing a frame. Payloads are not buffered here: a reader passes them on as they arrive,
//! unmasking with [`mask_payload`], so a huge length in a header allocates nothing.

/// The longest frame header: two bytes, an 8-byte extended length and a 4-byte masking key.
pub const MAX_HEADER_LENGTH: usize = 14;
/// The largest payload of a control frame.
pub const MAX_CONTROL_PAYLOAD: u64 = 125;

/// The header of a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    /// The final frame of a message.
    pub fin: bool,
    /// 0 continuation, 1 text, 2 binary, 8 close, 9 ping, 10 pong.
    pub opcode: u8,
    /// The masking key of a masked payload.
    pub mask: Option<[u8; 4]>,
    /// The payload's length in bytes.
    pub payload_length: u64,
}

impl FrameHeader {
    /// A control frame (close, ping, pong): opcode 8 or above.
    pub fn is_control(&self) -> bool {
        self.opcode >= 8
    }
}

/// The length of the frame header at the start of `b`, once its first two bytes are there.
pub fn frame_header_length(b: &[u8]) -> Option<usize> {
    let second = *b.get(1)?;
    let extended = match second & 0x7f {
        126 => 2,
        127 => 8,
        _ => 0,
    };
    Some(2 + extended + if second & 0x80 != 0 { 4 } else { 0 })
}

/// Reads the frame header at the start of `b`: the header and the bytes it took, or None while it
/// is incomplete.
pub fn parse_frame_header(b: &[u8]) -> Option<(FrameHeader, usize)> {
    let length = frame_header_length(b)?;
    let b = b.get(..length)?;
    let (payload_length, at) = match b[1] & 0x7f {
        126 => (u64::from(u16::from_be_bytes([b[2], b[3]])), 4),
        127 => (u64::from_be_bytes([b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9]]), 10),
        n => (u64::from(n), 2),
    };
    let mask = (b[1] & 0x80 != 0).then(|| [b[at], b[at + 1], b[at + 2], b[at + 3]]);
    Some((FrameHeader { fin: b[0] & 0x80 != 0, opcode: b[0] & 0x0f, mask, payload_length }, length))
}

/// Masks (or unmasks: it is the same) `payload` with `key`, the bytes being `offset` bytes into
/// the frame's payload (the key cycles over the whole payload).
pub fn mask_payload(key: [u8; 4], offset: u64, payload: &mut [u8]) {
    for (i, b) in payload.iter_mut().enumerate() {
        *b ^= key[((offset + i as u64) % 4) as usize];
    }
}

/// Appends one frame of `payload`, masked with `mask` if given. A `first` frame carries the
/// opcode, the others are continuations; `fin` marks the last frame of the message.
pub fn write_frame(out: &mut Vec<u8>, opcode: u8, first: bool, fin: bool, mask: Option<[u8; 4]>, payload: &[u8]) {
    out.push(if first { opcode & 0x0f } else { 0 } | if fin { 0x80 } else { 0 });
    let m = if mask.is_some() { 0x80 } else { 0 };
    let n = payload.len();
    if n < 126 {
        out.push(n as u8 | m);
    } else if n <= 0xffff {
        out.push(126 | m);
        out.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        out.push(127 | m);
        out.extend_from_slice(&(n as u64).to_be_bytes());
    }
    match mask {
        Some(key) => {
            out.extend_from_slice(&key);
            out.extend(payload.iter().enumerate().map(|(i, b)| b ^ key[i % 4]));
        }
        None => out.extend_from_slice(payload),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_of_every_length_form_and_masking() {
        for (len, header_length) in [(5usize, 2usize), (300, 4), (70_000, 10)] {
            let payload = vec![7u8; len];
            for mask in [None, Some([1, 2, 3, 4])] {
                let mut out = Vec::new();
                write_frame(&mut out, 2, true, true, mask, &payload);
                let want = header_length + if mask.is_some() { 4 } else { 0 };
                for cut in 0..want {
                    assert_eq!(parse_frame_header(&out[..cut]), None, "len {len} cut {cut}");
                }
                let (h, n) = parse_frame_header(&out).expect("header");
                assert_eq!(n, want);
                assert_eq!(h, FrameHeader { fin: true, opcode: 2, mask, payload_length: len as u64 });
                let mut body = out[n..].to_vec();
                if let Some(key) = mask {
                    // Unmasking in two pieces gives the same bytes as in one.
                    let (a, b) = body.split_at_mut(3);
                    mask_payload(key, 0, a);
                    mask_payload(key, 3, b);
                }
                assert_eq!(body, payload);
            }
        }
        let mut continuation = Vec::new();
        write_frame(&mut continuation, 1, false, false, None, b"x");
        assert_eq!(continuation, [0, 1, b'x']);
        let (ping, _) = parse_frame_header(&[0x89, 0]).expect("ping");
        assert!(ping.is_control() && ping.fin);
    }
}
