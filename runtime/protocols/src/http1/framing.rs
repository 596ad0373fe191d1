//! Byte-level framing pieces of the decoder: collecting a block of lines up to its empty line
//! (heads, trailer sections), chunk-size lines, and the length headers.

use super::error::DecodeErrorKind as K;
use super::head::Header;

/// Which limit a block of lines broke.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineError {
    /// The first line (request line / status line) is too long.
    FirstLine,
    /// Another line is too long.
    Line,
    /// The block as a whole is too large.
    Total,
}

impl LineError {
    /// The error kind for a head: a long request line is a long URI (414), anything else a
    /// too-large header; on the response side both are just "too large".
    pub(crate) fn head_kind(self, is_response: bool) -> K {
        match self {
            LineError::FirstLine if !is_response => K::UriTooLong,
            _ => K::HeaderTooLarge,
        }
    }
}

/// The first allocation for a block of lines (a typical request head fits).
const FIRST_BLOCK: usize = 256;

/// Collects the lines of a head or trailer section, across input chunks, until the empty line.
#[derive(Debug, Default)]
pub(crate) struct Lines {
    buf: Vec<u8>,
    /// Bytes of the current, unfinished line (CR included, LF not).
    line_len: usize,
    /// Complete non-empty lines collected.
    lines: usize,
}

impl Lines {
    /// Consumes bytes of `data` up to and including the empty line that ends the block. Returns
    /// how many bytes were consumed and whether the block is complete. With `skip_leading_empty`,
    /// empty lines before the first line are dropped (RFC 9112 §2.2: a server should ignore at
    /// least one; clients send a stray CRLF after a body).
    pub(crate) fn scan(
        &mut self,
        data: &[u8],
        limits: &super::decoder::Limits,
        skip_leading_empty: bool,
    ) -> Result<(usize, bool), LineError> {
        if self.buf.capacity() == 0 {
            // Most heads fit: one allocation rather than a doubling per few bytes.
            self.buf.reserve(FIRST_BLOCK);
        }
        let mut i = 0;
        while let Some(rest) = data.get(i..).filter(|r| !r.is_empty()) {
            let Some(p) = rest.iter().position(|&b| b == b'\n') else {
                self.line_len += rest.len();
                self.buf.extend_from_slice(rest);
                self.check(limits)?;
                return Ok((data.len(), false));
            };
            let total = self.line_len + p;
            let ends_cr = match p.checked_sub(1) {
                Some(q) => rest.get(q) == Some(&b'\r'),
                None => self.line_len > 0 && self.buf.last() == Some(&b'\r'),
            };
            let content = total - usize::from(ends_cr);
            let seg = rest.get(..=p).unwrap_or_default();
            i += p + 1;
            if content == 0 {
                if self.lines == 0 && skip_leading_empty {
                    self.buf.clear();
                    self.line_len = 0;
                    continue;
                }
                self.buf.extend_from_slice(seg);
                self.line_len = 0;
                self.check(limits)?;
                return Ok((i, true));
            }
            self.line_len = total;
            self.check(limits)?;
            self.buf.extend_from_slice(seg);
            self.line_len = 0;
            self.lines += 1;
        }
        Ok((data.len(), false))
    }

    fn check(&self, limits: &super::decoder::Limits) -> Result<(), LineError> {
        if self.line_len > limits.max_line_size {
            Err(if self.lines == 0 { LineError::FirstLine } else { LineError::Line })
        } else if self.buf.len() > limits.max_head_size {
            Err(LineError::Total)
        } else {
            Ok(())
        }
    }

    /// True when nothing but line breaks has been collected.
    pub(crate) fn is_blank(&self) -> bool {
        self.lines == 0 && self.buf.iter().all(|&b| b == b'\r' || b == b'\n')
    }

    /// Takes the completed block and its line count, leaving the collector empty.
    pub(crate) fn take(&mut self) -> (Vec<u8>, usize) {
        let lines = std::mem::take(&mut self.lines);
        self.line_len = 0;
        (std::mem::take(&mut self.buf), lines)
    }

    /// Lets go of the block's allocation while no block is being collected (an idle
    /// keep-alive connection holds none; the next head costs one allocation).
    pub(crate) fn shrink(&mut self) {
        if self.buf.is_empty() {
            self.buf = Vec::new();
        }
    }

