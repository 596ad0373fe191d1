//! FastCGI (version 1) records, sans-IO: the 8-byte record header, a [`RecordDecoder`] that cuts
//! a byte stream into whole records, [`write_record`] that frames content back (split at 65535
//! bytes, padded to a multiple of 8 as the original pads), the bodies of `FCGI_BEGIN_REQUEST` and
//! `FCGI_END_REQUEST`, and the name-value pairs of `FCGI_PARAMS` ([`ParamsDecoder`] reads a
//! params stream that may be cut anywhere across records; [`write_params`] writes one).
//!
//! Errors are values: a record with a version other than 1, a BEGIN_REQUEST or END_REQUEST body
//! shorter than 8 bytes, a params stream ending inside a pair or growing past
//! [`MAX_PARAMS_SIZE`]. Nothing here panics on input, and a decoder buffers at most one record.

use std::fmt;

/// The only protocol version.
pub const VERSION: u8 = 1;
/// The length of a record header.
pub const HEADER_LENGTH: usize = 8;
/// The most content one record carries.
pub const MAX_CONTENT_LENGTH: usize = 0xffff;
/// The most bytes a request's params stream may have in all (the pairs as encoded).
pub const MAX_PARAMS_SIZE: usize = 1 << 20;

/// Record types.
pub const BEGIN_REQUEST: u8 = 1;
pub const ABORT_REQUEST: u8 = 2;
pub const END_REQUEST: u8 = 3;
pub const PARAMS: u8 = 4;
pub const STDIN: u8 = 5;
pub const STDOUT: u8 = 6;
pub const STDERR: u8 = 7;
pub const DATA: u8 = 8;
pub const GET_VALUES: u8 = 9;
pub const GET_VALUES_RESULT: u8 = 10;
pub const UNKNOWN_TYPE: u8 = 11;

/// The BEGIN_REQUEST flag asking the application to keep the connection open.
pub const KEEP_CONN: u8 = 1;

/// Roles.
pub const RESPONDER: u16 = 1;
pub const AUTHORIZER: u16 = 2;
pub const FILTER: u16 = 3;

/// Protocol statuses of END_REQUEST.
pub const REQUEST_COMPLETE: u8 = 0;
pub const CANT_MPX_CONN: u8 = 1;
pub const OVERLOADED: u8 = 2;
pub const UNKNOWN_ROLE: u8 = 3;

/// What is wrong with the bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A record header with a version other than 1.
    Version(u8),
    /// A BEGIN_REQUEST body of this length (8 bytes are needed).
    BeginRequestLength(usize),
    /// An END_REQUEST body of this length (8 bytes are needed).
    EndRequestLength(usize),
    /// The params stream ended in the middle of a name-value pair.
    TruncatedParams,
    /// The params stream is larger than [`MAX_PARAMS_SIZE`].
    ParamsTooLarge,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Version(v) => write!(f, "record version {v} (only 1 is FastCGI)"),
            Error::BeginRequestLength(n) => write!(f, "FCGI_BEGIN_REQUEST body of {n} bytes (8 expected)"),
            Error::EndRequestLength(n) => write!(f, "FCGI_END_REQUEST body of {n} bytes (8 expected)"),
            Error::TruncatedParams => write!(f, "FCGI_PARAMS stream ends inside a name-value pair"),
            Error::ParamsTooLarge => write!(f, "FCGI_PARAMS stream larger than {MAX_PARAMS_SIZE} bytes"),
        }
    }
}

impl std::error::Error for Error {}

/// A record header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    pub version: u8,
    pub kind: u8,
    pub request_id: u16,
    pub content_length: u16,
    pub padding_length: u8,
}

/// Reads a record header (any version: the decoder checks it).
pub fn parse_header(h: &[u8; HEADER_LENGTH]) -> Header {
    Header {
        version: h[0],
        kind: h[1],
        request_id: u16::from_be_bytes([h[2], h[3]]),
        content_length: u16::from_be_bytes([h[4], h[5]]),
        padding_length: h[6],
    }
}

/// The bytes of a record header.
pub fn write_header(h: &Header) -> [u8; HEADER_LENGTH] {
    let id = h.request_id.to_be_bytes();
    let len = h.content_length.to_be_bytes();
    [h.version, h.kind, id[0], id[1], len[0], len[1], h.padding_length, 0]
}

/// One whole record, its padding dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub kind: u8,
    pub request_id: u16,
    pub content: Vec<u8>,
}

/// Cuts a byte stream into records.
#[derive(Debug, Default)]
pub struct RecordDecoder {
    header: [u8; HEADER_LENGTH],
    /// Header bytes read so far (all of them once a body is being read).
    have: usize,
    /// The record whose body is being read, and the padding still to skip after its content.
    current: Option<(Header, Vec<u8>, usize)>,
    failed: bool,
}

