//! Frame checks in front of the `h2` crate, for the error codes RFC 9113 requires where the
//! crate answers with a generic PROTOCOL_ERROR: a control frame of the wrong length is a
//! FRAME_SIZE_ERROR (§6.3, §6.4, §6.5, §6.7, §6.9), a SETTINGS_INITIAL_WINDOW_SIZE over 2^31 - 1 a
//! FLOW_CONTROL_ERROR (§6.5.2), DATA or HEADERS on a stream the client ended or reset a
//! STREAM_CLOSED (§5.1; as a connection error, which §5.4 allows for any stream error). The
//! guard walks the client's bytes frame by frame (headers only;
//! payloads are skipped, except a SETTINGS frame's, which is small, and header blocks, which
//! `hpack_check` walks for COMPRESSION_ERRORs) and reports the first violation; the connection
//! then ends with that GOAWAY, and the frame never reaches `h2`.

use super::PREFACE;
use super::hpack_check::HpackCheck;

const PRIORITY: u8 = 0x2;
const RST_STREAM: u8 = 0x3;
const SETTINGS: u8 = 0x4;
const PING: u8 = 0x6;
const WINDOW_UPDATE: u8 = 0x8;
const HEADERS: u8 = 0x1;
const DATA: u8 = 0x0;
const CONTINUATION: u8 = 0x9;
const END_STREAM: u8 = 0x1;
const END_HEADERS: u8 = 0x4;
const PADDED: u8 = 0x8;
const PRIORITY_FLAG: u8 = 0x20;

pub const COMPRESSION_ERROR: u32 = 0x9;

/// A header block longer than this is not walked (`h2` refuses lists past its limit anyway);
/// the HPACK checks stop for the connection, since the shadow table can no longer follow.
const MAX_BLOCK: usize = 256 << 10;

pub const FRAME_SIZE_ERROR: u32 = 0x6;
pub const FLOW_CONTROL_ERROR: u32 = 0x3;
pub const STREAM_CLOSED: u32 = 0x5;

/// How many streams the client ended are remembered (the most recent ones).
const CLOSED_KEPT: usize = 1024;

/// The largest SETTINGS payload the guard reads (larger frames are left to `h2`, which refuses
/// frames over its maximum frame size).
const MAX_SETTINGS: usize = 16_384;

#[derive(Default)]
pub struct FrameGuard {
    /// Preface bytes still to pass.
    preface_left: usize,
    /// A frame header being gathered.
    header: Vec<u8>,
    /// Payload bytes of the current frame still to come, and whether they are kept (SETTINGS,
    /// HEADERS, CONTINUATION), with the current frame's type and flags.
    payload_left: usize,
    keep: bool,
    payload: Vec<u8>,
    kind: u8,
    flags: u8,
    /// The header block being gathered (HEADERS, then CONTINUATIONs until END_HEADERS).
    block: Vec<u8>,
    /// The client's HPACK state, as far as errors go; None once it could not be followed.
    hpack: Option<HpackCheck>,
    /// The highest stream a client opened (for the GOAWAY's last-stream id).
    pub last_stream: u32,
    /// Streams the client ended (END_STREAM) or reset, most recent ones only.
    closed: ClosedStreams,
}

impl FrameGuard {
    pub fn new() -> FrameGuard {
        FrameGuard { preface_left: PREFACE.len(), hpack: Some(HpackCheck::default()), ..FrameGuard::default() }
    }

    /// After an h2c upgrade: the preface was replayed already and stream 1 is open (its
    /// replayed header block adds nothing to the dynamic table).
    pub fn upgraded() -> FrameGuard {
        let mut closed = ClosedStreams::default();
        closed.insert(1);
        FrameGuard { last_stream: 1, closed, hpack: Some(HpackCheck::default()), ..FrameGuard::default() }
    }

    /// A kept payload is complete: its checks.
    fn payload_done(&mut self) -> Option<u32> {
        let payload = std::mem::take(&mut self.payload);
        let code = match self.kind {
            SETTINGS => check_settings(&payload),
            _ => self.header_fragment(&payload),
        };
        self.payload = payload;
        self.payload.clear();
        self.keep = false;
        code
    }

    /// A HEADERS or CONTINUATION payload: its fragment of the header block, which is walked
    /// once END_HEADERS ends it.
    fn header_fragment(&mut self, p: &[u8]) -> Option<u32> {
        let mut fragment = p;
        if self.kind == HEADERS {
            let mut skip = 0;
            let mut pad = 0;
            if self.flags & PADDED != 0 {
                pad = usize::from(*p.first()?);
                skip = 1;
            }
            if self.flags & PRIORITY_FLAG != 0 {
                skip += 5;
            }
            // Padding that does not fit is `h2`'s PROTOCOL_ERROR to give.
            fragment = p.get(skip..p.len().checked_sub(pad)?)?;
        }
        if self.block.len() + fragment.len() > MAX_BLOCK {
            self.hpack = None;
            self.block = Vec::new();
            return None;
        }
        let hpack = self.hpack.as_mut()?;
        if self.flags & END_HEADERS == 0 {
            self.block.extend_from_slice(fragment);
            return None;
        }
        let ok = if self.block.is_empty() {
            hpack.block(fragment)
        } else {
            self.block.extend_from_slice(fragment);
            let ok = hpack.block(&self.block);
            self.block.clear();
            ok
        };
        (!ok).then_some(COMPRESSION_ERROR)
    }