    /// Returns a block's allocation for reuse by the next one.
    pub(crate) fn give_back(&mut self, mut block: Vec<u8>) {
        block.clear();
        self.buf = block;
    }
}

/// Checks a request head byte by byte while it is still arriving, so that bytes that cannot
/// begin a valid request are refused at once rather than when (if ever) the head ends. It
/// follows the full parse (`httparse`, run on the complete head) rule for rule, with the same
/// error kinds, so a head split anywhere fails the same way as in one piece; for a version
/// other than 1.x (it may be the HTTP/2 preface) it stops checking and leaves the decision to
/// the full parse.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct HeadCheck {
    state: Check,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Check {
    /// Nothing but empty lines yet.
    #[default]
    Start,
    /// A CR before the request line; its LF is next.
    StartCr,
    Method,
    /// The first byte of the target is next.
    TargetStart,
    /// Within the target (which must be UTF-8): `need` more continuation bytes of a character,
    /// the next one within `lo..=hi`.
    Target {
        need: u8,
        lo: u8,
        hi: u8,
    },
    /// Bytes of `HTTP/1.x` matched so far.
    Version(u8),
    /// The CR ending the request line; its LF is next.
    RequestCr,
    /// A header line (or the empty line) begins.
    LineStart,
    Name,
    Value,
    /// The CR ending a header line; its LF is next.
    ValueCr,
    /// No more to check: the head is ending, or the full parse decides.
    Done,
}

/// The target state after byte `b` begins a character: a visible ASCII byte, or the lead byte
/// of a UTF-8 sequence (with the range its next byte must fall in, as `str::from_utf8` rules:
/// no overlong forms, no surrogates, nothing above U+10FFFF).
fn utf8_lead(b: u8) -> Option<Check> {
    let (need, lo, hi) = match b {
        b'!'..=0x7e => (0, 0x80, 0xbf),
        0xc2..=0xdf => (1, 0x80, 0xbf),
        0xe0 => (2, 0xa0, 0xbf),
        0xe1..=0xec | 0xee..=0xef => (2, 0x80, 0xbf),
        0xed => (2, 0x80, 0x9f),
        0xf0 => (3, 0x90, 0xbf),
        0xf1..=0xf3 => (3, 0x80, 0xbf),
        0xf4 => (3, 0x80, 0x8f),
        _ => return None,
    };
    Some(Check::Target { need, lo, hi })
}

fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

impl HeadCheck {
    /// Checks the next bytes of the head.
    pub(crate) fn feed(&mut self, bytes: &[u8]) -> Result<(), K> {
        for &b in bytes {
            self.state = match (self.state, b) {
                (Check::Done, _) => return Ok(()),
                (Check::Start, b'\n') | (Check::StartCr, b'\n') => Check::Start,
                (Check::Start, b'\r') => Check::StartCr,
                (Check::Start | Check::Method, b) if is_token(b) => Check::Method,
                (Check::Method, b' ') => Check::TargetStart,
                (Check::TargetStart | Check::Target { need: 0, .. }, b) => match utf8_lead(b) {
                    Some(t) => t,
                    None if b == b' ' && self.state != Check::TargetStart => Check::Version(0),
                    None => return Err(K::BadStartLine),
                },
                (Check::Target { need, lo, hi }, b) if (lo..=hi).contains(&b) => {
                    Check::Target { need: need - 1, lo: 0x80, hi: 0xbf }
                }
                (Check::Version(i @ 0..=6), b) if b"HTTP/1."[usize::from(i)] == b => Check::Version(i + 1),
                (Check::Version(5), b'2') => Check::Done,
                (Check::Version(7), b'0' | b'1') => Check::Version(8),
                (Check::Version(0..=7), _) => return Err(K::UnsupportedVersion),
                (Check::Version(_), b'\r') => Check::RequestCr,
                (Check::Version(_), b'\n') | (Check::RequestCr, b'\n') => Check::LineStart,
                (Check::Start | Check::StartCr | Check::Method | Check::Target { .. }, _)
                | (Check::Version(_) | Check::RequestCr, _) => return Err(K::BadStartLine),
                (Check::LineStart, b'\r' | b'\n') => Check::Done,
                (Check::LineStart | Check::Name, b) if is_token(b) => Check::Name,
                (Check::Name, b':') => Check::Value,
                (Check::Value, b'\r') => Check::ValueCr,
                (Check::Value, b'\n') | (Check::ValueCr, b'\n') => Check::LineStart,
                (Check::Value, b'\t' | b' '..=0x7e | 0x80..=0xff) => Check::Value,
                (Check::LineStart | Check::Name | Check::Value | Check::ValueCr, _) => return Err(K::BadHeader),
            };
        }
        Ok(())
    }
}

