//! Netlink message framing (`struct nlmsghdr`, netlink(7)), sans-IO: the 16-byte header in the
//! host's byte order (Netlink never leaves the machine) — total length, type, flags, sequence
//! number and port id — and the body after it, each message padded to a 4-byte boundary
//! (`NLMSG_ALIGN`), so one datagram can hold several.
//!
//! [`encode`] writes one message; [`Deframer`] cuts a byte stream (fed in pieces of any size)
//! into headers and body bytes, passing bodies on as they come, without buffering them.

/// The length of `struct nlmsghdr`.
pub const HEADER_LENGTH: usize = 16;
/// Messages start on multiples of this.
pub const ALIGN: usize = 4;

/// The fields of a message header (its length aside, which [`encode`] fills in).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// `nlmsg_type`: what the message is (e.g. `RTM_NEWLINK`, `NLMSG_DONE`).
    pub kind: u16,
    /// `nlmsg_flags` (`NLM_F_REQUEST`, `NLM_F_MULTI`, `NLM_F_DUMP`, …).
    pub flags: u16,
    /// `nlmsg_seq`.
    pub seq: u32,
    /// `nlmsg_pid`: the sending port id (0 for the kernel).
    pub pid: u32,
}

/// `n` rounded up to the next multiple of [`ALIGN`].
pub fn align(n: usize) -> usize {
    n.div_ceil(ALIGN) * ALIGN
}

/// Why a message could not be written.
#[derive(Debug, PartialEq, Eq)]
pub struct TooLong(pub usize);

/// Appends a whole message: the header (its length field is the header plus `body`, without
/// padding, as the kernel writes it), the body, and zeros up to the next 4-byte boundary.
pub fn encode(h: &Header, body: &[u8], out: &mut Vec<u8>) -> Result<(), TooLong> {
    let len = HEADER_LENGTH + body.len();
    let len32 = u32::try_from(len).map_err(|_| TooLong(len))?;
    out.reserve(align(len));
    out.extend_from_slice(&len32.to_ne_bytes());
    out.extend_from_slice(&h.kind.to_ne_bytes());
    out.extend_from_slice(&h.flags.to_ne_bytes());
    out.extend_from_slice(&h.seq.to_ne_bytes());
    out.extend_from_slice(&h.pid.to_ne_bytes());
    out.extend_from_slice(body);
    out.resize(out.len() + align(len) - len, 0);
    Ok(())
}

/// Reads a header: its length field and the other fields.
pub fn parse_header(b: &[u8; HEADER_LENGTH]) -> (u32, Header) {
    let u32_at = |i: usize| u32::from_ne_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let u16_at = |i: usize| u16::from_ne_bytes([b[i], b[i + 1]]);
    (u32_at(0), Header { kind: u16_at(4), flags: u16_at(6), seq: u32_at(8), pid: u32_at(12) })
}

/// A Netlink socket address as scripts write it: `'pid=N;groups=M'` (either part may be left
/// out, meaning 0; numbers in decimal or `0x` hex). Returns (pid, groups).
pub fn parse_address(s: &str) -> Result<(u32, u32), String> {
    let (mut pid, mut groups) = (0, 0);
    for part in s.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (k, v) = part.split_once('=').ok_or_else(|| format!("'{part}' is not key=value"))?;
        let v = v.trim();
        let n = match v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
            Some(hex) => u32::from_str_radix(hex, 16),
            None => v.parse(),
        }
        .map_err(|_| format!("'{v}' is not a 32-bit number"))?;
        match k.trim() {
            "pid" => pid = n,
            "groups" => groups = n,
            other => return Err(format!("unknown field '{other}' (pid and groups are known)")),
        }
    }
    Ok((pid, groups))
}

/// What the deframer found, in order.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    /// A message begins.
    Start(Header),
    /// Bytes of its body: this range of the input just fed.
    Body(std::ops::Range<usize>),
    /// It is complete.
    End,
}

/// Input that is not Netlink.
#[derive(Debug, PartialEq, Eq)]
pub enum Malformed {
    /// A header whose length field is smaller than the header itself.
    LengthTooSmall(u32),
    /// The stream ended inside a header: this many of its 16 bytes had come.
    EndInHeader(usize),
    /// The stream ended inside a body: the length field, and how many of those bytes (the header
    /// included) had come.
    EndInBody { length: u32, received: usize },
}