impl RecordDecoder {
    pub fn new() -> RecordDecoder {
        RecordDecoder::default()
    }

    /// Reads `input`, appending the records it completes to `out`. After an error the decoder
    /// reads nothing more.
    pub fn feed(&mut self, mut input: &[u8], out: &mut Vec<Record>) -> Result<(), Error> {
        if self.failed {
            return Ok(());
        }
        while !input.is_empty() {
            match &mut self.current {
                None => {
                    let n = (HEADER_LENGTH - self.have).min(input.len());
                    self.header[self.have..self.have + n].copy_from_slice(&input[..n]);
                    self.have += n;
                    input = &input[n..];
                    if self.have < HEADER_LENGTH {
                        continue;
                    }
                    self.have = 0;
                    let h = parse_header(&self.header);
                    if h.version != VERSION {
                        self.failed = true;
                        return Err(Error::Version(h.version));
                    }
                    let content = Vec::with_capacity(usize::from(h.content_length));
                    self.current = Some((h, content, usize::from(h.padding_length)));
                }
                Some((h, content, padding)) => {
                    let want = usize::from(h.content_length) - content.len();
                    let n = want.min(input.len());
                    content.extend_from_slice(&input[..n]);
                    input = &input[n..];
                    let skip = (*padding).min(input.len());
                    if content.len() == usize::from(h.content_length) {
                        *padding -= skip;
                        input = &input[skip..];
                    }
                }
            }
            self.complete(out);
        }
        // A header without content or padding is a whole record at once.
        self.complete(out);
        Ok(())
    }

    /// Hands out the current record when its content and padding are all read.
    fn complete(&mut self, out: &mut Vec<Record>) {
        let done = matches!(&self.current, Some((h, c, 0)) if c.len() == usize::from(h.content_length));
        if done {
            if let Some((h, content, _)) = self.current.take() {
                out.push(Record { kind: h.kind, request_id: h.request_id, content });
            }
        }
    }

    /// Between records: nothing of a next record has been read.
    pub fn is_idle(&self) -> bool {
        self.current.is_none() && self.have == 0
    }
}

/// Appends records of `kind` carrying `content` to `out`: one empty record when `content` is
/// empty (the end of a stream), else as many as 65535-byte pieces need. Each is padded to a
/// multiple of 8 bytes.
pub fn write_record(kind: u8, request_id: u16, content: &[u8], out: &mut Vec<u8>) {
    let mut pieces = content.chunks(MAX_CONTENT_LENGTH).peekable();
    if pieces.peek().is_none() {
        return write_one(kind, request_id, &[], out);
    }
    for piece in pieces {
        write_one(kind, request_id, piece, out);
    }
}

fn write_one(kind: u8, request_id: u16, content: &[u8], out: &mut Vec<u8>) {
    let len = content.len().min(MAX_CONTENT_LENGTH);
    let padding = (8 - len % 8) % 8;
    let h = Header { version: VERSION, kind, request_id, content_length: len as u16, padding_length: padding as u8 };
    out.extend_from_slice(&write_header(&h));
    out.extend_from_slice(&content[..len]);
    out.resize(out.len() + padding, 0);
}

/// The body of FCGI_BEGIN_REQUEST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BeginRequest {
    pub role: u16,
    pub flags: u8,
}

impl BeginRequest {
    pub fn parse(b: &[u8]) -> Result<BeginRequest, Error> {
        match b {
            [r1, r0, flags, _, _, _, _, _] => Ok(BeginRequest { role: u16::from_be_bytes([*r1, *r0]), flags: *flags }),
            _ => Err(Error::BeginRequestLength(b.len())),
        }
    }

    pub fn keep_conn(&self) -> bool {
        self.flags & KEEP_CONN != 0
    }

    pub fn to_bytes(self) -> [u8; 8] {
        let r = self.role.to_be_bytes();
        [r[0], r[1], self.flags, 0, 0, 0, 0, 0]
    }
}

/// The body of FCGI_END_REQUEST.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct EndRequest {
    pub app_status: u32,
    pub protocol_status: u8,
}

impl EndRequest {
    pub fn parse(b: &[u8]) -> Result<EndRequest, Error> {
        match b {
            [a3, a2, a1, a0, status, _, _, _] => {
                Ok(EndRequest { app_status: u32::from_be_bytes([*a3, *a2, *a1, *a0]), protocol_status: *status })
            }
            _ => Err(Error::EndRequestLength(b.len())),
        }
    }