/// A chunk-size line being read: `1A3F[ ;ext=val]CRLF`.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct ChunkLine {
    size: u64,
    digits: u32,
    /// Whitespace seen after the digits: only an extension or the line end may follow.
    ws: bool,
    ext: bool,
    cr: bool,
    len: usize,
}

impl ChunkLine {
    /// Takes one byte; returns the chunk size once the line is complete.
    pub(crate) fn push(&mut self, b: u8, max_line: usize) -> Result<Option<u64>, K> {
        self.len += 1;
        if self.len > max_line + 2 {
            return Err(K::BadChunk);
        }
        if self.cr && b != b'\n' {
            return Err(K::BadChunk);
        }
        match b {
            b'\n' => return if self.digits == 0 { Err(K::BadChunk) } else { Ok(Some(self.size)) },
            b'\r' => self.cr = true,
            _ if self.ext => {}
            b';' if self.digits > 0 => self.ext = true,
            b' ' | b'\t' if self.digits > 0 => self.ws = true,
            _ if !self.ws => {
                let v = match b {
                    b'0'..=b'9' => b - b'0',
                    b'a'..=b'f' => b - b'a' + 10,
                    b'A'..=b'F' => b - b'A' + 10,
                    _ => return Err(K::BadChunk),
                };
                // 16 hex digits fill a u64; a 17th would overflow (leading zeros aside).
                if self.size >> 60 != 0 {
                    return Err(K::BadChunk);
                }
                self.size = (self.size << 4) | u64::from(v);
                self.digits += 1;
            }
            _ => return Err(K::BadChunk),
        }
        Ok(None)
    }
}

/// The message's `Content-Length`, if any. Every value (repeated headers, or a comma list
/// such as `5, 5`) must be a decimal number and all must agree (RFC 9110 §8.6).
pub(crate) fn content_length(headers: &[Header]) -> Result<Option<u64>, K> {
    let mut found: Option<u64> = None;
    for h in headers.iter().filter(|h| h.is("content-length")) {
        for part in h.value.split(',') {
            let part = part.trim();
            if part.is_empty() || part.len() > 19 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(K::InvalidContentLength);
            }
            let n: u64 = part.parse().map_err(|_| K::InvalidContentLength)?;
            match found {
                Some(m) if m != n => return Err(K::ConflictingLength),
                _ => found = Some(n),
            }
        }
    }
    Ok(found)
}

/// `Some(is_chunked)` when the message has a `Transfer-Encoding`: whether its last coding is
/// `chunked` (only then is the body self-delimiting).
pub(crate) fn transfer_encoding(headers: &[Header]) -> Option<bool> {
    let mut present = false;
    let mut last = "";
    for h in headers.iter().filter(|h| h.is("transfer-encoding")) {
        present = true;
        for t in h.value.split(',').map(str::trim).filter(|t| !t.is_empty()) {
            last = t;
        }
    }
    present.then(|| last.eq_ignore_ascii_case("chunked"))
}

/// Parses a complete trailer section of `lines` field lines (plus its empty line).
pub(crate) fn parse_trailers(block: &[u8], lines: usize) -> Result<Vec<Header>, K> {
    if lines == 0 {
        return Ok(Vec::new());
    }
    let mut raw = vec![httparse::EMPTY_HEADER; lines];
    match httparse::parse_headers(block, &mut raw) {
        Ok(httparse::Status::Complete((_, parsed))) => Ok(parsed
            .iter()
            .filter(|h| !h.name.is_empty())
            .map(|h| Header::new(h.name, String::from_utf8_lossy(h.value).into_owned()))
            .collect()),
        _ => Err(K::BadTrailer),
    }
}