    /// Looks at the next bytes from the client; returns how many of them may go to `h2` and,
    /// if a frame broke a rule, the error code for the GOAWAY (the bytes from that frame on
    /// are not passed).
    pub fn scan(&mut self, mut b: &[u8]) -> (usize, Option<u32>) {
        let total = b.len();
        // Bytes before the start of the frame being looked at: they may pass.
        let mut frame_start = 0;
        let mut pos = 0;
        while !b.is_empty() {
            if self.preface_left > 0 {
                let n = self.preface_left.min(b.len());
                self.preface_left -= n;
                b = &b[n..];
                pos += n;
                frame_start = pos;
                continue;
            }
            if self.payload_left > 0 {
                let n = self.payload_left.min(b.len());
                if self.keep {
                    self.payload.extend_from_slice(&b[..n]);
                }
                self.payload_left -= n;
                b = &b[n..];
                pos += n;
                if self.payload_left == 0 {
                    if self.keep
                        && let Some(code) = self.payload_done()
                    {
                        return (frame_start, Some(code));
                    }
                    frame_start = pos;
                }
                continue;
            }
            if self.header.is_empty() {
                frame_start = pos;
            }
            let n = (9 - self.header.len()).min(b.len());
            self.header.extend_from_slice(&b[..n]);
            b = &b[n..];
            pos += n;
            if self.header.len() < 9 {
                break;
            }
            let h = std::mem::take(&mut self.header);
            let len = u32::from_be_bytes([0, h[0], h[1], h[2]]) as usize;
            let (kind, flags) = (h[3], h[4]);
            let stream = u32::from_be_bytes([h[5], h[6], h[7], h[8]]) & 0x7fff_ffff;
            if let Some(code) = check_header(kind, flags, len) {
                return (frame_start, Some(code));
            }
            if matches!(kind, DATA | HEADERS) && stream != 0 && self.closed.contains(&stream) {
                return (frame_start, Some(STREAM_CLOSED));
            }
            if kind == HEADERS && stream > self.last_stream {
                self.last_stream = stream;
            }
            if (matches!(kind, DATA | HEADERS) && flags & END_STREAM != 0) || kind == RST_STREAM {
                self.closed.insert(stream);
            }
            self.payload_left = len;
            self.kind = kind;
            self.flags = flags;
            self.keep = match kind {
                SETTINGS => flags & 0x1 == 0 && len <= MAX_SETTINGS && len > 0,
                HEADERS | CONTINUATION => self.hpack.is_some(),
                _ => false,
            };
            if len == 0 {
                if self.keep
                    && let Some(code) = self.payload_done()
                {
                    return (frame_start, Some(code));
                }
                frame_start = pos;
            }
        }
        (total, None)
    }
}

/// The most recent `CLOSED_KEPT` streams the client ended or reset: a set for the lookups (one
/// per DATA or HEADERS frame) and their order for forgetting the oldest.
#[derive(Default)]
struct ClosedStreams {
    set: rustc_hash::FxHashSet<u32>,
    order: std::collections::VecDeque<u32>,
    /// The highest id in the set: a frame on a newer stream (most HEADERS) needs no lookup.
    max: u32,
}

impl ClosedStreams {
    fn contains(&self, id: &u32) -> bool {
        *id <= self.max && self.set.contains(id)
    }

    fn insert(&mut self, id: u32) {
        if self.set.insert(id) {
            self.max = self.max.max(id);
            self.order.push_back(id);
            if self.order.len() > CLOSED_KEPT
                && let Some(old) = self.order.pop_front()
            {
                self.set.remove(&old);
            }
        }
    }
}

/// A frame whose length its type does not allow.
fn check_header(kind: u8, flags: u8, len: usize) -> Option<u32> {
    let bad = match kind {
        // A stream error by RFC 9113 §6.3; taken as a connection error, as §5.4 allows.
        PRIORITY => len != 5,
        RST_STREAM | WINDOW_UPDATE => len != 4,
        PING => len != 8,
        SETTINGS if flags & 0x1 != 0 => len != 0,
        SETTINGS => !len.is_multiple_of(6),
        _ => false,
    };
    bad.then_some(FRAME_SIZE_ERROR)
}

/// A SETTINGS payload with a value out of range.
fn check_settings(p: &[u8]) -> Option<u32> {
    for s in p.chunks_exact(6) {
        let id = u16::from_be_bytes([s[0], s[1]]);
        let v = u32::from_be_bytes([s[2], s[3], s[4], s[5]]);
        if id == 0x4 && v > 0x7fff_ffff {
            return Some(FLOW_CONTROL_ERROR);
        }
    }
    None
}