    pub fn to_bytes(self) -> [u8; 8] {
        let a = self.app_status.to_be_bytes();
        [a[0], a[1], a[2], a[3], self.protocol_status, 0, 0, 0]
    }
}

/// Reads the name-value pairs of a params stream (the content of a request's FCGI_PARAMS
/// records, in order, up to the empty one). A pair may be cut anywhere between records.
#[derive(Debug, Default)]
pub struct ParamsDecoder {
    /// Bytes of pairs not complete yet.
    pending: Vec<u8>,
    /// Bytes of the stream so far.
    total: usize,
}

/// A length of a pair: one byte under 128, else four with the top bit set.
fn read_length(b: &[u8], at: usize) -> Option<(usize, usize)> {
    let first = *b.get(at)?;
    if first & 0x80 == 0 {
        return Some((usize::from(first), at + 1));
    }
    let four = b.get(at..at + 4)?;
    let n = u32::from_be_bytes([first & 0x7f, four[1], four[2], four[3]]);
    Some((n as usize, at + 4))
}

/// One pair at the front of `b`: (name, value, bytes used), or None when `b` has only part of it.
fn read_pair(b: &[u8]) -> Option<(&[u8], &[u8], usize)> {
    let (name_len, at) = read_length(b, 0)?;
    let (value_len, at) = read_length(b, at)?;
    let name_end = at.checked_add(name_len)?;
    let value_end = name_end.checked_add(value_len)?;
    let name = b.get(at..name_end)?;
    let value = b.get(name_end..value_end)?;
    Some((name, value, value_end))
}

impl ParamsDecoder {
    pub fn new() -> ParamsDecoder {
        ParamsDecoder::default()
    }

    /// Reads the content of one FCGI_PARAMS record, appending the pairs it completes.
    pub fn feed(&mut self, content: &[u8], out: &mut Vec<(Vec<u8>, Vec<u8>)>) -> Result<(), Error> {
        self.total = self.total.saturating_add(content.len());
        if self.total > MAX_PARAMS_SIZE {
            return Err(Error::ParamsTooLarge);
        }
        self.pending.extend_from_slice(content);
        let mut used = 0;
        while let Some((name, value, n)) = read_pair(&self.pending[used..]) {
            out.push((name.to_vec(), value.to_vec()));
            used += n;
        }
        self.pending.drain(..used);
        Ok(())
    }

    /// The stream ended (its empty record came): an error when a pair was left unfinished.
    pub fn finish(&mut self) -> Result<(), Error> {
        if self.pending.is_empty() { Ok(()) } else { Err(Error::TruncatedParams) }
    }
}