impl std::fmt::Display for Malformed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Malformed::LengthTooSmall(n) => {
                write!(f, "length field {n} is smaller than the {HEADER_LENGTH}-byte header")
            }
            Malformed::EndInHeader(n) => {
                write!(f, "the stream ended inside a message header ({n} of {HEADER_LENGTH} bytes)")
            }
            Malformed::EndInBody { length, received } => {
                write!(f, "the stream ended inside a message: its length field says {length} bytes, {received} arrived")
            }
        }
    }
}

#[derive(Debug)]
enum State {
    /// Reading a header: the bytes so far.
    Header { have: usize },
    /// Passing a body on: its length field, the bytes still to come, then the padding after it.
    Body { length: u32, left: usize, pad: usize },
    /// Skipping the padding after a body.
    Padding { left: usize },
}

/// Cuts a byte stream into messages.
#[derive(Debug)]
pub struct Deframer {
    state: State,
    header: [u8; HEADER_LENGTH],
}

impl Default for Deframer {
    fn default() -> Self {
        Deframer { state: State::Header { have: 0 }, header: [0; HEADER_LENGTH] }
    }
}

impl Deframer {
    pub fn new() -> Deframer {
        Deframer::default()
    }

    /// Reads `input`, the next bytes of the stream, pushing what it holds to `out`. After an
    /// error the deframer must be [`reset`](Deframer::reset) before it is fed again.
    pub fn feed(&mut self, input: &[u8], out: &mut Vec<Piece>) -> Result<(), Malformed> {
        let mut at = 0;
        while at < input.len() {
            let rest = input.len() - at;
            match self.state {
                State::Header { have } => {
                    let n = (HEADER_LENGTH - have).min(rest);
                    self.header[have..have + n].copy_from_slice(&input[at..at + n]);
                    at += n;
                    if have + n < HEADER_LENGTH {
                        self.state = State::Header { have: have + n };
                        continue;
                    }
                    let (length, h) = parse_header(&self.header);
                    let total = usize::try_from(length).unwrap_or(usize::MAX);
                    if total < HEADER_LENGTH {
                        return Err(Malformed::LengthTooSmall(length));
                    }
                    out.push(Piece::Start(h));
                    let left = total - HEADER_LENGTH;
                    let pad = align(total).saturating_sub(total);
                    self.state = State::Body { length, left, pad };
                    if left == 0 {
                        self.finish_body(out, pad);
                    }
                }
                State::Body { length, left, pad } => {
                    let n = left.min(rest);
                    out.push(Piece::Body(at..at + n));
                    at += n;
                    if n == left {
                        self.finish_body(out, pad);
                    } else {
                        self.state = State::Body { length, left: left - n, pad };
                    }
                }
                State::Padding { left } => {
                    let n = left.min(rest);
                    at += n;
                    self.state = if n == left { State::Header { have: 0 } } else { State::Padding { left: left - n } };
                }
            }
        }
        Ok(())
    }

    fn finish_body(&mut self, out: &mut Vec<Piece>, pad: usize) {
        out.push(Piece::End);
        self.state = if pad > 0 { State::Padding { left: pad } } else { State::Header { have: 0 } };
    }

    /// The stream ended: an error if it ended inside a message (missing padding after the last
    /// one is no error). The deframer is ready for a new stream either way.
    pub fn finish(&mut self) -> Result<(), Malformed> {
        let state = std::mem::replace(&mut self.state, State::Header { have: 0 });
        match state {
            State::Header { have: 0 } | State::Padding { .. } => Ok(()),
            State::Header { have } => Err(Malformed::EndInHeader(have)),
            State::Body { length, left, .. } => {
                let total = usize::try_from(length).unwrap_or(usize::MAX);
                Err(Malformed::EndInBody { length, received: total - left })
            }
        }
    }