/// A GOAWAY frame.
pub fn goaway(last_stream: u32, code: u32) -> Vec<u8> {
    let mut f = vec![0, 0, 8, 0x7, 0, 0, 0, 0, 0];
    f.extend_from_slice(&last_stream.to_be_bytes());
    f.extend_from_slice(&code.to_be_bytes());
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(kind: u8, flags: u8, stream: u32, payload: &[u8]) -> Vec<u8> {
        let mut f = (payload.len() as u32).to_be_bytes()[1..].to_vec();
        f.push(kind);
        f.push(flags);
        f.extend_from_slice(&stream.to_be_bytes());
        f.extend_from_slice(payload);
        f
    }

    #[test]
    fn good_frames_pass_whole_even_byte_by_byte() {
        let mut all = PREFACE.to_vec();
        all.extend(frame(SETTINGS, 0, 0, &[0, 4, 0, 1, 0, 0]));
        all.extend(frame(HEADERS, 5, 3, &[0x82, 0x84, 0x86]));
        all.extend(frame(PING, 0, 0, &[0; 8]));
        let mut g = FrameGuard::new();
        let mut passed = 0;
        for b in all.chunks(1) {
            let (n, err) = g.scan(b);
            assert_eq!(err, None);
            passed += n;
        }
        assert_eq!(passed, all.len());
        assert_eq!(g.last_stream, 3);
    }

    #[test]
    fn frames_on_a_stream_the_client_ended_or_reset_are_stream_closed() {
        for (end, late) in [
            (frame(HEADERS, 5, 1, &[0x82]), frame(DATA, 1, 1, b"late")),
            (frame(HEADERS, 5, 1, &[0x82]), frame(HEADERS, 5, 1, &[0x84])),
            (frame(RST_STREAM, 0, 1, &[0, 0, 0, 8]), frame(HEADERS, 5, 1, &[0x84])),
        ] {
            let mut all = PREFACE.to_vec();
            all.extend(frame(HEADERS, 4, 1, &[0x82]));
            all.extend(end);
            // WINDOW_UPDATE stays allowed on a stream the client ended.
            all.extend(frame(WINDOW_UPDATE, 0, 1, &[0, 0, 1, 0]));
            let good = all.len();
            all.extend(late);
            let mut g = FrameGuard::new();
            assert_eq!(g.scan(&all), (good, Some(STREAM_CLOSED)));
        }
    }

    #[test]
    fn hpack_errors_are_compression_errors_at_the_frame_that_ends_the_block() {
        // Padded and with a priority, then split over a CONTINUATION: index 62 on an empty table.
        let mut all = PREFACE.to_vec();
        all.extend(frame(HEADERS, PADDED | PRIORITY_FLAG, 1, &[2, 0, 0, 0, 0, 16, 0x82, 0x84, 0, 0]));
        let good = all.len();
        all.extend(frame(CONTINUATION, END_HEADERS, 1, &[0x86, 0x80 | 62]));
        let mut g = FrameGuard::new();
        assert_eq!(g.scan(&all), (good, Some(COMPRESSION_ERROR)));
        // The same block with an entry added first is fine.
        let mut all = PREFACE.to_vec();
        all.extend(frame(HEADERS, END_HEADERS, 1, &[0x40, 1, b'a', 1, b'b', 0x82]));
        all.extend(frame(HEADERS, END_HEADERS | END_STREAM, 3, &[0x82, 0x84, 0x86, 0x80 | 62]));
        let mut g = FrameGuard::new();
        assert_eq!(g.scan(&all), (all.len(), None));
    }

    #[test]
    fn wrong_lengths_and_windows_are_caught_at_their_frame() {
        for (f, code) in [
            (frame(PING, 0, 0, &[0; 7]), FRAME_SIZE_ERROR),
            (frame(PRIORITY, 0, 3, &[0; 4]), FRAME_SIZE_ERROR),
            (frame(SETTINGS, 1, 0, &[0; 6]), FRAME_SIZE_ERROR),
            (frame(SETTINGS, 0, 0, &[0; 5]), FRAME_SIZE_ERROR),
            (frame(WINDOW_UPDATE, 0, 0, &[0; 3]), FRAME_SIZE_ERROR),
            (frame(RST_STREAM, 0, 1, &[0; 5]), FRAME_SIZE_ERROR),
            (frame(SETTINGS, 0, 0, &[0, 4, 0x80, 0, 0, 0]), FLOW_CONTROL_ERROR),
        ] {
            let mut all = PREFACE.to_vec();
            all.extend(frame(SETTINGS, 0, 0, &[]));
            let good = all.len();
            all.extend(f);
            let mut g = FrameGuard::new();
            assert_eq!(g.scan(&all), (good, Some(code)));
        }
    }
}