fn write_length(n: usize, out: &mut Vec<u8>) {
    if n < 0x80 {
        out.push(n as u8);
    } else {
        let n = (n.min(0x7fff_ffff) as u32) | 0x8000_0000;
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// Appends the encoding of name-value pairs to `out` (the content of a params stream; frame it
/// with [`write_record`], then end it with an empty FCGI_PARAMS record).
pub fn write_params<'a>(pairs: impl IntoIterator<Item = (&'a [u8], &'a [u8])>, out: &mut Vec<u8>) {
    for (name, value) in pairs {
        write_length(name.len(), out);
        write_length(value.len(), out);
        out.extend_from_slice(name);
        out.extend_from_slice(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8], step: usize) -> Result<Vec<Record>, Error> {
        let mut d = RecordDecoder::new();
        let mut out = Vec::new();
        for piece in bytes.chunks(step.max(1)) {
            d.feed(piece, &mut out)?;
        }
        assert!(d.is_idle(), "a record left unfinished");
        Ok(out)
    }

    #[test]
    fn records_round_trip_in_any_cut() {
        let mut b = Vec::new();
        write_record(BEGIN_REQUEST, 1, &BeginRequest { role: RESPONDER, flags: KEEP_CONN }.to_bytes(), &mut b);
        write_record(PARAMS, 1, b"\x01\x02abc", &mut b);
        write_record(PARAMS, 1, b"", &mut b);
        write_record(STDIN, 0x1234, b"hello", &mut b);
        assert_eq!(b.len() % 8, 0, "every record is padded to 8");
        assert_eq!(&b[..8], &[1, BEGIN_REQUEST, 0, 1, 0, 8, 0, 0]);
        assert_eq!(&b[16..24], &[1, PARAMS, 0, 1, 0, 5, 3, 0], "5 bytes of content, 3 of padding");
        let want = vec![
            Record { kind: BEGIN_REQUEST, request_id: 1, content: vec![0, 1, 1, 0, 0, 0, 0, 0] },
            Record { kind: PARAMS, request_id: 1, content: b"\x01\x02abc".to_vec() },
            Record { kind: PARAMS, request_id: 1, content: vec![] },
            Record { kind: STDIN, request_id: 0x1234, content: b"hello".to_vec() },
        ];
        for step in [1, 2, 3, 7, 8, 9, 1000] {
            assert_eq!(decode_all(&b, step), Ok(want.clone()), "cut every {step} bytes");
        }
    }

    #[test]
    fn long_content_is_split_into_records_of_at_most_65535_bytes() {
        let body = vec![7u8; MAX_CONTENT_LENGTH + 10];
        let mut b = Vec::new();
        write_record(STDOUT, 3, &body, &mut b);
        let got = decode_all(&b, 4096).expect("valid");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].content.len(), MAX_CONTENT_LENGTH);
        assert_eq!(got[1].content.len(), 10);
        assert!(got.iter().all(|r| r.kind == STDOUT && r.request_id == 3));
    }

    #[test]
    fn a_bad_version_is_an_error_and_stops_the_decoder() {
        let mut d = RecordDecoder::new();
        let mut out = Vec::new();
        assert_eq!(d.feed(&[2, 1, 0, 1, 0, 0, 0, 0], &mut out), Err(Error::Version(2)));
        assert_eq!(d.feed(&[1, 1, 0, 1, 0, 0, 0, 0], &mut out), Ok(()));
        assert!(out.is_empty());
        assert!(Error::Version(2).to_string().contains("version 2"));
    }

    #[test]
    fn padding_from_the_peer_is_skipped_whatever_its_length() {
        let mut b = vec![1, STDOUT, 0, 1, 0, 2, 200, 0, b'o', b'k'];
        b.extend_from_slice(&[0; 200]);
        b.extend_from_slice(&[1, END_REQUEST, 0, 1, 0, 8, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0]);
        let got = decode_all(&b, 5).expect("valid");
        assert_eq!(got[0].content, b"ok");
        assert_eq!(EndRequest::parse(&got[1].content), Ok(EndRequest { app_status: 9, protocol_status: 0 }));
    }

    #[test]
    fn begin_and_end_bodies() {
        let b = BeginRequest { role: AUTHORIZER, flags: KEEP_CONN };
        assert_eq!(BeginRequest::parse(&b.to_bytes()), Ok(b));
        assert!(b.keep_conn());
        assert_eq!(BeginRequest::parse(&[0, 1, 0]), Err(Error::BeginRequestLength(3)));
        let e = EndRequest { app_status: 0x0102_0304, protocol_status: UNKNOWN_ROLE };
        assert_eq!(e.to_bytes(), [1, 2, 3, 4, 3, 0, 0, 0]);
        assert_eq!(EndRequest::parse(&e.to_bytes()), Ok(e));
        assert_eq!(EndRequest::parse(&[]), Err(Error::EndRequestLength(0)));
    }

    #[test]
    fn params_round_trip_across_any_record_cut() {
        let long = vec![b'v'; 300];
        let pairs: Vec<(&[u8], &[u8])> =
            vec![(b"SCRIPT_NAME", b"/index.php"), (b"EMPTY", b""), (b"LONG", &long), (b"", b"x")];
        let mut stream = Vec::new();
        write_params(pairs.iter().copied(), &mut stream);
        assert_eq!(&stream[..2], &[11, 10]);
        for cut in 1..stream.len() {
            let mut d = ParamsDecoder::new();
            let mut out = Vec::new();
            d.feed(&stream[..cut], &mut out).expect("fits");
            d.feed(&stream[cut..], &mut out).expect("fits");
            d.finish().expect("whole");
            let got: Vec<(&[u8], &[u8])> = out.iter().map(|(n, v)| (n.as_slice(), v.as_slice())).collect();
            assert_eq!(got, pairs, "cut at {cut}");
        }
    }

    #[test]
    fn params_errors() {
        let mut d = ParamsDecoder::new();
        let mut out = Vec::new();
        d.feed(b"\x05\x05ab", &mut out).expect("so far so good");
        assert!(out.is_empty());
        assert_eq!(d.finish(), Err(Error::TruncatedParams));
        // A length near 2^31 waits for bytes that cannot come: the size cap ends it.
        let mut d = ParamsDecoder::new();
        d.feed(&[0xff, 0xff, 0xff, 0xff, 0x01], &mut out).expect("a length alone is fine");
        let chunk = vec![0u8; MAX_CONTENT_LENGTH];
        let mut r = Ok(());
        for _ in 0..=MAX_PARAMS_SIZE / MAX_CONTENT_LENGTH {
            r = d.feed(&chunk, &mut out);
            if r.is_err() {
                break;
            }
        }
        assert_eq!(r, Err(Error::ParamsTooLarge));
        assert!(out.is_empty());
    }
}
