//! Dubbo's 16-byte frame header, sans-IO: the magic `0xdabb`, flags, status, request id and
//! payload length.

/// The first two bytes of every frame.
const MAGIC: [u8; 2] = [0xda, 0xbb];
/// The length of a frame header.
pub const HEADER_LENGTH: usize = 16;

/// The fields of a frame header.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Header {
    /// The id that pairs a response with its request.
    pub request_id: u64,
    /// A request (else a response).
    pub is_request: bool,
    /// A request that expects a response.
    pub is_two_way: bool,
    /// An event (a heartbeat) rather than a call.
    pub is_event: bool,
    /// The serialization id of the payload (5 bits).
    pub serialization: u8,
    /// The response status (20 is OK).
    pub status: u8,
    /// The payload's length in bytes.
    pub length: u32,
}

/// Reads a frame header; None when it lacks the magic.
pub fn parse_header(h: &[u8; HEADER_LENGTH]) -> Option<Header> {
    if h[..2] != MAGIC {
        return None;
    }
    let mut id = [0u8; 8];
    id.copy_from_slice(&h[4..12]);
    Some(Header {
        request_id: u64::from_be_bytes(id),
        is_request: h[2] & 0x80 != 0,
        is_two_way: h[2] & 0x40 != 0,
        is_event: h[2] & 0x20 != 0,
        serialization: h[2] & 0x1f,
        status: h[3],
        length: u32::from_be_bytes([h[12], h[13], h[14], h[15]]),
    })
}

/// The frame header for `h`.
pub fn write_header(h: &Header) -> [u8; HEADER_LENGTH] {
    let mut out = [0u8; HEADER_LENGTH];
    out[..2].copy_from_slice(&MAGIC);
    out[2] = (h.serialization & 0x1f)
        | if h.is_request { 0x80 } else { 0 }
        | if h.is_two_way { 0x40 } else { 0 }
        | if h.is_event { 0x20 } else { 0 };
    out[3] = h.status;
    out[4..12].copy_from_slice(&h.request_id.to_be_bytes());
    out[12..16].copy_from_slice(&h.length.to_be_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_round_trip() {
        let h = Header {
            request_id: 0x0102_0304_0506_0708,
            is_request: true,
            is_two_way: true,
            is_event: false,
            serialization: 2,
            status: 20,
            length: 300,
        };
        let b = write_header(&h);
        assert_eq!(b[..4], [0xda, 0xbb, 0xc2, 20]);
        assert_eq!(parse_header(&b), Some(h));
        let mut bad = b;
        bad[0] = 0;
        assert_eq!(parse_header(&bad), None);
    }
}
