//! The TLS ClientHello, sans-IO: gathering it from the handshake records at the start of a TLS
//! stream and reading the server names (SNI) and application protocols (ALPN) it offers.

/// What a ClientHello offers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Hello {
    /// The host names of the server name indication (SNI) extension.
    pub server_names: Vec<String>,
    /// The protocols of the ALPN extension, in the client's order of preference.
    pub protocol_names: Vec<String>,
}

/// Where reading the hello stands.
#[derive(Debug, PartialEq, Eq)]
pub enum Progress {
    /// Not enough bytes yet.
    More,
    /// The hello is complete.
    Done(Hello),
    /// Not a TLS ClientHello (or one too large or malformed to read).
    NotHello,
}

/// The longest handshake message collected (a ClientHello is a few hundred bytes; post-quantum
/// key shares make it a few kilobytes).
pub const MAX_HELLO: usize = 64 * 1024;

/// Reads the ClientHello from the TLS records at the start of `b`.
pub fn client_hello(b: &[u8]) -> Progress {
    // Gather the handshake bytes carried by the leading handshake records.
    let mut hs = Vec::new();
    let mut pos = 0;
    loop {
        if hs.len() >= 4 {
            let need = 4 + ((hs[1] as usize) << 16 | (hs[2] as usize) << 8 | hs[3] as usize);
            if hs[0] != 1 || need > MAX_HELLO {
                return Progress::NotHello;
            }
            if hs.len() >= need {
                return parse_hello(&hs[4..need]).map_or(Progress::NotHello, Progress::Done);
            }
        }
        let Some(header) = b.get(pos..pos + 5) else {
            return if b.len() > pos && b[pos] != 22 { Progress::NotHello } else { Progress::More };
        };
        if header[0] != 22 || header[1] != 3 {
            return Progress::NotHello;
        }
        let len = u16::from_be_bytes([header[3], header[4]]) as usize;
        if len == 0 {
            return Progress::NotHello;
        }
        let Some(body) = b.get(pos + 5..pos + 5 + len) else { return Progress::More };
        hs.extend_from_slice(body);
        pos += 5 + len;
    }
}

/// A cursor over the hello's fields; every read is bounds-checked.
struct Reader<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.pos..self.pos + n)?;
        self.pos += n;
        Some(s)
    }
    fn u8(&mut self) -> Option<usize> {
        self.take(1).map(|s| s[0] as usize)
    }
    fn u16(&mut self) -> Option<usize> {
        self.take(2).map(|s| (s[0] as usize) << 8 | s[1] as usize)
    }
    /// A sub-reader over the next `n` bytes.
    fn sub(&mut self, n: usize) -> Option<Reader<'a>> {
        self.take(n).map(|b| Reader { b, pos: 0 })
    }
    fn done(&self) -> bool {
        self.pos >= self.b.len()
    }
}

/// Reads the body of a ClientHello handshake message (after its 4-byte handshake header); None
/// when it is malformed.
pub fn parse_hello(body: &[u8]) -> Option<Hello> {
    let mut r = Reader { b: body, pos: 0 };
    r.take(2 + 32)?; // version, random
    let n = r.u8()?;
    r.take(n)?; // session id
    let n = r.u16()?;
    r.take(n)?; // cipher suites
    let n = r.u8()?;
    r.take(n)?; // compression methods
    let mut hello = Hello::default();
    if r.done() {
        return Some(hello);
    }
    let n = r.u16()?;
    let mut exts = r.sub(n)?;
    while !exts.done() {
        let kind = exts.u16()?;
        let n = exts.u16()?;
        let mut ext = exts.sub(n)?;
        match kind {
            0 => {
                let n = ext.u16()?;
                let mut list = ext.sub(n)?;
                while !list.done() {
                    let name_type = list.u8()?;
                    let n = list.u16()?;
                    let name = list.take(n)?;
                    if name_type == 0 {
                        hello.server_names.push(String::from_utf8_lossy(name).into_owned());
                    }
                }
            }
            16 => {
                let n = ext.u16()?;
                let mut list = ext.sub(n)?;
                while !list.done() {
                    let n = list.u8()?;
                    hello.protocol_names.push(String::from_utf8_lossy(list.take(n)?).into_owned());
                }
            }
            _ => {}
        }
    }
    Some(hello)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ClientHello with SNI `example.com` and ALPN `h2`, `http/1.1`, as records.
    fn hello_records(split: usize) -> Vec<u8> {
        let sni = [&[0u8, 0][..], &[0, 16], &[0, 14], &[0], &[0, 11], b"example.com"].concat();
        let alpn = [&[0u8, 16][..], &[0, 14], &[0, 12], &[2], b"h2", &[8], b"http/1.1"].concat();
        let exts = [sni, alpn].concat();
        let body =
            [&[3u8, 3][..], &[7; 32], &[0], &[0, 2, 0x13, 0x01], &[1, 0], &(exts.len() as u16).to_be_bytes(), &exts]
                .concat();
        let hs = [&[1u8][..], &(body.len() as u32).to_be_bytes()[1..], &body].concat();
        // Split the handshake over two records at `split`.
        let (a, b) = hs.split_at(split.min(hs.len()));
        let mut out = Vec::new();
        for part in [a, b] {
            if !part.is_empty() {
                out.extend_from_slice(&[22, 3, 1]);
                out.extend_from_slice(&(part.len() as u16).to_be_bytes());
                out.extend_from_slice(part);
            }
        }
        out
    }

    #[test]
    fn reads_sni_and_alpn_across_records_and_reads() {
        let want =
            Hello { server_names: vec!["example.com".into()], protocol_names: vec!["h2".into(), "http/1.1".into()] };
        for split in [usize::MAX, 3, 40] {
            let b = hello_records(split);
            assert_eq!(client_hello(&b), Progress::Done(want.clone()), "split {split}");
            for cut in 0..b.len() {
                assert_eq!(client_hello(&b[..cut]), Progress::More, "split {split} cut {cut}");
            }
        }
        assert_eq!(client_hello(b"GET / HTTP/1.1\r\n"), Progress::NotHello);
        assert_eq!(client_hello(&[22, 3, 1, 0, 4, 2, 0, 0, 0]), Progress::NotHello);
        let mut bad = hello_records(usize::MAX);
        let n = bad.len();
        bad[n - 9] = 200; // an ALPN name longer than its list
        assert_eq!(client_hello(&bad), Progress::NotHello);
    }
}
