//! Multipart bodies (RFC 2046), sans-IO: the boundary of a `multipart/*` content type, and a
//! streaming splitter that cuts a body into parts (headers, then body bytes) as bytes arrive.
//! The preamble and epilogue are dropped. A delimiter is recognised at the start of a line, and a
//! part's body runs up to the delimiter itself: the line break in front of it stays in the body
//! (RFC 2046 gives it to the delimiter, but the original Pipy keeps it in the part, and so do we,
//! so a part re-encoded on its own keeps its bytes). A part's headers are bounded; a header block
//! larger than that ends the splitting.

/// The most header bytes read for one part.
const MAX_PART_HEADER: usize = 16 * 1024;

/// The boundary of a `multipart/*` content type, if it has one.
pub fn boundary(content_type: &str) -> Option<String> {
    if content_type.len() > 1000 || !content_type.trim_start().to_ascii_lowercase().starts_with("multipart/") {
        return None;
    }
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        if !k.trim().eq_ignore_ascii_case("boundary") {
            return None;
        }
        let v = v.trim().trim_matches('"');
        (!v.is_empty()).then(|| v.to_string())
    })
}

/// What the splitter produces.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    /// A part begins, with its headers (names lower-cased).
    Start(Vec<(String, String)>),
    /// Bytes of the current part's body.
    Body(Vec<u8>),
    /// The current part ends.
    End,
}

/// Where the splitter is in the body.
#[derive(Debug, PartialEq, Eq)]
enum State {
    Preamble,
    /// Just after a delimiter: a closing `--` or the rest of the line.
    AfterDelimiter,
    Headers,
    Body,
    Done,
}

/// A streaming splitter for one multipart body.
pub struct Splitter {
    /// `--boundary`.
    delimiter: Vec<u8>,
    pending: Vec<u8>,
    state: State,
}

/// Where `needle` first occurs in `hay`.
fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The `name: value` lines of a part's header block, names lower-cased.
fn parse_headers(block: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(block)
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once(':')?;
            Some((k.trim().to_ascii_lowercase(), v.trim().to_string()))
        })
        .collect()
}

impl Splitter {
    /// A splitter for a body whose parts are delimited by `--boundary`.
    pub fn new(boundary: &str) -> Splitter {
        let mut delimiter = b"--".to_vec();
        delimiter.extend_from_slice(boundary.as_bytes());
        // The body starts as if after a line break, so a delimiter on the first line is found.
        Splitter { delimiter, pending: b"\n".to_vec(), state: State::Preamble }
    }

    /// Feeds bytes; returns what they complete.
    pub fn input(&mut self, bytes: &[u8], out: &mut Vec<Piece>) {
        self.pending.extend_from_slice(bytes);
        loop {
            let before = (self.pending.len(), std::mem::discriminant(&self.state));
            self.step(out);
            if before == (self.pending.len(), std::mem::discriminant(&self.state)) {
                return;
            }
        }
    }

    /// The body ended: a part still open ends here.
    pub fn end(&mut self, out: &mut Vec<Piece>) {
        if self.state == State::Body {
            // In the body, `pending` starts with the line-break marker (see `step`).
            let rest = self.pending.split_off(1.min(self.pending.len()));
            self.pending.clear();
            if !rest.is_empty() {
                out.push(Piece::Body(rest));
            }
            out.push(Piece::End);
        }
        self.state = State::Done;
    }

    /// The next delimiter at the start of a line: where the delimiter starts (just after its line
    /// break) and where it ends.
    fn next_delimiter(&self) -> Option<(usize, usize)> {
        let mut needle = b"\n".to_vec();
        needle.extend_from_slice(&self.delimiter);
        let at = find(&self.pending, &needle)?;
        Some((at + 1, at + needle.len()))
    }