    /// Forgets any message under way.
    pub fn reset(&mut self) {
        self.state = State::Header { have: 0 };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(h: &Header, body: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        encode(h, body, &mut out).expect("small");
        out
    }

    /// Feeds `input` cut at `cuts`, gathering (header, body) pairs.
    fn deframe(input: &[u8], cuts: &[usize]) -> Vec<(Header, Vec<u8>)> {
        let mut d = Deframer::new();
        let mut got: Vec<(Header, Vec<u8>)> = Vec::new();
        let mut ended = true;
        let mut from = 0;
        for &to in cuts.iter().chain([input.len()].iter()) {
            let part = &input[from..to];
            let mut out = Vec::new();
            d.feed(part, &mut out).expect("well formed");
            for p in out {
                match p {
                    Piece::Start(h) => {
                        assert!(ended);
                        ended = false;
                        got.push((h, Vec::new()));
                    }
                    Piece::Body(r) => got.last_mut().expect("started").1.extend_from_slice(&part[r]),
                    Piece::End => ended = true,
                }
            }
            from = to;
        }
        assert!(ended);
        assert_eq!(d.finish(), Ok(()));
        got
    }

    #[test]
    fn writes_the_header_in_host_order_and_pads() {
        let h = Header { kind: 18, flags: 0x301, seq: 7, pid: 0x01020304 };
        let m = message(&h, b"abcde");
        assert_eq!(m.len(), 24);
        assert_eq!(&m[..4], &21u32.to_ne_bytes());
        assert_eq!(&m[4..6], &18u16.to_ne_bytes());
        assert_eq!(&m[6..8], &0x301u16.to_ne_bytes());
        assert_eq!(&m[8..12], &7u32.to_ne_bytes());
        assert_eq!(&m[12..16], &0x01020304u32.to_ne_bytes());
        assert_eq!(&m[16..], b"abcde\0\0\0");
        assert_eq!(message(&Header::default(), b"").len(), 16);
        assert_eq!(message(&Header::default(), b"1234").len(), 20);
    }

    #[test]
    fn reads_back_what_it_writes_however_the_bytes_are_cut() {
        let a = Header { kind: 16, flags: 2, seq: 1, pid: 99 };
        let b = Header { kind: 3, flags: 2, seq: 1, pid: 99 };
        let c = Header { kind: 2, flags: 0, seq: u32::MAX, pid: 0 };
        let mut all = message(&a, b"hello");
        all.extend(message(&b, b"\0\0\0\0"));
        all.extend(message(&c, b""));
        let expected = vec![(a, b"hello".to_vec()), (b, vec![0; 4]), (c, vec![])];
        assert_eq!(deframe(&all, &[]), expected);
        for cut in 1..all.len() {
            assert_eq!(deframe(&all, &[cut]), expected, "cut at {cut}");
        }
        let every: Vec<usize> = (1..all.len()).collect();
        assert_eq!(deframe(&all, &every), expected);
    }

    #[test]
    fn refuses_a_length_below_the_header_and_a_stream_cut_short() {
        let mut d = Deframer::new();
        let mut bad = message(&Header::default(), b"");
        bad[..4].copy_from_slice(&8u32.to_ne_bytes());
        assert_eq!(d.feed(&bad, &mut Vec::new()), Err(Malformed::LengthTooSmall(8)));

        let mut d = Deframer::new();
        let mut long = message(&Header::default(), b"abcd");
        long[..4].copy_from_slice(&100u32.to_ne_bytes());
        let mut out = Vec::new();
        assert_eq!(d.feed(&long, &mut out), Ok(()));
        assert_eq!(out.len(), 2, "the start and the 4 body bytes that came");
        assert_eq!(d.finish(), Err(Malformed::EndInBody { length: 100, received: 20 }));
        assert_eq!(d.finish(), Ok(()), "ready for a new stream");

        let mut d = Deframer::new();
        assert_eq!(d.feed(&long[..5], &mut Vec::new()), Ok(()));
        assert_eq!(d.finish(), Err(Malformed::EndInHeader(5)));

        // A huge length field is a long body, not an allocation.
        let mut d = Deframer::new();
        long[..4].copy_from_slice(&u32::MAX.to_ne_bytes());
        assert_eq!(d.feed(&long, &mut Vec::new()), Ok(()));
        assert!(matches!(d.finish(), Err(Malformed::EndInBody { length: u32::MAX, received: 20 })));
    }

    #[test]
    fn addresses() {
        assert_eq!(parse_address("pid=0;groups=0"), Ok((0, 0)));
        assert_eq!(parse_address(""), Ok((0, 0)));
        assert_eq!(parse_address(" groups = 0x441 ; pid=12 ;"), Ok((12, 0x441)));
        assert!(parse_address("port=1").is_err());
        assert!(parse_address("pid").is_err());
        assert!(parse_address("pid=-1").is_err());
    }

    #[test]
    fn padding_missing_after_the_last_message_is_no_error() {
        let m = message(&Header::default(), b"a");
        let mut d = Deframer::new();
        let mut out = Vec::new();
        assert_eq!(d.feed(&m[..17], &mut out), Ok(()));
        assert_eq!(out.last(), Some(&Piece::End));
        assert_eq!(d.finish(), Ok(()));
    }
}