    /// One step of the state machine over `pending`.
    fn step(&mut self, out: &mut Vec<Piece>) {
        let keep = self.delimiter.len() + 2;
        match self.state {
            State::Preamble => match self.next_delimiter() {
                Some((_, after)) => {
                    self.pending.drain(..after);
                    self.state = State::AfterDelimiter;
                }
                None => {
                    let drop = self.pending.len().saturating_sub(keep);
                    self.pending.drain(..drop);
                }
            },
            State::AfterDelimiter => {
                if self.pending.len() < 2 {
                    return;
                }
                if self.pending.starts_with(b"--") {
                    self.pending.clear();
                    self.state = State::Done;
                } else if let Some(nl) = self.pending.iter().position(|&c| c == b'\n') {
                    self.pending.drain(..nl + 1);
                    self.state = State::Headers;
                }
            }
            State::Headers => {
                let end = find(&self.pending, b"\r\n\r\n").map(|i| (i, i + 4));
                let end = end.or_else(|| find(&self.pending, b"\n\n").map(|i| (i, i + 2)));
                // A part with no headers starts its body right away.
                let end = if self.pending.starts_with(b"\r\n") {
                    Some((0, 2))
                } else if self.pending.starts_with(b"\n") {
                    Some((0, 1))
                } else {
                    end
                };
                match end {
                    Some((i, body)) => {
                        out.push(Piece::Start(parse_headers(&self.pending[..i])));
                        self.pending.drain(..body);
                        // Keep the line-break convention: a delimiter right away is found too.
                        self.pending.insert(0, b'\n');
                        self.state = State::Body;
                    }
                    None if self.pending.len() > MAX_PART_HEADER => {
                        self.pending.clear();
                        self.state = State::Done;
                    }
                    None => {}
                }
            }
            State::Body => {
                // `pending` starts with one byte that is not the body's: a line-break marker in
                // front of the body's first bytes, or the last body byte already passed on. So a
                // delimiter at the very start is found like any other, and only at a line start.
                let start = 1;
                match self.next_delimiter() {
                    Some((delimiter, after)) => {
                        let body = self.pending[start.min(delimiter)..delimiter].to_vec();
                        if !body.is_empty() {
                            out.push(Piece::Body(body));
                        }
                        out.push(Piece::End);
                        self.pending.drain(..after);
                        self.state = State::AfterDelimiter;
                    }
                    None => {
                        let upto = self.pending.len().saturating_sub(keep);
                        if upto > start {
                            out.push(Piece::Body(self.pending[start..upto].to_vec()));
                            // Keep the last byte passed on in front of the kept tail (which may
                            // hold the start of a delimiter with its line break).
                            self.pending.drain(..upto - 1);
                        }
                    }
                }
            }
            State::Done => self.pending.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_all(body: &[u8], chunk: usize) -> Vec<Piece> {
        let mut s = Splitter::new("frontier");
        let mut out = Vec::new();
        for c in body.chunks(chunk) {
            s.input(c, &mut out);
        }
        s.end(&mut out);
        // Join consecutive body pieces so the result does not depend on the chunking.
        let mut joined: Vec<Piece> = Vec::new();
        for p in out {
            match (joined.last_mut(), p) {
                (Some(Piece::Body(a)), Piece::Body(b)) => a.extend_from_slice(&b),
                (_, p) => joined.push(p),
            }
        }
        joined
    }

    #[test]
    fn parts_whatever_the_chunking() {
        let body = b"preamble\r\n--frontier\r\nContent-Type: text/plain\r\n\r\nfirst body\r\n--frontier\r\n\
                     X-A: 1\r\n\r\nsecond\r\nwith --frontie lines\r\n--frontier--\r\nepilogue";
        let want = vec![
            Piece::Start(vec![("content-type".into(), "text/plain".into())]),
            Piece::Body(b"first body\r\n".to_vec()),
            Piece::End,
            Piece::Start(vec![("x-a".into(), "1".into())]),
            Piece::Body(b"second\r\nwith --frontie lines\r\n".to_vec()),
            Piece::End,
        ];
        for chunk in [1, 2, 3, 7, 1000] {
            assert_eq!(split_all(body, chunk), want, "chunk {chunk}");
        }
        // LF line endings, a part that is just a line break, and a body cut short.
        let body = b"--frontier\n\n\n--frontier\nA: b\n\npartial";
        let want = vec![
            Piece::Start(vec![]),
            Piece::Body(b"\n".to_vec()),
            Piece::End,
            Piece::Start(vec![("a".into(), "b".into())]),
            Piece::Body(b"partial".to_vec()),
            Piece::End,
        ];
        for chunk in [1, 5, 1000] {
            assert_eq!(split_all(body, chunk), want, "chunk {chunk}");
        }
        // A part with nothing before its delimiter is empty; a delimiter inside a line is data,
        // wherever the reads cut the bytes.
        let body = b"--frontier\r\n\r\n--frontier\r\n\r\nx--frontier\r\n--frontier--";
        let want = vec![
            Piece::Start(vec![]),
            Piece::End,
            Piece::Start(vec![]),
            Piece::Body(b"x--frontier\r\n".to_vec()),
            Piece::End,
        ];
        for chunk in [1, 2, 3, 4, 12, 13, 1000] {
            assert_eq!(split_all(body, chunk), want, "chunk {chunk}");
        }
        assert_eq!(boundary("multipart/form-data; boundary=\"abc\""), Some("abc".into()));
        assert_eq!(boundary("text/plain; boundary=abc"), None);
        assert_eq!(boundary("multipart/mixed"), None);
    }
}
